import pandas as pd
from hamilton.function_modifiers import extract_columns

CASES = [{"config": {"rows": 3}}, {"config": {"rows": 5}}]


@extract_columns("idx", "sq")
def grid(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"idx": range(rows), "sq": [i * i for i in range(rows)]})


def sq_sum(sq: pd.Series) -> int:
    return int(sq.sum())
