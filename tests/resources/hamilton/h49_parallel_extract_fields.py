from hamilton.function_modifiers import extract_fields
from hamilton.htypes import Collect, Parallelizable

DYNAMIC = True
CASES = [{"inputs": {"n": 4, "weight": 3}, "outputs": ["scores", "offset"]}]


def offset(weight: int) -> int:
    return weight * 100


def records(n: int) -> Parallelizable[dict]:
    for i in range(n):
        yield {"a": i, "b": 2 * i}


@extract_fields({"a": int, "b": int})
def record(records: dict) -> dict:
    return records


def score(a: int, b: int, offset: int) -> int:
    return a * b + offset


def scores(score: Collect[int]) -> list:
    return list(score)
