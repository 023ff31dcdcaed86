from hamilton.function_modifiers import source, subdag, value

CASES = [{"inputs": {"a": 3, "b": 4, "raw": 1, "offset": 5}}]


def doubled(raw: int) -> int:
    return raw * 2


def plus_offset(doubled: int, offset: int) -> int:
    return doubled + offset


@subdag(doubled, plus_offset, inputs={"raw": source("a")}, config={}, external_inputs=[])
def first(plus_offset: int) -> int:
    return plus_offset


@subdag(doubled, plus_offset, inputs={"raw": source("b"), "offset": value(100)})
def second(plus_offset: int) -> int:
    return plus_offset


def combined(first: int, second: int) -> int:
    return first * second
