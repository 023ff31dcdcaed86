"""The IPython extension: `%load_ext sideflow` registers `%dataflow`/`%%dataflow` and a pre-cell hook."""

from __future__ import annotations

from typing import Any

from .hooks import Extension
from .registry import Registry
from .session import Session

__all__ = ["Extension", "Registry", "Session", "load_ipython_extension", "unload_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    Extension.load(ipython)  # never registers twice, whatever the path that loaded us


def unload_ipython_extension(ipython: Any) -> None:
    """Remove the hooks and magics; the sessions stay (in the shell's Registry) for a reload."""
    Extension.unload(ipython)
