import pandas as pd
from hamilton.function_modifiers import schema

CASES = [{"inputs": {"n": 2}}]


@schema.output(("id", "int"), ("name", "str"))
def people(n: int) -> pd.DataFrame:
    return pd.DataFrame({"id": list(range(n)), "name": [f"p{i}" for i in range(n)]})


def count(people: pd.DataFrame) -> int:
    return len(people)
