"""Turn a node's result or exception into a bounded, HTML-escaped preview for the widget."""

from __future__ import annotations

import base64
import datetime
import html
import io
import itertools
import numbers
from collections import abc
from typing import Any

from .deadline import time_limit
from .error_preview import preview_error
from .preview_text import clip as _clip
from .sanitize import sanitize_html

__all__ = ["preview", "preview_error", "sanitize_html"]

MAX_COLS = 20  # columns shown in a table; the rest are counted, not rendered
MAX_CELL = 200  # characters of one table cell
REPR_SECONDS = 2.0  # a preview taking longer (a repr that hangs) is cut off and says so
MAX_IMAGE_BYTES = 2_000_000  # a figure's PNG is exempt from max_bytes, but not unbounded


def preview(value: Any, *, max_rows: int = 10, max_bytes: int = 20_000) -> dict[str, str]:
    """Describe `value` in a few rows and at most about `max_bytes` of markup and text.

    Never raises: a value whose repr fails is described by that failure.
    """
    try:
        with time_limit(REPR_SECONDS, "showing the value"):
            return _preview(value, max_rows, max_bytes)
    except BaseException as exc:  # a user's broken (or endless) __repr__ must not break the widget
        summary = f"{_type_name(value)} (preview failed: {type(exc).__name__}: {exc})"
        return _result("object", _clip(summary, 300), "", "")


# --- values -----------------------------------------------------------------------------


def _preview(value: Any, max_rows: int, max_bytes: int) -> dict[str, str]:
    roots = {cls.__module__.partition(".")[0] for cls in type(value).__mro__}
    if "pandas" in roots:
        import pandas as pd  # only reached when the value is already a pandas object

        if isinstance(value, pd.DataFrame):
            return _dataframe(value, max_rows, max_bytes)
        if isinstance(value, pd.Series):
            return _series(value, max_rows, max_bytes)
    if "numpy" in roots:
        import numpy as np

        if isinstance(value, np.ndarray) and value.ndim > 0:
            return _ndarray(value, max_rows, max_bytes)
        if isinstance(value, np.generic | np.ndarray):
            return _scalar(value, max_bytes)
    if "matplotlib" in roots:
        figure = value if hasattr(value, "savefig") else getattr(value, "figure", None)
        if hasattr(figure, "savefig"):
            return _figure(figure, max_bytes)
    if isinstance(value, str | bytes | bytearray):
        return _text(value, max_bytes)
    if value is None or isinstance(value, numbers.Number | datetime.date | datetime.timedelta):
        return _scalar(value, max_bytes)
    if isinstance(value, abc.Mapping):
        summary = f"{_type_name(value)} with {count(len(value), 'key')}"
        return _reprlike("mapping", summary, value, max_bytes)
    if isinstance(value, abc.Sequence | abc.Set):
        summary = f"{_type_name(value)} of {count(len(value), 'item')}"
        return _reprlike("sequence", summary, value, max_bytes)
    repr_html = getattr(value, "_repr_html_", None)
    if callable(repr_html) and not isinstance(value, type):
        try:
            markup = repr_html()
        except Exception:  # a broken _repr_html_ still has a repr to show
            markup = None
        if isinstance(markup, str) and markup:
            text = _clip(_bounded_repr(value, max_bytes), max_bytes)
            body = sanitize_html(markup, max_bytes)
            return _result("html", _type_name(value), _wrap("html", body), text)
    return _reprlike("object", _type_name(value), value, max_bytes)


def _dataframe(df: Any, max_rows: int, max_bytes: int) -> dict[str, str]:
    rows, cols = df.shape
    summary = f"DataFrame {count(rows, 'row')} × {count(cols, 'column')}"
    head = df.iloc[:max_rows, :MAX_COLS]
    labels = [_cell(c) for c in head.columns]
    header = [["", *labels], ["dtype", *(str(t) for t in head.dtypes)]]
    pairs = zip(head.index, head.itertuples(index=False, name=None), strict=True)
    body = [[_cell(i), *map(_cell, r)] for i, r in pairs]
    notes = _more(rows - len(head), "row") + _more(cols - len(labels), "column")
    table, shown = _table(header, body, max_bytes)
    text = _clip(f"{summary}\n{head.to_string(max_colwidth=MAX_CELL)}{notes}", max_bytes)
    markup = _wrap("dataframe", table + _note(shown, body, notes))
    return _result("dataframe", summary, markup, text)


def _series(s: Any, max_rows: int, max_bytes: int) -> dict[str, str]:
    """Named or not, the same table: an index column and a value column with a header
    (the Series' name, or "(unnamed)"); the dtype is in the summary."""
    name = "" if s.name is None else f" {s.name!r}"
    summary = f"Series{name} {count(len(s), 'row')}, dtype {s.dtype}"
    head = s.iloc[:max_rows]
    index_name = "" if head.index.name is None else _cell(head.index.name)
    header = [[index_name, "(unnamed)" if s.name is None else _cell(s.name)]]
    body = [[_cell(i), _cell(v)] for i, v in zip(head.index, head.tolist(), strict=True)]
    notes = _more(len(s) - len(head), "row")
    table, shown = _table(header, body, max_bytes)
    text = _clip(f"{summary}\n{head.to_string(max_rows=max_rows)}{notes}", max_bytes)
    return _result("series", summary, _wrap("series", table + _note(shown, body, notes)), text)


def _ndarray(a: Any, max_rows: int, max_bytes: int) -> dict[str, str]:
    import numpy as np

    shape = " × ".join(f"{n:,}" for n in a.shape)
    summary = f"ndarray {shape}, dtype {a.dtype}"
    shown = np.array2string(a[:max_rows], threshold=200, edgeitems=3, max_line_width=100)
    if a.shape[0] > max_rows:
        shown += f"\n… first {max_rows} of {a.shape[0]:,} along axis 0"
    text = _clip(shown, max_bytes)
    return _result("ndarray", summary, _wrap("ndarray", _pre(text)), text)


def _scalar(value: Any, max_bytes: int) -> dict[str, str]:
    text = _clip(repr(value) if value is None or isinstance(value, bool) else str(value), max_bytes)
    shown = _clip(text, 80)
    # the value once: in the summary, and below it only when the summary had to cut it
    body = f"<code>{html.escape(text)}</code>" if shown != text else ""
    return _result("scalar", f"{_type_name(value)} {shown}", _wrap("scalar", body), text)


def _text(value: str | bytes | bytearray, max_bytes: int) -> dict[str, str]:
    unit = "character" if isinstance(value, str) else "byte"
    summary = f"{_type_name(value)}, {count(len(value), unit)}"
    text = _clip(value if isinstance(value, str) else repr(value[:max_bytes]), max_bytes)
    return _result("text", summary, _wrap("text", _pre(text)), text)


def _figure(figure: Any, max_bytes: int) -> dict[str, str]:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=72, bbox_inches="tight")
    png = buffer.getvalue()
    width, height = figure.get_size_inches()
    summary = f"{_type_name(figure)} {width:g}×{height:g} in"
    if len(png) > MAX_IMAGE_BYTES:
        return _result("figure", f"{summary} (image too large to preview)", "", summary)
    uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    body = f'<img class="sf-figure" alt="{html.escape(summary)}" src="{uri}">'
    return _result("figure", summary, _wrap("figure", body), summary)


def _reprlike(kind: str, summary: str, value: Any, max_bytes: int) -> dict[str, str]:
    text = _clip(_bounded_repr(value, max_bytes), max_bytes)
    return _result(kind, summary, _wrap(kind, _pre(text)), text)


def _bounded_repr(value: Any, budget: int, depth: int = 0) -> str:
    """A repr that looks at only the first items of containers (reprlib sorts whole sets)."""
    if depth > 4:
        return "…"
    if isinstance(value, str | bytes | bytearray):
        return repr(value[:budget]) + ("…" if len(value) > budget else "")
    if isinstance(value, abc.Mapping):
        items = itertools.islice(value.items(), 50)
        parts = [
            f"{_bounded_repr(k, 200, depth + 1)}: {_bounded_repr(v, budget, depth + 1)}" for k, v in items
        ]
        inner = "{" + ", ".join(parts) + (", …" if len(value) > 50 else "") + "}"
        return inner if type(value) is dict else f"{_type_name(value)}({inner})"
    if isinstance(value, abc.Sequence | abc.Set) and not isinstance(value, range):
        brackets = "{}" if isinstance(value, abc.Set) else "()" if isinstance(value, tuple) else "[]"
        opener, closer = brackets[0], brackets[1]
        parts = [_bounded_repr(v, budget, depth + 1) for v in itertools.islice(value, 100)]
        inner = opener + ", ".join(parts) + (", …" if len(value) > 100 else "") + closer
        if type(value) is tuple and len(value) == 1:
            inner = inner[:-1] + ",)"
        builtin = type(value) in (list, tuple, set)
        return inner if builtin else f"{_type_name(value)}({inner})"
    return _clip(repr(value), budget)


# --- tables and small helpers -----------------------------------------------------------


def _table(header: list[list[str]], body: list[list[str]], max_bytes: int) -> tuple[str, int]:
    """Escape every cell into a table; stop adding body rows once `max_bytes` is spent."""
    head_rows = "".join(
        f'<tr class="{"sf-dtypes" if i else "sf-columns"}">'
        + "".join(f"<th>{html.escape(c)}</th>" for c in row)
        + "</tr>"
        for i, row in enumerate(header)
    )
    out: list[str] = []
    size = len(head_rows)
    for row in body:
        cells = f"<th>{html.escape(row[0])}</th>" + "".join(f"<td>{html.escape(c)}</td>" for c in row[1:])
        size += len(cells) + 9
        if out and size > max_bytes:
            break
        out.append(f"<tr>{cells}</tr>")
    rows = "".join(out)
    markup = f'<table class="sf-table"><thead>{head_rows}</thead><tbody>{rows}</tbody></table>'
    return markup, len(out)


def _note(shown: int, body: list[list[str]], notes: str) -> str:
    if shown < len(body):
        notes = f"\n… {len(body) - shown} more rows not shown (size limit){notes}"
    return f'<div class="sf-note">{html.escape(notes.strip())}</div>' if notes else ""


def _more(n: int, noun: str) -> str:
    return f"\n… {n:,} more {noun}{'' if n == 1 else 's'}" if n > 0 else ""


def _cell(value: Any) -> str:
    return _clip(_format(value), MAX_CELL)


def _format(value: Any) -> str:
    """Like pandas' display: 6 significant digits for floats, dates without a midnight time."""
    if isinstance(value, float) or type(value).__name__.startswith("float"):
        number = float(value)
        if number != number:
            return "NaN"
        text = f"{number:.6g}"
        return text if any(c in text for c in ".einf") else text + ".0"
    if type(value).__name__ == "Timestamp" and value == value.normalize():
        return str(value.date())
    return str(value)


def _pre(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


def _wrap(kind: str, body: str) -> str:
    return f'<div class="sf-pv sf-pv-{kind}">{body}</div>'


def _result(kind: str, summary: str, markup: str, text: str) -> dict[str, str]:
    return {"kind": kind, "summary": summary, "html": markup, "text": text}


def count(n: int, noun: str) -> str:
    """`1 row`, `10,000,000 rows`."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def _type_name(value: Any) -> str:
    return type(value).__name__
