"""Run a precomputed plan: only what the outputs need, each node once, no recursion."""

from __future__ import annotations

import inspect
import time
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from .errors import MissingInputError, NodeError
from .graph import Graph
from .node import Node
from .outputs import check_return


class NodeHooks(Protocol):
    """Called around each node; the extension uses it for live states and timings.

    On a Dask client, `result` is a `distributed.Future` for values left on the workers."""

    def before_node(self, name: str) -> None: ...

    def after_node(
        self, name: str, result: Any, seconds: float, error: BaseException | None
    ) -> None: ...


@dataclass(frozen=True)
class Step:
    node: Node
    args: tuple[str, ...]  # passed by position, in parameter order
    # passed by name: keyword-only parameters, and every one after an optional input left out
    keywords: tuple[str, ...]
    free: tuple[str, ...]  # values nothing later needs: dropped after this step


@dataclass(frozen=True)
class Plan:
    """The steps for one (outputs, given names) pair; cached by the Dataflow."""

    outputs: tuple[str, ...]
    steps: tuple[Step, ...]
    # input -> the distinct (annotation, consumer) pairs among the steps: the per-run type check
    checks: tuple[tuple[str, tuple[tuple[Any, str], ...]], ...] = ()

    @cached_property
    def reads(self) -> tuple[str, ...]:
        """The given values the run reads: arguments of its steps, outputs not computed."""
        ran = {step.node.name for step in self.steps}
        names = (*(a for s in self.steps for a in (*s.args, *s.keywords)), *self.outputs)
        return tuple(dict.fromkeys(n for n in names if n not in ran))


def make_plan(graph: Graph, outputs: Sequence[str], given: Collection[str]) -> Plan:
    """Walk up from the outputs, stopping at given values; order by the graph's order."""
    targets = [o for o in outputs if o not in given]
    needed = graph.ancestors(targets, stop=given) | set(targets)
    to_run = sorted(
        (n for n in needed if n in graph.nodes and n not in given), key=graph.position.__getitem__
    )
    missing: dict[str, list[str]] = {}
    for name in to_run:
        for param in graph.nodes[name].params:
            p = param.name
            if p not in given and p not in graph.nodes and param.required:
                missing.setdefault(p, []).append(name)
    if missing:
        raise MissingInputError(missing)
    keep = set(outputs)
    present = {
        name: [p.name for p in graph.nodes[name].params if p.name in given or p.name in graph.nodes]
        for name in to_run
    }
    last_use: dict[str, int] = {}
    for i, name in enumerate(to_run):
        for parent in present[name]:
            last_use[parent] = i
    frees: dict[int, list[str]] = {}
    for name, i in last_use.items():
        if name not in keep:
            frees.setdefault(i, []).append(name)
    steps = []
    for i, name in enumerate(to_run):
        node = graph.nodes[name]
        args, keywords = _split_arguments(node, set(present[name]))
        steps.append(Step(node, args, keywords, tuple(frees.get(i, ()))))
    read = dict.fromkeys(p for name in to_run for p in present[name] if p in given)
    return Plan(tuple(outputs), tuple(steps), _input_checks(graph, read, to_run))


def _input_checks(
    graph: Graph, read: Collection[str], to_run: Sequence[str]
) -> tuple[tuple[str, tuple[tuple[Any, str], ...]], ...]:
    running = set(to_run)  # consumers that will not run don't constrain the value
    checks = []
    for name in read:
        spec = graph.inputs.get(name)
        if spec is None:
            continue
        distinct: dict[int, tuple[Any, str]] = {}
        for consumer in spec.consumers:
            if consumer in running:
                annotation = next(p.annotation for p in graph.nodes[consumer].params if p.name == name)
                distinct.setdefault(id(annotation), (annotation, consumer))
        checks.append((name, tuple(distinct.values())))
    return tuple(checks)


def _split_arguments(node: Node, present: set[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Positional names up to the first one left out; the rest (and keyword-only) by name."""
    args: list[str] = []
    keywords: list[str] = []
    by_name = False
    for param in node.params:
        if param.name not in present:
            by_name = True  # a left-out optional input: later positions would shift
        elif by_name or param.keyword_only:
            keywords.append(param.name)
        else:
            args.append(param.name)
    return tuple(args), tuple(keywords)


def run_plan(
    plan: Plan,
    values: dict[str, Any],
    hooks: Sequence[NodeHooks] = (),
    returns: Mapping[str, tuple[Any, type | None]] | None = None,
) -> dict[str, Any]:
    """Execute the steps over `values` (inputs and overrides); return the outputs.

    `returns` (node -> declared return type, see `outputs.py`) checks each result.
    Any BaseException from a node (SystemExit, GeneratorExit) becomes its NodeError;
    a KeyboardInterrupt is recorded on the node, then interrupts the caller."""
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    if hooks:
        _run_with_hooks(plan, values, hooks, returns or {})
    else:  # the hot loop: no hooks, no timing, one call per node
        for step in plan.steps:
            try:
                result = values[step.node.name] = _call(step, values)
                check = returns.get(step.node.name) if returns else None
                if check is not None and type(result) is not check[1]:  # exact type: passes at once
                    check_return(step.node, result, check[0])
            except KeyboardInterrupt:
                raise
            except BaseException as exc:
                raise node_error(step, values, exc) from exc
            for name in step.free:
                del values[name]
    return {name: values[name] for name in plan.outputs}


def _call(step: Step, values: Mapping[str, Any]) -> Any:
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    if step.keywords:
        return step.node.func(*[values[a] for a in step.args], **{k: values[k] for k in step.keywords})
    return step.node.func(*[values[a] for a in step.args])


def _run_with_hooks(
    plan: Plan,
    values: dict[str, Any],
    hooks: Sequence[NodeHooks],
    returns: Mapping[str, tuple[Any, type | None]],
) -> None:
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    for step in plan.steps:
        node = step.node
        for hook in hooks:
            hook.before_node(node.name)
        started = time.perf_counter()
        try:
            result = _call(step, values)
            check = returns.get(node.name)
            if check is not None and type(result) is not check[1]:
                check_return(node, result, check[0])
        except BaseException as exc:
            seconds = time.perf_counter() - started
            error = node_error(step, values, exc)
            error.__cause__ = exc
            for hook in hooks:
                hook.after_node(node.name, None, seconds, error)
            if isinstance(exc, KeyboardInterrupt):  # the user's interrupt still stops the cell
                raise
            raise error from exc
        seconds = time.perf_counter() - started
        values[node.name] = result
        for hook in hooks:
            hook.after_node(node.name, result, seconds, None)
        for name in step.free:
            del values[name]


def node_error(step: Step, values: Mapping[str, Any], exc: BaseException) -> NodeError:
    """Name the node and its inputs; drop the frames above the node's function (this
    module's, an executor's) so the traceback starts in user code."""
    code = getattr(inspect.unwrap(step.node.func), "__code__", None)
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code is not code:
        tb = tb.tb_next
    if tb is not None:
        exc.__traceback__ = tb
    names = (*step.args, *step.keywords)
    shown = ", ".join(f"{n}={_describe_value(values[n])}" for n in names if n in values)
    return NodeError(step.node.name, step.node.func.__name__, step.node.location, exc, shown)


def _describe_value(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and type(value).__module__.split(".")[0] in ("pandas", "numpy"):
        return f"<{type(value).__name__} shape={tuple(shape)}>"
    import reprlib  # only on the error path

    short = reprlib.Repr()
    short.maxstring = short.maxother = 40
    try:
        return short.repr(value)
    except Exception as exc:  # the user's __repr__ is broken: the node's error still must show
        return f"<{type(value).__name__}: repr failed with {type(exc).__name__}>"


