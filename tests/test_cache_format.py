"""Stored values come back exactly: each kind of value, through the format the cache picks."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import sideflow
from sideflow import Cache, Dataflow
from sideflow.cacheformat import choose_format
from sideflow.cachestore import Store
from sideflow.datahash import fingerprint_value

HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
dates = pd.to_datetime(["2024-01-01", "2024-03-01", "2024-02-01"])

# (value, the format it should get when pyarrow is installed)
VALUES: list[tuple[str, Any, str]] = [
    ("numbers", pd.DataFrame({"a": [1, 2, 3], "b": [0.5, np.nan, 2.5], "c": [True, False, True]}), "parquet"),
    ("strings", pd.DataFrame({"s": ["x", None, "z"]}), "parquet"),
    ("small ints", pd.DataFrame({"i": np.array([1, 2, 3], dtype="int8"),
                                 "u": np.array([1, 2, 3], dtype="uint32")}), "parquet"),
    ("dates", pd.DataFrame({"t": dates, "tz": dates.tz_localize("UTC"), "d": dates - dates[0]}), "parquet"),
    ("nullable", pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64")}), "pickle"),
    ("seconds", pd.DataFrame({"t": dates.as_unit("s")}), "pickle"),
    ("int index", pd.DataFrame({"a": [1, 2, 3]}, index=[3, 1, 2]), "pickle"),
    ("sliced range", pd.DataFrame({"a": [1, 2, 3, 4]}).iloc[1:3], "parquet"),
    ("named index", pd.DataFrame({"a": [1, 2]}).rename_axis("row"), "pickle"),
    ("int labels", pd.DataFrame({0: [1.0], 1: [2.0]}), "pickle"),
    ("duplicate labels", pd.DataFrame([[1, 2]], columns=["a", "a"]), "pickle"),
    ("categories", pd.DataFrame({"c": pd.Categorical(["a", "b", "a"])}), "pickle"),
    ("objects", pd.DataFrame({"o": [1, "two", 3.0]}), "pickle"),
    ("attrs", pd.DataFrame({"a": [1]}).pipe(lambda f: (f.attrs.update(unit="kg"), f)[1]), "pickle"),
    ("multiindex", pd.DataFrame({"a": [1, 2]}, index=pd.MultiIndex.from_tuples([(1, "x"), (2, "y")])),
     "pickle"),
    ("no columns", pd.DataFrame(index=range(3)), "pickle"),
    ("series", pd.Series([1.0, 2.0], name="s"), "pickle"),
    ("array", np.arange(12).reshape(3, 4), "pickle"),
    ("plain", {"a": [1, 2.5, None], "b": ("x", b"y")}, "pickle"),
]


@pytest.mark.parametrize(("value", "expected"), [(v, f) for _, v, f in VALUES], ids=[n for n, _, _ in VALUES])
def test_values_come_back_exactly(tmp_path: Path, value: Any, expected: str) -> None:
    fmt = choose_format(value)
    assert fmt == (expected if HAS_PYARROW else "pickle")
    store = Store(tmp_path, max_bytes=1 << 30)
    entry = store.write("ab" * 16, "node", value, fmt, {})
    assert entry is not None and entry.format == fmt
    back = store.read(entry)
    assert type(back) is type(value)
    assert fingerprint_value(back) == fingerprint_value(value)  # dtypes, index, names, values, attrs


def test_a_node_can_ask_for_pickle(tmp_path: Path) -> None:
    @sideflow.cache(True, format="pickle")
    def frame() -> pd.DataFrame:
        return pd.DataFrame({"a": [1, 2]})

    @sideflow.cache(True)
    def other() -> pd.DataFrame:
        return pd.DataFrame({"a": [1, 2]})

    cache = Cache(tmp_path)
    Dataflow([frame, other], cache=cache).run(["frame", "other"])
    formats = {e.node: e.format for e in cache.entries()}
    assert formats == {"frame": "pickle", "other": "parquet" if HAS_PYARROW else "pickle"}
