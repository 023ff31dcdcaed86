"""Property-based: random DAG modules agree with a reference evaluator written here."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sideflow import Dataflow
from sideflow.typecheck import is_compatible

MODULUS = 1_000_003
REQUIRED_INPUTS = ("in0", "in1", "in2")
EXAMPLES = settings(max_examples=60, deadline=None, database=None)


@dataclass(frozen=True)
class Param:
    name: str
    weight: int
    default: int | None  # optional inputs only
    keyword_only: bool


@dataclass(frozen=True)
class Function:
    name: str
    constant: int
    params: tuple[Param, ...]  # in signature order

    def source(self) -> str:
        positional = [p for p in self.params if not p.keyword_only]
        keyword = [p for p in self.params if p.keyword_only]
        parts = [_declare(p) for p in positional]
        if keyword:
            parts += ["*", *(_declare(p) for p in keyword)]
        terms = "".join(f" + {p.weight} * {p.name}" for p in self.params)
        return (f"def {self.name}({', '.join(parts)}) -> int:\n"
                f"    return ({self.constant}{terms}) % {MODULUS}\n")


def _declare(param: Param) -> str:
    default = "" if param.default is None else f" = {param.default}"
    return f"{param.name}: int{default}"


@st.composite
def dags(draw: st.DrawFn) -> list[Function]:
    """Functions f0..fn; each takes earlier functions, shared inputs and maybe an optional one."""
    count = draw(st.integers(1, 12))
    functions: list[Function] = []
    for i in range(count):
        names = draw(st.sets(st.sampled_from([f.name for f in functions]))) if functions else set()
        names |= draw(st.sets(st.sampled_from(REQUIRED_INPUTS), max_size=2))
        required = [Param(n, draw(st.integers(1, 9)), None, draw(st.booleans()))
                    for n in sorted(names)]
        required = draw(st.permutations(required))
        optional = []
        if draw(st.booleans()):
            default = draw(st.integers(0, 50))
            optional.append(Param(f"opt{i}", draw(st.integers(1, 9)), default, draw(st.booleans())))
        # a signature needs required positionals before defaulted ones; keyword-only anywhere
        ordered = [p for p in required if not p.keyword_only] + [
            p for p in optional if not p.keyword_only
        ] + [p for p in [*required, *optional] if p.keyword_only]
        functions.append(Function(f"f{i}", draw(st.integers(0, 100)), tuple(ordered)))
    return functions


_counter = itertools.count()


def write_module(directory: Path, functions: Sequence[Function]) -> Path:
    file = directory / f"random_dag_{next(_counter)}.py"
    file.write_text("\n\n".join(f.source() for f in functions))
    return file


def reference(
    functions: Sequence[Function], outputs: Sequence[str], values: dict[str, int]
) -> tuple[dict[str, int], set[str]]:
    """A memoized recursive evaluator; returns the outputs and the functions it had to call."""
    by_name = {f.name: f for f in functions}
    memo: dict[str, int] = dict(values)
    called: set[str] = set()

    def value(name: str, default: int | None = None) -> int:
        if name not in memo:
            if name not in by_name:
                assert default is not None, name
                return default
            called.add(name)
            function = by_name[name]
            total = function.constant + sum(p.weight * value(p.name, p.default)
                                            for p in function.params)
            memo[name] = total % MODULUS
        return memo[name]

    return {name: value(name) for name in outputs}, called


class Recorder:
    def __init__(self) -> None:
        self.ran: list[str] = []

    def before_node(self, name: str) -> None:
        self.ran.append(name)

    def after_node(self, name: str, result: Any, seconds: float, error: Any) -> None:
        pass


@pytest.fixture(scope="module")
def directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("random_dags")


@EXAMPLES
@given(functions=dags(), data=st.data())
def test_random_dags_match_the_reference(
    directory: Path, functions: list[Function], data: st.DataObject
) -> None:
    flow = Dataflow(write_module(directory, functions))
    names = [f.name for f in functions]
    outputs = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True), "outputs")
    inputs = {name: data.draw(st.integers(-100, 100), name) for name in REQUIRED_INPUTS}
    optional = [p.name for f in functions for p in f.params if p.default is not None]
    for name in data.draw(st.sets(st.sampled_from(optional)) if optional else st.just(set())):
        inputs[name] = data.draw(st.integers(-100, 100), name)
    overridden = data.draw(st.sets(st.sampled_from(names)), "overrides")
    overrides = {name: data.draw(st.integers(0, 10), name) for name in sorted(overridden)}

    recorder = Recorder()
    result = flow.run(outputs, inputs=inputs, overrides=overrides, hooks=[recorder])
    expected, called = reference(functions, outputs, {**inputs, **overrides})
    assert result == expected
    assert list(result) == outputs
    assert sorted(recorder.ran) == sorted(called)  # exactly the needed nodes, each once
    position = flow.graph.position
    assert recorder.ran == sorted(recorder.ran, key=position.__getitem__)


@EXAMPLES
@given(functions=dags())
def test_topological_order_respects_edges(directory: Path, functions: list[Function]) -> None:
    flow = Dataflow(write_module(directory, functions))
    order = flow.graph.order
    assert sorted(order) == sorted(f.name for f in functions)
    position = flow.graph.position
    for function in functions:
        for param in function.params:
            if param.name in position:
                assert position[param.name] < position[function.name]
    # ties are broken by definition order: repeatedly take the first-defined ready node
    remaining, placed = [f.name for f in functions], []
    while remaining:
        ready = next(n for n in remaining if all(p in placed for p in flow.graph.parents[n]
                                                  if p in flow.graph.nodes))
        placed.append(ready)
        remaining.remove(ready)
    assert tuple(placed) == order


# -- the type rules -------------------------------------------------------------------

SCALARS = st.sampled_from([int, float, str, bool, bytes, complex, type(None)])


def _types() -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(
            inner.map(lambda t: list[t]),  # type: ignore[valid-type]
            st.tuples(SCALARS, inner).map(lambda kv: dict[kv[0], kv[1]]),  # type: ignore[index]
            inner.map(lambda t: tuple[t, ...]),  # type: ignore[valid-type]
            inner.map(lambda t: Optional[t]),  # type: ignore[valid-type]  # noqa: UP045
        ),
        max_leaves=4,
    )


@EXAMPLES
@given(tp=_types())
def test_every_type_flows_into_itself_and_into_optional_of_itself(tp: Any) -> None:
    assert is_compatible(tp, tp)
    assert is_compatible(tp, Optional[tp])  # noqa: UP045
    assert is_compatible(tp, Any)
    assert is_compatible(Any, tp)


@EXAMPLES
@given(tp=_types(), other=_types())
def test_a_union_consumer_accepts_each_member(tp: Any, other: Any) -> None:
    assert is_compatible(tp, tp | other)
    assert is_compatible(other, tp | other)
