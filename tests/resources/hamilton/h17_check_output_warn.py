import pandas as pd
from hamilton.function_modifiers import check_output

CASES = [{"inputs": {"n": 5}}]


@check_output(range=(0, 3), importance="warn")
def values(n: int) -> pd.Series:
    return pd.Series(range(n), dtype="int64")


@check_output(data_type=int, importance="warn")
def count(values: pd.Series) -> int:
    return int(values.count())
