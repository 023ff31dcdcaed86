"""Previews of node results and errors: right kind and summary, bounded, and escaped."""

from __future__ import annotations

import functools
import re
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sideflow
from sideflow.extension import preview as preview_module
from sideflow.extension.preview import preview, preview_error, sanitize_html

XSS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


class RichThing:
    """Stands in for a third-party object whose _repr_html_ cannot be trusted."""

    def _repr_html_(self) -> str:
        return (
            '<b>bold</b><script>alert("x")</script><style>*{}</style>'
            '<a href="javascript:alert(1)" onclick="steal()">link</a>'
            '<div style="color:red" onmouseover="x()">kept text</div>'
            "<iframe src=https://example.com></iframe><img src=x onerror=alert(1)>"
            '<a href="https://example.com">ok</a>'
        )

    def __repr__(self) -> str:
        return "RichThing()"


@functools.cache
def _big_frame():
    return pd.DataFrame({"a": np.arange(10_000_000), "b": 0.5})


def _figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2, 1.5))
    fig.add_subplot().plot([1, 3, 2])
    return fig


CASES = [
    # (id, value factory, kind, summary regex, substrings the html must contain)
    ("dataframe-10M", lambda: _big_frame().assign(c=True),
     "dataframe", r"^DataFrame 10,000,000 rows × 3 columns$", ["int64", "float64", "<th>a</th>"]),
    ("series", lambda: pd.Series([1.5, 2.5], name="spend"),
     "series", r"^Series 'spend' 2 rows, dtype float64$", ["<th>spend</th>", "<td>2.5</td>"]),
    ("ndarray", lambda: np.arange(1000).reshape(100, 10),
     "ndarray", r"^ndarray 100 × 10, dtype int64$", ["[[ 0  1", "first 10 of 100"]),
    ("int", lambda: 42, "scalar", r"^int 42$", []),
    ("float", lambda: 0.25, "scalar", r"^float 0.25$", []),
    ("none", lambda: None, "scalar", r"^NoneType None$", []),
    ("numpy-scalar", lambda: np.float64(2.5), "scalar", r"^float64 2.5$", []),
    ("unnamed-series", lambda: pd.Series([1.5, 2.5]),
     "series", r"^Series 2 rows, dtype float64$", ["<th>(unnamed)</th>", "<td>2.5</td>"]),
    ("str", lambda: "hello <b>", "text", r"^str, 9 characters$", ["hello &lt;b&gt;"]),
    ("big-str", lambda: "x" * 1_000_000, "text", r"^str, 1,000,000 characters$", ["xxx…"]),
    ("big-dict", lambda: {f"k{i}": i for i in range(100_000)},
     "mapping", r"^dict with 100,000 keys$", ["{&#x27;k0&#x27;: 0", ", …}"]),
    ("big-list", lambda: list(range(1_000_000)), "sequence", r"^list of 1,000,000 items$",
     ["[0, 1, 2", ", …]"]),
    ("big-set", lambda: set(range(1_000_000)), "sequence", r"^set of 1,000,000 items$", [", …}"]),
    ("figure", _figure, "figure", r"^Figure 2×1.5 in$", ['<img class="sf-figure"',
                                                          'src="data:image/png;base64,']),
    ("repr-html", RichThing, "html", r"^RichThing$",
     ["<b>bold</b>", "kept text", '<a href="https://example.com" rel="noopener noreferrer">ok</a>']),
    ("object", lambda: object.__new__(type("Opaque", (), {"__repr__": lambda s: "<Opaque>"})),
     "object", r"^Opaque$", ["&lt;Opaque&gt;"]),
]


@pytest.mark.parametrize(("factory", "kind", "summary", "needles"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_preview_kind_summary_and_content(factory, kind, summary, needles):
    result = preview(factory())
    assert set(result) == {"kind", "summary", "html", "text"}
    assert result["kind"] == kind
    assert re.match(summary, result["summary"]), result["summary"]
    for needle in needles:
        assert needle in result["html"]
    assert len(result["text"].encode()) <= 20_001 * 3  # bytes of text, plus one ellipsis
    assert len(result["html"]) < 40_000 or kind == "figure"


@pytest.mark.parametrize("max_rows", [1, 5, 10], ids=lambda n: f"{n}-rows")
def test_tables_show_at_most_max_rows(max_rows):
    frame = _big_frame()
    for value in (frame, frame["a"]):
        result = preview(value, max_rows=max_rows)
        body = result["html"].split("<tbody>")[1].split("</tbody>")[0]
        assert body.count("<tr>") == max_rows
        assert f"{10_000_000 - max_rows:,} more rows" in result["text"]


def test_wide_and_heavy_frames_stay_within_the_byte_budget():
    frame = pd.DataFrame({f"c{i}": ["y" * 5000] * 50 for i in range(500)})
    result = preview(frame, max_rows=50, max_bytes=20_000)
    assert result["summary"] == "DataFrame 50 rows × 500 columns"
    assert len(result["html"]) < 30_000
    assert "480 more columns" in result["html"]


@pytest.mark.parametrize("container", ["dataframe", "series", "index", "dict", "list", "str"])
def test_data_is_never_markup(container):
    values = {
        "dataframe": lambda: pd.DataFrame({XSS[0]: XSS, "n": [1, 2]}, index=XSS),
        "series": lambda: pd.Series(XSS, name=XSS[1]),
        "index": lambda: pd.DataFrame({"v": [1, 2]}, index=pd.Index(XSS, name=XSS[0])),
        "dict": lambda: {XSS[0]: XSS[1]},
        "list": lambda: XSS,
        "str": lambda: "".join(XSS),
    }
    markup = preview(values[container]())["html"]
    assert "&lt;script&gt;" in markup
    assert "<script" not in markup
    assert "<img" not in markup


def test_repr_html_is_sanitized():
    markup = preview(RichThing())["html"]
    for banned in ("<script", "<style", "<iframe", "javascript:", "onclick", "onmouseover",
                   "onerror", "style=", "alert"):
        assert banned not in markup
    assert not re.search(r"<img[^>]*\ssrc=", markup)  # an <img> left without its src= fetches nothing


@pytest.mark.parametrize(("markup", "expected"), [
    ("<p>a<b>b</p>c", "<p>a<b>b</b></p><b>c</b>"),  # HTML5 parsing: the <b> reopens
    ("<table><tr><td>1</td></tr></table>", "<table><tbody><tr><td>1</td></tr></tbody></table>"),
    ("<svg><script>x</script></svg>after", "after"),
    ('<img src="data:image/png;base64,AA" alt="a&quot;">',
     '<img src="data:image/png;base64,AA" alt="a&quot;">'),
    ('<a href=" JaVa\tscript:alert(1)">x</a>', '<a rel="noopener noreferrer">x</a>'),
    ('<a href="https://example.com">x</a>', '<a href="https://example.com" rel="noopener noreferrer">x</a>'),
    ('<img src="https://tracker.example/p.gif">', "<img>"),  # never fetch a URL
    ("<a href='data:text/html,<script>alert(1)</script>'>x</a>", '<a rel="noopener noreferrer">x</a>'),
    ("<embed src=x.swf>y", "y"),
    ("<!-- comment --><unknown>text</unknown>", "text"),
    ("1 &lt; 2 &amp;&amp; <b>x</b>", "1 &lt; 2 &amp;&amp; <b>x</b>"),
], ids=["closes-open-tags", "table", "svg-dropped", "data-img", "js-url", "web-link", "web-img",
        "data-link", "embed", "unknown-tag", "entities"])
def test_sanitize_html(markup, expected):
    assert sanitize_html(markup) == expected


def test_sanitize_html_is_bounded_and_well_formed():
    markup = "<table>" + "<tr><td>cell</td></tr>" * 100_000 + "</table>"
    out = sanitize_html(markup, max_bytes=1000)
    assert len(out) < 1100
    assert out.endswith("</table>…")
    assert out.count("<tr>") == out.count("</tr>")
    assert out.count("<td>") == out.count("</td>")


@pytest.mark.parametrize(("value", "text"), [(42, "42"), (0.25, "0.25")], ids=["int", "float"])
def test_a_scalar_value_shows_once(value, text):
    result = preview(value)
    assert (result["summary"] + result["html"]).count(text) == 1


def test_a_long_scalar_shows_whole_below_its_cut_summary():
    big = 10**120
    result = preview(big)
    assert result["summary"].endswith("…")
    assert f"<code>{big}</code>" in result["html"]


def test_a_broken_repr_does_not_break_the_preview():
    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr for you")

    result = preview(Broken())
    assert result["summary"] == "Broken (preview failed: RuntimeError: no repr for you)"


# --- errors -----------------------------------------------------------------------------


def ratio(a: int, b: int) -> float:
    """A user's node that fails."""
    return a / b


def _raised(fn, *args):
    try:
        fn(*args)
    except BaseException as exc:  # the test wants whatever it raised
        return exc
    raise AssertionError("expected an exception")


def _sideflow_dirs():
    return [str(Path(p).resolve()) for p in sideflow.__path__] + [
        str(Path(preview_module.__file__).resolve().parent)
    ]


def test_plain_error_shows_type_message_and_user_frames():
    result = preview_error(_raised(ratio, 1, 0))
    assert result["kind"] == "error"
    assert result["summary"] == "ZeroDivisionError: division by zero"
    assert "test_preview.py:" in result["text"]
    assert "in ratio" in result["text"]
    assert "&lt;" not in result["summary"]
    assert '<ol class="sf-user-frames">' in result["html"]
    assert "division by zero" not in result["html"]  # the summary says it, once


def test_node_error_shows_the_original_user_frames_and_names_the_node():
    flow = sideflow.Dataflow([ratio])
    exc = _raised(flow.run, "ratio", {"a": 1, "b": 0})
    assert isinstance(exc, sideflow.NodeError)
    result = preview_error(exc)
    assert re.match(r"NodeError: node 'ratio' \(function ratio, test_preview\.py:\d+\) raised "
                    r"ZeroDivisionError: division by zero$", result["summary"]), result["summary"]
    assert "return a / b" in result["text"]
    assert "division by zero" not in result["html"]  # once: in the summary
    assert "inputs: a=1, b=0" in result["html"]  # the rest of the message, as a note
    for directory in _sideflow_dirs():
        assert directory not in result["text"]
    full = "".join(traceback.format_exception(exc))
    assert any(d in full for d in _sideflow_dirs())  # there were engine frames to hide


def user_lookup(frame: pd.DataFrame) -> float:
    """A user's node failing inside pandas."""
    return float(frame["no_such_column"].sum())


def test_library_frames_are_folded_below_the_users_frames():
    result = preview_error(_raised(user_lookup, pd.DataFrame({"a": [1]})))
    assert result["summary"] == "KeyError: 'no_such_column'"
    markup = result["html"]
    user, library = markup.index('class="sf-user-frames"'), markup.index('class="sf-library-frames"')
    assert user < library  # the user's line is on the first screen
    assert 'return float(frame["no_such_column"].sum())'.replace('"', "&quot;") in markup[:library]
    assert "pandas" not in markup[:library]
    assert re.search(r"<summary>\d+ library frames? \([^)]*pandas[^)]*\)</summary>", markup)
    assert markup.count("no_such_column") == 1 + markup[library:].count("no_such_column")


def test_frames_from_sideflow_files_are_dropped():
    engine = Path(preview_module.__file__).parent / "_pretend_engine.py"
    code = compile("def call(fn, *args):\n    return fn(*args)\n", str(engine), "exec")
    namespace: dict = {}
    exec(code, namespace)
    text = preview_error(_raised(namespace["call"], ratio, 1, 0))["text"]
    assert "_pretend_engine.py" not in text
    assert "in ratio" in text


def deep(n: int) -> float:
    return 1 / 0 if n == 0 else deep(n - 1)


def test_long_tracebacks_keep_their_end():
    exc = _raised(deep, 300)
    exc.args = ("x" * 100_000,)
    result = preview_error(exc, max_bytes=2000)
    assert len(result["text"]) <= 2001
    assert "traceback shortened" in result["text"]
    assert "return 1 / 0 if n == 0 else deep(n - 1)" in result["text"][:800]  # the raising line leads
    assert len(result["summary"]) <= 301
