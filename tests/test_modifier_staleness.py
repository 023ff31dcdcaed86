"""A generated node's code identity includes what its modifier was given, in both families."""

from __future__ import annotations

from pathlib import Path

import pytest

import sideflow
from sideflow.sources import load_path

OWN = '''
from sideflow import parameterize, pipe, step, value

def _add(v: int, n: int) -> int:
    return v + {step_body}

@parameterize(small={{"k": value({k})}})
def scaled(x: int, k: int) -> int:
    return x * k

@pipe(step(_add, n=value(1)))
def piped(x: int) -> int:
    return x
'''

HAMILTON = '''
from hamilton.function_modifiers import does, parameterize, value

def _total(**values: int) -> int:
    return sum(values.values()) + {step_body}

@parameterize(small={{"k": value({k})}})
def scaled(x: int, k: int) -> int:
    return x * k

@does(_total)
def piped(x: int) -> int:
    pass
'''


def _hashes(tmp_path: Path, template: str, name: str, **parts: object) -> dict[str, str]:
    path = tmp_path / f"{name}.py"
    path.write_text(template.format(**parts))
    flow = sideflow.Dataflow(load_path(path))
    return {n: flow.nodes[n].code_hash for n in ("small", "piped")}


@pytest.mark.parametrize("family", ["own", "hamilton"])
def test_editing_a_decorator_argument_or_a_helper_it_holds_changes_the_node(
    family: str, tmp_path: Path
) -> None:
    if family == "hamilton":
        pytest.importorskip("hamilton")
    template = OWN if family == "own" else HAMILTON
    before = _hashes(tmp_path, template, f"m_{family}", k=3, step_body="n" if family == "own" else 0)
    same = _hashes(tmp_path, template, f"m_{family}", k=3, step_body="n" if family == "own" else 0)
    argument = _hashes(tmp_path, template, f"m_{family}", k=4, step_body="n" if family == "own" else 0)
    helper = _hashes(tmp_path, template, f"m_{family}", k=3, step_body="2 * n" if family == "own" else 1)
    assert before == same  # reloading unchanged code keeps every node fresh
    assert argument["small"] != before["small"] and argument["piped"] == before["piped"]
    assert helper["piped"] != before["piped"] and helper["small"] == before["small"]


SIDE = '''
from hamilton.function_modifiers import extract_fields, parameterize, value

@parameterize(small={{"k": value({k})}}, large={{"k": value(100)}})
def scaled(x: int, k: int) -> int:
    return x * k

@extract_fields({{"lo": int, "hi": int}})
def bounds(x: int) -> dict:
    return {{"lo": x - 1, "hi": x + 1}}
'''


def test_a_session_marks_generated_nodes_stale_when_a_decorator_argument_changes(tmp_path: Path) -> None:
    pytest.importorskip("hamilton")
    from sideflow.extension import Session

    side = tmp_path / "side_mod.py"
    side.write_text(SIDE.format(k=3))
    session = Session(["side_mod.py"], inputs={"x": 2}, cwd=tmp_path, printer=lambda _: None)
    session.run(["small", "lo"])
    assert session.states["small"] == "fresh" and session.states["lo"] == "fresh"
    side.write_text(SIDE.format(k=4))
    session.check()
    assert session.states["small"] == "stale"
    assert session.states["lo"] == "fresh"  # `bounds` and its decorator did not change
    assert session.run(["small"]) == {"small": 8}
