"""Hamilton's resolution of a function, remembered while nothing it depends on changes.

Rebuilds in a notebook (a `%%dataflow` cell re-run, `set_config`, another module saved)
keep most function objects; asking Hamilton's resolver again for those is most of a
rebuild's cost. An entry is reused only when it is certainly the same question: the
same function object, code and decorator objects, an equal deep copy of the config,
and only Hamilton's built-in modifiers (whose nodes depend on nothing else). Any doubt
(a custom modifier, a config value that cannot be copied or compared) is a miss.
"""

from __future__ import annotations

import copy
import types
import weakref
from collections.abc import Callable, Mapping
from typing import Any

_RENAMES = frozenset({"__original_name__", "__config_decorated__"})  # Hamilton writes these
_memo: weakref.WeakKeyDictionary[Callable[..., Any], tuple[Any, Any, list[Any]]] = (
    weakref.WeakKeyDictionary()
)


def _state(func: Callable[..., Any]) -> tuple[Any, ...] | None:
    """Identity of everything on the function the resolver reads; None: never memoize."""
    marks = []
    for key, value in vars(func).items():
        if key in _RENAMES:
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not type(item).__module__.startswith("hamilton.function_modifiers"):
                return None  # a user's own modifier may read anything when it runs
            if _holds_module(item):
                return None  # `@subdag(module)` reads the module's current functions
        marks.append((key, tuple(id(i) for i in items)))
    return (id(func.__code__), func.__defaults__, tuple(marks), tuple(func.__annotations__.items()))


def _holds_module(item: Any) -> bool:
    for value in getattr(item, "__dict__", {}).values():
        values = value if isinstance(value, (list, tuple)) else (value,)
        if any(isinstance(v, types.ModuleType) for v in values):
            return True
    return False


def resolve(func: Callable[..., Any], config: Mapping[str, Any], resolver: Callable[..., Any]) -> list[Any]:
    """`resolver(func, config)` as a list, from the memo when the same question was asked."""
    state = _state(func)
    if state is None:
        return list(resolver(func, dict(config)))
    try:
        kept = copy.deepcopy(dict(config))
        entry = _memo.get(func)
        if entry is not None and entry[0] == state and bool(entry[1] == kept):
            return list(entry[2])
    except Exception:  # a value that cannot be copied or compared: ask again, remember nothing
        return list(resolver(func, dict(config)))
    made = list(resolver(func, dict(config)))
    _memo[func] = (state, kept, made)
    return list(made)


def forget() -> None:
    """Drop every entry (benchmarks measure first builds this way)."""
    _memo.clear()


__all__ = ["forget", "resolve"]
