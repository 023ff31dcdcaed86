"""Dynamic fan-out: `Parallel[T]` (or Hamilton's `Parallelizable[T]`) then `Collect[T]`.

The nodes between a fan-out node and its collect node (its *block*) run once per item
the fan-out yields; the collect node receives the list of the block's results, in item
order. At build time the element type `T` stands for both ends, so edges are checked
as usual; the shapes sideflow cannot run exactly are refused with what to do.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .errors import DataflowError, Problem
from .node import Node

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .execute import NodeHooks, Plan, Step
    from .graph import Graph

T = TypeVar("T", covariant=True)


# Protocols over Iterable (as Hamilton's are), so `return [1, 2]` type-checks as Parallel[int]
class Parallel(Iterable[T], Protocol[T]):
    """`-> Parallel[T]`: the function yields (or returns an iterable of) items; each runs
    the nodes downstream on its own, up to the `Collect[T]` that gathers them."""


class Collect(Iterable[T], Protocol[T]):
    """`name: Collect[T]`: the results of the fan-out's block, one per item, as a list."""


class FanoutError(DataflowError, ValueError):
    """A request that a fan-out cannot answer (a node that runs once per item)."""


def _kinds() -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    expand: tuple[Any, ...] = (Parallel,)
    collect: tuple[Any, ...] = (Collect,)
    htypes = sys.modules.get("hamilton.htypes")
    if htypes is not None:
        expand, collect = (*expand, htypes.Parallelizable), (*collect, htypes.Collect)
    return expand, collect


def _element(annotation: Any, kinds: tuple[Any, ...]) -> tuple[bool, Any]:
    if getattr(annotation, "__origin__", None) in kinds:
        args = getattr(annotation, "__args__", ())
        return True, args[0] if args else Any
    return annotation in kinds, Any


def _plain(node: Node, every: tuple[Any, ...]) -> bool:
    """No annotation of the node can be a fan-out type: each is a class other than ours."""
    returns = node.returns
    if type(returns) is not type or returns in every:
        return False
    for param in node.params:
        annotation = param.annotation
        if type(annotation) is not type or annotation in every:
            return False
    return True


def mark_roles(nodes: dict[str, Node]) -> dict[str, str]:
    """Give fan-out and collect nodes their role and element types, in place; return
    `{collect node: the parameter it collects}`."""
    expand, collect = _kinds()
    every = (*expand, *collect)
    collects: dict[str, str] = {}
    for name, node in list(nodes.items()):
        if _plain(node, every):  # the common case, cheaply: plain classes only
            continue
        is_expand, item = _element(node.returns, expand)
        changes: dict[str, Any] = {}
        if is_expand:
            changes.update(returns=item, role="expand")
        params = []
        for param in node.params:
            is_collect, element = _element(param.annotation, collect)
            params.append(param._replace(annotation=element) if is_collect else param)
            if is_collect:
                changes.update(role="collect" if not is_expand else "expand+collect")
                collects[name] = param.name
        if changes:
            nodes[name] = dataclasses.replace(node, params=tuple(params), **changes)
    return collects


Fanouts = dict[str, tuple[str, tuple[str, ...], str]]


def blocks(graph: Graph, collects: Mapping[str, str], problems: list[Problem]) -> Fanouts:
    """`{collect node: (fan-out node, block nodes in order, collected node)}`; shapes we
    cannot run exactly become problems."""
    found: Fanouts = {}
    claimed: set[str] = set()  # fan-outs some collect node reads (found, or with a problem)
    for name, node in graph.nodes.items():
        if node.role == "expand+collect":
            problems.append(_problem(node, f"function {name!r} both collects and fans out",
                                     "split it into a collect function and a fan-out function"))
        if node.role != "collect":
            continue
        collected = collects[name]
        expands = [a for a in graph.ancestors([collected]) | {collected}
                   if a in graph.nodes and graph.nodes[a].role == "expand"]
        if len(expands) != 1:
            what = "no" if not expands else f"{len(expands)} ({', '.join(sorted(expands))})"
            problems.append(_problem(
                node, f"function {name!r} collects {collected!r}, which has {what} Parallel/"
                "Parallelizable fan-out upstream: there is nothing to collect per item",
                f"make an upstream function of {collected!r} return Parallel[...] (Hamilton: "
                "Parallelizable[...]), or annotate the parameter without Collect[...]"))
            continue
        (start,) = expands
        claimed.add(start)
        inside = (graph.descendants([start]) & (graph.ancestors([collected]) | {collected}))
        direct = sorted(p.name for p in node.params if p.name in inside and p.name != collected)
        if direct:
            problems.append(_problem(
                node, f"function {name!r} reads the per-item {', '.join(map(repr, direct))} "
                f"besides collecting {collected!r}", "collect one value per item, e.g. a tuple"))
            continue
        stray = sorted(d for d in graph.descendants([start]) - inside - {name}
                       if name not in graph.ancestors([d]))
        if stray:
            problems.append(_problem(
                graph.nodes[start], f"{', '.join(map(repr, stray))} depend on the per-item nodes of "
                f"{start!r} but do not lead to its Collect {name!r}",
                f"make them feed {collected!r}, or read the collected list from {name!r}"))
            continue
        found[name] = (start, tuple(sorted(inside, key=graph.position.__getitem__)), collected)
    inner = {n for _, block, _ in found.values() for n in block}
    for name, node in graph.nodes.items():
        if node.role != "expand":
            continue
        if name in inner:
            problems.append(_problem(node, f"fan-out {name!r} is inside another fan-out's "
                                     "per-item nodes: nested fan-outs are not supported",
                                     "flatten the items into one fan-out"))
        elif name not in claimed and graph.children.get(name):
            problems.append(_problem(
                node, f"fan-out {name!r} returns Parallel/Parallelizable[...] but no Collect[...] "
                f"gathers what {', '.join(map(repr, graph.children[name]))} compute per item",
                "add a function taking `name: Collect[T]` downstream, or return a plain list"))
    return found


def _problem(node: Node, message: str, fix: str) -> Problem:
    return Problem("parallel", node.name, node.location, message, fix)


def run_fanout(
    plan: Plan, values: dict[str, Any], found: Fanouts, executor: Executor | None = None,
    hooks: Sequence[NodeHooks] = (), returns: Mapping[str, tuple[Any, type | None]] | None = None,
) -> dict[str, Any]:
    """Run the plan; at each collect step, run its block once per item first. Results are
    checked against their return annotations (`outputs.py`), each item's too."""
    __tracebackhide__ = True
    from .execute import node_error

    checks = dict(returns or {})

    per_item = {n: c for c, (_, block, _) in found.items() for n in block}
    asked = [o for o in plan.outputs if o in per_item and o not in values]
    if asked:
        msg = (f"{', '.join(map(repr, asked))} run once per item of a fan-out: request the collect "
               f"node {per_item[asked[0]]!r} instead, which gathers the results")
        raise FanoutError(msg)
    steps = {s.node.name: s for s in plan.steps}
    for step in plan.steps:
        name = step.node.name
        if name in per_item:
            continue  # runs with its collect node, once per item
        if name in found:
            start, block, collected = found[name]
            todo = [steps[b] for b in block if b in steps]
            gathered = _run_items(todo, list(values[start]), values, start, executor, checks)
            values[collected] = gathered[collected]
            for hook in hooks:
                for b in todo:
                    hook.before_node(b.node.name)
                    hook.after_node(b.node.name, gathered[b.node.name], 0.0, None)
        for hook in hooks:
            hook.before_node(name)
        try:
            values[name] = _checked(step, values, None if step.node.role == "expand" else checks)
        except Exception as exc:
            error = node_error(step, values, exc)
            for hook in hooks:
                hook.after_node(name, None, 0.0, error)
            raise error from exc
        if step.node.role == "expand":  # a generator is read once: keep the items
            values[name] = list(values[name])
        for hook in hooks:
            hook.after_node(name, values[name], 0.0, None)
    return {name: values[name] for name in plan.outputs}


def _checked(step: Step, values: Mapping[str, Any], checks: Mapping[str, Any] | None) -> Any:
    __tracebackhide__ = True
    from .execute import _call
    from .outputs import check_return

    result = _call(step, values)
    check = checks.get(step.node.name) if checks else None
    if check is not None and type(result) is not check[1]:
        check_return(step.node, result, check[0])
    return result


def _run_items(
    todo: Sequence[Step], items: Iterable[Any], values: dict[str, Any], start: str,
    executor: Executor | None, checks: Mapping[str, Any],
) -> dict[str, list[Any]]:
    """Each block node's results over the items, in item order."""
    if executor is None:
        results = [_run_block(todo, values, start, item, checks) for item in items]
    else:
        futures = [executor.submit(_run_block, todo, values, start, item, checks) for item in items]
        results = [f.result() for f in futures]
    return {s.node.name: [r[s.node.name] for r in results] for s in todo}


def _run_block(todo: Sequence[Step], values: Mapping[str, Any], start: str, item: Any,
               checks: Mapping[str, Any]) -> dict[str, Any]:
    """One item through the block; module-level so process pools can pickle the call."""
    __tracebackhide__ = True
    from .execute import node_error

    local: dict[str, Any] = {start: item}
    scope = ChainMap(local, values)  # type: ignore[arg-type]  # read-only while items run
    for step in todo:
        try:
            local[step.node.name] = _checked(step, scope, checks)
        except Exception as exc:
            raise node_error(step, scope, exc) from exc
    return local


__all__ = ["Collect", "FanoutError", "Parallel", "blocks", "mark_roles", "run_fanout"]
