"""One function -> the nodes its modifiers make: the single entry point of the build.

Plain functions (no marks) return None and are read by `read_node`; Hamilton-decorated
ones go to Hamilton's resolver; sideflow's own modifiers run their `apply` in stacking
order. Every path ends in `generated_node`, so both families make the same records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .decorators.config import conditions
from .errors import Problem
from .modifiers import unknown_modifiers, uses_hamilton
from .node import Node, function_location, read_node

Expanded = tuple[list[Node], "tuple[str, str] | None"]


def expand_function(
    func: Callable[..., Any], config: Mapping[str, Any], source: str, problems: list[Problem]
) -> Expanded | None:
    """None for a plain function; else the nodes made (possibly none) and, when config
    conditions declined it, `(node name, description)` for the "no variant" message."""
    marked = bool(getattr(func, "__dict__", None))
    if not marked:
        return None  # the hot path: nothing attached to the function
    hamilton = uses_hamilton(func)
    own: Sequence[Any] = getattr(func, "__sideflow_modifiers__", ())
    if not hamilton and not own:
        if marked:
            found = unknown_modifiers(func, func.__name__, function_location(func))
            if found:
                problems.extend(found)
                return [], None
        return None
    location = function_location(func)
    found = unknown_modifiers(func, func.__name__, location)
    if found:
        problems.extend(found)
        return [], None
    if hamilton:
        if own or conditions(func) or getattr(func, "__sideflow_tags__", None):
            problems.append(_mixed(func, location))
            return [], None
        from .hamilton_nodes import expand_hamilton

        return expand_hamilton(func, config, source, problems)
    return _expand_own(func, own, config, source, problems)


def _expand_own(
    func: Callable[..., Any], own: Sequence[Any], config: Mapping[str, Any], source: str,
    problems: list[Problem],
) -> Expanded:
    when = conditions(func)
    fname = func.__name__
    name = fname.split("__", 1)[0] if when and "__" in fname else fname
    if when and not all(c.matches(config) for c in when):
        shown = " ".join(c.describe() for c in when)
        return [], (name, f"{fname} ({shown}, {function_location(func)})")
    node, found = read_node(func, name, source)
    problems.extend(found)
    if node is None:
        return [], None
    nodes = [node]
    for modifier in own:  # innermost (applied first at definition) first
        try:
            nodes = modifier.apply(nodes, func)
        except (TypeError, ValueError) as exc:
            problems.append(Problem(
                "modifier", name, function_location(func),
                f"@{modifier.name} cannot apply to function {fname!r}: {exc}", modifier.fix,
            ))
            return [], None
    return nodes, None


def _mixed(func: Callable[..., Any], location: str) -> Problem:
    return Problem(
        "modifier", func.__name__, location,
        f"function {func.__name__!r} mixes sideflow's decorators with Hamilton's modifiers",
        "use one family on a function: Hamilton's @config.when / @tag beside its other modifiers",
    )


def generated_collision(name: str, makers: Sequence[tuple[Callable[..., Any], Node | None]]) -> Problem:
    """Two functions of one module (at least one through a modifier) make the same node."""
    shown = " and ".join(
        f"{func.__name__} at {function_location(func)}"
        + (f" ({node.origin})" if node is not None and node.origin else "")
        for func, node in makers
    )
    return Problem(
        "collision", name, function_location(makers[0][0]),
        f"node {name!r} is made {len(makers)} times: by {shown}",
        "rename one of them (a modifier's output names count as node names)",
    )


__all__ = ["expand_function", "generated_collision"]
