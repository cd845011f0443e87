"""A kernel that stops answering fails in seconds, naming the notebook and cell.

Rarely, a fresh ipykernel sits idle and never answers an execute request (the
request or its reply is lost; see benchmarks/hang_rate.md for the measured rate).
A plain per-cell timeout cannot tell that from a slow cell, so it has to be long
(it was 300 s). This module tells them apart by asking: when no reply has come
for ``PROBE_AFTER`` seconds, it sends a ``kernel_info_request`` on the same shell
channel. A kernel busy with the cell answers it only after the cell's reply (one
shell request at a time), so a slow cell just keeps running. A kernel that
answers the probe first is idle and has dropped the cell: that is a hang.

What happens then:
- nbval (``pytest --nbval``; the root conftest.py installs this): if the kernel
  never started the cell (nothing on IOPub for it), re-running it is safe, so the
  same request is sent once more; if the cell ran to the end and only its reply
  was lost, its outputs are compared as usual; if the resent request is dropped
  too, or the cell had started and not finished, the test fails with "kernel idle ... no reply" and the cell's first line
  (pytest names the notebook and cell).
- tools/execute_notebooks.py: ``WatchedNotebookClient`` raises ``KernelHung``
  naming the cell; the script re-runs the whole notebook once in a fresh kernel
  (safe: a notebook is written only after a complete run).
- A kernel that dies or never answers while starting is replaced once, in both.
"""

import asyncio
import os
import time
from queue import Empty

PROBE_AFTER = float(os.environ.get("COURSE_KERNEL_PROBE_AFTER", 15))


class KernelHung(RuntimeError):
    """The kernel is idle and answers other requests, but not the cell's."""


def _first_line(code):
    lines = [line for line in code.splitlines() if line.strip()]
    return (lines[0][:70] + (" ..." if len(lines) > 1 else "")) if lines else "(empty cell)"


def hung_message(where, code, waited):
    return (f"{where}: the kernel is idle and answered a probe, but sent no reply to this cell "
            f"for {waited:.0f} s (a hung kernel, see tools/kernel_watchdog.py); the cell starts: "
            f"{_first_line(code)}")


def await_reply(get_shell_msg, send_probe, msg_id, timeout, probe_after=None):
    """Wait for the shell reply to ``msg_id``; probe the kernel when it is silent.

    ``get_shell_msg(timeout)`` returns the next shell message or raises Empty;
    ``send_probe()`` sends a kernel_info_request and returns its msg_id.
    Returns the reply; raises Empty after ``timeout`` s in total (a slow cell) or
    KernelHung as soon as the probe is answered before the reply.
    """
    probe_after = PROBE_AFTER if probe_after is None else probe_after
    start = time.monotonic()
    deadline = None if timeout is None else start + timeout
    probe = None
    while True:
        wait = probe_after if probe is None else 1.0
        if deadline is not None:
            wait = min(wait, deadline - time.monotonic())
            if wait <= 0:
                raise Empty
        try:
            msg = get_shell_msg(wait)
        except Empty:
            if probe is None:
                probe = send_probe()
            continue
        parent = msg["parent_header"].get("msg_id")
        if parent == msg_id:
            return msg
        if probe is not None and parent == probe:
            raise KernelHung(time.monotonic() - start)


# --- nbval ------------------------------------------------------------------

def install_nbval_watchdog():
    """Patch nbval's RunningKernel: probe a silent kernel, resend a dropped cell once."""
    from nbval.kernel import RunningKernel

    if getattr(RunningKernel, "_watchdog", False):
        return
    plain_get_message = RunningKernel.get_message

    def execute_cell_input(self, cell_input, allow_stdin=None):
        content = dict(code=cell_input, silent=False, store_history=False, user_expressions={},
                       allow_stdin=bool(allow_stdin), stop_on_error=False)
        msg = self.kc.session.msg("execute_request", content)
        self.kc.shell_channel.send(msg)
        self._last_request = msg
        return msg["header"]["msg_id"]

    def get_message(self, stream, timeout=None):
        buffered = getattr(self, "_iopub_buffer", None)
        if stream == "iopub" and buffered:
            return buffered.pop(0)
        return plain_get_message(self, stream, timeout=timeout)

    def started(self, msg_id):
        """Drain IOPub for a moment (kept for nbval): did the kernel start this request?"""
        self._iopub_buffer = getattr(self, "_iopub_buffer", [])
        try:
            while True:
                self._iopub_buffer.append(plain_get_message(self, "iopub", timeout=1.0))
        except Empty:
            pass
        return any(m["parent_header"].get("msg_id") == msg_id for m in self._iopub_buffer)

    def watched_await_reply(self, msg_id, timeout=None):
        request = getattr(self, "_last_request", None)
        if request is None or request["header"]["msg_id"] != msg_id:   # kernel_info at start-up
            return original_await_reply(self, msg_id, timeout)
        code = request["content"]["code"]

        def wait():
            msg = await_reply(lambda t: plain_get_message(self, "shell", timeout=t), self.kc.kernel_info,
                              msg_id, timeout)
            if msg["content"]["status"] == "aborted":
                raise RuntimeError("Kernel aborted execution request")

        try:
            return wait()
        except KernelHung as hung:
            if started(self, msg_id):
                if any(m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status"
                       and m["content"]["execution_state"] == "idle" for m in self._iopub_buffer):
                    return None                          # it ran to the end; only its reply was lost
                raise RuntimeError(hung_message("nbval", code, hung.args[0])) from None
            self.kc.shell_channel.send(request)          # never started: sending it again is safe
            try:
                return wait()
            except KernelHung as again:
                raise RuntimeError(hung_message("nbval (sent twice)", code, hung.args[0] + again.args[0])) from None

    plain_init = RunningKernel.__init__

    def init(self, *args, **kwargs):
        try:
            plain_init(self, *args, **kwargs)
        except RuntimeError:                # died or hung while starting: nothing ran yet, start another once
            plain_init(self, *args, **kwargs)

    original_await_reply = RunningKernel.await_reply
    RunningKernel.__init__ = init
    RunningKernel.execute_cell_input = execute_cell_input
    RunningKernel.get_message = get_message
    RunningKernel.await_reply = watched_await_reply
    RunningKernel._watchdog = True


# --- nbclient (tools/execute_notebooks.py) ----------------------------------

def watched_client_class():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError

    class WatchedNotebookClient(NotebookClient):
        """nbclient's NotebookClient whose wait for a cell's reply probes a silent kernel."""

        async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg,
                                        task_poll_kernel_alive):
            loop = asyncio.get_running_loop()
            start = loop.time()
            probe = None
            while True:
                wait = PROBE_AFTER if probe is None else 1.0
                if timeout is not None:
                    wait = min(wait, start + timeout - loop.time())
                    if wait <= 0:
                        task_poll_kernel_alive.cancel()
                        raise CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", timeout, cell)
                try:
                    msg = await self.kc.shell_channel.get_msg(timeout=wait)
                except Empty:
                    await self._async_check_alive()
                    if probe is None:
                        probe = self.kc.kernel_info()
                    continue
                parent = msg["parent_header"].get("msg_id")
                if parent == probe:
                    task_poll_kernel_alive.cancel()
                    index = self.nb.cells.index(cell)
                    raise KernelHung(hung_message(f"cell {index}", cell.source, loop.time() - start))
                if parent == msg_id:
                    try:
                        await asyncio.wait_for(task_poll_output_msg, self.iopub_timeout)
                    except (asyncio.TimeoutError, Empty):
                        task_poll_kernel_alive.cancel()
                        raise CellTimeoutError.error_from_timeout_and_cell(
                            "Timeout waiting for IOPub output", self.iopub_timeout, cell) from None
                    task_poll_kernel_alive.cancel()
                    return msg

    return WatchedNotebookClient
