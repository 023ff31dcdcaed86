"""The graph widget's Python side: traitlets, the run message, refusals, repr and packaging."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sideflow.extension import widget as widget_module
from sideflow.extension.widget import STATES, GraphWidget

GRAPH = {
    "nodes": [
        {"name": "spend", "role": "input", "x": 60, "y": 20, "width": 80, "height": 40},
        {"name": "a", "role": "function", "x": 60, "y": 100, "width": 80, "height": 40,
         "signature": "a(spend: Series) -> Series", "returns": "Series", "doc": "A.",
         "location": "features.py:3"},
        {"name": "b", "role": "output", "x": 60, "y": 180, "width": 80, "height": 40},
    ],
    "edges": [{"source": "spend", "target": "a", "points": [[60, 40], [60, 80]]},
              {"source": "a", "target": "b", "path": "M60,120 L60,160"}],
    "width": 120,
    "height": 200,
}


def click(widget: GraphWidget, node: object) -> None:
    """Deliver a front-end click the way a kernel comm does: through ipywidgets' dispatcher."""
    msg = {"content": {"data": {"method": "custom", "content": {"type": "run", "node": node}}},
           "buffers": []}
    widget._handle_msg(msg)


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def widget(calls: list[str]) -> GraphWidget:
    w = GraphWidget(on_run=calls.append, name="flow")
    w.update(graph=GRAPH)
    return w


def test_a_click_runs_the_node_and_marks_busy_meanwhile():
    seen = []
    w = GraphWidget(on_run=lambda name: seen.append((name, w.busy)))
    w.update(graph=GRAPH)
    click(w, "a")
    assert seen == [("a", "a")]
    assert w.busy == ""


def test_custom_message_handler_is_registered(widget, calls):
    widget._handle_custom_msg({"type": "run", "node": "b"}, [])
    assert calls == ["b"]


def test_a_click_while_busy_is_refused_visibly(widget, calls):
    widget.busy = "a"
    click(widget, "b")
    assert calls == []
    assert widget.preview == {
        "node": "b", "status": "refused", "expression": "",
        "summary": "'a' is running; click again when it finishes", "html": "",
    }
    assert widget.busy == "a"


def test_a_click_arriving_during_a_run_is_refused():
    calls = []

    def on_run(name):
        calls.append(name)
        if name == "a":
            click(w, "b")  # a queued click handled while 'a' still runs

    w = GraphWidget(on_run=on_run)
    w.update(graph=GRAPH)
    click(w, "a")
    assert calls == ["a"]
    assert w.preview["status"] == "refused"
    assert w.preview["summary"] == "'a' is running; click again when it finishes"


@pytest.mark.parametrize("content", [
    {"type": "run"}, {"type": "run", "node": ""}, {"type": "run", "node": 3},
    {"type": "hover", "node": "a"}, ["run", "a"],
], ids=["no-node", "empty-node", "non-str-node", "other-type", "not-a-dict"])
def test_malformed_messages_are_ignored(widget, calls, content):
    widget._handle_custom_msg(content, [])
    assert calls == []
    assert widget.preview == {}


def test_a_node_no_longer_in_the_graph_is_refused(widget, calls):
    click(widget, "gone")
    assert calls == []
    assert widget.preview["status"] == "refused"
    assert "'gone' is no longer in the graph" in widget.preview["summary"]


def test_a_failing_callback_shows_its_error_and_frees_the_widget():
    w = GraphWidget(on_run=lambda name: 1 / 0)
    click(w, "a")
    assert w.preview["status"] == "error"
    assert w.preview["summary"] == "ZeroDivisionError: division by zero"
    assert w.busy == ""


def test_without_a_callback_clicks_are_refused():
    w = GraphWidget()
    click(w, "a")
    assert w.preview["status"] == "refused"


def test_update_sets_traitlets_in_one_sync(widget, monkeypatch):
    sent = []
    monkeypatch.setattr(widget, "send_state", lambda key=None: sent.append(set(key or ())))
    widget.update(states={"a": "fresh", "b": "stale"}, durations={"a": 1}, message="boom")
    assert widget.states == {"a": "fresh", "b": "stale"}
    assert widget.durations == {"a": 1.0}
    assert widget.message == "boom"
    assert widget.graph == GRAPH
    assert sent == [{"states", "durations", "message"}]
    widget.update(message="")
    assert (widget.message, widget.states["a"]) == ("", "fresh")


def test_show_preview_adds_node_status_and_expression(widget):
    widget.show_preview("a", {"kind": "scalar", "summary": "int 1", "html": "<code>1</code>",
                              "text": "1"}, "fresh")
    assert widget.preview == {"node": "a", "status": "fresh", "expression": "flow.results['a']",
                              "summary": "int 1", "html": "<code>1</code>"}
    with pytest.raises(ValueError, match=r"preview status 'done' is not one of fresh, input, error"):
        widget.show_preview("a", {}, "done")


@pytest.mark.parametrize(("node", "status", "expression"), [
    ("a", "fresh", "flow.results['a']"), ("spend", "input", "flow.inputs['spend']"),
    ("a", "error", "flow.errors['a']"), ("a", "missing-input", ""), ("a", "refused", ""),
    ("spend", "missing-input", ""),
], ids=["result", "input", "error", "missing-input", "refused", "input-missing"])
def test_the_expression_is_one_that_works(widget, node, status, expression):
    widget.show_preview(node, {"summary": "", "html": ""}, status)
    assert widget.preview["expression"] == expression


def test_explain_requests_are_answered_with_the_callbacks_data(monkeypatch):
    sent = []
    w = GraphWidget(on_explain=lambda name: {"why": {"node": name, "text": "code changed"}})
    monkeypatch.setattr(w, "send", sent.append)
    w._handle_custom_msg({"type": "explain", "node": "a"}, [])
    assert sent == [{"type": "explain", "node": "a", "why": {"node": "a", "text": "code changed"}}]
    broken = GraphWidget(on_explain=lambda name: 1 / 0)
    monkeypatch.setattr(broken, "send", sent.append)
    broken._handle_custom_msg({"type": "explain", "node": "a"}, [])
    assert sent[-1] == {"type": "explain", "node": "a", "error": "ZeroDivisionError: division by zero"}


def test_display_carries_a_static_picture_with_states(widget):
    from IPython.core.interactiveshell import InteractiveShell

    widget.update(states={"spend": "input", "a": "stale", "b": "idle"})
    picture = widget.picture()
    svg = picture["image/svg+xml"]
    assert svg.startswith('<svg class="sf-picture" ')
    assert 'data-state="stale"' in svg and ">a</text>" in svg
    assert picture["text/plain"] == "picture of GraphWidget(flow: 2 nodes, 1 input)"
    shell = InteractiveShell.instance()
    published = []
    shell.display_pub.publish = lambda data, **kw: published.append(data)
    from IPython.display import display

    display(widget)
    assert [sorted(d) for d in published] == [
        ["application/vnd.jupyter.widget-view+json", "text/plain"],
        ["image/svg+xml", "text/html", "text/plain"]]


def test_repr_is_deterministic(widget):
    assert repr(widget) == "GraphWidget(flow: 2 nodes, 1 input)"
    assert repr(GraphWidget(name="other")) == "GraphWidget(other: 0 nodes, 0 inputs)"
    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == "GraphWidget(flow: 2 nodes, 1 input)"
    assert not re.search(r"0x[0-9a-f]+", repr(widget))


def test_synced_traitlets_are_the_contract(widget):
    synced = {name for name in widget.traits(sync=True) if not name.startswith("_")}
    contract = {"graph", "states", "durations", "preview", "message", "busy", "name"}
    assert contract <= synced


def test_front_end_files_ship_in_the_package():
    static = Path(widget_module.__file__).parent / "static"
    js = (static / "graph.js").read_text()
    css = (static / "graph.css").read_text()
    assert "export default" in js
    assert ".sf-state-fresh" in css
    widget = GraphWidget()
    assert widget._esm == js
    assert widget._css == css


def test_front_end_speaks_the_same_contract():
    js = (Path(widget_module.__file__).parent / "static" / "graph.js").read_text()
    states = re.search(r"const STATES = \[(.*?)\];", js).group(1)
    assert tuple(re.findall(r'"([a-z-]+)"', states)) == STATES
    for needle in ('type: "run"', "dataset.node", "dataset.state", '"sf-preview"',
                   '"sf-message"', "change:states", "change:graph"):
        assert needle in js
    assert js.count("innerHTML") == 1  # only the sanitized preview html
