"""tools/kernel_watchdog.py: a kernel that drops a cell fails fast; a slow cell does not."""

import sys
import time
from queue import Empty

import nbformat
import pytest

from tools_loader import TOOLS, load_tool

sys.path.insert(0, str(TOOLS))
import kernel_watchdog as watchdog  # noqa: E402  (the module the root conftest.py installs)


class FakeShell:
    """Shell messages that arrive at given times after the start (seconds)."""

    def __init__(self, schedule):
        self.start = time.monotonic()
        self.schedule = sorted(schedule)           # [(time, parent msg_id)]
        self.probes = 0

    def get(self, timeout):
        if self.schedule:
            at, parent = self.schedule[0]
            delay = at - (time.monotonic() - self.start)
            if delay <= timeout:
                time.sleep(max(0.0, delay))
                self.schedule.pop(0)
                return {"parent_header": {"msg_id": parent}, "content": {"status": "ok"}}
        time.sleep(timeout)
        raise Empty

    def probe(self):
        self.probes += 1
        self.schedule.append((time.monotonic() - self.start + 0.01, "probe"))
        return "probe"


class BusyShell(FakeShell):
    """A busy kernel answers the probe only after the cell's reply."""

    def probe(self):
        self.probes += 1
        self.schedule.append((self.schedule[-1][0] + 0.01 if self.schedule else 99, "probe"))
        return "probe"


def test_reply_is_returned():
    shell = FakeShell([(0.02, "cell")])
    assert watchdog.await_reply(shell.get, shell.probe, "cell", timeout=5, probe_after=1)["parent_header"]["msg_id"] == "cell"
    assert shell.probes == 0


def test_an_idle_kernel_that_answers_the_probe_has_hung():
    shell = FakeShell([])                          # the cell's reply never comes
    start = time.monotonic()
    with pytest.raises(watchdog.KernelHung):
        watchdog.await_reply(shell.get, shell.probe, "cell", timeout=60, probe_after=0.1)
    assert time.monotonic() - start < 2 and shell.probes == 1


def test_a_slow_cell_is_not_a_hang():
    shell = BusyShell([(0.5, "cell")])             # busy for 0.5 s: the probe waits behind the cell
    msg = watchdog.await_reply(shell.get, shell.probe, "cell", timeout=5, probe_after=0.1)
    assert msg["parent_header"]["msg_id"] == "cell" and shell.probes == 1


def test_a_cell_busy_past_the_timeout_times_out():
    shell = BusyShell([(30, "cell")])
    with pytest.raises(Empty):
        watchdog.await_reply(shell.get, shell.probe, "cell", timeout=0.3, probe_after=0.1)


def test_message_names_the_cell():
    text = watchdog.hung_message("cell 7", "x = 1\ny = 2\n", 15.2)
    assert text.startswith("cell 7: the kernel is idle") and "15 s" in text and "x = 1 ..." in text


# --- with a real kernel: the first execute request is dropped, as in a hang --------------

def drop_first_execute(kc):
    send = kc.shell_channel.send
    dropped = []

    def lossy_send(msg):
        if msg["header"]["msg_type"] == "execute_request" and not dropped:
            dropped.append(msg)
            return None
        return send(msg)

    kc.shell_channel.send = lossy_send
    return dropped


def test_nbval_resends_a_dropped_cell_once(monkeypatch):
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel

    watchdog.install_nbval_watchdog()
    monkeypatch.setattr(watchdog, "PROBE_AFTER", 0.5)
    kernel = RunningKernel(CURRENT_ENV_KERNEL_NAME)
    try:
        dropped = drop_first_execute(kernel.kc)
        start = time.monotonic()
        msg_id = kernel.execute_cell_input("print(6 * 7)", allow_stdin=False)
        kernel.await_reply(msg_id, timeout=60)
        assert dropped and time.monotonic() - start < 10
        texts = []
        while True:
            msg = kernel.get_message("iopub", timeout=5)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                texts.append(msg["content"]["text"])
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        assert texts == ["42\n"]
    finally:
        kernel.stop()


def test_executor_names_the_hung_cell_and_retries_the_notebook(tmp_path, monkeypatch):
    executor = load_tool("execute_notebooks")
    monkeypatch.setattr(watchdog, "PROBE_AFTER", 0.5)
    base = watchdog.watched_client_class()
    runs = []

    class LossyOnce(base):
        async def async_start_new_kernel_client(self):
            kc = await super().async_start_new_kernel_client()
            if not runs:
                drop_first_execute(kc)
            runs.append(1)
            return kc

    monkeypatch.setattr(executor, "watched_client_class", lambda: LossyOnce)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    seconds = executor.execute(path)
    assert len(runs) == 2 and seconds < 60
    assert nbformat.read(path, as_version=4).cells[0].outputs[0]["text"] == "42\n"


def test_nbval_replaces_a_kernel_that_dies_while_starting(monkeypatch):
    import nbval.kernel
    from nbval.kernel import CURRENT_ENV_KERNEL_NAME, RunningKernel

    watchdog.install_nbval_watchdog()
    real_start, calls = nbval.kernel.start_new_kernel, []

    def dies_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return real_start(*args, **kwargs)

    monkeypatch.setattr(nbval.kernel, "start_new_kernel", dies_once)
    kernel = RunningKernel(CURRENT_ENV_KERNEL_NAME)
    try:
        assert len(calls) == 2 and kernel.is_alive()
    finally:
        kernel.stop()
