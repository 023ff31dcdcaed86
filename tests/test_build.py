"""Building: resource modules fed to the builder, each problem pinned by its message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import sideflow
from sideflow import BuildError, Dataflow

RESOURCES = Path(__file__).parent / "resources"


def build(*names: str, **options: Any) -> Dataflow:
    return Dataflow(*(RESOURCES / f"{name}.py" for name in names), **options)


def problems_of(*names: str, **options: Any) -> BuildError:
    with pytest.raises(BuildError) as caught:
        build(*names, **options)
    return caught.value


# -- a valid module ------------------------------------------------------------------


def test_diamond_nodes_inputs_and_edges() -> None:
    flow = build("diamond")
    assert list(flow.nodes) == ["base", "left", "right", "joined", "unrelated"]
    assert list(flow.inputs) == ["x", "y"]
    assert flow.graph.parents["joined"] == ("left", "right")
    assert flow.graph.children["base"] == ("left", "right")
    assert flow.inputs["x"].consumers == ("base",)
    assert flow.inputs["x"].required


def test_imported_functions_and_private_helpers_are_not_nodes() -> None:
    flow = build("diamond")
    module = flow.sources[0].module
    assert module is not None
    assert callable(module.basename) and callable(module._record)
    assert "basename" not in flow.graph and "_record" not in flow.graph


def test_definition_order_is_kept_and_breaks_topological_ties() -> None:
    flow = build("ordering")
    assert list(flow.nodes) == ["zeta", "consumer", "alpha", "late", "mid"]
    # `consumer` waits for `late`; everything else comes as early as its definition allows
    assert flow.graph.order == ("zeta", "alpha", "late", "consumer", "mid")


def test_string_annotations_resolve_against_the_module() -> None:
    flow = build("future_annotations")
    module = flow.sources[0].module
    assert module is not None
    assert flow.nodes["wrapped"].returns is module.Box
    assert flow.nodes["numbers"].returns == list[int]
    assert flow.run("unwrapped", inputs={"n": 4}) == {"unwrapped": 6}


def test_unresolvable_string_annotation_is_a_problem(tmp_path: Path) -> None:
    file = tmp_path / "typo_annotation.py"
    file.write_text(
        "from __future__ import annotations\n\n\ndef typo(x: Sereis) -> int:\n    return 1\n"
    )
    with pytest.raises(
        BuildError, match=r"typo_annotation.py:4: function 'typo': cannot resolve its annotations"
    ):
        Dataflow(file)


def test_decorators_leave_the_function_callable_and_tags_reach_the_node() -> None:
    @sideflow.tag(owner="ads", stage="raw")
    def spend(budget: float) -> float:
        return budget / 2

    assert spend(4.0) == 2.0
    flow = Dataflow([spend])
    assert dict(flow.nodes["spend"].tags) == {"owner": "ads", "stage": "raw"}


# -- config variants -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "tax", "nodes"),
    [
        ({"region": "US"}, 0.07, ["tax", "price_with_tax", "report"]),
        ({"region": "EU"}, 0.2, ["tax", "price_with_tax", "report"]),
        ({"region": "JP"}, 0.1, ["tax", "price_with_tax", "report"]),
        ({"region": "KR", "mode": "fast"}, 0.1, ["tax", "price_with_tax"]),
    ],
    ids=["when-US", "when-EU", "when_in-JP", "when_in-KR-when_not-excluded"],
)
def test_config_chooses_one_variant(config: dict[str, str], tax: float, nodes: list[str]) -> None:
    flow = build("variants", config=config)
    assert list(flow.nodes) == nodes
    assert list(flow.inputs) == ["price"]  # config values are not inputs
    assert flow.run("tax") == {"tax": tax}
    assert flow.nodes["tax"].signature == "tax() -> float"


def test_variant_node_takes_the_name_before_the_double_underscore() -> None:
    flow = build("variants", config={"region": "EU"})
    assert flow.nodes["tax"].func.__name__ == "tax__eu"
    assert flow.run("report", inputs={"price": 10.0}) == {"report": "total 12.0"}


def test_no_variant_matching_while_a_node_needs_it() -> None:
    error = problems_of("variants", config={"region": "BR"})
    assert [p.kind for p in error.problems] == ["variant"]
    assert error.problems[0].node == "price_with_tax"
    with pytest.raises(
        BuildError,
        match=r"(?s)variants.py:21: function 'price_with_tax' needs 'tax', but no variant of it "
        r"matches the config \{'region': 'BR'\}: tax__us \(@config.when\(region='US'\), "
        r"variants.py:6\).*fix: set the config so one variant of 'tax' applies",
    ):
        build("variants", config={"region": "BR"})


def test_no_variant_matching_for_a_requested_output() -> None:
    flow = build("variants", config={"region": "US", "mode": "fast"})
    with pytest.raises(
        sideflow.UnknownOutputError,
        match=r"unknown output 'report' \(no config variant matches: report__full "
        r"\(@config.when_not\(mode='fast'\), variants.py:25\)\)",
    ):
        flow.run("report")


def test_two_matching_variants_is_an_error() -> None:
    with pytest.raises(
        BuildError,
        match=r"1 problem found:\n  1. overlapping_variants.py:6: 2 variants of 'rate' match the "
        r"config \{'region': 'US'\}: rate__domestic at overlapping_variants.py:6 and "
        r"rate__north_america at overlapping_variants.py:11",
    ):
        build("overlapping_variants", config={"region": "US"})
    assert build("overlapping_variants", config={"region": "CA"}).run("doubled") == {"doubled": 4.0}


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("when", {}, r"config.when\(\) needs at least one key=value"),
        ("when_in", {"region": "US"}, r"config.when_in\(region=...\) takes a list of values"),
        ("when_not_in", {"region": 3}, r"config.when_not_in\(region=...\) takes a list of values"),
    ],
    ids=["empty", "when_in-string", "when_not_in-scalar"],
)
def test_bad_decorator_arguments(kind: str, values: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        getattr(sideflow.config, kind)(**values)


# -- problems ------------------------------------------------------------------------


def test_cycle_is_shown_in_data_flow_order_with_locations() -> None:
    error = problems_of("cycle")
    assert [(p.kind, p.node) for p in error.problems] == [("cycle", "a")]
    with pytest.raises(
        BuildError,
        match=r"cycle.py:4: cycle: a -> b -> c -> a \(a at cycle.py:4, b at cycle.py:8, "
        r"c at cycle.py:12\)\n    fix: break the cycle",
    ):
        build("cycle")


@pytest.mark.parametrize(
    ("message",),
    [
        (r"bad_types.py:10: function 'count' takes name: int, but 'name' \(bad_types.py:6\) "
         r"returns str",),
        (r"bad_types.py:18: function 'strict' takes maybe: int, but 'maybe' \(bad_types.py:14\) "
         r"returns Optional\[int\]",),
    ],
    ids=["str-into-int", "optional-into-int"],
)
def test_type_mismatches_show_both_sides(message: str) -> None:
    with pytest.raises(BuildError, match=message):
        build("bad_types")


def test_type_mismatches_are_all_reported() -> None:
    error = problems_of("bad_types")
    assert [(p.kind, p.node) for p in error.problems] == [("type", "count"), ("type", "strict")]
    assert str(error).startswith("2 problems found:\n")


@pytest.mark.parametrize(
    ("message",),
    [
        (r"missing_annotations.py:4: function 'no_param_type': parameter 'x' has no type "
         r"annotation\n    fix: annotate it, e.g. `x: pd.Series`",),
        (r"missing_annotations.py:8: function 'no_return_type' has no return annotation\n"
         r"    fix: add one, e.g. `def no_return_type\(...\) -> pd.Series:`",),
    ],
    ids=["parameter", "return"],
)
def test_missing_annotations(message: str) -> None:
    with pytest.raises(BuildError, match=message):
        build("missing_annotations")


def test_collision_names_both_definitions() -> None:
    with pytest.raises(
        BuildError,
        match=r"collision_b.py:4: function 'shared' is defined twice: at collision_a.py:4 "
        r"\(collision_a.py\) and at collision_b.py:4 \(collision_b.py\)\n"
        r"    fix: rename one of them, or pass allow_override=True",
    ):
        build("collision_a", "collision_b")


def test_allow_override_lets_the_later_source_win() -> None:
    flow = build("collision_a", "collision_b", allow_override=True)
    assert flow.nodes["shared"].location == "collision_b.py:4"
    assert flow.run("uses_shared") == {"uses_shared": "FROM B"}
    assert flow.graph.order == ("shared", "uses_shared")


def test_config_key_shadowing_a_function() -> None:
    with pytest.raises(
        BuildError,
        match=r"diamond.py:18: config key 'left' has the same name as function 'left'\n"
        r"    fix: rename the config key or the function",
    ):
        build("diamond", config={"left": 1})


def test_every_problem_is_reported_at_once() -> None:
    error = problems_of("several_problems")
    assert [p.kind for p in error.problems] == ["annotation", "type", "cycle"]
    with pytest.raises(
        BuildError,
        match=r"^3 problems found:\n"
        r"  1\. several_problems.py:4: function 'unannotated': parameter 'x' has no type .*\n"
        r".*\n"
        r"  2\. several_problems.py:12: function 'number' takes text: int, but 'text' .*\n"
        r".*\n"
        r"  3\. several_problems.py:16: cycle: ping -> pong -> ping .*",
    ):
        build("several_problems")


def test_problem_records_are_data() -> None:
    problem = problems_of("cycle").problems[0]
    assert problem.location == "cycle.py:4"
    assert problem.describe().startswith("cycle.py:4: cycle: a -> b -> c -> a")
    assert isinstance(problems_of("cycle"), ValueError)  # project error and builtin both


def test_plain_function_is_the_default_variant() -> None:
    import sideflow

    def tax(total: float) -> float:
        return total * 0.0

    @sideflow.config.when(region="US")
    def tax__us(total: float) -> float:
        return total * 0.1

    def bill(tax: float) -> float:
        return tax

    us = sideflow.Dataflow([tax, tax__us, bill], config={"region": "US"})
    other = sideflow.Dataflow([tax, tax__us, bill], config={"region": "FR"})
    assert us.run("bill", inputs={"total": 10.0})["bill"] == pytest.approx(1.0)
    assert other.run("bill", inputs={"total": 10.0})["bill"] == 0.0


def test_aliases_lambdas_and_repeats_are_not_extra_nodes(tmp_path) -> None:
    import sideflow

    (tmp_path / "aliased.py").write_text(
        "def a(x: int) -> int:\n    return x\n\nb = a\nsquare = lambda v: v * v\n"
    )
    flow = sideflow.Dataflow(tmp_path / "aliased.py")
    assert list(flow.nodes) == ["a"]

    def f(x: int) -> int:
        return x

    assert list(sideflow.Dataflow([f, f]).nodes) == ["f"]


def test_unknown_override_is_an_error_with_a_hint() -> None:
    import sideflow

    def total(x: int) -> int:
        return x

    with pytest.raises(sideflow.InputError, match=r"overrides name 'totl' \(did you mean 'total'\?\)"):
        sideflow.Dataflow([total]).run("total", overrides={"totl": 1})


def test_one_input_read_with_incompatible_types_is_refused_at_build() -> None:
    error = problems_of("conflicting_inputs")
    assert [p.kind for p in error.problems] == ["type"]  # `x: int` beside `x: float` is accepted
    assert re.search(r"conflicting_inputs\.py:8: input 'a' is read as int by 'doubled' "
                     r"\(conflicting_inputs\.py:4\) but as str by 'shouted' \(conflicting_inputs\.py:8\): "
                     r"no value can be both", str(error))
