"""The immutable graph: nodes, inputs and edges by name, in a deterministic order."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .node import Node


@dataclass(frozen=True)
class Input:
    """A value the dataflow does not compute: given at run time, or read from the config."""

    name: str
    annotation: Any
    required: bool
    consumers: tuple[str, ...]
    from_config: bool = False


class Graph:
    """Nodes and inputs with edges kept by name both ways, never as object links.

    Responsibilities: traversal (ancestors, descendants, paths) and the topological
    order, ties broken by definition order so every run and every machine agree.
    """

    def __init__(
        self,
        nodes: Mapping[str, Node],
        inputs: Mapping[str, Input],
        unmatched: Mapping[str, list[str]] | None = None,
    ) -> None:
        # names whose config variants all failed to match: explained if someone asks for them
        self.unmatched = dict(unmatched or {})
        self.nodes: dict[str, Node] = dict(nodes)
        self.inputs: dict[str, Input] = dict(inputs)
        self.parents: dict[str, tuple[str, ...]] = {
            name: tuple(dict.fromkeys(p.name for p in node.params))
            for name, node in self.nodes.items()
        }
        children: dict[str, list[str]] = {name: [] for name in (*self.inputs, *self.nodes)}
        for name, parents in self.parents.items():
            for parent in parents:
                children.setdefault(parent, []).append(name)
        self.children: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in children.items()}
        self.order, self.cycle_members = _topological_order(self.nodes, self.parents, self.children)
        self.position = {name: i for i, name in enumerate(self.order)}
        # collect node -> (fan-out node, nodes run once per item, collected one); set by the build
        self.fanouts: dict[str, tuple[str, tuple[str, ...], str]] = {}

    def __contains__(self, name: object) -> bool:
        return name in self.nodes or name in self.inputs

    def ancestors(self, names: Iterable[str], stop: Iterable[str] = ()) -> set[str]:
        """Everything the names need, transitively; `stop` names are not walked past."""
        return _walk(names, self.parents, set(stop))

    def descendants(self, names: Iterable[str]) -> set[str]:
        """Everything that needs the names, transitively."""
        return _walk(names, self.children, set())

    def path(self, start: str, end: str) -> list[str] | None:
        """A shortest chain of edges from `start` down to `end`, or None."""
        previous: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if current == end:
                chain = [current]
                while (before := previous[chain[-1]]) is not None:
                    chain.append(before)
                return chain[::-1]
            for child in self.children.get(current, ()):
                if child not in previous:
                    previous[child] = current
                    queue.append(child)
        return None

    def find_cycle(self) -> list[str]:
        """One cycle as a path `[a, b, c, a]` (empty when the graph is acyclic)."""
        return _find_cycle(self.cycle_members, self.parents) if self.cycle_members else []


def _walk(start: Iterable[str], edges: Mapping[str, tuple[str, ...]], stop: set[str]) -> set[str]:
    seen: set[str] = set()
    stack = [n for n in start if n not in stop]
    while stack:
        for nxt in edges.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                if nxt not in stop:
                    stack.append(nxt)
    return seen


def _topological_order(
    nodes: Mapping[str, Node],
    parents: Mapping[str, tuple[str, ...]],
    children: Mapping[str, tuple[str, ...]],
) -> tuple[tuple[str, ...], frozenset[str]]:
    """Kahn's algorithm with a heap on definition index (not plain FIFO) so a node
    comes as early as its definition allows; returns the nodes left over by cycles."""
    index = {name: i for i, name in enumerate(nodes)}
    waiting = {name: sum(1 for p in parents[name] if p in nodes) for name in nodes}
    ready = [index[name] for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    names = list(nodes)
    order: list[str] = []
    while ready:
        name = names[heapq.heappop(ready)]
        order.append(name)
        for child in children.get(name, ()):
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, index[child])
    left = frozenset(nodes) - frozenset(order)
    return tuple(order), left


def _find_cycle(members: frozenset[str], parents: Mapping[str, tuple[str, ...]]) -> list[str]:
    """Iterative walk along parents inside the leftover set: it must revisit a node."""
    start = min(members)  # any member; min keeps the message deterministic
    trail: list[str] = []
    at: dict[str, int] = {}
    current = start
    while current not in at:
        at[current] = len(trail)
        trail.append(current)
        current = next(p for p in sorted(parents[current]) if p in members)
    cycle = [*trail[at[current]:], current]
    return cycle[::-1]  # parents walk goes upstream; show it in data-flow direction
