"""A real IPython shell for tests, with the helpers each magic test needs."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from sideflow.extension import Registry


class Shell:
    """Runs cells like a notebook does and captures what the user would see."""

    def __init__(self, ip: InteractiveShell, folder: Path) -> None:
        self.ip = ip
        self.folder = folder

    @property
    def ns(self) -> dict[str, Any]:
        return self.ip.user_ns

    def run(self, code: str, cell_id: str | None = None) -> tuple[str, Any]:
        """Run one cell; return (stdout + stderr text, the ExecutionResult)."""
        with capture_output() as captured:
            result = self.ip.run_cell(textwrap.dedent(code), store_history=True, cell_id=cell_id)
        return captured.stdout + captured.stderr, result

    def ok(self, code: str, cell_id: str | None = None) -> str:
        out, result = self.run(code, cell_id)
        assert result.success, f"cell failed: {result.error_before_exec or result.error_in_exec}\n{out}"
        return out

    def write(self, name: str, source: str) -> Path:
        """Save a side module as an editor would (no sleep: content hashes must see it)."""
        path = self.folder / name
        path.write_text(textwrap.dedent(source))
        return path


def make_shell(folder: Path) -> Iterator[Shell]:
    ip = InteractiveShell.instance()
    previous = Path.cwd()
    os.chdir(folder)
    ip.run_line_magic("load_ext", "sideflow")
    try:
        yield Shell(ip, folder)
    finally:
        ip.run_line_magic("unload_ext", "sideflow")
        Registry.drop(ip)  # sessions outlive %unload_ext (for %reload_ext); not this test
        ip.reset(new_session=False)
        os.chdir(previous)
