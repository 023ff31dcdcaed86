"""`check_output`: validators become nodes; a failed check stops the run or warns.

The shape follows Hamilton's: the function's node becomes `<name>_raw`, each check a
`<name>_<check>_validator` node, and `<name>` itself returns the raw value once the
checks passed (or, with `importance="warn"`, after warning).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import DataflowError
from ..node import Node
from .base import Modifier, arg, target


@dataclass(frozen=True)
class CheckResult:
    """What one validator node returns."""

    check: str
    passes: bool
    message: str


class CheckError(DataflowError, ValueError):
    """A check with `importance="fail"` did not pass; names the node and the check."""


class CheckWarning(UserWarning):
    """A check with `importance="warn"` did not pass."""


def _values(data: Any) -> list[Any]:
    return list(data) if hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)) else [data]


def _range(bounds: tuple[Any, Any]) -> Callable[[Any], str]:
    low, high = bounds

    def test(data: Any) -> str:
        outside = [v for v in _values(data) if not low <= v <= high]
        return f"{len(outside)} value(s) outside {bounds!r}, e.g. {outside[0]!r}" if outside else ""
    return test


def _data_type(kind: type) -> Callable[[Any], str]:
    def test(data: Any) -> str:
        dtype = getattr(data, "dtype", None)
        if dtype is not None:
            ok = getattr(dtype, "type", None) is kind or issubclass(getattr(dtype, "type", object), kind)
            return "" if ok else f"dtype is {dtype}, expected {kind.__name__}"
        return "" if isinstance(data, kind) else f"is {type(data).__name__}, expected {kind.__name__}"
    return test


def _no_nans(data: Any) -> str:
    isna = getattr(data, "isna", None)
    found = int(isna().sum()) if isna is not None else sum(
        1 for v in _values(data) if v is None or (isinstance(v, float) and math.isnan(v)))
    return f"{found} missing value(s)" if found else ""


def _values_in(allowed: Collection[Any]) -> Callable[[Any], str]:
    def test(data: Any) -> str:
        other = [v for v in _values(data) if v not in allowed]
        return f"{len(other)} value(s) not in {list(allowed)!r}, e.g. {other[0]!r}" if other else ""
    return test


class _Validate:
    def __init__(self, upstream: str, check: str, test: Callable[[Any], str | bool]) -> None:
        self.upstream, self.check, self.test = upstream, check, test

    def __call__(self, **given: Any) -> CheckResult:
        outcome = self.test(given[self.upstream])
        if isinstance(outcome, bool):  # a custom check returns True when the data is fine
            outcome = "" if outcome else "returned False"
        return CheckResult(self.check, not outcome, outcome)


class _Gate:
    def __init__(self, node: str, upstream: str, importance: str) -> None:
        self.node, self.upstream, self.importance = node, upstream, importance

    def __call__(self, **given: Any) -> Any:
        __tracebackhide__ = True
        failed = [r for k, r in given.items() if k != self.upstream and not r.passes]
        if failed:
            text = "; ".join(f"check {r.check!r} failed on {self.node!r}: {r.message}" for r in failed)
            if self.importance == "fail":
                raise CheckError(text)
            warnings.warn(text, CheckWarning, stacklevel=2)
        return given[self.upstream]


class check_output(Modifier):
    """`@check_output(range=(0, 1), allow_nans=False, importance="fail")`; `custom=` takes a
    function of the value returning True when it is fine."""

    name = "check_output"
    fix = "use range=(low, high), data_type=T, allow_nans=False, values_in=[...] or custom=f"

    def __init__(self, *, range: tuple[Any, Any] | None = None, data_type: type | None = None,
                 allow_nans: bool = True, values_in: Collection[Any] | None = None,
                 custom: Callable[[Any], bool] | None = None,
                 importance: Literal["fail", "warn"] = "fail", target_: str | None = None) -> None:
        tests: dict[str, Callable[[Any], Any]] = {}
        if range is not None:
            tests["range"] = _range(range)
        if data_type is not None:
            tests["data_type"] = _data_type(data_type)
        if not allow_nans:
            tests["allow_nans"] = _no_nans
        if values_in is not None:
            tests["values_in"] = _values_in(values_in)
        if custom is not None:
            tests[getattr(custom, "__name__", "custom").strip("<>")] = custom
        if not tests or importance not in ("fail", "warn"):
            msg = "check_output() needs at least one check, and importance 'fail' or 'warn'"
            raise TypeError(msg)
        self.tests, self.importance, self.target = tests, importance, target_

    def apply(self, nodes: list[Node], func: Callable[..., Any]) -> list[Node]:
        checked = target(nodes, func, self.target)
        raw = f"{checked.name}_raw"
        renamed = Node(raw, checked.func, checked.params, checked.returns, checked.file,
                       checked.line, checked.source, checked.tags, checked.origin)
        validators = [
            self.make(f"{checked.name}_{check}_validator", _Validate(raw, check, test),
                      (arg(raw, checked.returns),), CheckResult, func, checked)
            for check, test in self.tests.items()
        ]
        gate = self.make(checked.name, _Gate(checked.name, raw, self.importance),
                         (arg(raw, checked.returns), *(arg(v.name, CheckResult) for v in validators)),
                         checked.returns, func, checked)
        rest = [renamed if n is checked else n for n in nodes]
        return [*rest, *validators, gate]


__all__ = ["CheckError", "CheckResult", "CheckWarning", "check_output"]
