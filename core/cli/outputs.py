"""Show results as a small table, or write them to .parquet, .csv, .json or .pkl."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .failures import UsageError

WRITERS = (".parquet", ".csv", ".json", ".pkl", ".pickle")


def check_target(file: str) -> Path:
    """Refuse a bad --out before running anything (a long run must not fail at the end)."""
    path = Path(file)
    suffix = path.suffix.lower()
    if suffix not in WRITERS:
        raise UsageError(f"--out {file}: unknown file type {suffix or '(no extension)'!r}; "
                         "use .parquet, .csv, .json or .pkl")
    if not path.parent.is_dir():
        raise UsageError(f"--out {file}: folder {str(path.parent)!r} does not exist")
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise UsageError(f"--out {file}: writing parquet needs pyarrow: pip install pyarrow") from None
    return path


def _is_tabular(value: Any) -> bool:
    kind = type(value)
    return kind.__module__.split(".")[0] == "pandas" and kind.__name__ in ("Series", "DataFrame")


def _is_scalar(value: Any) -> bool:
    """One cell of a table: plain scalars, dates and times, numpy and pandas scalars."""
    import datetime
    import decimal

    if value is None or isinstance(value, (bool, int, float, str, datetime.date, datetime.time,
                                           datetime.timedelta, decimal.Decimal)):
        return True
    kind = type(value)
    package = kind.__module__.split(".")[0]
    return (package == "numpy" and getattr(value, "ndim", 1) == 0) or (
        package == "pandas" and kind.__name__ in ("Timestamp", "Timedelta", "Period", "NaTType"))


def frame(results: Mapping[str, Any], what: str) -> Any:
    """One DataFrame (sideflow.to_frame), refusing values that do not fit in one."""
    from ..frame import to_frame

    odd = [n for n, v in results.items() if not (_is_tabular(v) or _is_scalar(v))]
    if odd:
        kinds = ", ".join(f"{n!r} ({type(results[n]).__name__})" for n in odd)
        raise UsageError(f"{what}: {kinds} cannot be a table column; write .pkl (any value) or "
                         ".json (plain data) instead")
    return to_frame(results)


def write(results: Mapping[str, Any], path: Path) -> None:
    suffix = path.suffix.lower()
    try:
        if suffix in (".pkl", ".pickle"):
            import pickle

            with path.open("wb") as handle:
                pickle.dump(dict(results), handle)
        elif suffix == ".json":
            path.write_text(_json(results, f"--out {path}"), encoding="utf-8")
        elif suffix == ".csv":
            frame(results, f"--out {path}").to_csv(path)
        else:
            frame(results, f"--out {path}").to_parquet(path)
    except OSError as exc:
        raise UsageError(f"--out {path}: cannot write: {exc.strerror or exc}") from None


def _json(results: Mapping[str, Any], what: str) -> str:
    """Plain data as a JSON object; tables as pandas' "table" JSON (schema and index kept)."""
    import json

    if any(_is_tabular(v) for v in results.values()):
        text: str = frame(results, what).to_json(orient="table", date_format="iso", indent=2)
        return text + "\n"
    try:
        return json.dumps({k: _plain(v) for k, v in results.items()}, indent=2, allow_nan=False) + "\n"
    except (TypeError, ValueError) as exc:
        raise UsageError(f"{what}: the outputs are not plain JSON data ({exc}); write .pkl "
                         "instead") from None


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)  # numpy scalars
    return item() if type(value).__module__.split(".")[0] == "numpy" and callable(item) else value


def show(results: Mapping[str, Any]) -> str:
    """A small table for the terminal: columns and scalars as one frame (head and tail),
    anything else as its name and a short repr."""
    if results and any(_is_tabular(v) for v in results.values()) and all(
            _is_tabular(v) or _is_scalar(v) for v in results.values()):
        import pandas as pd

        with pd.option_context("display.max_rows", 20, "display.min_rows", 10,
                               "display.max_columns", 20, "display.width", 120):
            return str(frame(results, "output")) + "\n"
    import reprlib

    short = reprlib.Repr()
    short.maxstring = short.maxother = 200
    width = max((len(n) for n in results), default=0)
    return "".join(f"{name:<{width}}  {short.repr(value)}\n" for name, value in results.items())


def check_declared(flow: Any, outputs: list[str], path: Path) -> None:
    """Before a long run: outputs declared as containers cannot be table columns."""
    import typing

    if path.suffix.lower() not in (".csv", ".parquet"):
        return
    odd = []
    for name in outputs:
        node = flow.graph.nodes.get(name)
        declared = (typing.get_origin(node.returns) or node.returns) if node is not None else None
        if isinstance(declared, type) and issubclass(declared, (dict, list, tuple, set, frozenset)):
            odd.append(f"{name!r} (returns {declared.__name__})")
    if odd:
        raise UsageError(f"--out {path}: {', '.join(odd)} cannot be a table column; write .pkl "
                         "(any value) or .json (plain data) instead")
