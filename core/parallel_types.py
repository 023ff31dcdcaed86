"""Hamilton's dynamic fan-out types (`Parallelizable[T]`, `Collect[T]`), recognised by name.

Until the engine runs a fan-out, a function using them is refused with what to do,
never built as a plain node (which would pass the whole generator downstream).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .errors import Problem
from .node import function_location

_NAMES = ("Parallelizable", "Collect")


def mentions_dynamic(func: Callable[..., Any]) -> bool:
    """True when an annotation is `Parallelizable[...]` or `Collect[...]` (also as a string)."""
    htypes = sys.modules.get("hamilton.htypes")
    if htypes is None:
        return False
    wanted = tuple(getattr(htypes, n) for n in _NAMES)
    for annotation in getattr(func, "__annotations__", {}).values():
        if isinstance(annotation, str):
            if any(f"{n}[" in annotation for n in _NAMES):
                return True
        elif getattr(annotation, "__origin__", annotation) in wanted:
            return True
    return False


def refuse_dynamic(node: str, func: Callable[..., Any], role: str) -> Problem:
    what = "returns Parallelizable[...]" if role == "EXPAND" else "takes a Collect[...] parameter"
    return Problem(
        "parallel", node, function_location(func),
        f"function {func.__name__!r} {what}: dynamic fan-out (one call per item, then a gather) "
        "is not supported by sideflow yet",
        "return a list and map over it inside one function, or run this module with "
        "Hamilton's driver (enable_dynamic_execution)",
    )


__all__ = ["mentions_dynamic", "refuse_dynamic"]
