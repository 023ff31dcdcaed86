"""`pipe(step(f, ...), ...)`: the first parameter goes through steps before the function.

Like Hamilton's `pipe_input` (which Hamilton also called `pipe`): each step is a node
named `<function>_<step>`, so every intermediate value can be clicked and previewed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..node import Node, Param
from .base import Bound, Modifier, arg, bind, source, value


class step:
    """One transformation: `step(_add, amount=value(3))`; `.named("x")` names its node."""

    def __init__(self, func: Callable[..., Any], **bindings: value | source) -> None:
        anything: object = func  # callers without a type checker may pass anything
        if not callable(anything):
            msg = f"step() takes a function first, got {func!r}"
            raise TypeError(msg)
        self.func, self.bindings = func, bindings
        self.label = getattr(func, "__name__", "step").strip("_")

    def named(self, label: str) -> step:
        self.label = label
        return self


class pipe(Modifier):
    name = "pipe"
    fix = "pass steps: @pipe(step(f, n=value(1)), step(g))"

    def __init__(self, *steps: step) -> None:
        if not steps or not all(isinstance(s, step) for s in steps):
            msg = f"pipe() takes step(...) arguments, got {steps!r}"
            raise TypeError(msg)
        self.steps = steps

    def apply(self, nodes: list[Node], func: Callable[..., Any]) -> list[Node]:
        if len(nodes) != 1 or not nodes[0].params:
            msg = "put @pipe innermost, on a function with at least one parameter"
            raise ValueError(msg)
        (whole,) = nodes
        first = whole.params[0]
        previous, annotation = first.name, first.annotation
        made = []
        for s in self.steps:
            name = f"{whole.name}_{s.label}"
            node = self._step_node(s, name, previous, annotation, func, whole)
            made.append(node)
            previous, annotation = name, node.returns
        params, call = bind(whole, {first.name: source(previous)})
        final = self.make(whole.name, call, params, whole.returns, func, whole)
        return [*made, final]

    def _step_node(self, s: step, name: str, previous: str, annotation: Any,
                   func: Callable[..., Any], like: Node) -> Node:
        names = list(inspect.signature(s.func).parameters)
        if not names:
            msg = f"step {s.label!r} takes no parameter to receive the value"
            raise ValueError(msg)
        hints = getattr(s.func, "__annotations__", {})
        shaped = Node(name, s.func, tuple(Param(n, hints.get(n, Any), keyword_only=True)
                                          for n in names[1:]), Any, like.file, like.line)
        params, bound = bind(shaped, s.bindings)
        call = _Piped(bound, names[0], previous)
        return self.make(name, call, (arg(previous, annotation), *params),
                         hints.get("return", Any), func, like)


class _Piped:
    """Passes the piped value as the step's first parameter, the rest as bound."""

    def __init__(self, bound: Bound, first: str, previous: str) -> None:
        self.bound, self.first, self.previous = bound, first, previous

    def __call__(self, **given: Any) -> Any:
        __tracebackhide__ = True
        piped = given.pop(self.previous)
        return self.bound(**given, **{self.first: piped})


__all__ = ["pipe", "step"]
