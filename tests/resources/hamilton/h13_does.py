from hamilton.function_modifiers import does

CASES = [{"inputs": {"a": 1, "b": 2, "c": 3}}]


def _sum(**values: int) -> int:
    return sum(values.values())


@does(_sum)
def total(a: int, b: int, c: int) -> int:
    pass


def doubled(total: int) -> int:
    return total * 2
