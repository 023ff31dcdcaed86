"""Build the dataflow the command line names: module paths or import names, and --config."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..dataflow import Dataflow
from ..errors import SourceError
from ..options import OptionError, parse_config
from ..sources import Source, from_module, import_failure, is_path, load_path
from .failures import UsageError


def config_of(args: argparse.Namespace) -> dict[str, Any]:
    try:
        return parse_config(args.config)
    except OptionError as exc:
        raise UsageError(str(exc)) from None


def load_sources(specs: Sequence[str]) -> list[Source]:
    """As `python file.py` and `python -m name` do: a file's folder (and, for import
    names, the current folder) come first on sys.path, so its own helpers import."""
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    sources = []
    for spec in specs:
        if Path(spec).suffix.lower() in (".csv", ".parquet", ".json", ".pkl", ".pickle"):
            raise UsageError(f"{spec!r} is a data file, not a module: give each file its own "
                             f"--inputs (--inputs a.csv --inputs b.csv)")
        if is_path(spec):
            folder = str(Path(spec).resolve().parent)
            if folder not in sys.path:
                sys.path.insert(0, folder)
            sources.append(from_module(load_path(spec)))
        else:
            sources.append(from_module(_import(spec)))
    return sources


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name is not None and name.split(".")[0] == exc.name.split(".")[0]:
            raise SourceError(name, name, f"ModuleNotFoundError: no module named {exc.name!r} "
                              "(a path to a .py file needs its .py)") from None
        raise _failure(name, exc) from None
    except Exception as exc:  # the module itself raised while importing
        raise _failure(name, exc) from None


def _failure(name: str, exc: BaseException) -> SourceError:
    spec = None
    with contextlib.suppress(ImportError, ValueError):
        spec = importlib.util.find_spec(name)
    origin = Path(spec.origin) if spec is not None and spec.origin else Path(name)
    return import_failure(name, origin.resolve(), exc)


def build(args: argparse.Namespace) -> Dataflow:
    return Dataflow(*load_sources(args.modules), config=config_of(args))


def names(text: str | None, option: str) -> list[str]:
    found = [part.strip() for part in (text or "").split(",") if part.strip()]
    if text is not None and not found:
        raise UsageError(f"{option}: give one or more names, comma-separated")
    return found
