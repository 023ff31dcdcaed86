"""A subdag whose output is named like an outer function: both engines refuse it."""

from hamilton.function_modifiers import source, subdag

CASES = [{"inputs": {"x": 1}, "error": True}]


def inner(y: int) -> int:
    return y + 1


def shadowed(x: int) -> int:
    return x


@subdag(inner, inputs={"y": source("x")}, final_node_name="shadowed")
def wrapper(inner: int) -> int:
    return inner
