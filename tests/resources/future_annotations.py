"""String annotations, resolved against the module (including a class defined later)."""

from __future__ import annotations

from collections.abc import Sequence


def numbers(n: int) -> list[int]:
    return list(range(n))


def total(numbers: Sequence[int]) -> int:
    return sum(numbers)


def wrapped(total: int) -> Box:
    return Box(total)


def unwrapped(wrapped: Box) -> int | None:
    return wrapped.value


class Box:
    def __init__(self, value: int) -> None:
        self.value = value
