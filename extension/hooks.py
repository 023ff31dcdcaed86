"""The extension's registrations on one IPython shell, and their exact undoing."""

from __future__ import annotations

from typing import Any

from .magics import DataflowMagics
from .registry import Registry

_ATTRIBUTE = "_sideflow_extension"  # the registered Extension, on the shell: found again by any copy


class Extension:
    """Responsibilities: register the magics and the cell hooks once, unregister them all
    on unload, check every live session before each cell. Sessions live in the shell's
    `Registry`, so they stay attached across `%reload_ext sideflow`."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.registry = Registry.of(shell)

    @property
    def sessions(self) -> dict[str, Any]:
        return self.registry.sessions

    @staticmethod
    def load(shell: Any) -> Extension:
        """Register on `shell`, first undoing any earlier registration (whatever loaded it)."""
        Extension.unload(shell)
        extension = Extension(shell)
        extension.register()
        setattr(shell, _ATTRIBUTE, extension)
        return extension

    @staticmethod
    def unload(shell: Any) -> None:
        previous = getattr(shell, _ATTRIBUTE, None)
        if previous is not None:
            previous.unregister()
            delattr(shell, _ATTRIBUTE)

    def register(self) -> None:
        self.shell.register_magics(DataflowMagics(self.shell, self.registry))
        self.shell.events.register("pre_run_cell", self.pre_run_cell)
        self.shell.events.register("post_run_cell", self.post_run_cell)

    def unregister(self) -> None:
        for event, callback in (("pre_run_cell", self.pre_run_cell), ("post_run_cell", self.post_run_cell)):
            if callback in self.shell.events.callbacks[event]:
                self.shell.events.unregister(event, callback)
        magics = self.shell.magics_manager.magics
        for kind in ("line", "cell"):
            magics[kind].pop("dataflow", None)
        self.shell.magics_manager.registry.pop("DataflowMagics", None)

    def pre_run_cell(self, info: Any = None) -> None:
        """Reload changed side modules before the cell runs, so it sees the new DAG.

        Rebuild problems are printed by the session; anything else is reported too,
        never swallowed, and never stops the user's cell."""
        self.registry.cell_id = getattr(info, "cell_id", None)
        for session in list(self.registry.sessions.values()):
            try:
                session.check()
            except BaseException as exc:  # a bug (or an interrupt) here must not break every cell
                print(f"sideflow: could not check {session.name!r}: {type(exc).__name__}: {exc}")

    def post_run_cell(self, result: Any = None) -> None:
        """Show states changed by the cell (e.g. `flow.inputs["x"] = ...`) without waiting."""
        for session in list(self.registry.sessions.values()):
            try:
                session.sync()
            except BaseException as exc:  # reported, never raised into the user's notebook
                print(f"sideflow: could not update {session.name!r}: {type(exc).__name__}: {exc}")
