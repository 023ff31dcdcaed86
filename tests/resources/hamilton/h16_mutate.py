from hamilton.function_modifiers import mutate, value

CASES = [{"inputs": {"x": 3}}]


def numbers(x: int) -> list:
    return [x, x + 1, x + 2]


def scores(x: int) -> list:
    return [x * 10]


@mutate(numbers, scores)
def _appended(values: list) -> list:
    return [*values, 0]


@mutate(numbers, factor=value(2))
def _scaled(values: list, factor: int) -> list:
    return [v * factor for v in values]


def size(numbers: list, scores: list) -> int:
    return len(numbers) + len(scores)
