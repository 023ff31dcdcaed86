from hamilton.function_modifiers import parameterized_subdag, source, value


def _unused() -> None:
    pass


def scaled(raw: int, factor: int) -> int:
    return raw * factor


def shifted(scaled: int) -> int:
    return scaled + 1


CASES = [{"inputs": {"left": 2, "right": 5, "raw": 1, "factor": 1}}]


@parameterized_subdag(
    scaled, shifted,
    small={"inputs": {"raw": source("left"), "factor": value(2)}},
    large={"inputs": {"raw": source("right"), "factor": value(20)}},
)
def result(shifted: int) -> int:
    return shifted


def both(small: int, large: int) -> int:
    return small + large
