"""sideflow: plain functions become a checked, runnable dataflow.

`import sideflow` loads only the engine; IPython, widgets, pandas and the layout
library are imported when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .dataflow import Dataflow
from .decorators import cache, config, tag
from .errors import (
    BuildError,
    ClusterError,
    DataflowError,
    InputError,
    InputTypeError,
    MissingInputError,
    NodeError,
    OutputTypeError,
    Problem,
    SourceError,
    StaleCodeError,
    UnknownOutputError,
)
from .execute import NodeHooks
from .frame import to_frame
from .graph import Input
from .node import Node, Param

__version__ = "0.1.0"

__all__ = [
    "BuildError",
    "Cache",
    "CacheWarning",
    "CheckError",
    "CheckWarning",
    "ClusterError",
    "Collect",
    "Dataflow",
    "DataflowError",
    "Input",
    "InputError",
    "InputTypeError",
    "MissingInputError",
    "Node",
    "NodeError",
    "NodeHooks",
    "OutputTypeError",
    "Parallel",
    "Param",
    "Problem",
    "SourceError",
    "StaleCodeError",
    "UnknownOutputError",
    "cache",
    "check_output",
    "config",
    "extract_columns",
    "extract_fields",
    "load_ipython_extension",
    "parameterize",
    "pipe",
    "source",
    "step",
    "tag",
    "to_frame",
    "unload_ipython_extension",
    "value",
]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext sideflow`: register the magics and the cell-run hooks."""
    _extension().load_ipython_extension(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext sideflow`: remove every hook the extension registered."""
    _extension().unload_ipython_extension(ipython)


# Modifiers and fan-out types load on first use: most modules need none of them.
_LAZY = {
    "CheckError": "decorators.checks", "CheckWarning": "decorators.checks",
    "check_output": "decorators.checks", "extract_columns": "decorators.expanders",
    "extract_fields": "decorators.expanders", "parameterize": "decorators.expanders",
    "pipe": "decorators.pipe", "step": "decorators.pipe", "source": "decorators.base",
    "value": "decorators.base", "Parallel": "fanout", "Collect": "fanout",
    "Cache": "caching", "CacheWarning": "caching",
}


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        msg = f"module 'sideflow' has no attribute {name!r}"
        raise AttributeError(msg)
    found = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = found
    return found


def _extension() -> Any:
    # Imported by name: the package lives in extension/ (mapped to sideflow.extension at
    # install), which mypy, checking core/ alone, cannot see.
    return importlib.import_module(f"{__name__}.extension")
