"""Answers for the user: why a node is in its state (`flow.why`), what a request would
run (`flow.plan`). Plain data with a text form; the widget shows both."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sideflow.graph import Graph

from .staleness import Reason, describe
from .states import State


@dataclass(frozen=True)
class Why:
    """Why `node` is `state`: the reasons (for a stale node) and one line of text each."""

    node: str
    state: State
    reasons: tuple[Reason, ...]
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"node": self.node, "state": self.state, "text": self.text,
                "reasons": [r.as_dict() for r in self.reasons]}

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # IPython shows the text
        printer.text(self.text)


@dataclass(frozen=True)
class RunPlan:
    """What `flow.run(outputs)` would do now: run these (in order, each with its reason),
    reuse these fresh results, and which required inputs are still missing."""

    outputs: tuple[str, ...]
    run: tuple[str, ...]
    reuse: tuple[str, ...]
    reasons: Mapping[str, str]
    missing: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"outputs": list(self.outputs), "run": list(self.run), "reuse": list(self.reuse),
                "reasons": dict(self.reasons), "missing": list(self.missing)}

    @property
    def text(self) -> str:
        lines = [f"would run {len(self.run)}, reuse {len(self.reuse)}"]
        lines += [f"  run   {name}: {self.reasons[name]}" for name in self.run]
        lines += [f"  reuse {name} (fresh)" for name in self.reuse]
        if self.missing:
            lines.append("  missing input " + ", ".join(repr(m) for m in self.missing))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text)


def why(
    graph: Graph, name: str, state: State, stale: Mapping[str, tuple[Reason, ...]],
    errors: Mapping[str, BaseException], missing: Sequence[str],
) -> Why:
    reasons = stale.get(name, ())
    if state == "stale":
        text = f"{name!r} is stale: " + describe(reasons)
    elif state == "fresh":
        text = f"{name!r} is fresh: computed with the current code, inputs and upstream results"
    elif state == "error":
        exc = errors.get(name)
        cause = exc.__cause__ if exc is not None and exc.__cause__ is not None else exc
        shown = f"{type(cause).__name__}: {cause}" if cause is not None else "an error"
        text = f"{name!r} failed in its last run ({shown}); its code and upstream are unchanged since"
    elif state == "missing-input":
        names = ", ".join(repr(m) for m in missing) or "an input"
        text = f"{name!r} cannot run yet: it needs {names}"
    elif state == "input":
        text = f"{name!r} is an input"
    elif state == "running":
        text = f"{name!r} is running"
    else:
        text = f"{name!r} has not run yet"
    return Why(name, state, reasons, text)


def plan(
    graph: Graph, outputs: Sequence[str], fresh: Collection[str],
    stale: Mapping[str, tuple[Reason, ...]], errors: Collection[str], provided: Collection[str],
) -> RunPlan:
    fresh_set = set(fresh)
    targets = [o for o in outputs if o not in fresh_set]
    needed = graph.ancestors(targets, stop=fresh_set) | set(targets)
    run = tuple(n for n in graph.order if n in needed and n not in fresh_set)
    reuse = tuple(n for n in graph.order if n in fresh_set and (n in needed or n in outputs))
    reasons = {}
    for name in run:
        if name in stale:
            reasons[name] = "stale: " + describe(stale[name])
        elif name in errors:
            reasons[name] = "its last run failed"
        else:
            reasons[name] = "not computed yet"
    missing = tuple(
        n for n, spec in graph.inputs.items() if n in needed and spec.required and n not in provided
    )
    return RunPlan(tuple(outputs), run, reuse, reasons, missing)
