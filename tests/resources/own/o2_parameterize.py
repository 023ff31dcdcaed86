from sideflow import parameterize, source, value

CASES = [{"inputs": {"a": 2, "b": 5}}, {"inputs": {"a": 2, "b": 5, "bump": 1}}]


@parameterize(
    times_three={"x": source("a"), "factor": value(3)},
    times_ten={"x": source("b"), "factor": value(10)},
)
def scaled(x: int, factor: int, bump: int = 0) -> int:
    return x * factor + bump


def both(times_three: int, times_ten: int) -> int:
    return times_three + times_ten
