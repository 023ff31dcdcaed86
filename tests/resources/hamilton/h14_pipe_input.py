from hamilton.function_modifiers import pipe_input, source, step, value

CASES = [{"inputs": {"raw": 5, "bonus": 7}}]


def _add(v: int, amount: int) -> int:
    return v + amount


def _times(v: int, factor: int) -> int:
    return v * factor


@pipe_input(
    step(_add, amount=value(3)),
    step(_times, factor=source("bonus")),
)
def final(raw: int) -> int:
    return raw + 100
