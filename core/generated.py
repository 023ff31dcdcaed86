"""Nodes made by a modifier: one constructor, shared by Hamilton's and sideflow's modifiers.

A generated node runs the modifier's callable but points everywhere else (file:line,
docstring fallback, code fingerprint, error messages) at the decorated function,
through `__wrapped__`: its staleness follows the code the user wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .node import Node, Param, _target


class Generated:
    """The callable of a generated node; a class (not a closure) so process pools can
    pickle it whenever the modifier's own callable pickles."""

    def __init__(self, call: Callable[..., Any], decorated: Callable[..., Any], node: str,
                 doc: str = "") -> None:
        self.call = call
        self.__wrapped__ = decorated
        self.__name__ = getattr(decorated, "__name__", node)
        self.__qualname__ = getattr(decorated, "__qualname__", node)
        self.__module__ = getattr(decorated, "__module__", "")
        self.__doc__ = doc or getattr(decorated, "__doc__", None)
        self.node = node

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        return self.call(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<node {self.node!r} generated from {self.__qualname__}>"


def generated_node(
    name: str,
    call: Callable[..., Any],
    params: tuple[Param, ...],
    returns: Any,
    decorated: Callable[..., Any],
    source: str,
    tags: Mapping[str, Any],
    origin: str,
) -> Node:
    """A Node at the decorated function's file:line, recording which modifier made it."""
    code = _target(decorated).__code__
    return Node(name, call, params, returns, code.co_filename, code.co_firstlineno, source,
                dict(tags), origin=origin)


__all__ = ["Generated", "generated_node"]
