import pandas as pd

from sideflow import check_output, extract_columns

CASES = [{"inputs": {"n": 4}}, {"inputs": {"n": 200}, "error": True, "outputs": ["total"]}]


@check_output(range=(0, 100), importance="fail", target_="a")
@extract_columns("a", "b")
def frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"a": range(n), "b": range(100, 100 + n)})


def total(a: pd.Series, b: pd.Series) -> int:
    return int(a.sum() + b.sum())
