"""The IPython extension: `%load_ext sideflow` registers `%dataflow`/`%%dataflow` and a pre-cell hook."""

from __future__ import annotations

from typing import Any

from .hooks import Extension
from .session import Session

__all__ = ["Extension", "Session", "load_ipython_extension", "unload_ipython_extension"]

_loaded: dict[int, Extension] = {}  # one per shell; removed on unload


def load_ipython_extension(ipython: Any) -> None:
    previous = _loaded.pop(id(ipython), None)
    if previous is not None:  # never register twice, whatever the path that loaded us
        previous.unregister()
    extension = Extension(ipython)
    extension.register()
    _loaded[id(ipython)] = extension


def unload_ipython_extension(ipython: Any) -> None:
    extension = _loaded.pop(id(ipython), None)
    if extension is not None:
        extension.unregister()
