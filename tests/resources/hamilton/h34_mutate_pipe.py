from hamilton.function_modifiers import mutate, pipe_output, step, value

CASES = [{"inputs": {"x": 10}}]


def _plus(v: int, n: int) -> int:
    return v + n


@pipe_output(step(_plus, n=value(1)))
def chained(x: int) -> int:
    return x * 2


@mutate(chained)
def _halved(v: int) -> int:
    return v // 2
