"""The engine alone (no IPython): BaseExceptions from nodes, return checks, refused shapes,
long cycles, instances of reloaded classes."""

from __future__ import annotations

import sys
import types
import typing
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import pytest

import sideflow
from sideflow import BuildError, Dataflow, InputError, NodeError
from sideflow.typecheck import stale_note, value_matches


def exits(x: int) -> int:
    sys.exit(3)


def interrupted(x: int) -> int:
    raise KeyboardInterrupt


def nothing(x: int) -> list[int]:
    x + 1


def test_system_exit_in_a_node_is_its_error_even_in_the_hot_loop() -> None:
    with pytest.raises(NodeError, match=r"node 'exits' \(function exits, test_engine_faults\.py:\d+\) raised "
                                        r"SystemExit: 3\n  inputs: x=1\n  fix: sys\.exit\(\) in a node stops nothing"):
        Dataflow([exits]).run("exits", inputs={"x": 1})


def test_a_keyboard_interrupt_still_interrupts() -> None:
    with pytest.raises(KeyboardInterrupt):
        Dataflow([interrupted]).run("interrupted", inputs={"x": 1})


def test_return_checks_are_off_by_default_and_name_node_and_type_when_on() -> None:
    assert Dataflow([nothing]).run("nothing", inputs={"x": 1}) == {"nothing": None}
    checked = Dataflow([nothing], check_outputs=True)
    with pytest.raises(NodeError, match=r"node 'nothing' \(function nothing, test_engine_faults\.py:\d+\) raised "
                                        r"OutputTypeError: returned NoneType, but its annotation declares -> "
                                        r"list\[int\]\n  fix: return a list\[int\] \(a missing `return` gives None\)"):
        checked.run("nothing", inputs={"x": 1})
    with ThreadPoolExecutor(2) as pool, pytest.raises(NodeError, match="OutputTypeError"):
        checked.run("nothing", inputs={"x": 1}, executor=pool)


class _Shape(Protocol):
    def area(self) -> float: ...


@pytest.mark.parametrize(
    ("annotation", "value", "ok"),
    [
        (int, 1, True),
        (int, "1", False),
        (float, 1, True),  # the numeric tower
        (typing.Optional[int], None, True),  # noqa: UP045
        (int | None, "x", False),
        (list[int], [1], True),  # shallow: the origin only
        (list[int], ("a",), False),
        (dict[str, int], {}, True),
        (typing.Any, object(), True),
        (typing.Annotated[int, "meta"], 2, True),
        (_Shape, 3, True),  # a protocol that is not runtime-checkable: cannot judge, accepted
        (typing.Literal["a"], "b", True),  # not judged (shallow)
    ],
    ids=lambda v: repr(v)[:30],
)
def test_return_check_rules(annotation: Any, value: Any, ok: bool) -> None:
    namespace: dict[str, Any] = {"T": annotation}
    exec("def node(x: int) -> T:\n    return VALUE\n", namespace)
    namespace["VALUE"] = value
    flow = Dataflow([namespace["node"]], check_outputs=True)
    if ok:
        assert flow.run("node", inputs={"x": 0})["node"] is value
    else:
        with pytest.raises(NodeError, match="OutputTypeError"):
            flow.run("node", inputs={"x": 0})


def test_numpy_scalars_pass_return_checks() -> None:
    np = pytest.importorskip("numpy")

    def mean(x: int) -> float:
        return np.float64(x) / 2

    assert Dataflow([mean], check_outputs=True).run("mean", inputs={"x": 3}) == {"mean": 1.5}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def total(*parts: int) -> int:\n    return 0\n", r"'total' takes \*parts: a node's parameters are named"),
        ("def total(a: int, **more: int) -> int:\n    return 0\n", r"'total' takes \*\*more"),
        ("def total(a: int, *more: int, **rest: int) -> int:\n    return 0\n", r"'total' takes \*more, \*\*rest"),
        ("def rows(a: int) -> list:\n    yield a\n", r"'rows' is a generator \(it uses `yield`\)"),
        ("def f(a: int = 1, b: int = 2, /) -> int:\n    return a\n",
         r"'f' has optional positional-only parameters \('a', 'b'\): when one is left out"),
    ],
    ids=["star-args", "star-kwargs", "both", "generator", "optional-positional-only"],
)
def test_functions_that_would_run_wrongly_are_refused(source: str, message: str) -> None:
    namespace: dict[str, Any] = {}
    exec(compile(source, "odd.py", "exec"), namespace)
    func = next(v for k, v in namespace.items() if isinstance(v, types.FunctionType))
    with pytest.raises(BuildError, match=r"odd\.py:1: function " + message):
        Dataflow([func])


def test_positional_only_parameters_that_can_always_be_passed_are_fine() -> None:
    def f(a: int, b: int = 2, /, c: int = 3) -> int:
        return a * 100 + b * 10 + c

    flow = Dataflow([f])
    assert flow.run("f", inputs={"a": 1}) == {"f": 123}
    assert flow.run("f", inputs={"a": 1, "b": 5, "c": 7}) == {"f": 157}
    assert flow.run("f", inputs={"a": 1, "c": 7}) == {"f": 127}


def test_a_five_thousand_node_cycle_gives_a_short_message() -> None:
    n = 5000
    source = "".join(f"def f{i}(f{(i + 1) % n}: int) -> int:\n    return 1\n" for i in range(n))
    namespace: dict[str, Any] = {}
    exec(compile(source, "ring.py", "exec"), namespace)
    with pytest.raises(BuildError) as info:
        Dataflow([namespace[f"f{i}"] for i in range(n)])
    text = str(info.value)
    assert len(text) < 1000, len(text)
    assert "cycle: f0 -> f4999 -> f4998 -> f4997 -> f4996 -> f4995 -> ... (4988 more) ... -> f6 -> f5" in text
    assert "f0 at ring.py:1" in text and "break the cycle" in text


def test_thousands_of_problems_are_counted_not_all_printed() -> None:
    source = "".join(f"def f{i}(x) -> int:\n    return 1\n" for i in range(3000))
    namespace: dict[str, Any] = {}
    exec(compile(source, "gen.py", "exec"), namespace)
    with pytest.raises(BuildError) as info:
        Dataflow([namespace[f"f{i}"] for i in range(3000)])
    assert len(info.value.problems) == 3000
    text = str(info.value)
    assert text.startswith("3000 problems found:\n  1. gen.py:1: function 'f0': parameter 'x' has no type")
    assert text.endswith("  ... and 2,975 more (all of them: the error's .problems)") and len(text) < 10_000


def _module_with_point(body: str) -> type:
    module = types.ModuleType("points")
    exec(f"class Point:\n    def __init__(self, x):\n        self.x = x\n{body}", module.__dict__)
    return module.Point  # type: ignore[no-any-return]


def test_an_instance_of_a_reloaded_but_unchanged_class_matches() -> None:
    old, new = _module_with_point(""), _module_with_point("")
    assert old is not new
    assert value_matches(old(1), new) and stale_note(old(1), new).startswith(" (from before 'points'")


def test_an_instance_of_a_changed_class_does_not_and_says_why() -> None:
    old = _module_with_point("")
    new = _module_with_point("    def norm(self):\n        return abs(self.x)\n")
    assert not value_matches(old(1), new)
    assert "Point has changed since the value was made; re-create it" in stale_note(old(1), new)
    assert stale_note(1, new) == ""


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda f: f.run(7), r"outputs must be a node name or a list of names, got 7"),
        (lambda f: f.run(["exits", None]), r"outputs must be a node name or a list of names"),
        (lambda f: f.run("exits", inputs=[1]), r"inputs must be a dict of name -> value, got list"),
        (lambda f: f.run("exits", overrides="x"), r"overrides must be a dict of name -> value, got str"),
        (lambda f: f.validate("exits", inputs={"x": "1"}), r"input 'x' is str, but 'exits'"),
    ],
    ids=["outputs-int", "outputs-none-item", "inputs-list", "overrides-str", "validate-types"],
)
def test_bad_run_arguments_are_one_clear_error(call: Any, message: str) -> None:
    with pytest.raises(sideflow.DataflowError, match=message) as info:
        call(Dataflow([exits]))
    assert isinstance(info.value, (InputError, sideflow.InputTypeError))
