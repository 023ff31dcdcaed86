"""The edge type rules (`sideflow.typecheck`), one line per case."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, NewType, Optional, TypeVar, Union

import pandas as pd
import pytest

from sideflow.typecheck import describe, is_compatible, value_matches

UserId = NewType("UserId", int)
T = TypeVar("T")


class Animal:
    pass


class Dog(Animal):
    pass


# (producer, consumer, compatible)
RULES: list[tuple[Any, Any, bool]] = [
    (Any, int, True),
    (int, Any, True),
    (str, object, True),
    (Dog, Animal, True),
    (Animal, Dog, False),
    (int, float, True),
    (bool, int, True),
    (int, complex, True),
    (float, int, False),
    (str, int, False),
    (int, Union[int, str], True),  # noqa: UP007 - both spellings are under test
    (str, int | str, True),
    (bytes, int | str, False),
    (Optional[int], int, False),  # noqa: UP045
    (int | None, int, False),
    (int | None, int | None, True),
    (None, Optional[int], True),  # noqa: UP045
    (list[int], Sequence[int], True),
    (list[str], Sequence[int], False),
    (list, Sequence[int], True),
    (list[int], list, True),
    (Sequence[int], list[int], False),
    (Annotated[int, "meta"], int, True),
    (int, Annotated[float, "unit"], True),
    (Annotated[str, "meta"], int, False),
    (UserId, int, True),
    (int, UserId, True),  # a NewType is its supertype
    (UserId, str, False),
    (dict[str, int], Mapping[str, float], True),
    (dict[str, str], Mapping[str, float], False),
    (dict[int, int], Mapping[str, int], False),
    (tuple[int, ...], tuple[int, ...], True),
    (tuple[int, int], tuple[int, ...], True),
    (tuple[int, str], tuple[int, ...], False),
    (tuple[int, ...], tuple[float, ...], True),
    (tuple[int, ...], tuple[int, int], False),
    (tuple[int, int], tuple[int, int, int], False),
    (tuple[int, str], tuple[int, str], True),
    (tuple[int, ...], Sequence[int], True),
    (tuple[str, ...], Sequence[int], False),
    (tuple[int, bool], Sequence[int], True),
    (tuple[int, str], Sequence[int], False),
    (pd.Series, pd.Series, True),
    (pd.DataFrame, pd.Series, False),
    (T, int, True),
    (Callable[[int], bool], Callable[[int], int], True),
    (Callable[[int], str], Callable[[int], int], False),  # return types are compared
    (Callable[[Dog], int], Callable[[Animal], int], True),  # parameter lists are not judged
    (Callable[..., str], Callable[[int], int], False),
    (Literal["a"], int, True),  # cannot judge: accepted
]


def _id(case: tuple[Any, Any, bool]) -> str:
    producer, consumer, ok = case
    return f"{describe(producer)}->{describe(consumer)}:{'ok' if ok else 'rejected'}"


@pytest.mark.parametrize(("producer", "consumer", "ok"), RULES, ids=[_id(c) for c in RULES])
def test_is_compatible(producer: Any, consumer: Any, ok: bool) -> None:
    assert is_compatible(producer, consumer) is ok


# (value, annotation, matches)
VALUES: list[tuple[Any, Any, bool]] = [
    (3, int, True),
    ("3", int, False),
    (3, float, True),
    (3.5, int, False),
    (None, int | None, True),
    (None, int, False),
    ([1], list[int], True),
    ((1,), Sequence[int], True),
    (3, Any, True),
    (UserId(3), UserId, True),
    ("x", T, True),
    (pd.Series([1]), pd.Series, True),
]


@pytest.mark.parametrize(
    ("value", "annotation", "ok"),
    VALUES,
    ids=[f"{type(v).__name__}-{describe(a)}" for v, a, _ in VALUES],
)
def test_value_matches(value: Any, annotation: Any, ok: bool) -> None:
    assert value_matches(value, annotation) is ok


@pytest.mark.parametrize(
    ("annotation", "text"),
    [
        (int, "int"),
        (None, "None"),
        (list[int], "list[int]"),
        (int | None, "int | None"),
        (Sequence[int], "Sequence[int]"),
        (Annotated[pd.Series, "weekly"], "Series"),
    ],
    ids=["class", "none", "generic", "union", "abc", "annotated"],
)
def test_describe(annotation: Any, text: str) -> None:
    assert describe(annotation) == text
