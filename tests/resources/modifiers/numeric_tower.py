"""`count` returns an int; `ratio` takes a float: sideflow's numeric tower accepts it."""

from hamilton.function_modifiers import tag


@tag(kind="count")
def count(n: int) -> int:
    return n * 2


def ratio(count: float) -> float:
    return count / 4
