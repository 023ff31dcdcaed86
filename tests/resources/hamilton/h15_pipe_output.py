from hamilton.function_modifiers import pipe_output, step, value

CASES = [{"inputs": {"start": 4}}]


def _add(v: int, amount: int) -> int:
    return v + amount


def _square(v: int) -> int:
    return v * v


@pipe_output(
    step(_add, amount=value(10)),
    step(_square),
)
def chain(start: int) -> int:
    return start * 25


def after(chain: int) -> int:
    return chain - 1
