"""Running: only what the outputs need, each node once, and errors that point at user code."""

from __future__ import annotations

import sys
import time
import traceback
import weakref
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sideflow
from sideflow import (
    Dataflow,
    InputError,
    InputTypeError,
    MissingInputError,
    NodeError,
    UnknownOutputError,
)

RESOURCES = Path(__file__).parent / "resources"


def build(name: str, **options: Any) -> Dataflow:
    return Dataflow(RESOURCES / f"{name}.py", **options)


def calls(flow: Dataflow) -> list[str]:
    module = flow.sources[0].module
    assert module is not None
    result: list[str] = module.CALLS
    return result


# -- what runs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outputs", "ran", "result"),
    [
        ("base", ["base"], {"base": 6}),
        ("left", ["base", "left"], {"left": 7}),
        (["right", "left"], ["base", "left", "right"], {"right": 60, "left": 7}),
        ("joined", ["base", "left", "right", "joined"], {"joined": 67}),
        (["joined", "base"], ["base", "left", "right", "joined"], {"joined": 67, "base": 6}),
    ],
    ids=["root", "one-branch", "two-branches", "diamond-base-once", "output-also-needed"],
)
def test_only_ancestors_run_each_once(
    outputs: str | list[str], ran: list[str], result: dict[str, int]
) -> None:
    flow = build("diamond")
    assert flow.run(outputs, inputs={"x": 3}) == result
    assert calls(flow) == ran  # in graph order, `unrelated` never


def test_outputs_come_back_in_the_requested_order() -> None:
    flow = build("diamond")
    assert list(flow.run(["joined", "left", "x"], inputs={"x": 3})) == ["joined", "left", "x"]


def test_overrides_skip_upstream() -> None:
    flow = build("shop")
    out = flow.run("profit", inputs={"units": 2, "unit_cost": 1.5}, overrides={"revenue": 10.0})
    assert out == {"profit": 7.0}
    assert calls(flow) == ["cost", "profit"]  # `price` was never needed


def test_overriding_the_output_runs_nothing() -> None:
    flow = build("shop")
    assert flow.run("profit", overrides={"profit": 1.0}) == {"profit": 1.0}
    assert calls(flow) == []


def test_overrides_are_not_type_checked_against_inputs() -> None:
    flow = build("diamond")
    assert flow.run("left", overrides={"base": "not checked", "left": 5}) == {"left": 5}


@pytest.mark.parametrize(
    ("outputs", "inputs", "result"),
    [
        ("scaled", {"x": 3}, 6),
        ("scaled", {"x": 3, "factor": 5}, 15),
        ("scaled", {"x": 3, "shift": 1}, 7),  # left-out `factor`: `shift` goes by name
        ("scaled", {"x": 3, "factor": 3, "shift": 1}, 10),
        ("offset", {"x": 3}, 103),
        ("offset", {"x": 3, "by": 1}, 4),
        ("labelled", {"x": 3, "label": "n"}, "n=103"),
    ],
    ids=["defaults", "first", "second-only", "both", "kwonly-default", "kwonly-given",
         "kwonly-required"],
)
def test_optional_inputs(outputs: str, inputs: dict[str, Any], result: Any) -> None:
    flow = build("optional_inputs")
    assert flow.run(outputs, inputs=inputs) == {outputs: result}


def test_optional_inputs_are_marked_optional() -> None:
    flow = build("optional_inputs")
    required = {name: spec.required for name, spec in flow.inputs.items()}
    assert required == {"x": True, "factor": False, "shift": False, "by": False, "label": True}


def test_config_values_reach_functions() -> None:
    flow = build("diamond", config={"x": 5})
    assert "x" not in flow.inputs
    assert flow.run("base") == {"base": 10}
    assert flow.run("base", inputs={"x": 1}) == {"base": 2}  # inputs win over config


def test_a_deep_chain_runs_at_the_default_recursion_limit(tmp_path: Path) -> None:
    depth = 10_000
    assert sys.getrecursionlimit() < depth
    lines = ["def f0(start: int) -> int:\n    return start\n"]
    lines += [
        f"def f{i}(f{i - 1}: int) -> int:\n    return f{i - 1} + 1\n" for i in range(1, depth)
    ]
    file = tmp_path / "deep_chain.py"
    file.write_text("\n".join(lines))
    flow = Dataflow(file)
    last = f"f{depth - 1}"
    assert flow.run(last, inputs={"start": 1}) == {last: depth}
    assert flow.upstream(last)[:2] == ["start", "f0"]
    assert flow.path("f0", last) is not None
    assert len(flow.downstream("f0")) == depth - 1


class Blob:
    """A big intermediate (weak-referenceable)."""


def test_intermediates_are_freed_once_nothing_needs_them() -> None:
    refs: dict[str, weakref.ref[Blob]] = {}

    def blob() -> Blob:
        value = Blob()
        refs["blob"] = weakref.ref(value)
        return value

    def size(blob: Blob) -> int:
        return 1

    def blob_gone(size: int) -> bool:
        return refs["blob"]() is None

    flow = Dataflow([blob, size, blob_gone])
    assert flow.run("blob_gone") == {"blob_gone": True}
    assert flow.run("blob_gone", hooks=[Timings()]) == {"blob_gone": True}
    kept = flow.run(["blob_gone", "blob"])  # an output is kept to the end
    assert kept["blob_gone"] is False
    assert isinstance(kept["blob"], Blob)


# -- errors before running -----------------------------------------------------------


def test_unknown_output_suggests_close_names() -> None:
    flow = build("diamond")
    with pytest.raises(
        UnknownOutputError,
        match=r"^unknown output 'joind' \(did you mean 'joined'\?\), 'nothing_like_it': "
        r"not a function or input of this dataflow$",
    ):
        flow.run(["joind", "nothing_like_it"], inputs={"x": 1})


def test_missing_inputs_lists_all_with_the_nodes_needing_each() -> None:
    flow = build("shop")
    with pytest.raises(
        MissingInputError,
        match=r"^missing inputs 'price', 'units', 'unit_cost':\n"
        r"  'price' needed by revenue\n"
        r"  'units' needed by revenue, cost\n"
        r"  'unit_cost' needed by cost\n"
        r"  fix: pass them with inputs=",
    ) as caught:
        flow.run("profit")
    assert caught.value.needed_by == {
        "price": ["revenue"], "units": ["revenue", "cost"], "unit_cost": ["cost"]
    }
    assert calls(flow) == []  # nothing ran


def test_an_input_requested_as_output_must_be_given() -> None:
    flow = build("diamond")
    with pytest.raises(MissingInputError, match=r"missing input 'x':\n  'x' needed by \(requested"):
        flow.run("x")
    assert flow.run("x", inputs={"x": 4}) == {"x": 4}


def test_an_input_given_for_a_computed_node_points_to_overrides() -> None:
    flow = build("diamond")
    with pytest.raises(
        InputError,
        match=r"^'left' is a function of this dataflow, not an input: to replace a computed "
        r"value, pass overrides=\{\.\.\.\}$",
    ):
        flow.run("joined", inputs={"x": 1, "left": 2})


def test_runtime_input_of_the_wrong_type() -> None:
    flow = build("diamond")
    with pytest.raises(
        InputTypeError,
        match=r"^wrong input type:\n  input 'x' is str, but 'base' \(diamond.py:12\) takes x: int\n"
        r"  fix: pass values of the declared types$",
    ):
        flow.run("joined", inputs={"x": "3"})
    assert calls(flow) == []


def test_input_types_are_checked_against_the_consumers_that_run() -> None:
    def as_number(x: int) -> int:
        return x

    def as_maybe(x: int | None) -> str:
        return repr(x)

    flow = Dataflow([as_number, as_maybe])  # `int` and `int | None` agree: both take an int
    assert flow.run("as_maybe", inputs={"x": None}) == {"as_maybe": "None"}
    with pytest.raises(
        InputTypeError, match=r"input 'x' is NoneType, but 'as_number' \(test_run.py:\d+\) takes x: int"
    ):
        flow.run(["as_number", "as_maybe"], inputs={"x": None})


# -- errors while running ------------------------------------------------------------


def _failing_run(**hooks: Any) -> NodeError:
    flow = build("failing")
    with pytest.raises(NodeError) as caught:
        flow.run("ratio", inputs={"a": 1, "b": 0, "note": "x" * 500}, **hooks)
    return caught.value


def test_node_error_names_node_function_location_and_inputs() -> None:
    flow = build("failing")
    with pytest.raises(
        NodeError,
        match=r"^node 'ratio' \(function ratio, failing.py:8\) raised ZeroDivisionError: "
        r"division by zero\n  inputs: numerator=1, b=0, note='x{10,}\.\.\.x{10,}'$",
    ):
        flow.run("ratio", inputs={"a": 1, "b": 0, "note": "x" * 500})


@pytest.mark.parametrize("with_hooks", [False, True], ids=["plain", "hooks"])
def test_node_error_is_chained_to_the_original_from_user_code(with_hooks: bool) -> None:
    error = _failing_run(hooks=[Recorder()]) if with_hooks else _failing_run()
    assert (error.node, error.function, error.location) == ("ratio", "ratio", "failing.py:8")
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert error.original is error.__cause__
    frames = traceback.extract_tb(error.__cause__.__traceback__)
    assert frames[0].name == "ratio"
    assert Path(frames[0].filename).name == "failing.py"
    assert len(error.args[0]) < 200  # a 500-character input is shortened


def test_pandas_inputs_are_described_by_shape() -> None:
    def halve(frame: pd.DataFrame) -> pd.DataFrame:
        raise ValueError("no")

    frame = pd.DataFrame({"a": range(1000), "b": range(1000)})
    with pytest.raises(NodeError, match=r"inputs: frame=<DataFrame shape=\(1000, 2\)>"):
        Dataflow([halve]).run("halve", inputs={"frame": frame})


# -- hooks ---------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def before_node(self, name: str) -> None:
        self.events.append(("before", name))

    def after_node(
        self, name: str, result: Any, seconds: float, error: BaseException | None
    ) -> None:
        assert isinstance(seconds, float) and seconds >= 0
        self.events.append(("after", name, result, type(error).__name__ if error else None))


class Timings:
    """Keeps durations only, never results."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def before_node(self, name: str) -> None:
        pass

    def after_node(
        self, name: str, result: Any, seconds: float, error: BaseException | None
    ) -> None:
        self.seconds[name] = seconds


def test_hooks_are_called_around_each_node() -> None:
    built, per_run = Recorder(), Recorder()
    flow = Dataflow(RESOURCES / "diamond.py", hooks=[built])
    flow.run("left", inputs={"x": 1}, hooks=[per_run])
    expected = [("before", "base"), ("after", "base", 2, None),
                ("before", "left"), ("after", "left", 3, None)]
    assert built.events == expected
    assert per_run.events == expected


def test_hooks_see_the_error() -> None:
    recorder = Recorder()
    error = _failing_run(hooks=[recorder])
    assert recorder.events == [
        ("before", "numerator"), ("after", "numerator", 1, None),
        ("before", "ratio"), ("after", "ratio", None, "NodeError"),
    ]
    assert isinstance(error.__cause__, ZeroDivisionError)


def test_hooks_report_durations() -> None:
    def slow() -> int:
        time.sleep(0.05)
        return 1

    def fast(slow: int) -> int:
        return slow

    timings = Timings()
    Dataflow([slow, fast]).run("fast", hooks=[timings])
    assert timings.seconds["slow"] >= 0.04
    assert timings.seconds["fast"] < timings.seconds["slow"]


# -- results as a frame --------------------------------------------------------------


def test_frame_assembles_series_and_broadcasts_scalars() -> None:
    def doubled(spend: pd.Series) -> pd.Series:
        return spend * 2

    def total(spend: pd.Series) -> float:
        return float(spend.sum())

    flow = Dataflow([doubled, total])
    spend = pd.Series([1.0, 2.0, 3.0], index=[10, 20, 30])
    frame = flow.frame(["doubled", "total"], inputs={"spend": spend})
    assert list(frame.columns) == ["doubled", "total"]
    assert list(frame.index) == [10, 20, 30]
    assert frame["doubled"].tolist() == [2.0, 4.0, 6.0]
    assert frame["total"].tolist() == [6.0, 6.0, 6.0]


def test_to_frame_with_dataframes_and_scalars_only() -> None:
    both = sideflow.to_frame({"wide": pd.DataFrame({"a": [1, 2], "b": [3, 4]}), "n": 5})
    assert list(both.columns) == ["a", "b", "n"]
    assert both["n"].tolist() == [5, 5]
    scalars = sideflow.to_frame({"a": 1, "b": "x"})
    assert scalars.to_dict("records") == [{"a": 1, "b": "x"}]
