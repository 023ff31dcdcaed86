from hamilton.function_modifiers import group, inject, source, value

CASES = [{"inputs": {"a": 1, "b": 2, "c": 3}}]


@inject(parts=group(source("a"), source("b"), source("c")), scale=value(10))
def weighted(parts: list[int], scale: int) -> int:
    return sum(parts) * scale


@inject(named=group(first=source("a"), last=source("c")))
def spread(named: dict[str, int]) -> int:
    return named["last"] - named["first"]
