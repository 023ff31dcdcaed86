"""Functions with Hamilton's modifiers: Hamilton's own resolver expands them, we convert.

Delegating (rather than re-implementing each decorator) gives Hamilton's exact node
names, types, edges and tags for every modifier of the installed release, custom ones
included. Hamilton is only reached through `sys.modules`: a function carries its
decorators only if its module imported Hamilton already.
"""

from __future__ import annotations

import inspect
import logging
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from .awaiting import Awaited
from .errors import Problem
from .generated import Generated, generated_node
from .hamilton_memo import resolve
from .modifiers import decorator_name, modifier_marks
from .node import NO_DEFAULT, Node, Param, function_location

HAS_DEFAULT: Any = type("HasDefault", (), {"__repr__": lambda self: "<default>"})()

_CONFIG_RESOLVER = "hamilton.function_modifiers.configuration"


def _base() -> Any:
    return sys.modules["hamilton.function_modifiers.base"]


@contextmanager
def _quiet() -> Iterator[None]:
    """Hamilton logs a traceback before re-raising; ours becomes a Problem instead."""
    logger = logging.getLogger("hamilton.function_modifiers.base")
    was = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = was


def origin_of(func: Callable[..., Any]) -> str:
    """`@extract_columns @config` : the modifiers on a function, outermost first."""
    names = [decorator_name(obj) for found in modifier_marks(func).values() for obj in found]
    return " ".join(reversed(names)) or "@hamilton"


def expand_hamilton(
    func: Callable[..., Any], config: Mapping[str, Any], source: str, problems: list[Problem]
) -> tuple[list[Node], tuple[str, str] | None]:
    """The nodes Hamilton makes of `func`; or, when its config resolvers all decline,
    `(node name, description)` so a consumer of that name learns why it is missing."""
    location = function_location(func)
    # Hamilton's config resolver renames the function it resolves (and, resolved twice,
    # forgets the old name): start from, and give back, the name it was defined with
    original = func.__code__.co_name if "__original_name__" in vars(func) else func.__name__
    func.__name__ = original
    try:
        with _quiet():
            made = resolve(func, config, _base().resolve_nodes)
    except Exception as exc:
        problems.append(Problem(
            "modifier", original, location,
            f"Hamilton cannot expand function {original!r} ({origin_of(func)}): "
            f"{type(exc).__name__}: {exc}",
            "correct the decorator's arguments or the function's signature as the message says",
        ))
        return [], None
    finally:
        func.__name__ = original
    if not made:
        return [], _declined(func, original, location)
    origin = origin_of(func)
    is_async = inspect.iscoroutinefunction(inspect.unwrap(func))
    optional = _base().node.DependencyType.OPTIONAL
    nodes = []
    for made_node in made:
        problem, node = _convert(made_node, func, source, origin, is_async, optional)
        if node is not None:
            nodes.append(node)
        elif problem is not None:
            problems.append(problem)
    return nodes, None


def _convert(
    made: Any, func: Callable[..., Any], source: str, origin: str, is_async: bool, optional: Any
) -> tuple[Problem | None, Node | None]:
    role = made.node_role.name
    if role not in ("STANDARD", "EXPAND", "COLLECT"):  # fan-outs: read from the types (fanout.py)
        return Problem("modifier", made.name, function_location(func),
                       f"{origin} on {func.__name__!r} makes a {role} node, which sideflow cannot run",
                       "remove the modifier, or run this module with Hamilton's driver"), None
    defaults = made.default_parameter_values
    params = tuple(
        Param(key, typ, defaults.get(key, HAS_DEFAULT) if dep is optional else NO_DEFAULT, True)
        for key, (typ, dep) in made.input_types.items()
    )
    call = made.callable
    if is_async:
        if call is not func:  # Hamilton's generated callables would pass the coroutine along
            return Problem(
                "modifier", made.name, function_location(func),
                f"function {func.__name__!r} is an async def with {origin}: the modifier's nodes "
                "would receive a coroutine, not its result",
                "make the function a plain def (or move the awaiting into a helper it calls)",
            ), None
        call = Awaited(func)
    elif call is not func:
        call = Generated(call, func, made.name, made.documentation)
    return None, generated_node(made.name, call, params, made.type, func, source,
                                dict(made.tags), origin)


def _declined(func: Callable[..., Any], original: str, location: str) -> tuple[str, str] | None:
    """For `@config.when*` variants that do not match: the node name and what they need."""
    resolvers = [r for r in getattr(func, "resolve", []) if type(r).__module__ == _CONFIG_RESOLVER
                 and type(r).__name__ == "config"]
    if not resolvers:
        return None  # hamilton_exclude, or a custom resolver: nothing was promised
    target = next((r.target_name for r in resolvers if r.target_name), None)
    node = target or _base().sanitize_function_name(original)
    shown = " ".join(_describe_config(r) for r in resolvers)
    return node, f"{original} ({shown}, {location})"


def _describe_config(resolver: Any) -> str:
    """`@config.when(mode='x')`, read back from the resolver's closure where possible."""
    test = getattr(resolver.does_resolve, "resolves", None)
    kind = getattr(test, "__qualname__", "").split(".")[1:2]
    cells = getattr(test, "__closure__", None) or ()
    pairs = next((c.cell_contents for c in cells if isinstance(c.cell_contents, dict)), None)
    if kind and pairs is not None:
        args = ", ".join(f"{k}={v!r}" for k, v in pairs.items())
        return f"@config.{kind[0]}({args})"
    used = ", ".join(resolver._config_used or ())
    return f"@config(uses {used or 'the whole config'})"


__all__ = ["HAS_DEFAULT", "expand_hamilton", "origin_of"]
