"""What the panel shows for a clicked input: its value, its default and whether it is used."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from sideflow.graph import Graph
from sideflow.scene import input_defaults, short_repr

from .preview import preview


def input_payload(
    graph: Graph, name: str, inputs: Mapping[str, Any], config: Mapping[str, Any], flow: str
) -> tuple[dict[str, str], str, str]:
    """`(payload, status, expression)` for input `name`: a given value (status "input",
    the expression that returns it), a default in use, or a required input nobody gave."""
    spec = graph.inputs[name]
    defaults = input_defaults(graph, name)
    given = inputs if name in inputs else config if name in config else None
    if given is not None:
        payload = dict(preview(given[name]))
        if defaults:
            note = f"given, so the default {_defaults_text(defaults)} is not used"
            payload["summary"] = f"{payload.get('summary', '')} · {note}"
        where = "config" if given is config else "inputs"
        return payload, "input", f"{flow}.{where}[{name!r}]"
    if defaults:
        users = ", ".join(defaults)
        summary = f"optional input, not given: the default {_defaults_text(defaults)} is used"
        how = (f"Used by {users}. To use another value, set {flow}.inputs[{name!r}] = ... "
               "and click again.")
        missing = [c for c in spec.consumers if c not in defaults]
        if missing:
            how += f" {', '.join(missing)} declare no default and need it given."
        body = f'<div class="sf-pv sf-pv-default"><code>{html.escape(_defaults_text(defaults))}</code>' \
               f"<p>{html.escape(how)}</p></div>"
        return {"summary": summary, "html": body}, "input", ""
    how = (f"Give it in a cell, e.g. {flow}.inputs[{name!r}] = ..., then click again "
           "(or %dataflow ... --inputs VAR with a dict or DataFrame).")
    summary = f"{name!r} is an input with no value yet"
    return {"summary": summary, "html": f"<p>{html.escape(how)}</p>"}, "missing-input", ""


def _defaults_text(defaults: Mapping[str, Any]) -> str:
    shown = {short_repr(v) for v in defaults.values()}
    if len(shown) == 1:
        return next(iter(shown))
    return "; ".join(f"{short_repr(v)} in {consumer}" for consumer, v in defaults.items())
