from hamilton.function_modifiers import pipe_output, source, step

CASES = [{"inputs": {"x": 3, "offset": 4}}]


def _shift(v: int, by: int) -> int:
    return v + by


def _neg(v: int) -> int:
    return -v


@pipe_output(step(_shift, by=source("offset")).named("shift"), step(_neg).named("negate"), namespace="steps")
def transformed(x: int) -> int:
    return x * 3
