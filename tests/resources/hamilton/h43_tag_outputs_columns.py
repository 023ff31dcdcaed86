import pandas as pd
from hamilton.function_modifiers import extract_columns, tag, tag_outputs

CASES = [{"inputs": {"n": 2}}]


@tag_outputs(height={"unit": "cm"}, weight={"unit": "kg"})
@tag(source="survey")
@extract_columns("height", "weight")
def body(n: int) -> pd.DataFrame:
    return pd.DataFrame({"height": [170.0] * n, "weight": [70.0] * n})


def bmi(height: pd.Series, weight: pd.Series) -> pd.Series:
    return weight / (height / 100) ** 2
