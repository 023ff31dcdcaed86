"""Checks of what a `%dataflow` line or cell says, before any session changes."""

from __future__ import annotations

import ast
import keyword
from collections.abc import Mapping
from typing import Any

from IPython.core.error import UsageError

DEFAULT_NAME = "flow"


def session_name(name: str | None, has_sources: bool, is_cell: bool, sessions: Mapping[str, Any]) -> str:
    """The session a `%dataflow` line or cell is about.

    `-n NAME` when given (a valid, non-keyword variable name). Otherwise a line that
    attaches modules means `flow`; a `%%dataflow` cell or a bare `%dataflow` joins the
    notebook's only session, and with several asks which one."""
    if name is not None:
        if not name.isidentifier() or keyword.iskeyword(name):
            why = "a Python keyword" if keyword.iskeyword(name) else "not a valid variable name"
            raise UsageError(f"--name: {name!r} is {why}; choose another, e.g. -n {DEFAULT_NAME}")
        return name
    if has_sources and not is_cell:
        return DEFAULT_NAME
    if len(sessions) == 1:
        return next(iter(sessions))
    if len(sessions) > 1:
        names = ", ".join(sorted(sessions))
        what = "%%dataflow" if is_cell else "%dataflow"
        raise UsageError(f"{what}: this notebook has several dataflows ({names}): say which one with -n NAME")
    return DEFAULT_NAME


def parse_cell(cell: str, filename: str) -> ast.Module:
    """The `%%dataflow` cell's syntax tree; a syntax error is one line naming the cell and line."""
    try:
        return ast.parse(cell, filename)
    except SyntaxError as exc:
        where = f"{filename}, line {exc.lineno}" if exc.lineno else filename
        shown = f": {exc.text.strip()!r}" if exc.text and exc.text.strip() else ""
        msg = (f"{where}: {type(exc).__name__}: {exc.msg}{shown}\n"
               "(the cell's functions were not added: fix the cell and run it again)")
        raise UsageError(msg) from None


def drop_computed_inputs(session: Any, inputs: Mapping[str, Any], variable: str | None) -> None:
    """`--inputs` keys naming a computed node are not inputs: say so, and do not keep them
    (they would be ignored, then used by surprise if the function were renamed)."""
    flow = session.dataflow
    if flow is None or not inputs:
        return
    computed = [name for name in inputs if name in flow.graph.nodes]
    if not computed:
        return
    for name in computed:
        if session.inputs.get(name) is inputs[name]:
            del session.inputs[name]
    shown = ", ".join(f"{name!r} ({flow.graph.nodes[name].location})" for name in computed)
    verb = "is a function" if len(computed) == 1 else "are functions"
    example = f"{session.name}.run([...], overrides={{{computed[0]!r}: ...}})"
    print(f"sideflow: --inputs {variable}: {shown} {verb} of this dataflow, not an input: "
          f"ignored (to replace a computed value, pass overrides: {example})")
