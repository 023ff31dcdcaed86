"""Return checks (`Dataflow(..., check_outputs=True)`): each result against its annotation.

Shallow on purpose, so it stays cheap enough to leave on: the value's class against
the annotation's origin (`list[int]` checks `list`), as for inputs (`typecheck.value_matches`).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from typing import Any

from .errors import OutputTypeError
from .node import Node
from .typecheck import describe, stale_note, unwrap, value_matches


def return_checks(nodes: Mapping[str, Node]) -> dict[str, tuple[Any, type | None]]:
    """Node -> (return annotation, the class a result of exactly that type passes at once).
    Nodes declaring `Any` (or a TypeVar) are left out: nothing to check."""
    checks: dict[str, tuple[Any, type | None]] = {}
    for name, node in nodes.items():
        tp = unwrap(node.returns)
        if tp is Any or tp is object or isinstance(tp, typing.TypeVar):
            continue
        origin = typing.get_origin(tp) or tp
        checks[name] = (node.returns, origin if isinstance(origin, type) else None)
    return checks


def check_return(node: Node, value: Any, annotation: Any) -> None:
    """Raise OutputTypeError when `value` is not of the declared return type."""
    if value_matches(value, annotation):
        return
    declared = describe(annotation)
    msg = (
        f"returned {type(value).__name__}, but its annotation declares -> {declared}"
        f"{stale_note(value, annotation)}\n"
        f"  fix: return a {declared} (a missing `return` gives None), or correct the annotation "
        "(`-> typing.Any` skips the check)"
    )
    raise OutputTypeError(msg)


__all__ = ["check_return", "return_checks"]
