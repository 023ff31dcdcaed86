import pandas as pd

from sideflow import config, extract_columns

CASES = [{"config": {"source": "a"}, "inputs": {"n": 3}}, {"config": {"source": "b"}, "inputs": {"n": 3}}]


@config.when(source="a")
@extract_columns("x", "y")
def data__a(n: int) -> pd.DataFrame:
    return pd.DataFrame({"x": range(n), "y": range(n)})


@extract_columns("x", "y")
@config.when(source="b")
def data__b(n: int) -> pd.DataFrame:
    return pd.DataFrame({"x": [10] * n, "y": [20] * n})


def product(x: pd.Series, y: pd.Series) -> pd.Series:
    return x * y
