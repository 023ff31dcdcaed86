"""Public module names bound to a function made elsewhere under another name: a decorator
without `functools.wraps`, or a factory's closure. They would silently not be nodes."""

from __future__ import annotations

import os
import types

from .errors import Problem
from .sources import Source


def renamed_functions(source: Source) -> list[Problem]:
    """One problem per such name in the source's module (none for lists of functions)."""
    module = source.module
    if module is None:
        return []
    problems = []
    for key, obj in vars(module).items():
        if key.startswith("_") or not isinstance(obj, types.FunctionType):
            continue
        code = obj.__code__
        if obj.__module__ != module.__name__ or key in (obj.__name__, code.co_name):
            continue  # an alias of another node (`b = a`) keeps its own name; so do variants
        if "<locals>" not in obj.__qualname__:
            continue  # `b = a` of a module-level function: `a` is the node
        made_in = obj.__qualname__.split(".<locals>", 1)[0]
        where = _location(code)
        wrapped = [c.cell_contents for c in obj.__closure__ or () if _holds_function(c, key)]
        problems.append(Problem(
            "signature", key, _location(wrapped[0].__code__) if wrapped else where,
            f"{key!r} is bound to function {obj.__name__!r} made inside {made_in!r} ({where}): "
            "a decorator without functools.wraps (or a factory) hid its name and annotations, "
            "so it cannot be a node",
            f"add `@functools.wraps(func)` to the wrapper in {made_in!r}, or name it `_{key}` "
            "if it is a helper, not a node",
        ))
    return problems


def _location(code: types.CodeType) -> str:
    return f"{os.path.basename(code.co_filename)}:{code.co_firstlineno}"


def _holds_function(cell: types.CellType, name: str) -> bool:
    try:
        value = cell.cell_contents
    except ValueError:  # an empty cell
        return False
    return isinstance(value, types.FunctionType) and value.__name__ == name
