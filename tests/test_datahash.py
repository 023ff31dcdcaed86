"""Value fingerprints: equal only for values that behave the same, stable across processes."""

from __future__ import annotations

import datetime
import decimal
import json
import os
import re
import subprocess
import sys
import textwrap
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideflow import datahash
from sideflow.datahash import fingerprint_or_reason, fingerprint_value


def digest(value: Any) -> str:
    result, reason = fingerprint_or_reason(value)
    assert result is not None, reason
    return result


def frame(**changes: Any) -> pd.DataFrame:
    base: dict[str, Any] = {"a": [1, 2, 3], "b": [0.5, 1.5, 2.5], "c": ["x", "y", "z"]}
    return pd.DataFrame({**base, **changes})


# Pairs that compare equal (or print alike) in some sense but must not share a fingerprint:
# a cache that confused them would return a wrong result.
DIFFERENT = [
    (1, 1.0), (1, True), (0, False), (1, "1"), ("a", b"a"), (None, "None"), (0.0, -0.0),
    ([1, 2], (1, 2)), ([1, 2], [2, 1]), ({"a": 1, "b": 2}, {"b": 2, "a": 1}),
    ({1, 2}, frozenset({1, 2})), ([[1], 2], [1, [2]]), (["ab", "c"], ["a", "bc"]),
    (np.array([1, 2]), np.array([1.0, 2.0])),
    (np.array([1, 2], dtype=np.int64), np.array([1, 2], dtype=np.int32)),
    (np.arange(6).reshape(2, 3), np.arange(6).reshape(3, 2)),
    (np.arange(6).reshape(2, 3), np.arange(6)),
    (np.array([1, 2]), [1, 2]), (np.float64(1.0), 1.0), (np.float64(1.0), np.float32(1.0)),
    (np.array(["ab", "c"], dtype=object), np.array(["a", "bc"], dtype=object)),
    (np.array(["1"], dtype=object), np.array([1], dtype=object)),
    (np.array(["None"], dtype=object), np.array([None], dtype=object)),
    (np.array([(1, 2.0)], dtype=[("x", "i8"), ("y", "f8")]),
     np.array([(1, 2.0)], dtype=[("y", "i8"), ("x", "f8")])),
    (pd.Series([1, 2]), pd.Series([1.0, 2.0])),
    (pd.Series([1, 2]), pd.Series([1, 2], dtype="Int64")),
    (pd.Series([1, 2]), pd.Series([1, 2], name="n")),
    (pd.Series([1, 2]), pd.Series([1, 2], index=[1, 0])),
    (pd.Series([1, 2]), pd.Series([1, 2], index=["0", "1"])),
    (pd.Series([1, 2]), pd.Series([1, 2], index=[0.0, 1.0])),
    (pd.Series([1, 2]), pd.Series([1, 2]).to_frame()),
    (pd.Series([1, 2]), pd.Index([1, 2])),
    (pd.Series(["a", "b"]), pd.Series(["a", "b"], dtype="category")),
    (pd.Series(["a", "b"], dtype="category"),
     pd.Series(pd.Categorical(["a", "b"], categories=["b", "a"]))),
    (pd.Series(["a", "b"], dtype="category"), pd.Series(pd.Categorical(["a", "b"], ordered=True))),
    (pd.Series(["a", "b"]), pd.Series(["a", "b"], dtype=object)),
    (pd.Series(["ab", "c"], dtype=object), pd.Series(["a", "bc"], dtype=object)),
    (pd.Series(["1", "2"], dtype=object), pd.Series([1, 2], dtype=object)),
    (pd.Series([1, None], dtype="Int64"), pd.Series([1, 0], dtype="Int64")),
    (pd.Series(["a", None]), pd.Series(["a", "None"])), (pd.Series(["a", None]), pd.Series(["a", ""])),
    (pd.Series([1.0, np.nan]), pd.Series([1.0, None], dtype="Float64")),
    (pd.Series(pd.to_datetime(["2024-01-01"])), pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC"))),
    (pd.Series(pd.to_datetime(["2024-01-01"])), pd.Series(pd.to_datetime(["2024-01-01"]).as_unit("s"))),
    (pd.date_range("2024-01-01", periods=3, freq="D"),
     pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-03"])),
    (frame(), frame(a=[1, 2, 4])), (frame(), frame(a=[1.0, 2.0, 3.0])),
    (frame(), frame()[["b", "a", "c"]]), (frame(), frame().rename(columns={"a": "A"})),
    (frame(), frame().set_axis([10, 11, 12])), (frame(), frame().iloc[:2]),
    (frame(), frame(c=pd.Series(["x", "y", "z"], dtype=object))),
    (frame(), frame().set_index("a")), (frame(), frame().set_axis(["a", "b", "b"], axis=1)),
    (frame(), frame().rename_axis("rows")),
    (frame().set_index(["a", "c"]), frame().set_index(["c", "a"])),
    (pd.DataFrame(), pd.DataFrame(index=[0])), (pd.Series([], dtype=float), pd.Series([], dtype=int)),
    (decimal.Decimal("1.0"), decimal.Decimal("1.00")),
    (datetime.date(2024, 1, 1), datetime.date(2024, 1, 2)),
    (OrderedDict(a=1), {"a": 1}),
]


@pytest.mark.parametrize(("left", "right"), DIFFERENT, ids=[f"{i}" for i in range(len(DIFFERENT))])
def test_values_that_behave_differently_differ(left: Any, right: Any) -> None:
    assert digest(left) != digest(right)


def _same_pairs() -> list[tuple[Any, Any]]:
    shuffled = frame().sample(frac=1, random_state=0)
    rebuilt = pd.DataFrame({"a": np.array([1, 2, 3]), "b": [0.5, 1.5, 2.5], "c": list("xyz")})
    return [
        ({"b", "a", "c"}, {"c", "b", "a"}),  # sets: no order to respect
        (frame(), rebuilt),
        (shuffled.sort_index(), frame()),
        (frame().copy(), frame()),
        (np.asfortranarray(np.arange(6).reshape(2, 3)), np.arange(6).reshape(2, 3)),
        (np.arange(10)[::2], np.array([0, 2, 4, 6, 8])),
        (pd.Series(["x", "y"]).iloc[1:], pd.Series(["y"], index=pd.RangeIndex(1, 2))),  # a sliced chunk
        (pd.concat([pd.Series([1.0]), pd.Series([2.0])], ignore_index=True), pd.Series([1.0, 2.0])),
    ]


@pytest.mark.parametrize(("left", "right"), _same_pairs(), ids=[f"{i}" for i in range(len(_same_pairs()))])
def test_equal_values_built_differently_agree(left: Any, right: Any) -> None:
    assert digest(left) == digest(right)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (lambda x: x, r"a function cannot be pickled"),
        (sys, r"a module is not data"),
        ((i for i in range(3)), r"a generator is not data"),
        ({"inner": [1, lambda: 0]}, r"a function cannot be pickled"),
        (pd.Series([lambda: 0], dtype=object), r"cannot be pickled"),
    ],
    ids=["lambda", "module", "generator", "nested-lambda", "lambda-in-series"],
)
def test_what_cannot_be_fingerprinted_says_why(value: Any, reason: str) -> None:
    result, why = fingerprint_or_reason(value)
    assert result is None and fingerprint_value(value) is None
    assert why is not None
    assert re.search(reason, why), why


def test_an_open_file_is_refused() -> None:
    with open(__file__) as handle:
        reason = fingerprint_or_reason(handle)[1]
    assert reason == "a _io.TextIOWrapper is not data (it cannot be pickled by value)"


class Point:
    """A local class: instances are pickled by value, the class by its code."""

    def __init__(self, x: int) -> None:
        self.x = x

    def scaled(self) -> int:
        return self.x * 2


def test_local_classes_count_by_code(monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(Point(1))
    assert digest(Point(1)) == before and digest(Point(2)) != before

    def scaled(self: Point) -> int:
        return self.x * 3

    monkeypatch.setattr(Point, "scaled", scaled)
    assert digest(Point(1)) != before


def test_third_party_classes_count_by_package_version(monkeypatch: pytest.MonkeyPatch) -> None:
    value = decimal.Decimal("2.5"), pd.offsets.Day(2)  # a stdlib and a pandas class
    before = digest(value)
    real = datahash._package_version
    monkeypatch.setattr(datahash, "_package_version",
                        lambda top: "pandas 99.0" if top == "pandas" else real(top))
    assert digest(value) != before


_STABLE = """
import json, sys
import numpy as np, pandas as pd
from sideflow.datahash import fingerprint_value
values = [
    {"s": {"b", "a", "c"}, "n": [1, 2.5, None, True], "t": ("x", b"y")},
    pd.DataFrame({"a": [1, 2], "b": ["x", "y"], "c": pd.Categorical(["p", "q"]),
                  "d": pd.to_datetime(["2024-01-01", "2024-02-01"]).tz_localize("UTC")}),
    np.arange(12.0).reshape(3, 4),
    pd.Series(["u", "v"], dtype=object).to_frame().set_index(0),
    frozenset({("k", 1), ("j", 2)}),
]
print(json.dumps([fingerprint_value(v) for v in values]))
"""


def test_fingerprints_are_the_same_in_every_process() -> None:
    seen = []
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(_STABLE)], env=env,
                              capture_output=True, text=True, check=True, timeout=120,
                              cwd=Path(__file__).parent.parent)
        seen.append(json.loads(done.stdout))
    assert seen[0] == seen[1] == seen[2]
    assert None not in seen[0]


def test_importing_datahash_imports_no_pandas() -> None:
    code = "import sideflow.datahash, sys; print('pandas' in sys.modules or 'numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          timeout=60)
    assert done.stdout.strip() == "False"


cells = st.one_of(st.integers(-5, 5), st.floats(allow_nan=True, width=64), st.text(max_size=3), st.none())


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=1, max_size=8), st.data())
def test_changing_one_cell_changes_the_fingerprint(column: list[Any], data: st.DataObject) -> None:
    series = pd.Series(column, dtype=object)
    assert digest(series) == digest(series.copy())
    position = data.draw(st.integers(0, len(column) - 1))
    replacement = data.draw(cells)
    changed = list(column)
    changed[position] = replacement
    old = column[position]
    same = type(replacement) is type(old) and (
        replacement == old or (replacement != replacement and old != old)  # both NaN
    )
    if not same:
        assert digest(pd.Series(changed, dtype=object)) != digest(series)
