import pandas as pd

from sideflow import extract_columns, extract_fields

CASES = [{"inputs": {"n": 4}}]


@extract_columns("spend", "signups")
def raw(n: int) -> pd.DataFrame:
    return pd.DataFrame({"spend": [10.0 * i for i in range(1, n + 1)], "signups": list(range(1, n + 1))})


@extract_fields({"low": float, "high": float})
def spend_range(spend: pd.Series) -> dict:
    return {"low": float(spend.min()), "high": float(spend.max())}


def width(low: float, high: float) -> float:
    return high - low
