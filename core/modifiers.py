"""Which node modifiers a function carries, and which of them nobody here understands.

Decorators that change what a function becomes (Hamilton's lifecycle decorators, and
anything shaped like them) leave marks on the function object. Reading those marks,
rather than a list of known decorator names, is what lets a build refuse a modifier
from any release, or any library, instead of quietly building the bare function.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from .errors import Problem

# what sideflow's own decorators attach; any other `__sideflow_*` mark is from a newer release
SIDEFLOW_MARKS = frozenset({"__sideflow_when__", "__sideflow_tags__", "__sideflow_modifiers__"})
# the method names that make an object a node modifier, in Hamilton's lifecycle or a look-alike
_MODIFIER_METHODS = ("get_lifecycle_name", "transform_dag", "generate_nodes", "transform_node")


def _is_modifier(obj: object) -> bool:
    return any(callable(getattr(type(obj), m, None)) for m in _MODIFIER_METHODS)


def modifier_marks(func: Callable[..., Any]) -> dict[str, list[object]]:
    """Function attributes holding node-modifier objects: `{"transform": [extract_columns]}`."""
    marks: dict[str, list[object]] = {}
    for key, value in getattr(func, "__dict__", {}).items():
        if key in SIDEFLOW_MARKS:
            continue
        items = value if isinstance(value, (list, tuple)) else [value]
        found = [item for item in items if _is_modifier(item)]
        if found:
            marks[key] = found
    return marks


def hamilton_lifecycle_names() -> frozenset[str]:
    """The attribute names Hamilton's resolver reads; empty when Hamilton was never imported.

    Only looked up in `sys.modules`: a function carrying Hamilton's decorators means its
    module imported Hamilton already, so this never pays Hamilton's import time.
    """
    base = sys.modules.get("hamilton.function_modifiers.base")
    if base is None:
        return frozenset()
    steps = set(base.get_node_decorators(_bare, {}))
    steps.add(base.DynamicResolver.get_lifecycle_name())
    return frozenset(steps)


def _bare() -> None:
    """A function without decorators, to ask Hamilton which lifecycle steps it knows."""


def is_hamilton_modifier(obj: object) -> bool:
    base = sys.modules.get("hamilton.function_modifiers.base")
    return base is not None and isinstance(obj, base.NodeTransformLifecycle)


def decorator_name(obj: object) -> str:
    cls = type(obj)
    module = cls.__module__
    if module.startswith("hamilton.function_modifiers"):
        if cls.__name__ == "config":  # `@config.when_in`, read from the resolver it holds
            test = getattr(getattr(obj, "does_resolve", None), "resolves", None)
            kind = getattr(test, "__qualname__", "").split(".")[1:2]
            return f"@config.{kind[0]}" if kind else "@config"
        return f"@{cls.__name__}"
    return f"@{module}.{cls.__qualname__}"


def unknown_modifiers(func: Callable[..., Any], name: str, location: str) -> list[Problem]:
    """Every mark on `func` that neither sideflow nor Hamilton's resolver would act on."""
    problems = []
    for key in getattr(func, "__dict__", {}):
        if key.startswith("__sideflow_") and key not in SIDEFLOW_MARKS:
            problems.append(Problem(
                "modifier", name, location,
                f"function {name!r} carries {key!r}, a sideflow modifier this version does not know",
                "upgrade sideflow to the version the module was written for, or remove the decorator",
            ))
    steps = hamilton_lifecycle_names()
    for key, found in modifier_marks(func).items():
        for obj in found:
            if is_hamilton_modifier(obj) and key in steps:
                continue
            what = decorator_name(obj)
            why = ("Hamilton's resolver does not read the lifecycle step "
                   f"{key!r}" if is_hamilton_modifier(obj) else
                   "it is not one of Hamilton's node modifiers (hamilton.function_modifiers)")
            problems.append(Problem(
                "modifier", name, location,
                f"function {name!r} is decorated with {what}, which sideflow cannot apply: {why}; "
                "building the bare function would give a different graph",
                f"remove {what}, or rewrite it as a subclass of Hamilton's "
                "function_modifiers.base.NodeTransformer (or a sideflow modifier)",
            ))
    return problems


def uses_hamilton(func: Callable[..., Any]) -> bool:
    """True when Hamilton's resolver must expand this function."""
    return any(is_hamilton_modifier(obj) for found in modifier_marks(func).values() for obj in found)


__all__ = ["decorator_name", "modifier_marks", "unknown_modifiers", "uses_hamilton"]
