"""Node states from the run record: pure functions shared by the session and its tests."""

from __future__ import annotations

from collections.abc import Collection
from typing import Literal

from sideflow.graph import Graph

State = Literal["input", "idle", "running", "fresh", "stale", "error", "missing-input"]


def node_states(
    graph: Graph,
    fresh: Collection[str],
    stale: Collection[str],
    errors: Collection[str],
    provided: Collection[str],
) -> dict[str, State]:
    """Each input and node's state, in graph order.

    A node is `missing-input` when running it would need a required input that
    was not given (directly or through upstream nodes without a fresh result).
    """
    states: dict[str, State] = {}
    blocked: set[str] = set()
    for name, spec in graph.inputs.items():
        if spec.required and name not in provided:
            states[name] = "missing-input"
            blocked.add(name)
        else:
            states[name] = "input"
    for name in graph.order:
        if name in fresh:
            states[name] = "fresh"
            continue
        if any(parent in blocked for parent in graph.parents[name]):
            blocked.add(name)
        if name in errors:
            states[name] = "error"
        elif name in stale:
            states[name] = "stale"
        else:
            states[name] = "missing-input" if name in blocked else "idle"
    return states


def missing_inputs(graph: Graph, name: str, fresh: Collection[str], provided: Collection[str]) -> list[str]:
    """The required inputs that running `name` needs and nobody gave, in graph order."""
    needed = graph.ancestors([name], stop=fresh)
    return [n for n, spec in graph.inputs.items() if n in needed and spec.required and n not in provided]
