"""Loaded by every pytest run in this folder (tests/ and the nbval run of notebooks/).

nbval's kernel gets a watchdog: a kernel that sits idle without answering a cell
fails that cell in about 15 s, naming it, instead of after the cell timeout; a
cell the kernel never started is sent once more (tools/kernel_watchdog.py).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

from kernel_watchdog import install_nbval_watchdog  # noqa: E402


def pytest_configure(config):
    if getattr(config.option, "nbval", False) or getattr(config.option, "nbval_lax", False):
        install_nbval_watchdog()
