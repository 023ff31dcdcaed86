"""Decorators that annotate functions without wrapping them.

`config` and `tag` load with the package; the modifiers (`extract_columns`, ...) on
first use, so `import sideflow` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from . import config
from .tag import tag

_LAZY = {
    "CheckError": "checks", "CheckResult": "checks", "CheckWarning": "checks",
    "check_output": "checks", "extract_columns": "expanders", "extract_fields": "expanders",
    "parameterize": "expanders", "pipe": "pipe", "step": "pipe", "source": "base", "value": "base",
}

__all__ = ["config", "tag", *_LAZY]


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        msg = f"module 'sideflow.decorators' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(f"{__name__}.{where}"), name)
