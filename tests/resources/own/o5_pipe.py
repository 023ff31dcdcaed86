from sideflow import pipe, source, step, value

CASES = [{"inputs": {"raw": 5, "bonus": 7}}]
NAMES_DIFFER = "Hamilton names pipe steps final.with_<step>; sideflow final_<step>"


def _add(v: int, amount: int) -> int:
    return v + amount


def _times(v: int, factor: int) -> int:
    return v * factor


@pipe(
    step(_add, amount=value(3)),
    step(_times, factor=source("bonus")),
)
def final(raw: int) -> int:
    return raw + 100
