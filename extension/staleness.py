"""What each result was computed from, and therefore which results are stale, and why.

Pure bookkeeping over a graph: no IPython, no widget. The session tells it what ran,
what was rebuilt and which inputs or config values were replaced; it answers with the
stale nodes and their reasons in one pass over the graph (linear in nodes + edges).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sideflow.fingerprint import Fingerprint
from sideflow.graph import Graph

ReasonKind = Literal["code", "helper", "value", "input", "upstream", "config", "unknown", "renamed"]


@dataclass(frozen=True)
class Reason:
    """One reason a result no longer matches the code or data; `text` is one line."""

    kind: ReasonKind
    name: str
    location: str = ""
    text: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "location": self.location, "text": self.text}


@dataclass
class Record:
    """What one result (or error) was computed with."""

    fingerprint: Fingerprint
    seen: dict[str, int]  # parent name -> the token it had (a node's version, an input's)
    version: int  # this result's own token
    code_reasons: tuple[Reason, ...] = ()  # set when a rebuild finds its code changed
    at: float = 0.0


@dataclass
class Tracker:
    """Responsibilities: keep a `Record` per result and per error; compare records with a
    rebuilt graph (which code, helper or value changed); hand out tokens for inputs and
    config values as they are replaced; derive stale nodes and reasons on demand."""

    results: dict[str, Record] = field(default_factory=dict)
    errors: dict[str, Record] = field(default_factory=dict)
    # input or config name -> its current token (<= 0; results' versions are > 0)
    tokens: dict[str, int] = field(default_factory=dict)
    _current: dict[str, Fingerprint] = field(default_factory=dict)  # retaken after a rebinding
    _counter: Any = field(default_factory=lambda: itertools.count(1))
    _cached: dict[str, tuple[Reason, ...]] | None = None
    _cached_for: Graph | None = None
    _watch: dict[tuple[int, str], tuple[Any, set[str]]] | None = None
    _watch_for: Graph | None = None

    # -- events ----------------------------------------------------------------------
    def computed(self, graph: Graph, name: str, ok: bool, now: float = 0.0) -> None:
        """A node just ran (O(parents)): remember its code and what its parents were."""
        seen = {p: self._token(graph, p) for p in graph.parents[name]}
        record = Record(self.fingerprint(graph, name), seen, next(self._counter), at=now)
        if ok:
            self.results[name] = record
            self.errors.pop(name, None)
        else:
            self.errors[name] = record
        self._changed()

    def replaced(self, names: Iterable[str]) -> None:
        """Inputs or config values given anew: results computed from the old ones go stale."""
        for name in names:
            self.tokens[name] = -next(self._counter)  # negative: never a node's version
        self._cached = None

    def forget(self, name: str) -> None:
        self.results.pop(name, None)
        self.errors.pop(name, None)
        self._changed()

    def rebuilt(self, graph: Graph) -> None:
        """A new graph: compare each record's fingerprint with the node's current one
        (an undone edit makes a result fresh again)."""
        self._current.clear()
        for records in (self.results, self.errors):
            for name in list(records):
                node = graph.nodes.get(name)
                if node is None:
                    del records[name]
                    continue
                record = records[name]
                current = node.fingerprint
                same = current.digest == record.fingerprint.digest
                record.code_reasons = () if same else code_changes(record.fingerprint, current)
        self._changed()

    def rebound(self, graph: Graph) -> bool:
        """Before a cell: module values rebound or changed in place (`features.WINDOW = 5`
        in a cell) count as code changes. Cheap when nothing changed: one identity check
        per distinct binding (and a re-hash of small mutable values)."""
        from sideflow.fingerprint import Walker, binding_changed

        if self._watch is None or self._watch_for is not graph:
            self._watch, self._watch_for = self._bindings(graph), graph
        readers = {n for binding, names in self._watch.values() if binding_changed(binding) for n in names}
        if not readers:
            return False
        walker = Walker()
        for name in readers:
            current = self._current[name] = walker.fingerprint(graph.nodes[name].func)
            for record in (self.results.get(name), self.errors.get(name)):
                if record is not None:
                    same = current.digest == record.fingerprint.digest
                    record.code_reasons = () if same else code_changes(record.fingerprint, current)
        self._changed()
        return True

    def _bindings(self, graph: Graph) -> dict[tuple[int, str], tuple[Any, set[str]]]:
        """Each distinct module-level binding read by a node with a record, and its readers."""
        watch: dict[tuple[int, str], tuple[Any, set[str]]] = {}
        for name in {*self.results, *self.errors}:
            if name not in graph.nodes:
                continue
            for binding in self.fingerprint(graph, name).bindings:
                key = (id(binding[0]), binding[1])
                entry = watch.get(key)
                if entry is None:
                    watch[key] = (binding, {name})
                else:
                    entry[1].add(name)
        return watch

    def _changed(self) -> None:
        self._cached = None
        self._watch = None

    def fingerprint(self, graph: Graph, name: str) -> Fingerprint:
        """The node's fingerprint as of now (retaken when a module value was rebound)."""
        return self._current.get(name) or graph.nodes[name].fingerprint

    # -- answers ---------------------------------------------------------------------
    def stale(self, graph: Graph) -> dict[str, tuple[Reason, ...]]:
        """Every result that no longer matches, with its reasons (one pass, graph order)."""
        if self._cached is not None and self._cached_for is graph:
            return self._cached
        stale: dict[str, tuple[Reason, ...]] = {}
        for name in graph.order:
            record = self.results.get(name)
            if record is not None:
                reasons = self._reasons(graph, name, record, stale)
                if reasons:
                    stale[name] = reasons
        self._cached, self._cached_for = stale, graph
        return stale

    def error_applies(self, graph: Graph, name: str, stale: Mapping[str, tuple[Reason, ...]]) -> bool:
        """An error still stands while its code and everything upstream are as they were."""
        record = self.errors.get(name)
        return record is not None and not self._reasons(graph, name, record, stale)

    def _reasons(
        self, graph: Graph, name: str, record: Record, stale: Mapping[str, tuple[Reason, ...]]
    ) -> tuple[Reason, ...]:
        if not record.code_reasons and self._unchanged(graph, name, record, stale):
            return ()  # the common case, without building any text
        reasons = list(record.code_reasons)
        for parent in graph.parents[name]:
            seen = record.seen.get(parent, 0)
            if parent in graph.nodes:
                parent_record = self.results.get(parent)
                if parent in stale:
                    reasons.append(Reason("upstream", parent, "", f"upstream {parent!r} is stale"))
                elif seen <= 0:
                    text = f"{parent!r} was an input and is now a function"
                    reasons.append(Reason("renamed", parent, "", text))
                elif parent_record is None:
                    reasons.append(Reason("upstream", parent, "", f"upstream {parent!r} has no result"))
                elif parent_record.version != seen:
                    text = f"upstream {parent!r} was recomputed"
                    reasons.append(Reason("upstream", parent, "", text))
            elif self._token(graph, parent) != seen:
                spec = graph.inputs.get(parent)
                if seen > 0:
                    text = f"{parent!r} was a function and is now an input"
                    reasons.append(Reason("renamed", parent, "", text))
                elif spec is not None and spec.from_config:
                    reasons.append(Reason("config", parent, "", f"config value {parent!r} changed"))
                else:
                    reasons.append(Reason("input", parent, "", f"input {parent!r} was replaced"))
        return tuple(reasons)

    def _unchanged(
        self, graph: Graph, name: str, record: Record, stale: Mapping[str, tuple[Reason, ...]]
    ) -> bool:
        seen, results, nodes = record.seen, self.results, graph.nodes
        for parent in graph.parents[name]:
            if parent in stale:
                return False
            if parent in nodes:
                parent_record = results.get(parent)
                if parent_record is None or parent_record.version != seen.get(parent, 0):
                    return False
            elif self.tokens.get(parent, 0) != seen.get(parent, 1):
                return False
        return True

    def _token(self, graph: Graph, name: str) -> int:
        if name in graph.nodes:
            record = self.results.get(name)
            return record.version if record is not None else 0
        return self.tokens.get(name, 0)


def code_changes(before: Fingerprint, after: Fingerprint) -> tuple[Reason, ...]:
    """Which parts of a node's code differ: its own function, a helper, a module value."""
    old = {what: (where, digest) for what, where, digest in before.parts}
    new = {what: (where, digest) for what, where, digest in after.parts}
    reasons: list[Reason] = []
    for index, (what, where, digest) in enumerate(after.parts):
        if old.get(what, (None, None))[1] == digest:
            continue
        kind, _, label = what.partition(" ")
        label = _shown(kind, label)
        if index == 0:
            text = f"its code changed ({label} at {where})"
            reasons.append(Reason("code", label, where, text))
        elif kind == "value":
            verb = "changed" if what in old else "is read now"
            reasons.append(Reason("value", label, where, f"module value {label} ({where}) {verb}"))
        else:
            verb = "changed" if what in old else "is used now"
            noun = "class" if kind == "class" else "helper"
            reasons.append(Reason("helper", label, where, f"{noun} {label} ({where}) {verb}"))
    for what, (where, _) in old.items():
        if what not in new:
            kind, _, label = what.partition(" ")
            label = _shown(kind, label)
            rkind: ReasonKind = "value" if kind == "value" else "helper"
            noun = {"value": "module value", "class": "class"}.get(kind, "helper")
            reasons.append(Reason(rkind, label, where, f"{noun} {label} ({where}) is no longer used"))
    for item in after.unknown:
        if item not in before.unknown or not reasons:
            reasons.append(Reason("unknown", item.split(":", 1)[0], "",
                                  f"depends on something that cannot be fingerprinted: {item}"))
    if not reasons:  # same parts, different digest: never silently equal
        own, where, _ = after.parts[0]
        reasons.append(Reason("code", own.partition(" ")[2], where, "its code changed"))
    return tuple(reasons)


def _shown(kind: str, label: str) -> str:
    """`features.WINDOW` -> `WINDOW` (the location names the file); `__main__.f` -> `f`."""
    if kind in ("value", "class"):
        return label.rpartition(".")[2]
    return label.removeprefix("__main__.")


def describe(reasons: Collection[Reason]) -> str:
    return "; ".join(r.text for r in reasons)
