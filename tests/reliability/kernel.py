"""A real ipykernel driven over its ZeroMQ channels, as a notebook front end drives it."""

from __future__ import annotations

import json
import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_client import KernelManager


class Kernel:
    """Responsibilities: start one kernel in a folder, run cells, send widget messages
    (`comm_msg` with ipywidgets' `{"method": "custom", "content": ...}`), interrupt it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(cwd=str(folder))
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)

    @property
    def alive(self) -> bool:
        return bool(self.manager.is_alive())

    def run(self, code: str, timeout: float = 60) -> tuple[str, str]:
        """Run a cell; return (everything shown: streams, results, errors; reply status)."""
        msg_id = self.client.execute(code)
        return self._collect(msg_id, timeout), self._reply(msg_id, timeout)

    def start(self, code: str) -> str:
        """Start a cell without waiting (to interrupt it); returns its message id."""
        return str(self.client.execute(code))

    def finish(self, msg_id: str, timeout: float = 60) -> tuple[str, str]:
        return self._collect(msg_id, timeout), self._reply(msg_id, timeout)

    def value(self, expression: str) -> Any:
        """A JSON-able value computed in the kernel."""
        out, status = self.run(f"import json as _json\nprint(_json.dumps({expression}))")
        assert status == "ok", out
        return json.loads(out.strip().splitlines()[-1])

    def send_to_widget(self, comm_id: str, content: Any) -> str:
        """What anywidget's `model.send(content)` sends; returns the message id."""
        data = {"method": "custom", "content": content}
        return self.send_comm(comm_id, data)

    def send_comm(self, comm_id: str, data: Any) -> str:
        msg = self.client.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.client.shell_channel.send(msg)
        return str(msg["header"]["msg_id"])

    def wait_for_output(self, msg_id: str, text: str, timeout: float = 30) -> None:
        """Until the kernel, handling message `msg_id`, prints `text` (user code is running)."""
        self._wait(msg_id, lambda content: text in str(content.get("text", "")), f"print {text!r}", timeout)

    def wait_idle(self, msg_id: str, timeout: float = 30) -> None:
        """Until the kernel has finished handling message `msg_id`."""
        self._wait(msg_id, lambda content: content.get("execution_state") == "idle", "finish", timeout)

    def _wait(self, msg_id: str, seen: Callable[[dict[str, Any]], bool], what: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_iopub_msg(timeout=1)
            except queue.Empty:
                continue
            if msg["parent_header"].get("msg_id") == msg_id and seen(msg["content"]):
                return
        raise AssertionError(f"the kernel did not {what} in {timeout} s; alive: {self.alive}")

    def interrupt(self) -> None:
        self.manager.interrupt_kernel()

    def _collect(self, msg_id: str, timeout: float) -> str:
        shown = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.client.get_iopub_msg(timeout=1)
            except queue.Empty:
                if not self.alive:
                    raise AssertionError("the kernel died") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                shown.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                shown.append(content["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                shown.append(f"{content['ename']}: {content['evalue']}\n")
            elif kind == "status" and content["execution_state"] == "idle":
                return "".join(shown)
        raise AssertionError(f"no answer from the kernel in {timeout} s; alive: {self.alive}")

    def _reply(self, msg_id: str, timeout: float) -> str:
        while True:
            reply = self.client.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return str(reply["content"]["status"])
