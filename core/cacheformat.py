"""Value files: pickle by default, Parquet for plain DataFrames when pyarrow is installed.

Parquet is chosen only for frames it gives back exactly (unique string column labels,
a range index, column types Arrow round-trips; tests/test_cache_format.py checks each);
anything else is pickled, so a loaded value is always the value that was stored.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any, BinaryIO, Literal

Format = Literal["pickle", "parquet"]
FORMATS: tuple[Format, ...] = ("pickle", "parquet")

_PARQUET_KINDS = "biufMm"  # numpy kinds: bool, ints, floats, datetimes, timedeltas


def choose_format(value: Any, wanted: str | None = None) -> Format:
    """The node's choice (`@sideflow.cache(format=...)`) when it can hold the value, else
    Parquet for plain frames (pyarrow installed) and pickle for the rest."""
    if wanted == "pickle":
        return "pickle"
    if parquet_safe(value):
        return "parquet"
    return "pickle"


def parquet_safe(value: Any) -> bool:
    pd = sys.modules.get("pandas")
    if pd is None or type(value) is not pd.DataFrame or not _has_pyarrow():
        return False
    columns = value.columns
    if type(columns) is not pd.Index or not columns.is_unique or columns.name is not None:
        return False
    if not all(type(c) is str for c in columns) or value.attrs or not value.flags.allows_duplicate_labels:
        return False
    if type(value.index) is not pd.RangeIndex or value.index.name is not None or not len(columns):
        return False  # other indexes come back with another dtype or type now and then
    return all(_safe_dtype(dtype) for dtype in value.dtypes)


def _safe_dtype(dtype: Any) -> bool:
    pd = sys.modules["pandas"]
    if isinstance(dtype, pd.StringDtype):
        return bool(str(dtype) == "str" or dtype.storage == "pyarrow")
    if isinstance(dtype, pd.DatetimeTZDtype):
        return bool(dtype.unit != "s")
    kind = getattr(dtype, "kind", "O")
    if not type(dtype).__module__.startswith("numpy") or kind not in _PARQUET_KINDS:
        return False
    # Parquet has no second resolution: `datetime64[s]` would come back as milliseconds
    return dtype.byteorder in "=|<" and not (kind in "Mm" and dtype.str.endswith("[s]"))


def _has_pyarrow() -> bool:
    import importlib.util

    return "pyarrow" in sys.modules or importlib.util.find_spec("pyarrow") is not None


def dump(value: Any, file: BinaryIO, fmt: Format) -> None:
    if fmt == "parquet":
        value.to_parquet(file, engine="pyarrow", compression=None)
    else:
        pickle.dump(value, file, protocol=5)


def load(path: str, fmt: Format) -> Any:
    if fmt == "parquet":
        import pandas as pd

        return pd.read_parquet(path, engine="pyarrow")
    with open(path, "rb") as file:
        return pickle.load(file)
