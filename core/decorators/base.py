"""The shape every sideflow modifier shares: marks on the function, applied at build time.

A modifier is recorded on `__sideflow_modifiers__` (innermost first) and the function
itself is returned unchanged, so it stays callable from a notebook. At build time
`sideflow.expand` reads the function's node, then lets each modifier turn the list of
nodes into a new list, in stacking order: the same lifecycle as Hamilton's
`transform_dag`, over sideflow's own node records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..generated import Generated, generated_node
from ..node import Node, Param

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "__sideflow_modifiers__"


@dataclass(frozen=True)
class value:  # lowercase like Hamilton's, so modules read the same
    """A literal bound to a parameter: `parameterize(a={"x": value(3)})`."""

    literal: Any


@dataclass(frozen=True)
class source:
    """Another node (or input) fed to a parameter: `parameterize(a={"x": source("raw")})`."""

    name: str


class Modifier:
    """Base of sideflow's modifiers: `apply(nodes, func)` returns the new nodes."""

    name = "modifier"
    fix = "correct the decorator's arguments"

    def __call__(self, func: F) -> F:
        setattr(func, ATTRIBUTE, (*getattr(func, ATTRIBUTE, ()), self))
        return func

    def apply(self, nodes: list[Node], func: Callable[..., Any]) -> list[Node]:
        raise NotImplementedError

    def make(self, name: str, call: Callable[..., Any], params: tuple[Param, ...], returns: Any,
             func: Callable[..., Any], like: Node) -> Node:
        """A node made by this modifier, at `func`'s file:line, with `like`'s tags."""
        wrapped = Generated(call, func, name)
        return generated_node(name, wrapped, params, returns, func, like.source, like.tags,
                              f"@{self.name}")


def target(nodes: list[Node], func: Callable[..., Any], wanted: str | None = None) -> Node:
    """The node a modifier acts on: `wanted`, else the one named after the function, else the last."""
    name = wanted or func.__name__
    found = next((n for n in nodes if n.name == name), None)
    if wanted and found is None:
        msg = f"it has no node {wanted!r} (nodes: {', '.join(n.name for n in nodes)})"
        raise ValueError(msg)
    return found or nodes[-1]


def arg(name: str, annotation: Any) -> Param:
    return Param(name, annotation, keyword_only=True)


class Bound:
    """Calls a function with some parameters fixed (`value`) or renamed (`source`)."""

    def __init__(self, call: Callable[..., Any], values: Mapping[str, Any],
                 renamed: Mapping[str, str]) -> None:
        self.call, self.values, self.renamed = call, dict(values), dict(renamed)

    def __call__(self, **given: Any) -> Any:
        __tracebackhide__ = True
        args = {self.renamed.get(k, k): v for k, v in given.items()}
        return self.call(**args, **self.values)


def bind(node: Node, bindings: Mapping[str, value | source]) -> tuple[tuple[Param, ...], Bound]:
    """`node`'s parameters with `bindings` applied, and the callable that undoes them."""
    known = {p.name for p in node.params}
    extra = [k for k in bindings if k not in known]
    if extra:
        msg = f"{node.name!r} has no parameter {', '.join(repr(k) for k in extra)}"
        raise ValueError(msg)
    values = {k: b.literal for k, b in bindings.items() if isinstance(b, value)}
    renamed = {b.name: k for k, b in bindings.items() if isinstance(b, source)}
    sources = {k: b.name for k, b in bindings.items() if isinstance(b, source)}
    params = tuple(
        Param(sources.get(p.name, p.name), p.annotation, p.default, True)
        for p in node.params if p.name not in values
    )
    return params, Bound(node.func, values, renamed)


__all__ = ["Modifier", "arg", "bind", "source", "target", "value"]
