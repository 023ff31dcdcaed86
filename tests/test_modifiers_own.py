"""sideflow's own modifiers (no Hamilton needed), checked against Hamilton on the same modules.

Each module in resources/own/ imports its modifiers from `sideflow`; the Hamilton copy
is the same text importing them from `hamilton.function_modifiers`. Node sets (except
where a module says `NAMES_DIFFER`) and every value must agree.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import sideflow
from sideflow import BuildError, CheckError, NodeError
from sideflow.sources import load_path
from tests.test_hamilton_differential import _computed, _outcome, hamilton_driver, same

OWN = Path(__file__).parent / "resources" / "own"
MODULES = sorted(OWN.glob("o*.py"))
IMPORT = "from sideflow import"


def _pairs() -> list[Any]:
    params = []
    for path in MODULES:
        module = load_path(path, f"sideflow_own_{path.stem}")
        for i, case in enumerate(module.CASES):
            params.append(pytest.param(path, module, case, id=f"{path.stem}-{i}"))
    return params


def _as_hamilton(path: Path, folder: Path) -> Any:
    text = path.read_text().replace(IMPORT, "from hamilton.function_modifiers import")
    text = text.replace("from hamilton.function_modifiers import pipe,", "from hamilton.function_modifiers "
                        "import pipe_input as pipe,")
    copy = folder / f"hamilton_{path.name}"
    copy.write_text(text)
    return load_path(copy, f"hamilton_copy_{path.stem}")


@pytest.mark.parametrize(("path", "module", "case"), _pairs())
def test_own_modifiers_match_hamilton(path: Path, module: Any, case: dict[str, Any], tmp_path: Path) -> None:
    pytest.importorskip("hamilton")
    theirs = _as_hamilton(path, tmp_path)
    config, inputs = case.get("config", {}), case.get("inputs", {})
    flow = sideflow.Dataflow(module, config=config)
    dr = hamilton_driver(theirs, config)
    computed = _computed(dr)
    if not hasattr(module, "NAMES_DIFFER"):
        assert set(flow.nodes) == set(computed)
    outputs = case.get("outputs") or sorted(set(flow.nodes) & set(computed))
    ok_h, expected = _outcome(lambda: dr.execute(outputs, inputs=inputs))
    ok_s, got = _outcome(lambda: flow.run(outputs, inputs=inputs))
    if case.get("error"):
        assert not ok_h and not ok_s
        assert isinstance(got, NodeError) and isinstance(got.original, CheckError)
        return
    assert ok_h and ok_s, (expected, got)
    for name in outputs:
        if name.endswith("_validator"):  # result records differ by class; both passed
            assert got[name].passes and expected[name].passes
            continue
        assert same(got[name], expected[name]), name


def test_own_modifiers_import_without_hamilton() -> None:
    code = ("import sys; sys.modules['hamilton'] = None\n"
            "import sideflow\n"
            f"flow = sideflow.Dataflow({str(MODULES[0])!r})\n"
            "print(sorted(flow.nodes))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['high', 'low', 'raw', 'signups', 'spend', 'spend_range', 'width']"


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda: sideflow.extract_columns(3), r"extract_columns\(\) takes column names as strings"),
        (lambda: sideflow.parameterize(a={"x": 3}), r"bind 'x' with sideflow.value\(...\) or sideflow"),
        (lambda: sideflow.check_output(importance="fail"), r"needs at least one check"),
        (lambda: sideflow.pipe(len), r"pipe\(\) takes step\(...\) arguments"),
    ],
    ids=["columns-not-strings", "unbound-literal", "no-check", "not-a-step"],
)
def test_bad_decorator_arguments_fail_where_they_are_written(make: Any, pattern: str) -> None:
    with pytest.raises(TypeError, match=pattern):
        make()


def test_a_binding_to_a_missing_parameter_is_a_build_error() -> None:
    @sideflow.parameterize(one={"y": sideflow.value(1)})
    def scaled(x: int) -> int:
        return x

    with pytest.raises(BuildError, match=r"test_modifiers_own.py:\d+: @parameterize cannot apply to "
                       r"function 'scaled': 'scaled' has no parameter 'y'\n    fix: give each variant"):
        sideflow.Dataflow([scaled])


def test_a_missing_column_names_the_frame_and_its_columns() -> None:
    flow = sideflow.Dataflow([_frame_with_a])
    with pytest.raises(NodeError, match=r"node 'b' \(function _frame_with_a, test_modifiers_own.py:\d+\) "
                       r"raised KeyError: .*'_frame_with_a' has no column 'b' \(it has \['a'\]\)"):
        flow.run("b")


@sideflow.extract_columns("a", "b")
def _frame_with_a() -> Any:
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({"a": [1]})


def test_stacking_sideflow_and_hamilton_modifiers_on_one_function_is_refused() -> None:
    hamilton = pytest.importorskip("hamilton.function_modifiers")

    @sideflow.extract_fields({"a": int})
    @hamilton.tag(owner="me")
    def both() -> dict:
        return {"a": 1}

    with pytest.raises(BuildError, match=r"function 'both' mixes sideflow's decorators with Hamilton's"):
        sideflow.Dataflow([both])
