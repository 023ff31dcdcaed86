import pandas as pd
from hamilton.function_modifiers import extract_columns

CASES = [{"inputs": {"n": 4}}]


@extract_columns("spend", "signups")
def raw(n: int) -> pd.DataFrame:
    return pd.DataFrame({"spend": [10.0 * i for i in range(1, n + 1)], "signups": list(range(1, n + 1))})


def spend_per_signup(spend: pd.Series, signups: pd.Series) -> pd.Series:
    return spend / signups
