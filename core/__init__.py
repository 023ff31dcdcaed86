"""sideflow: plain functions become a checked, runnable dataflow.

`import sideflow` loads only the engine; IPython, widgets, pandas and the layout
library are imported when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .dataflow import Dataflow
from .decorators import config, tag
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
    "ClusterError",
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
    "Param",
    "Problem",
    "SourceError",
    "StaleCodeError",
    "UnknownOutputError",
    "config",
    "load_ipython_extension",
    "tag",
    "to_frame",
    "unload_ipython_extension",
]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext sideflow`: register the magics and the cell-run hooks."""
    _extension().load_ipython_extension(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """`%unload_ext sideflow`: remove every hook the extension registered."""
    _extension().unload_ipython_extension(ipython)


def _extension() -> Any:
    # Imported by name: the package lives in extension/ (mapped to sideflow.extension at
    # install), which mypy, checking core/ alone, cannot see.
    return importlib.import_module(f"{__name__}.extension")
