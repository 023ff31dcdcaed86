"""A node that raises, for NodeError and hook tests."""


def numerator(a: int) -> int:
    return a


def ratio(numerator: int, b: int, note: str) -> float:
    return numerator / b
