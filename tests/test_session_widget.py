"""The session driving its widget: simulated clicks run nodes, previews, in-place rebuilds."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pandas as pd
import pytest

from sideflow.extension import Session

MODULE = '''
import pandas as pd

def avg_3wk_spend(spend: pd.Series) -> pd.Series:
    """Rolling 3-week average of spend."""
    return spend.rolling(3, min_periods=1).mean()

def ratio(avg_3wk_spend: pd.Series, signups: pd.Series) -> pd.Series:
    return avg_3wk_spend / signups

def table(spend: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"label": ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"],
                         "spend": spend.iloc[:2].tolist()})

def boom(spend: pd.Series) -> float:
    return 1 / 0
'''


def click(session: Session, name: str) -> dict:
    """Send what the front end sends on a click, through ipywidgets' message path."""
    session.widget._handle_custom_msg({"type": "run", "node": name}, [])
    return session.widget.preview


@pytest.fixture
def session(tmp_path: Path) -> Session:
    (tmp_path / "side.py").write_text(textwrap.dedent(MODULE))
    spend = pd.Series([3.0, 6.0, 9.0, 12.0])
    return Session(["side.py"], inputs={"spend": spend}, cwd=tmp_path, printer=lambda _: None)


def test_click_runs_node_and_previews_result(session: Session) -> None:
    widget = session.widget
    assert widget.states["avg_3wk_spend"] == "idle"
    preview = click(session, "avg_3wk_spend")
    assert preview["node"] == "avg_3wk_spend" and preview["status"] == "fresh"
    assert preview["expression"] == "flow.results['avg_3wk_spend']"
    assert "4.5" in preview["html"] and "9.0" in preview["html"]
    assert session.results["avg_3wk_spend"].tolist() == [3.0, 4.5, 6.0, 9.0]
    assert widget.states["avg_3wk_spend"] == "fresh"
    assert widget.durations["avg_3wk_spend"] >= 0
    assert widget.busy == ""


def test_click_on_node_missing_an_input_explains(session: Session) -> None:
    assert session.widget.states["ratio"] == "missing-input"
    preview = click(session, "ratio")
    assert preview["status"] == "missing-input"
    assert "needs input 'signups'" in preview["summary"]
    assert "flow.inputs[&#x27;signups&#x27;] = ..." in preview["html"]
    assert "ratio" not in session.results
    session.inputs["signups"] = pd.Series([1.0, 1.0, 2.0, 2.0])
    session.check()  # what the pre-cell hook does
    assert session.widget.states["ratio"] == "idle"
    assert click(session, "ratio")["status"] == "fresh"


def test_click_reuses_fresh_upstream(session: Session) -> None:
    session.inputs["signups"] = pd.Series([1.0, 1.0, 2.0, 2.0])
    click(session, "avg_3wk_spend")
    click(session, "ratio")
    assert session.last_ran == ["ratio"]


def test_preview_escapes_markup_in_data(session: Session) -> None:
    preview = click(session, "table")
    assert "&lt;script&gt;" in preview["html"]
    assert "<script" not in preview["html"] and "<img" not in preview["html"]


def test_node_error_shows_user_frame_and_marks_error(session: Session) -> None:
    preview = click(session, "boom")
    assert preview["status"] == "error"
    assert "ZeroDivisionError" in preview["summary"]
    assert "side.py" in preview["html"] and "return 1 / 0" in preview["html"]
    assert "execute.py" not in preview["html"]
    assert session.widget.states["boom"] == "error"


def test_rebuild_updates_the_same_widget_in_place(session: Session, tmp_path: Path) -> None:
    widget = session.widget
    click(session, "avg_3wk_spend")
    (tmp_path / "side.py").write_text(
        textwrap.dedent(MODULE) + "\ndef extra(spend: pd.Series) -> int:\n    return 1\n"
    )
    assert session.check()
    assert session.widget is widget
    assert "extra" in [n["name"] for n in widget.graph["nodes"]]
    assert widget.states["avg_3wk_spend"] == "fresh"
    (tmp_path / "side.py").write_text(textwrap.dedent(MODULE).replace("rolling(3", "rolling(2"))
    session.check()
    assert widget.states["avg_3wk_spend"] == "stale"
    (tmp_path / "side.py").write_text("def broken(:\n")
    session.check()
    assert "SyntaxError" in widget.message and "side.py:1" in widget.message
    assert "avg_3wk_spend" in [n["name"] for n in widget.graph["nodes"]]  # last good graph stays
    (tmp_path / "side.py").write_text(textwrap.dedent(MODULE))
    session.check()
    assert widget.message == ""


def test_widget_repr_is_deterministic(session: Session) -> None:
    assert repr(session.widget) == "GraphWidget(flow: 4 nodes, 2 inputs)"


def test_body_only_edit_reuses_the_layout(session: Session, tmp_path: Path, monkeypatch) -> None:
    from sideflow import layered, layout

    monkeypatch.setattr(layout, "_cache", {})
    _ = session.widget
    calls = []
    real = layered.layered_layout
    monkeypatch.setattr(layered, "layered_layout", lambda *a: calls.append(a) or real(*a))
    (tmp_path / "side.py").write_text(textwrap.dedent(MODULE).replace("1 / 0", "2 / 0"))
    scene_before = session.widget.graph["nodes"]
    assert session.check()
    assert calls == []  # same structure: the cached layout is reused
    (tmp_path / "side.py").write_text(
        textwrap.dedent(MODULE) + "\ndef extra(spend: pd.Series) -> int:\n    return 1\n"
    )
    assert session.check()
    assert len(calls) == 1
    before = {n["name"]: (n["x"], n["y"]) for n in scene_before}
    after = {n["name"]: (n["x"], n["y"]) for n in session.widget.graph["nodes"]}
    assert all(after[name] == at for name, at in before.items())  # a new node moves no other


def test_session_offers_the_dataflow_views(session: Session) -> None:
    assert session.upstream("ratio") == ["spend", "signups", "avg_3wk_spend"]
    assert session.downstream("avg_3wk_spend") == ["ratio"]
    assert '"avg_3wk_spend" -> "ratio"' in session.to_dot()
    assert '"name": "boom"' in session.to_json()


def test_session_runs_on_an_executor(session: Session) -> None:
    from concurrent.futures import ThreadPoolExecutor

    session.inputs["signups"] = pd.Series([1.0, 1.0, 2.0, 2.0])
    with ThreadPoolExecutor(2) as pool:
        out = session.run(["ratio", "table"], executor=pool)
    assert out["ratio"].tolist() == [3.0, 4.5, 3.0, 4.5]
    assert sorted(session.last_ran) == ["avg_3wk_spend", "ratio", "table"]
    assert session.states["ratio"] == "fresh" and session.states["table"] == "fresh"


OPTIONAL = '''
def scaled(spend: float, factor: float = 2.0) -> float:
    return spend * factor
'''


@pytest.fixture
def optional(tmp_path: Path) -> Session:
    (tmp_path / "opt.py").write_text(OPTIONAL)
    return Session(["opt.py"], inputs={"spend": 3.0}, cwd=tmp_path, printer=lambda _: None)


def test_an_input_previews_its_value_with_an_expression_that_works(optional: Session) -> None:
    preview = click(optional, "spend")
    assert (preview["status"], preview["expression"]) == ("input", "flow.inputs['spend']")
    assert eval(preview["expression"], {"flow": optional}) == 3.0
    assert optional.widget.states["spend"] == "input"


def test_an_optional_input_shows_its_default_and_that_it_is_used(optional: Session) -> None:
    assert optional.widget.states["factor"] == "input"
    preview = click(optional, "factor")
    assert preview["status"] == "input"
    assert preview["summary"] == "optional input, not given: the default 2.0 is used"
    assert preview["expression"] == ""  # nothing in flow.inputs to copy
    assert click(optional, "scaled")["status"] == "fresh"
    optional.inputs["factor"] = 5.0
    preview = click(optional, "factor")
    assert preview["summary"].endswith("given, so the default 2.0 is not used")
    assert preview["expression"] == "flow.inputs['factor']"


def test_an_error_node_offers_the_error_expression(session: Session) -> None:
    preview = click(session, "boom")
    assert preview["status"] == "error"
    assert preview["expression"] == "flow.errors['boom']"
    assert isinstance(eval(preview["expression"], {"flow": session}).original, ZeroDivisionError)


def test_hover_explains_with_why_and_plan(session: Session, tmp_path: Path, monkeypatch) -> None:
    sent: list = []
    monkeypatch.setattr(session.widget, "send", sent.append)
    click(session, "avg_3wk_spend")
    (tmp_path / "side.py").write_text(textwrap.dedent(MODULE).replace("min_periods=1", "min_periods=2"))
    session.check()
    session.widget._handle_custom_msg({"type": "explain", "node": "avg_3wk_spend"}, [])
    answer = sent[-1]
    assert answer["why"]["state"] == "stale"
    assert "avg_3wk_spend" in answer["why"]["text"]
    assert answer["plan"]["run"] == ["avg_3wk_spend"]
    assert answer["plan"]["reasons"]["avg_3wk_spend"].startswith("stale")


def test_tidy_lays_out_afresh_and_edits_keep_places(session: Session, tmp_path: Path) -> None:
    from sideflow.scene import build_scene

    widget = session.widget
    (tmp_path / "side.py").write_text(
        textwrap.dedent(MODULE) + "\ndef extra(spend: pd.Series) -> int:\n    return 1\n"
    )
    kept = {n["name"]: (n["x"], n["y"]) for n in widget.graph["nodes"]}
    assert session.check()
    after = {n["name"]: (n["x"], n["y"]) for n in widget.graph["nodes"]}
    assert all(after[name] == at for name, at in kept.items())
    widget._handle_custom_msg({"type": "relayout"}, [])
    fresh = build_scene(session.dataflow.graph, engine="layered")
    assert widget.graph["nodes"] == fresh["nodes"]


HAMILTON_SIDE = '''
import pandas as pd
from hamilton.function_modifiers import extract_columns, tag

@tag(owner="growth")
@extract_columns("spend", "signups")
def weekly(n: int) -> pd.DataFrame:
    """Weekly numbers."""
    return pd.DataFrame({"spend": [1.0 * i for i in range(n)], "signups": list(range(n))})
'''


def test_a_generated_node_is_drawn_and_a_click_runs_it(tmp_path: Path) -> None:
    pytest.importorskip("hamilton")
    (tmp_path / "ham_side.py").write_text(HAMILTON_SIDE)
    session = Session(["ham_side.py"], inputs={"n": 3}, cwd=tmp_path, printer=lambda _: None)
    drawn = {n["name"]: n for n in session.widget.graph["nodes"]}
    assert drawn["spend"]["origin"] == "@tag @extract_columns"  # as written, outermost first
    assert drawn["spend"]["location"] == "ham_side.py:5"
    assert drawn["spend"]["tags"]["owner"] == "growth"  # Hamilton tags the final nodes
    preview = click(session, "spend")
    assert preview["status"] == "fresh" and "Series" in preview["summary"]
    assert session.states["weekly"] == "fresh" and session.states["signups"] == "idle"
