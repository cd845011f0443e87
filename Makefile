# The two commands a newcomer needs are `make lab` and `make test`.
# Both create the virtual environment in .venv on first use; later runs
# reuse it and reinstall only when pyproject.toml has changed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# + nbgrader (the `teach` extra), for workbooks, autograde and test-slow
TEACH_STAMP := $(VENV)/.installed-teach
NOTEBOOKS := $(sort $(wildcard notebooks/*.ipynb))

# Same numerics everywhere: one BLAS thread per process (the test run
# already uses both cores through two workers) and a fixed hash seed.
export OMP_NUM_THREADS ?= 1
export OPENBLAS_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1
export PYTHONHASHSEED := 0

# A kernel that sits idle without answering a cell fails within ~15 s, naming the cell
# (tools/kernel_watchdog.py, installed by conftest.py); a cell still busy after 2 minutes fails too.
PYTEST_NB := --nbval --nbval-current-env --nbval-cell-timeout=120 --nbval-sanitize-with tests/nbval_sanitize.cfg

SEED ?= 0

.PHONY: practice-paper formula-sheet help lab test test-unit test-notebooks test-notebook test-portable test-compat test-slow execute bench results clean venv html test-browser \
        workbooks autograde test-workbooks hub-link test-hub slides

help:
	@echo "make lab            open the course in JupyterLab (creates .venv on first use)"
	@echo "make test           unit tests + nbval (strict) on every notebook"
	@echo "make test-notebook NB=notebooks/01_mlp_recap.ipynb   nbval (strict) on one notebook"
	@echo "make test-portable  nbval on every notebook as other CPUs/NumPys compute it (CI runs it)"
	@echo "make test-compat    make test with the oldest NumPy the course supports (own venv)"
	@echo "make test-slow      re-check the results of the scripts in tools/ (minutes)"
	@echo "make execute        re-run every notebook in place in a fresh kernel"
	@echo "make bench          notebook execution times and widget latencies"
	@echo "make results        re-run the deterministic training scripts tools/results_*.py"
	@echo "make html           the notebooks with their outputs as a static site in site/ (no kernel needed)"
	@echo "make slides        static reveal.js slides of every chapter in build/slides/ (offline: reveal.js and MathJax copied in)"
	@echo "make test-browser   every notebook in JupyterLab and the static site in headless Chromium (layout, math, latency)"
	@echo "make practice-paper SEED=3   a printable practice paper of hand calculations with its answer key"
	@echo "make formula-sheet  the one-page A4 formula sheet in row and column form (build/formula_sheet.html)"
	@echo "make workbooks      re-run the workbooks' solutions and regenerate the student versions with nbgrader"
	@echo "make autograde SUBMISSIONS=dir   grade students' workbooks (dir/<student>/<workbook>.ipynb): score table + feedback"
	@echo "make test-workbooks nbgrader on the workbooks: student versions up to date, autograde full marks / zero"
	@echo "make hub-link REPO=url HUB=url [BRANCH=main] [NOTEBOOK=00_start_here.ipynb]   the nbgitpuller link for a class"
	@echo "make test-hub       pre-semester check: a throw-away JupyterHub, two students in Chromium, an update pulled"
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

# One notebook, with the same thread and hash-seed settings as `make test`.
test-notebook: $(STAMP)
	@test -n "$(NB)" || { echo "usage: make test-notebook NB=notebooks/01_mlp_recap.ipynb"; exit 2; }
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_NB) $(NB)

# Portable outputs (DESIGN §6): replay the stored outputs as other machines compute them.
# OpenBLAS's Haswell (AVX2 laptops) and Prescott (SSE3) kernels round differently from
# this CPU's; COURSE_UTILS_PERTURB nudges every random draw (weights, data) by 1e-12 of its
# size and float32 initial weights by 4 float32 ulps, standing in for MKL, Accelerate and
# other NumPy builds (course_utils/_perturb.py). Every mode runs even if one fails; NB=... for one.
PORTABLE_MODES := native OPENBLAS_CORETYPE=Haswell OPENBLAS_CORETYPE=Prescott COURSE_UTILS_PERTURB=1e-12
test-portable: $(STAMP)
	@failed=""; for mode in $(PORTABLE_MODES); do \
	    echo "== test-portable: $$mode"; \
	    env $$(test $$mode = native || echo $$mode) $(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --dist loadfile \
	        $(PYTEST_NB) $(or $(NB),notebooks) || failed="$$failed $$mode"; \
	done; \
	if [ -n "$$failed" ]; then echo "test-portable FAILED under:$$failed"; exit 1; fi; \
	echo "test-portable: stored outputs reproduced under $(PORTABLE_MODES)"

# The oldest NumPy the course supports (pyproject: numpy>=1.24), in its own venv.
COMPAT_VENV := .venv-compat
COMPAT_PINS := "numpy==1.24.*"
$(COMPAT_VENV)/.installed: pyproject.toml
	@test -x $(COMPAT_VENV)/bin/python || $(PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COMPAT_VENV)/bin/python -m pip install --quiet -e ".[lab,test]" $(COMPAT_PINS)
	@touch $@

test-compat: $(COMPAT_VENV)/.installed
	@$(COMPAT_VENV)/bin/python -c "import numpy, matplotlib; print('test-compat: NumPy', numpy.__version__, '/ matplotlib', matplotlib.__version__)"
	$(COMPAT_VENV)/bin/python -m pytest -q -p no:cacheprovider -m "not slow" -n 2 --dist loadfile tests $(PYTEST_NB) notebooks

test-slow: $(TEACH_STAMP)
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
	$(BIN)/python tools/build_site.py --out site

# Presenter mode: static reveal.js slides per chapter (tools/build_slides.py), from the cells'
# slide metadata that tools/slides.py derives by rule. reveal.js comes from npm once into
# build/slides-cache/ and is copied next to the slides with MathJax: they open offline.
# (Live, with working widgets: RISE in JupyterLab, the `teach` extra; README: Presenting in class.)
slides: $(STAMP)
	$(BIN)/python tools/slides.py --check
	$(BIN)/python tools/build_slides.py --out build/slides

# The widgets in a real browser. Needs Debian's Chromium (apt-get install chromium);
# Playwright (the `browser` extra) drives it and never downloads a browser.
BROWSER_STAMP := $(VENV)/.installed-browser

# (+ the `teach` extra: RISE and jupyterlab-slideshow, whose live slides tests/browser/test_slides.py checks)
$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[browser,teach]"
	@touch $(BROWSER_STAMP)

# pytest-playwright: one item per notebook and check, at 1366x768 in JupyterLab and at
# 390x844 and 1366x768 on the static site; traces of failed notebooks in build/browser/.
test-browser: $(BROWSER_STAMP)
	COURSE_BROWSER_TESTS=1 $(BIN)/python -m pytest -q -rs -p no:cacheprovider -n 2 --dist loadgroup \
	    --output build/browser/artifacts --tracing retain-on-failure --screenshot only-on-failure tests/browser

# Hand-calculation drills (course_utils.drills) as a printable paper: build/practice_paper_seed$(SEED).html
practice-paper: $(STAMP)
	$(BIN)/python tools/practice_paper.py --seed $(SEED)

# The one-page formula sheet (course_utils.formula_sheet), row and column form: build/formula_sheet.html
formula-sheet: $(STAMP)
	$(BIN)/python tools/formula_sheet.py
# Workbooks (notebooks/workbook/): the learner writes the code. The solutions with nbgrader's
# markers are the source; nbgrader (the `teach` extra) makes the student versions and grades.
WORKBOOK_SOLUTIONS := $(sort $(wildcard notebooks/workbook/solutions/*.ipynb))

$(TEACH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[teach]"
	@touch $(TEACH_STAMP)

workbooks: $(TEACH_STAMP)
	$(BIN)/python tools/execute_notebooks.py $(WORKBOOK_SOLUTIONS)
	$(BIN)/python tools/workbooks.py generate

autograde: $(TEACH_STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "usage: make autograde SUBMISSIONS=folder  (folder/<student>/<workbook>.ipynb)"; exit 2; }
	$(BIN)/python tools/workbooks.py autograde "$(SUBMISSIONS)"

test-workbooks: $(TEACH_STAMP)
	$(BIN)/python -m pytest -q -m slow tests/test_workbooks_nbgrader.py

# The nbgitpuller link for a class on JupyterHub (README: Teaching a class with it).
# Needs only Python's standard library, so no .venv.
hub-link:
	@test -n "$(REPO)" -a -n "$(HUB)" || { echo "usage: make hub-link REPO=https://github.com/OWNER/REPO HUB=https://hub.example.edu [BRANCH=main] [NOTEBOOK=00_start_here.ipynb] [FOLDER=name]"; exit 2; }
	@$(PYTHON) tools/hub_link.py --repo "$(REPO)" --hub "$(HUB)" --branch "$(or $(BRANCH),main)" \
	    --notebook "$(or $(NOTEBOOK),00_start_here.ipynb)" $(if $(FOLDER),--folder "$(FOLDER)")

# The teacher's pre-semester check of the JupyterHub path (tools/hub_check.py): a throw-away hub on
# 127.0.0.1, two students in Chromium, an update pushed and pulled; everything it starts is stopped.
HUB_STAMP := $(VENV)/.installed-hub
$(HUB_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[hub,browser]"
	@touch $(HUB_STAMP)

test-hub: $(HUB_STAMP)
	$(BIN)/python tools/hub_check.py

clean:
	rm -rf $(VENV) $(COMPAT_VENV) .pytest_cache site build
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
