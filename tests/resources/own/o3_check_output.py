import pandas as pd

from sideflow import check_output

CASES = [{"inputs": {"n": 3}}, {"inputs": {"n": 30}, "error": True}]


@check_output(range=(0, 10), importance="fail")
def values(n: int) -> pd.Series:
    return pd.Series(range(n), dtype="int64")


@check_output(data_type=int, importance="warn")
def count(values: pd.Series) -> int:
    return int(values.count())
