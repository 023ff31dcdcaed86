"""Four slow independent branches joined at the end: parallel runs overlap them."""

import time


def _wait(x: float) -> float:
    time.sleep(0.2)
    return x


def a(x: float) -> float:
    return _wait(x + 1)


def b(x: float) -> float:
    return _wait(x + 2)


def c(x: float) -> float:
    return _wait(x + 3)


def d(x: float) -> float:
    return _wait(x + 4)


def total(a: float, b: float, c: float, d: float) -> float:
    return a + b + c + d


def broken(total: float) -> float:
    return total / 0
