"""A Collect[...] parameter with no Parallelizable upstream: both engines refuse it."""

from hamilton.htypes import Collect

DYNAMIC = True
CASES = [{"inputs": {"x": 3}, "outputs": ["total"], "error": True}]


def squares(x: int) -> int:
    return x * x


def total(squares: Collect[int]) -> int:
    return sum(squares)
