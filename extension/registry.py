"""The notebook's sessions by name, kept on the shell so `%reload_ext sideflow` keeps them attached."""

from __future__ import annotations

from typing import Any

from .session import Session

_ATTRIBUTE = "_sideflow_registry"  # on the InteractiveShell: outlives the extension's modules


class Registry:
    """Responsibilities: hold one shell's sessions (by the variable they are bound to), the
    running cell's id, and which earlier `%%dataflow` cell a new one replaces.

    It lives on the shell, not in a module global: `%reload_ext` (or reloading the
    extension's modules) makes new hooks and magics, which find the same sessions here."""

    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.cell_id: str | None = None  # the running cell's id, when the front end sends one
        self._cells_seen = 0

    @staticmethod
    def of(shell: Any) -> Registry:
        registry = getattr(shell, _ATTRIBUTE, None)
        if registry is None:
            registry = Registry()
            setattr(shell, _ATTRIBUTE, registry)
        return registry  # type: ignore[no-any-return]

    @staticmethod
    def drop(shell: Any) -> None:
        """Forget every session of this shell (a test's clean slate; `%unload_ext` keeps them)."""
        if hasattr(shell, _ATTRIBUTE):
            delattr(shell, _ATTRIBUTE)

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
