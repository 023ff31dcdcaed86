from hamilton.function_modifiers import cache

CASES = [{"inputs": {"x": 4}}]


@cache(behavior="recompute")
def fresh(x: int) -> int:
    return x * 3


@cache(behavior="disable")
def uncached(fresh: int) -> int:
    return fresh + 1
