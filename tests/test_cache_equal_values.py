"""The cache never changes results: no cache, a cold cache and a warm one agree exactly,
on the example notebooks' own modules and data."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sideflow import Cache, Dataflow
from sideflow.datahash import fingerprint_value

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


@pytest.fixture(scope="module", autouse=True)
def _notebook_modules() -> Iterator[None]:
    sys.path.insert(0, str(NOTEBOOKS))
    yield
    sys.path.remove(str(NOTEBOOKS))


def marketing() -> tuple[dict[str, Any], dict[str, Any]]:
    from marketing_data import weekly_marketing  # type: ignore[import-not-found]

    data = weekly_marketing()
    return {"spend": data["spend"], "signups": data["signups"]}, {}


def iterate() -> tuple[dict[str, Any], dict[str, Any]]:  # 02-iterate's orders
    return {"price": pd.Series([12.5, 40.0, 8.0, 55.0, 20.0, 30.0]),
            "quantity": pd.Series([4, 3, 10, 1, 6, 2])}, {}


def orders() -> tuple[dict[str, Any], dict[str, Any]]:  # 03-feature-engineering's orders
    rng = np.random.default_rng(2024)
    n = 3_000
    category = rng.choice(["books", "electronics", "garden", "toys"], n, p=[0.35, 0.15, 0.2, 0.3])
    typical = pd.Series(category).map({"books": 15, "electronics": 120, "garden": 40, "toys": 25})
    frame = pd.DataFrame({
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D"),
        "customer_id": rng.integers(1, 801, n),
        "region": rng.choice(["north", "south", "east", "west"], n),
        "channel": rng.choice(["web", "store", "app"], n, p=[0.5, 0.3, 0.2]),
        "category": category,
        "unit_price": (typical * rng.lognormal(0, 0.4, n)).round(2),
        "quantity": rng.poisson(1.5, n) + 1,
        "discount_pct": rng.choice([0.0, 0.05, 0.10, 0.20], n, p=[0.6, 0.2, 0.15, 0.05]),
        "returned": rng.random(n) < 0.06,
    }).sort_values("order_date", kind="stable", ignore_index=True)
    return {str(c): frame[c] for c in frame.columns}, {}


def catalog(policy: str) -> tuple[dict[str, Any], dict[str, Any]]:  # 04-config-what-if's catalog
    frame = pd.DataFrame(
        {"list_price": [12.0, 25.0, 40.0, 8.0, 150.0], "unit_cost": [7.0, 14.0, 30.0, 5.0, 90.0],
         "units": [800, 300, 120, 1500, 40]},
        index=pd.Index(["notebook", "backpack", "lamp", "pen set", "chair"], name="product"),
    )
    return {str(c): frame[c] for c in frame.columns}, {"policy": policy}


CASES = [
    ("marketing.py", marketing), ("iterate_features.py", iterate), ("features_pandas.py", orders),
    ("pricing.py", lambda: catalog("flat")), ("pricing.py", lambda: catalog("tiered")),
]


@pytest.mark.parametrize(
    ("module", "data"), CASES, ids=["marketing", "iterate", "features", "flat", "tiered"]
)
def test_no_cache_cold_and_warm_agree(tmp_path: Path, module: str, data: Any) -> None:
    inputs, config = data()
    path = NOTEBOOKS / module
    plain = Dataflow(path, config=config)
    outputs = list(plain.nodes)
    expected = plain.run(outputs, inputs=inputs)
    cold = Dataflow(path, config=config, cache=Cache(tmp_path, store="all"))
    got_cold = cold.run(outputs, inputs=inputs)
    warm = Dataflow(path, config=config, cache=Cache(tmp_path, store="all"))
    got_warm = warm.run(outputs, inputs=inputs)
    assert warm.cache is not None and set(warm.cache.last_run.values()) == {"hit"}  # nothing ran
    for name in outputs:
        assert fingerprint_value(got_cold[name]) == fingerprint_value(expected[name]) is not None, name
        assert fingerprint_value(got_warm[name]) == fingerprint_value(expected[name]), name
