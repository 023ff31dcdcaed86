import pandas as pd
from hamilton.function_modifiers import extract_columns

CASES = [{"inputs": {"n": 3}}]


@extract_columns("a", "b", "missing", fill_with=0)
def table(n: int) -> pd.DataFrame:
    return pd.DataFrame({"a": range(n), "b": range(n, 2 * n)})


def total(a: pd.Series, b: pd.Series, missing: pd.Series) -> int:
    return int(a.sum() + b.sum() + missing.sum())
