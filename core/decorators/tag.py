"""`@tag(...)`: attach string metadata to a node (shown in the graph and JSON export)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def tag(**tags: str) -> Callable[[F], F]:
    """Attach `key=value` tags to the function's node; the function is unchanged."""

    def attach(func: F) -> F:
        merged = {**getattr(func, "__sideflow_tags__", {}), **tags}
        func.__sideflow_tags__ = merged  # type: ignore[attr-defined]
        return func

    return attach
