"""Hamilton-decorated modules: unknown modifiers refused, misuse pinned, generated nodes complete."""

from __future__ import annotations

from pathlib import Path

import pytest

from sideflow import BuildError, Dataflow, NodeError
from sideflow.sources import load_path

pytest.importorskip("hamilton")

RESOURCES = Path(__file__).parent / "resources"


def build(name: str, **options: object) -> Dataflow:
    folder = "hamilton" if name.startswith("h") and name[1:3].isdigit() else "modifiers"
    return Dataflow(RESOURCES / folder / f"{name}.py", **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("module", "pattern"),
    [
        ("unknown_lookalike", r"unknown_lookalike\.py:18: function 'pair' is decorated with "
         r"@unknown_lookalike\.explode, which sideflow cannot apply: it is not one of Hamilton's "
         r"node modifiers .*\n    fix: remove @unknown_lookalike\.explode"),
        ("unknown_lifecycle", r"unknown_lifecycle\.py:19: function 'doubled' is decorated with "
         r"@unknown_lifecycle\.rewrite, .*Hamilton's resolver does not read the lifecycle step 'rewrite'"),
        ("unknown_sideflow_mark", r"unknown_sideflow_mark\.py:4: function 'later' carries "
         r"'__sideflow_retry__', a sideflow modifier this version does not know"),
    ],
    ids=["lookalike", "unread-lifecycle-step", "newer-sideflow-mark"],
)
def test_a_modifier_nobody_applies_is_a_build_error(module: str, pattern: str) -> None:
    with pytest.raises(BuildError, match=pattern):
        build(module)


def test_a_custom_hamilton_modifier_is_applied_by_hamiltons_resolver() -> None:
    flow = build("custom_hamilton_modifier")
    assert list(flow.nodes) == ["base_value", "base_value_doubled"]
    assert flow.run("base_value_doubled", inputs={"x": 3}) == {"base_value_doubled": 8}
    assert flow.nodes["base_value_doubled"].origin == "@custom_hamilton_modifier.with_doubled"


def test_misuse_config_variants_that_all_decline() -> None:
    with pytest.raises(BuildError, match=(
        r"h46_when_all_fail\.py:\d+: function 'total' needs 'tax', but no variant of it matches the "
        r"config \{'region': 'JP'\}: tax__us \(@config\.when\(region='US'\), h46_when_all_fail\.py:9\); "
        r"tax__eu \(@config\.when\(region='EU'\), h46_when_all_fail\.py:14\)")):
        build("h46_when_all_fail", config={"region": "JP"})


def test_misuse_collect_without_parallelizable() -> None:
    with pytest.raises(BuildError, match=(
        r"collect_alone\.py:10: function 'total' collects 'squares', which has no Parallel/"
        r"Parallelizable fan-out upstream: there is nothing to collect per item")):
        build("collect_alone")


def test_misuse_subdag_shadowing_an_outer_node() -> None:
    with pytest.raises(BuildError, match=(
        r"node 'shadowed' is made 2 times: by shadowed at h47_subdag_shadow\.py:\d+ and wrapper "
        r"at h47_subdag_shadow\.py:\d+ \(@subdag\)")):
        build("h47_subdag_shadow")


def test_generated_nodes_point_at_the_decorated_function() -> None:
    flow = build("h06_extract_columns")
    spend = flow.nodes["spend"]
    assert spend.location == "h06_extract_columns.py:7"  # the decorator line opens the function
    assert spend.origin == "@extract_columns"
    assert spend.func.__name__ == "raw"
    assert spend.code_hash == flow.nodes["raw"].code_hash  # staleness follows `raw`'s code


def test_a_failing_check_names_the_node_and_the_check() -> None:
    flow = build("h18_check_output_fail")
    with pytest.raises(NodeError, match=r"node 'bounded' \(function bounded, h18_check_output_fail\.py:"
                       r"\d+\) raised DataValidationError: .*bounded:range_validator.*50"):
        flow.run("bounded", inputs={"x": 50})


def test_hamiltons_renaming_of_variants_does_not_hide_them() -> None:
    from hamilton import driver

    module = build("h03_config_when_not").sources[0].module
    for config in ({"mode": "fast"}, {"mode": "full"}, {}):
        driver.Builder().with_modules(module).with_config(config).build()  # renames, twice
    assert "steps" in Dataflow(module, config={}).nodes
    assert module.steps__careful.__name__ == "steps__careful"  # our build undoes the renaming


def test_async_hamilton_functions_are_awaited_or_refused_with_a_modifier() -> None:
    with pytest.raises(BuildError, match=r"async_hamilton\.py:\d+: function 'bounds' is an async def "
                       r"with @extract_fields: the modifier's nodes would receive a coroutine"):
        build("async_hamilton")
    loaded = load_path(RESOURCES / "modifiers" / "async_hamilton.py")
    del loaded.bounds
    assert Dataflow(loaded).run("fetched", inputs={"x": 2}) == {"fetched": 6}
