"""`@sideflow.cache(...)`: a node's cache policy, kept as tags the cache reads.

Tags, so other front ends can set the same policy: Hamilton's `@cache(behavior=...,
format=...)` maps onto `cache` (`auto`, `always`, `recompute`) and `cache_format`
(`pickle`, `parquet`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .tag import tag

F = TypeVar("F", bound=Callable[..., Any])

_BEHAVIORS = {True: "always", False: "recompute", "auto": "auto", "always": "always",
              "recompute": "recompute"}
_FORMATS = ("pickle", "parquet")


def cache(behavior: bool | str = "auto", *, format: str | None = None) -> Callable[[F], F]:
    """`@sideflow.cache(False)` or `("recompute")`: always compute this node, never store it
    (for nodes that read files, clocks or databases: what is below is keyed by its value).
    `@sideflow.cache(True)` / `("always")`: store it even when recomputing is cheaper.
    `format="pickle"` / `"parquet"`: how to store it (default: Parquet for plain frames)."""
    chosen = _BEHAVIORS.get(behavior) if isinstance(behavior, (bool, str)) else None
    if chosen is None:
        msg = f"sideflow.cache({behavior!r}): use True, False, 'auto', 'always' or 'recompute'"
        raise ValueError(msg)
    if format is not None and format not in _FORMATS:
        msg = f"sideflow.cache(format={format!r}): use 'pickle' or 'parquet'"
        raise ValueError(msg)
    tags = {"cache": chosen} | ({"cache_format": format} if format else {})
    return tag(**tags)
