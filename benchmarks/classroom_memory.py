"""Memory a class needs per student: the RSS of a kernel that ran a chapter, and of a bare server.

    python benchmarks/classroom_memory.py [--notebooks 00 02] [--repeat 3]

For each notebook: executed in a fresh kernel (nbclient, on a temporary copy), then the kernel
process's resident set size (VmRSS from /proc) is read while the kernel is still alive.
Then a bare `jupyter server` (what a single-user server is before it opens any kernel) is
started on 127.0.0.1, its RSS read once its API answers, and stopped by PID.
The README's sizing section quotes these figures (Linux only: it reads /proc).
"""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def rss_mib(pid):
    """Resident set size of one process in MiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def kernel_rss_after(notebook):
    """Execute a copy of ``notebook`` in a fresh kernel; the kernel's RSS (MiB) at the end."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / notebook.name
        shutil.copy(notebook, copy)
        nb = nbformat.read(copy, as_version=4)
        client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(notebook.parent)}})
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            pid = client.km.provisioner.process.pid
            return rss_mib(pid)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_rss(app="server"):
    """RSS (MiB) of an idle `jupyter <app>` (server or lab) once its API answers."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(Path(sys.executable).parent / "jupyter"), app, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
               "--IdentityProvider.token=", f"--ServerApp.root_dir={tmp}", "--allow-root"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(f"jupyter {app} did not answer on port {port}")
                    time.sleep(0.5)
            time.sleep(2)  # let start-up settle
            return rss_mib(proc.pid)
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notebooks", nargs="*", default=["00", "02"], help="notebook name prefixes")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    for prefix in args.notebooks:
        [notebook] = sorted((ROOT / "notebooks").glob(f"{prefix}_*.ipynb"))
        runs = [kernel_rss_after(notebook) for _ in range(args.repeat)]
        print(f"kernel after {notebook.name}: median {statistics.median(runs):.0f} MiB RSS "
              f"(runs: {', '.join(f'{r:.0f}' for r in runs)})", flush=True)
    for app in ("server",):  # `jupyter lab` is the same process with the same extensions loaded
        runs = [server_rss(app) for _ in range(args.repeat)]
        print(f"idle jupyter {app}: median {statistics.median(runs):.0f} MiB RSS "
              f"(runs: {', '.join(f'{r:.0f}' for r in runs)})", flush=True)


if __name__ == "__main__":
    main()
