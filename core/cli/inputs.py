"""Read `--inputs FILE` and `--input NAME=VALUE` into one dict of inputs (conflicts refused)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..options import parse_scalar
from .failures import UsageError

READERS = (".csv", ".parquet", ".json", ".pkl", ".pickle")


def gather(files: Sequence[str], pairs: Sequence[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Inputs, and where each came from (for messages and the run record)."""
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for file in files:
        for name, value in read_file(file).items():
            _add(values, origin, name, value, file)
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise UsageError(f"--input {pair!r}: expected NAME=VALUE, e.g. --input spend=10")
        _add(values, origin, name, parse_scalar(raw), f"--input {name}=...")
    return values, origin


def _add(values: dict[str, Any], origin: dict[str, str], name: str, value: Any, where: str) -> None:
    if name in values:
        raise UsageError(f"input {name!r} is given twice: by {origin[name]} and by {where}; "
                         "give each input once")
    values[name] = value
    origin[name] = where


def read_file(file: str) -> dict[str, Any]:
    path = Path(file)
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise UsageError(f"--inputs {file}: unknown file type {suffix or '(no extension)'!r}; "
                         "use .csv, .parquet, .json or .pkl")
    if not path.is_file():
        raise UsageError(f"--inputs {file}: no such file")
    try:
        if suffix == ".json":
            loaded = json.loads(path.read_text(encoding="utf-8"))
        elif suffix in (".pkl", ".pickle"):
            import pickle

            with path.open("rb") as handle:
                loaded = pickle.load(handle)  # trusted: the user's own file, as pandas.read_pickle
        else:
            loaded = _table(path, suffix)
    except UsageError:
        raise
    except Exception as exc:  # any parser's error: one line naming the file
        raise UsageError(f"--inputs {file}: cannot parse it as {suffix[1:]}: "
                         f"{type(exc).__name__}: {_first_line(exc)}") from None
    return _as_inputs(loaded, file)


def _table(path: Path, suffix: str) -> Any:
    import pandas as pd

    if suffix == ".csv":
        return pd.read_csv(path)
    try:
        import pyarrow  # noqa: F401  # pandas' parquet engine
    except ImportError:
        raise UsageError(f"--inputs {path}: reading parquet needs pyarrow: pip install pyarrow") from None
    return pd.read_parquet(path)


def _as_inputs(loaded: Any, file: str) -> dict[str, Any]:
    """A table's columns, or a mapping's keys, become inputs."""
    if isinstance(loaded, dict):
        bad = [k for k in loaded if not isinstance(k, str)]
        if bad:
            raise UsageError(f"--inputs {file}: keys must be names (strings), got {bad[0]!r}")
        return dict(loaded)
    if hasattr(loaded, "columns") and hasattr(loaded, "items"):  # a DataFrame
        return {str(column): series for column, series in loaded.items()}
    raise UsageError(f"--inputs {file}: holds a {type(loaded).__name__}; give a table "
                     "(its columns become inputs) or an object/dict (its keys become inputs)")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "(no message)"
