"""Decorators that annotate functions without wrapping them."""

from . import config
from .base import source, value
from .checks import CheckError, CheckResult, CheckWarning, check_output
from .expanders import extract_columns, extract_fields, parameterize
from .pipe import pipe, step
from .tag import tag

__all__ = [
    "CheckError",
    "CheckResult",
    "CheckWarning",
    "check_output",
    "config",
    "extract_columns",
    "extract_fields",
    "parameterize",
    "pipe",
    "source",
    "step",
    "tag",
    "value",
]
