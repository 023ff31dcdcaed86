"""a -> b -> c -> a, plus a node outside the cycle."""


def a(c: int) -> int:
    return c + 1


def b(a: int) -> int:
    return a + 1


def c(b: int) -> int:
    return b + 1


def fine(x: int) -> int:
    return x
