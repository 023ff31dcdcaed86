"""Edges whose annotations disagree."""

from typing import Optional


def name() -> str:
    return "seven"


def count(name: int) -> int:
    return name + 1


def maybe() -> Optional[int]:  # noqa: UP045 - the spelling under test
    return None


def strict(maybe: int) -> int:
    return maybe * 2
