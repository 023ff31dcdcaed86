"""A Collect[...] parameter with no Parallelizable upstream."""

from hamilton.htypes import Collect


def squares(x: int) -> int:
    return x * x


def total(squares: Collect[int]) -> int:
    return sum(squares)
