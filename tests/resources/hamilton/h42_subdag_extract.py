import pandas as pd
from hamilton.function_modifiers import extract_columns, source, subdag


@extract_columns("p", "q")
def frame(n: int) -> pd.DataFrame:
    return pd.DataFrame({"p": range(n), "q": range(n, 2 * n)})


def pq(p: pd.Series, q: pd.Series) -> pd.Series:
    return p * q


CASES = [{"inputs": {"size": 3, "n": 2}}]


@subdag(frame, pq, inputs={"n": source("size")})
def pq_total(pq: pd.Series) -> int:
    return int(pq.sum())
