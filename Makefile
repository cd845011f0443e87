# The two commands a newcomer needs are `make lab` and `make test`.
# Both create the virtual environment in .venv on first use; later runs
# reuse it and reinstall only when pyproject.toml has changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

# Same numerics everywhere: one BLAS thread per process (the test run
# already uses both cores through two workers) and a fixed hash seed.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export PYTHONHASHSEED := 0

# A cell that waits 5 minutes has hung (e.g. a kernel that lost its connection): fail, do not stall.
PYTEST_NB := --nbval --nbval-current-env --nbval-cell-timeout=300 --nbval-sanitize-with tests/nbval_sanitize.cfg

SEED ?= 0

.PHONY: practice-paper formula-sheet help lab test test-unit test-notebooks test-slow execute bench results clean venv html test-browser

help:
	@echo "make lab            open the course in JupyterLab (creates .venv on first use)"
	@echo "make test           unit tests + nbval (strict) on every notebook"
	@echo "make test-slow      re-check the results of the scripts in tools/ (minutes)"
	@echo "make execute        re-run every notebook in place in a fresh kernel"
	@echo "make bench          notebook execution times and widget latencies"
	@echo "make results        re-run the deterministic training scripts tools/results_*.py"
	@echo "make html           the notebooks with their outputs as a static site in site/ (no kernel needed)"
	@echo "make test-browser   run every notebook in JupyterLab in headless Chromium: widgets render and update"
	@echo "make practice-paper SEED=3   a printable practice paper of hand calculations with its answer key"
	@echo "make formula-sheet  the one-page A4 formula sheet in row and column form (build/formula_sheet.html)"
	@echo "make clean          remove .venv and caches"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else "This course needs Python 3.10 or newer; $(PYTHON) is %d.%d. Run e.g. make PYTHON=python3.11 ..." % v[:2])'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	@touch $(STAMP)

# JupyterLab refuses to run as root unless told to (containers often run as root).
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
	$(BIN)/jupyter lab $(ALLOW_ROOT) notebooks/00_start_here.ipynb

test: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" -n 2 --dist loadfile tests $(PYTEST_NB) notebooks

test-unit: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow" tests

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile $(PYTEST_NB) notebooks

test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow tests

execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Results that take minutes to train (lag sweeps, seq2seq weights) come from
# deterministic scripts; `make test-slow` re-checks what they produced.
results: $(STAMP)
	@for script in tools/results_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# A static copy of the course for reading and revising on any device, kernel-free.
html: $(STAMP)
	$(BIN)/python tools/build_site.py --out site $(NOTEBOOKS)

# The widgets in a real browser. Needs Debian's Chromium (apt-get install chromium);
# Playwright (the `browser` extra) drives it and never downloads a browser.
BROWSER_STAMP := $(VENV)/.installed-browser

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[browser]"
	@touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	$(BIN)/python tools/browser_test.py $(NOTEBOOKS)

# Hand-calculation drills (course_utils.drills) as a printable paper: build/practice_paper_seed$(SEED).html
practice-paper: $(STAMP)
	$(BIN)/python tools/practice_paper.py --seed $(SEED)

# The one-page formula sheet (course_utils.formula_sheet), row and column form: build/formula_sheet.html
formula-sheet: $(STAMP)
	$(BIN)/python tools/formula_sheet.py

clean:
	rm -rf $(VENV) .pytest_cache site build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
