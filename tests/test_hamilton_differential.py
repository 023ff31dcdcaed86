"""Differential suite: every module in resources/hamilton/ built and run by Hamilton and sideflow.

Same module object, same config, inputs and outputs: the node sets, each node's type
and parents, the tags of generated nodes and every output value must agree; a case
marked `error` must be refused by both. Deliberate differences are listed in
`DIFFERENCES` (and in the README), each with its reason.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Any

import pytest

import sideflow
from sideflow.sources import load_path

pytest.importorskip("hamilton")
pd = pytest.importorskip("pandas")

from hamilton import driver  # noqa: E402

HERE = Path(__file__).parent / "resources" / "hamilton"
MODULES = sorted(HERE.glob("h*.py"))

# Hamilton tags every node with its module; sideflow keeps a plain function's tags as written.
PLAIN_TAGS_DIFFER = "module"

DIFFERENCES = {  # where sideflow deliberately differs from Hamilton, and why
    "numeric tower": "int flows into float (and float into complex): the value is usable as is, "
                     "so refusing it only makes users write casts",
    "variants all decline": "a needed name whose config variants all decline is refused at build; "
                            "Hamilton turns it into an input and fails on every run instead",
    "config key named like a node": "an error, where Hamilton lets the config value replace the node "
                                    "silently",
    "tags of plain functions": "kept as written; Hamilton adds its `module` tag to every node",
    "cycles": "reported at build with the cycle's path and file:lines",
}


def _cases() -> list[Any]:
    params = []
    for path in MODULES:
        module = load_path(path, f"sideflow_diff_{path.stem}")
        for i, case in enumerate(module.CASES):
            params.append(pytest.param(module, case, id=f"{path.stem}-{i}"))
    return params


def hamilton_driver(module: Any, config: dict[str, Any]) -> Any:
    builder = driver.Builder().with_modules(module).with_config(config)
    if getattr(module, "DYNAMIC", False):  # Parallelizable/Collect need Hamilton's dynamic mode
        builder = builder.enable_dynamic_execution(allow_experimental_mode=True)
    return builder.build()


def same(left: Any, right: Any) -> bool:
    if isinstance(left, (pd.Series, pd.DataFrame)):
        return type(left) is type(right) and left.equals(right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    return bool(type(left) is type(right) and left == right)


def _computed(dr: Any) -> dict[str, Any]:
    return {v.name: v for v in dr.list_available_variables() if not v.is_external_input}


def _outcome(run: Any) -> tuple[bool, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            return True, run()
        except Exception as exc:
            return False, exc
        finally:
            logging.disable(logging.NOTSET)


def test_the_suite_is_large_enough() -> None:
    assert len(MODULES) >= 40


@pytest.mark.parametrize(("module", "case"), _cases())
def test_both_engines_agree(module: Any, case: dict[str, Any]) -> None:
    config = case.get("config", {})
    inputs = case.get("inputs", {})
    ok_h, dr = _outcome(lambda: hamilton_driver(module, config))
    ok_s, flow = _outcome(lambda: sideflow.Dataflow(module, config=config))
    if not ok_h or not ok_s:
        assert case.get("error"), f"build: hamilton {dr!r}, sideflow {flow!r}"
        # sideflow refuses some things at build that Hamilton refuses only when run
        # (a needed name whose variants all decline): then Hamilton's run must fail
        ran = ok_h and _outcome(lambda: dr.execute(case.get("outputs") or [], inputs=inputs))[0]
        assert not ok_s and not ran, f"only one engine refused: hamilton {dr!r}, sideflow {flow!r}"
        return
    theirs = _computed(dr)
    assert set(flow.nodes) == set(theirs)
    for name, var in theirs.items():
        node = flow.nodes[name]
        wanted = var.type.__args__[0] if node.role == "expand" else var.type  # Parallelizable[T]: T
        assert node.returns == wanted, name
        parents = {d.name for d in dr.graph.nodes[name].dependencies}
        assert set(flow.graph.parents[name]) == parents, name
        if node.origin:
            assert dict(node.tags) == dict(var.tags), name
        else:
            assert {k: v for k, v in var.tags.items() if k != PLAIN_TAGS_DIFFER} == dict(node.tags)
    outputs = case.get("outputs") or sorted(theirs)
    ok_h, expected = _outcome(lambda: dr.execute(outputs, inputs=inputs))
    ok_s, got = _outcome(lambda: flow.run(outputs, inputs=inputs))
    if case.get("error"):
        assert not ok_h and not ok_s, f"hamilton {expected!r}, sideflow {got!r}"
        return
    assert ok_h, expected
    assert ok_s, got
    for name in outputs:
        if name in case.get("unstable", ()):  # timestamps and such: same kind of value
            assert type(got[name]) is type(expected[name]), name
            continue
        assert same(got[name], expected[name]), f"{name}: sideflow {got[name]!r}, hamilton {expected[name]!r}"


def test_difference_numeric_tower() -> None:
    module = load_path(HERE.parent / "modifiers" / "numeric_tower.py", "sideflow_diff_tower")
    assert sideflow.Dataflow(module).run("ratio", inputs={"n": 3}) == {"ratio": 1.5}
    ok, refused = _outcome(lambda: hamilton_driver(module, {}))
    assert not ok and "ratio" in str(refused), DIFFERENCES["numeric tower"]


def test_difference_variants_all_decline() -> None:
    module = load_path(HERE / "h46_when_all_fail.py", "sideflow_diff_decline")
    dr = hamilton_driver(module, {"region": "JP"})
    assert "tax" in {v.name for v in dr.list_available_variables() if v.is_external_input}
    with pytest.raises(sideflow.BuildError, match="no variant of it matches"):
        sideflow.Dataflow(module, config={"region": "JP"})
