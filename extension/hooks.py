"""The extension's registrations on one IPython shell, and their exact undoing."""

from __future__ import annotations

from typing import Any

from .session import Session


class Extension:
    """Responsibilities: register the magics and the pre-cell hook once, unregister them
    all on unload, check every live session before each cell, and identify cells."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.sessions: dict[str, Session] = {}
        self.cell_id: str | None = None  # the running cell's id, when the front end sends one
        self._cells_seen = 0

    def register(self) -> None:
        from .magics import DataflowMagics

        self.shell.register_magics(DataflowMagics(self.shell, self))
        self.shell.events.register("pre_run_cell", self.pre_run_cell)
        self.shell.events.register("post_run_cell", self.post_run_cell)

    def unregister(self) -> None:
        self.shell.events.unregister("pre_run_cell", self.pre_run_cell)
        self.shell.events.unregister("post_run_cell", self.post_run_cell)
        magics = self.shell.magics_manager.magics
        for kind in ("line", "cell"):
            magics[kind].pop("dataflow", None)
        self.shell.magics_manager.registry.pop("DataflowMagics", None)

    def pre_run_cell(self, info: Any = None) -> None:
        """Reload changed side modules before the cell runs, so it sees the new DAG.

        Rebuild problems are printed by the session; anything else is reported too,
        never swallowed, and never stops the user's cell."""
        self.cell_id = getattr(info, "cell_id", None)
        for session in list(self.sessions.values()):
            try:
                session.check()
            except Exception as exc:  # a bug here must not break every cell of the notebook
                print(f"sideflow: could not check {session.name!r}: {type(exc).__name__}: {exc}")

    def post_run_cell(self, result: Any = None) -> None:
        """Show states changed by the cell (e.g. `flow.inputs["x"] = ...`) without waiting."""
        for session in list(self.sessions.values()):
            try:
                session.sync()
            except Exception as exc:  # reported, never raised into the user's notebook
                print(f"sideflow: could not update {session.name!r}: {type(exc).__name__}: {exc}")

    def cell_key(self, session: Session, defined: list[str]) -> str:
        """Which earlier contribution a `%%dataflow` cell replaces.

        The front end's cell id when there is one (JupyterLab, Notebook 7, VS Code);
        otherwise the earlier cell that defined one of the same functions."""
        if self.cell_id:
            return self.cell_id
        for key, source in session.cells.items():
            if any(f.__name__ in defined for f in source.functions):
                return key
        self._cells_seen += 1
        return str(self._cells_seen)
