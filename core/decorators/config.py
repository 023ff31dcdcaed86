"""`@config.when(...)` and friends: choose a function variant from the config.

Variants are named `name__variant`; the node is `name`. Exactly one variant of a
name may match a config. The decorators only attach a condition: the function
itself is returned unchanged, so it stays callable from a notebook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_ABSENT = object()
ATTRIBUTE = "__sideflow_when__"

Kind = Literal["when", "when_not", "when_in", "when_not_in"]


@dataclass(frozen=True)
class Condition:
    """A test of config values; several on one function must all hold."""

    kind: Kind
    values: tuple[tuple[str, Any], ...]

    def matches(self, config: Mapping[str, Any]) -> bool:
        for key, wanted in self.values:
            value = config.get(key, _ABSENT)
            if self.kind == "when":
                ok = value == wanted
            elif self.kind == "when_not":
                ok = value != wanted
            elif self.kind == "when_in":
                ok = value in wanted
            else:
                ok = value not in wanted
            if not ok:
                return False
        return True

    def describe(self) -> str:
        args = ", ".join(f"{key}={value!r}" for key, value in self.values)
        return f"@config.{self.kind}({args})"


def _decorator(kind: Kind, values: Mapping[str, Any]) -> Callable[[F], F]:
    if not values:
        msg = f"config.{kind}() needs at least one key=value"
        raise TypeError(msg)
    if kind in ("when_in", "when_not_in"):
        values = {key: _as_tuple(key, kind, v) for key, v in values.items()}
    condition = Condition(kind, tuple(values.items()))

    def attach(func: F) -> F:
        existing: tuple[Condition, ...] = getattr(func, ATTRIBUTE, ())
        setattr(func, ATTRIBUTE, (*existing, condition))
        return func

    return attach


def _as_tuple(key: str, kind: str, value: Any) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        msg = f"config.{kind}({key}=...) takes a list of values, got {value!r}"
        raise TypeError(msg)
    return tuple(value)


def when(**values: Any) -> Callable[[F], F]:
    """Use this function only when every `key` in the config equals `value`."""
    return _decorator("when", values)


def when_not(**values: Any) -> Callable[[F], F]:
    """Use this function only when no `key` in the config equals `value`."""
    return _decorator("when_not", values)


def when_in(**values: Any) -> Callable[[F], F]:
    """Use this function only when every config `key` is one of the listed values."""
    return _decorator("when_in", values)


def when_not_in(**values: Any) -> Callable[[F], F]:
    """Use this function only when no config `key` is one of the listed values."""
    return _decorator("when_not_in", values)


def conditions(func: Callable[..., Any]) -> tuple[Condition, ...]:
    """The conditions attached to a function (empty when it always applies)."""
    found: tuple[Condition, ...] = getattr(func, ATTRIBUTE, ())
    return found


__all__ = ["Condition", "conditions", "when", "when_in", "when_not", "when_not_in"]
