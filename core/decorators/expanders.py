"""`extract_columns`, `extract_fields`, `parameterize`: one function, several nodes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from typing import Any

from ..node import Node
from .base import Modifier, arg, bind, source, target, value


class _Item:
    """Reads one column or key out of the upstream value, with a message naming both."""

    def __init__(self, upstream: str, key: str, what: str) -> None:
        self.upstream, self.key, self.what = upstream, key, what

    def __call__(self, **given: Any) -> Any:
        __tracebackhide__ = True
        whole = given[self.upstream]
        try:
            return whole[self.key]
        except (KeyError, IndexError, TypeError) as exc:
            columns = getattr(whole, "columns", None)
            keys = list(columns) if columns is not None else list(getattr(whole, "keys", list)())
            msg = f"{self.upstream!r} has no {self.what} {self.key!r} (it has {keys!r})"
            raise KeyError(msg) from exc


def _series_type(frame: Any) -> Any:
    """`pd.Series` for a pandas frame (polars: `pl.Series`), read from the loaded library."""
    root = getattr(frame, "__module__", "").split(".")[0]
    library = sys.modules.get(root)
    return getattr(library, "Series", Any) if library is not None else Any


class extract_columns(Modifier):
    """`@extract_columns("a", "b")`: each column of the returned frame is a node too."""

    name = "extract_columns"
    fix = "list the column names as strings: @extract_columns('a', 'b')"

    def __init__(self, *columns: str) -> None:
        if not columns or not all(isinstance(c, str) for c in columns):
            msg = f"extract_columns() takes column names as strings, got {columns!r}"
            raise TypeError(msg)
        self.columns = columns

    def apply(self, nodes: list[Node], func: Callable[..., Any]) -> list[Node]:
        whole = target(nodes, func)
        column = _series_type(whole.returns)
        made = [self.make(c, _Item(whole.name, c, "column"), (arg(whole.name, whole.returns),),
                          column, func, whole) for c in self.columns]
        return [*nodes, *made]


class extract_fields(Modifier):
    """`@extract_fields({"low": int, "high": int})`: each key of the returned dict is a node."""

    name = "extract_fields"
    fix = "pass a dict of field name to type: @extract_fields({'low': int})"

    def __init__(self, fields: Mapping[str, Any]) -> None:
        if not isinstance(fields, Mapping) or not fields:
            msg = f"extract_fields() takes a dict of field name -> type, got {fields!r}"
            raise TypeError(msg)
        self.fields = dict(fields)

    def apply(self, nodes: list[Node], func: Callable[..., Any]) -> list[Node]:
        whole = target(nodes, func)
        made = [self.make(f, _Item(whole.name, f, "field"), (arg(whole.name, whole.returns),),
                          t, func, whole) for f, t in self.fields.items()]
        return [*nodes, *made]


class parameterize(Modifier):
    """`@parameterize(small={"n": value(1)}, big={"n": source("size")})`: one node per variant,
    in place of the function's own node."""

    name = "parameterize"
    fix = "give each variant a dict of parameter -> value(...) or source(...)"

    def __init__(self, **variants: Mapping[str, value | source]) -> None:
        for variant, bindings in variants.items():
            bad = [k for k, b in dict(bindings).items() if not isinstance(b, (value, source))]
            if bad:
                msg = (f"parameterize({variant}=...): bind {', '.join(map(repr, bad))} with "
                       "sideflow.value(...) or sideflow.source(...)")
                raise TypeError(msg)
        if not variants:
            msg = "parameterize() needs at least one variant"
            raise TypeError(msg)
        self.variants = {k: dict(v) for k, v in variants.items()}

    def apply(self, nodes: list[Node], func: Callable[..., Any]) -> list[Node]:
        if len(nodes) != 1:
            msg = "put @parameterize innermost (directly above the def), below other modifiers"
            raise ValueError(msg)
        (whole,) = nodes
        made = []
        for variant, bindings in self.variants.items():
            params, call = bind(whole, bindings)
            made.append(self.make(variant, call, params, whole.returns, func, whole))
        return made


__all__ = ["extract_columns", "extract_fields", "parameterize"]
