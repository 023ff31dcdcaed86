"""Running with a cache: load what is stored, compute only the rest, offer what was computed.

Every key is known before anything runs (keys flow from the inputs' fingerprints
down through the code), so the plan is cut where stored values can stand in: a hit
on an output means none of its upstream runs. Nodes marked "recompute" are the
exception: they always run (they may read a file, a clock, a database), and what is
below them is keyed by their value, fingerprinted after they ran.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .cachekey import Keys, code_identity, compute_keys
from .caching import Cache, Outcome, behavior_of
from .execute import NodeHooks, run_plan

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .cachestore import Entry
    from .dataflow import Dataflow
    from .node import Node


def run_cached(
    flow: Dataflow,
    cache: Cache,
    outputs: tuple[str, ...],
    values: dict[str, Any],
    hooks: Sequence[NodeHooks],
    executor: Executor | None,
) -> dict[str, Any]:
    """`Dataflow.run` with a cache; `values` are the checked inputs, config and overrides."""
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    cache.last_run, cache.reasons = {}, {}
    if cache.store is None:  # off (an unwritable directory): it said so once already
        return _execute(flow, outputs, values, hooks, executor)
    return _CachedRun(flow, cache, hooks, executor).run(outputs, values)


class _CachedRun:
    """One `run` call: the passes it takes and the values they share."""

    def __init__(self, flow: Dataflow, cache: Cache, hooks: Sequence[NodeHooks],
                 executor: Executor | None) -> None:
        self.flow, self.cache, self.hooks, self.executor = flow, cache, hooks, executor
        self.produced: dict[str, tuple[Any, str | None]] = {}  # this run's values and their keys

    def run(self, outputs: tuple[str, ...], values: dict[str, Any]) -> dict[str, Any]:
        __tracebackhide__ = True
        plan = self.flow._plan(outputs, frozenset(values))
        for step in plan.steps:  # "recompute" nodes run first: what is below is keyed by their value
            if behavior_of(step.node) == "recompute" and step.node.name not in self.produced:
                self.once((step.node.name,), self.given(values), keep=True)
        return self.once(outputs, self.given(values), keep=False)

    def given(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, **{n: v for n, (v, _) in self.produced.items()}}

    def known(self, name: str, value: Any) -> str | None:
        held = self.produced.get(name)
        if held is not None and held[0] is value:
            return held[1]
        return self.cache.known_key(name, value)

    def once(self, outputs: tuple[str, ...], values: dict[str, Any], keep: bool) -> dict[str, Any]:
        """One pass: keys, lookup, loads, then the engine for the rest. With `keep`, every
        value is also kept in `produced` (for the next pass); the last pass keeps nothing,
        so values nothing needs are freed as they are when running without a cache."""
        __tracebackhide__ = True
        flow, cache, graph = self.flow, self.cache, self.flow.graph
        assert cache.store is not None
        names = [step.node.name for step in flow._plan(outputs, frozenset(values)).steps]
        keys = compute_keys(graph, names, values, self.known)
        _explain(cache, keys, names)
        stored = cache.store.lookup(
            k for n in names if (k := keys.key(n)) is not None and behavior_of(graph.nodes[n]) != "recompute"
        )
        loaded: dict[str, Any] = {}
        while True:  # a bad entry turns into a miss, which may need upstream values: plan again
            hits = _cut(flow, outputs, names, values, keys, stored)
            bad = None
            for name in hits:
                if name in loaded:
                    continue
                entry = stored[keys.keys[name] or ""]
                ok, value = cache.load(entry, keep=behavior_of(graph.nodes[name]) == "always")
                if not ok:
                    bad = entry
                    break
                loaded[name] = value
                if keep:
                    self.produced[name] = (value, entry.key)
                _announce(self.hooks, name, value, entry)
                cache.remember(name, value, entry.key)
                cache.last_run[name] = "hit"
            if bad is None:
                break
            del stored[bad.key]
        cache.store.touch(stored[keys.keys[n] or ""].key for n in hits)  # least recently used goes first
        given = {**values, **{n: loaded[n] for n in hits}}
        recorder = _Offer(flow, cache, keys, self.produced if keep else None)
        return _execute(flow, outputs, given, (*self.hooks, recorder), self.executor)


def _cut(
    flow: Dataflow,
    outputs: tuple[str, ...],
    names: Sequence[str],
    values: Mapping[str, Any],
    keys: Keys,
    stored: Mapping[str, Entry],
) -> list[str]:
    """The stored nodes to load, in graph order: walking up from the outputs, a node
    with an entry stands in for itself and everything above it."""
    graph = flow.graph
    needed = {o for o in outputs if o not in values}
    hits = []
    for name in reversed(names):
        if name not in needed:
            continue
        key = keys.key(name)
        if key is not None and key in stored and behavior_of(graph.nodes[name]) != "recompute":
            hits.append(name)
            continue
        needed.update(p for p in graph.parents[name] if p in graph.nodes and p not in values)
    hits.reverse()
    return hits


def _explain(cache: Cache, keys: Keys, names: Sequence[str]) -> None:
    """Tell once per cause which nodes it leaves uncached, and why."""
    groups: dict[str, list[str]] = {}
    for name in names:
        if keys.key(name) is None:
            why = keys.why.get(name, "no key")
            cache.reasons[name] = why
            cache.last_run[name] = "uncached"
            cause = why.split(": ", 1)[1] if why.startswith("upstream ") else why
            groups.setdefault(cause, []).append(name)
    for cause, below in groups.items():
        shown = ", ".join(repr(n) for n in below[:5])
        if len(below) > 5:
            shown += f" and {len(below) - 5} more"
        cache.tell(f"sideflow: not caching {shown}: {cause} (they are computed each run)", once=cause)


def _announce(hooks: Sequence[NodeHooks], name: str, value: Any, entry: Entry) -> None:
    for hook in hooks:
        cached = getattr(hook, "cached_node", None)
        if cached is not None:
            cached(name, value, entry.created, entry.compute_seconds)


def _execute(
    flow: Dataflow,
    outputs: tuple[str, ...],
    values: dict[str, Any],
    hooks: Sequence[NodeHooks],
    executor: Executor | None,
) -> dict[str, Any]:
    __tracebackhide__ = True
    plan = flow._plan(outputs, frozenset(values))
    if executor is not None:
        from .parallel import run_parallel

        return run_parallel(plan, values, executor, hooks, flow._returns)
    return run_plan(plan, values, hooks, flow._returns)


class _Meta(Mapping[str, str]):
    """What the index records of a node's code, worked out only when a value is stored."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._items: dict[str, str] | None = None

    def _get(self) -> dict[str, str]:
        if self._items is None:
            identity = code_identity(self.node)
            self._items = {"code": identity[0].removeprefix("code "), "packages": ", ".join(identity[1:])}
        return self._items

    def __getitem__(self, key: str) -> str:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


class _Offer:
    """Engine hooks: offer each computed value to the cache and note its key."""

    def __init__(self, flow: Dataflow, cache: Cache, keys: Keys,
                 produced: dict[str, tuple[Any, str | None]] | None) -> None:
        self.graph = flow.graph
        self.cache = cache
        self.keys = keys
        self.produced = produced

    def before_node(self, name: str) -> None:
        pass

    def after_node(self, name: str, result: Any, seconds: float, error: BaseException | None) -> None:
        key = self.keys.key(name)
        if error is None and self.produced is not None:
            self.produced[name] = (result, key)
        if error is not None or key is None:
            return
        node = self.graph.nodes[name]
        outcome: Outcome = self.cache.offer(node, key, result, seconds, _Meta(node))
        self.cache.last_run[name] = outcome
        self.cache.remember(name, result, key)
