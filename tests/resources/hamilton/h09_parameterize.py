from hamilton.function_modifiers import parameterize, source, value

CASES = [{"inputs": {"a": 2, "b": 5}}]


@parameterize(
    times_three={"x": source("a"), "factor": value(3)},
    times_ten={"x": source("b"), "factor": value(10)},
)
def scaled(x: int, factor: int) -> int:
    """{x} scaled"""
    return x * factor


def both(times_three: int, times_ten: int) -> int:
    return times_three + times_ten
