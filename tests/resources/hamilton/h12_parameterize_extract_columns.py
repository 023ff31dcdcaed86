import pandas as pd
from hamilton.function_modifiers import ParameterizedExtract, parameterize_extract_columns, value

CASES = [{"inputs": {"n": 3}}]


@parameterize_extract_columns(
    ParameterizedExtract(("a1", "a2"), {"scale": value(1)}),
    ParameterizedExtract(("b1", "b2"), {"scale": value(10)}),
)
def pairs(n: int, scale: int) -> pd.DataFrame:
    return pd.DataFrame({"x": [scale * i for i in range(n)], "y": [scale * i * i for i in range(n)]})
