"""A module that imports Hamilton but mostly has plain functions, as most real ones do."""

from hamilton.function_modifiers import tag

CASES = [{"inputs": {"a": 2, "b": 3.5}}]


def mixed(a: int, b: float) -> float:
    return a * b


@tag(important="yes")
def final(mixed: float) -> float:
    return round(mixed, 1)


def unrelated(a: int = 1) -> int:
    return a
