from hamilton.function_modifiers import hamilton_exclude

CASES = [{"inputs": {"x": 2}}]


@hamilton_exclude
def helper(x: int) -> int:
    return x * 100


def used(x: int) -> int:
    return helper(x) + 1
