"""Run a plan natively on Dask (`run(executor=client)`): one task graph, data on the workers.

Why a graph dict through `client.get(..., sync=False)` rather than a `client.submit`
chain: the whole plan reaches the scheduler in one message, keyed `<node>-<run id>`,
and every value, given or computed, is a node of that graph, so a value goes to a
worker once and intermediates never leave the cluster. The returned futures (one per
node) tell us, as each completes, which node finished: hooks see live states without
polling. Only the requested outputs are fetched.

Nodes that read a Dask collection (a `dask.dataframe` input, or a node computed from
one) are not cluster tasks: they run here, building Dask's lazy graph, exactly as the
same pandas-style code would on pandas; Dask computes when their result is computed.
"""

from __future__ import annotations

import time
import uuid
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .dask_ship import specs_for
from .dask_task import run_node
from .errors import ClusterError, DataflowError, NodeError, StaleCodeError
from .execute import NodeHooks, Plan, Step, node_error, run_plan

_SCATTER_BYTES = 100_000  # larger inputs go to a worker once (scattered), not inside each task


def run_on_dask(
    plan: Plan,
    values: dict[str, Any],
    client: Any,
    hooks: Sequence[NodeHooks] = (),
    returns: Mapping[str, tuple[Any, type | None]] | None = None,
) -> dict[str, Any]:
    """Compute `plan.outputs` on the cluster behind `client`; see the module docstring.

    Hooks get `before_node` when a node's inputs are ready (it is queued or running on
    the cluster) and `after_node` when it finished; `result` is the value for outputs
    and a `distributed.Future` (the value stays on the workers) for the others;
    `seconds` is from ready to finished as seen here (queueing on the cluster included).
    `returns` (see `outputs.py`) are checked on the workers; nodes building Dask
    collections are not checked (their results are lazy collections).
    """
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    from dask.base import is_dask_collection

    steps = {step.node.name: step for step in plan.steps}
    local = _collection_steps(plan, values, is_dask_collection)
    remote = [step for step in plan.steps if step.node.name not in local]
    if remote:  # outputs computed there arrive in `values`; futures for what local steps read
        read_here = {p for name in local for p in _reads(steps[name]) if p not in local}
        here = _compute_remote(remote, values, client, hooks, set(plan.outputs), read_here, returns or {})
        values.update(client.gather(here) if here else {})
    if local:
        _fetch_given(values, [p for name in local for p in _reads(steps[name])])
        lazy = tuple(replace(steps[name], free=()) for name in steps if name in local)
        values.update(run_plan(Plan(tuple(n for n in plan.outputs if n in local), lazy), values, hooks))
    _fetch_given(values, plan.outputs)
    return {name: values[name] for name in plan.outputs}


def _compute_remote(
    remote: list[Step],
    values: dict[str, Any],
    client: Any,
    hooks: Sequence[NodeHooks],
    outputs: set[str],
    keep: set[str],
    returns: Mapping[str, tuple[Any, type | None]],
) -> dict[str, Any]:
    """Submit the steps as one graph; follow completions; return the kept nodes' futures."""
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    import distributed
    from dask._task_spec import DataNode, Task, TaskRef

    run = uuid.uuid4().hex[:10]
    names = {step.node.name for step in remote}

    def key(name: str) -> str:
        return f"{name}-{run}"

    specs = specs_for(remote, returns)
    graph: dict[str, Any] = {}
    refs: dict[str, Any] = {}
    given = {p for step in remote for p in _reads(step) if p not in names}
    large = {p: values[p] for p in given if not isinstance(values[p], distributed.Future)
             and _size(values[p]) > _SCATTER_BYTES}
    scattered = _scatter(client, large) if large else {}
    for name in given:
        value = scattered.get(name, values[name])
        if isinstance(value, distributed.Future):
            refs[name] = value  # a Future is a TaskRef: the graph depends on it, no transfer
        else:  # small: inside each reader's task, so readers may start on any worker
            refs[name] = DataNode(None, value)
    # Hook point for Parallelizable/Collect (Hamilton modifiers): a fan-out step becomes one
    # task per item here (keys `<node>-<run>-<i>`), and its collector a task reading them all.
    for step in remote:
        args = [TaskRef(key(p)) if p in names else refs[p] for p in _reads(step)]
        graph[key(step.node.name)] = Task(key(step.node.name), run_node, specs[step.node.name], *args)
    wanted = [key(step.node.name) for step in remote]
    submitted = dict(zip(wanted, client.get(graph, wanted, sync=False), strict=True))
    del graph, refs, scattered
    return _follow(remote, submitted, key, hooks, outputs, keep, values)


def _follow(
    remote: list[Step],
    submitted: dict[str, Any],
    key: Callable[[str], str],
    hooks: Sequence[NodeHooks],
    outputs: set[str],
    keep: set[str],
    values: dict[str, Any],
) -> dict[str, Any]:
    """Call hooks as futures complete (pushed by the scheduler); stop at the first error.

    Outputs are fetched into `values` as they finish; the futures of `keep` are returned;
    every other future is dropped at once, so the scheduler frees it when its readers ran."""
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    import distributed

    steps = {step.node.name: step for step in remote}
    node_of = {key(name): name for name in steps}
    waiting = {name: sum(1 for p in _reads(step) if p in steps) for name, step in steps.items()}
    readers: dict[str, list[str]] = {}
    for name, step in steps.items():
        for parent in _reads(step):
            if parent in steps:
                readers.setdefault(parent, []).append(name)
    ready_at: dict[str, float] = {}
    in_flight: set[str] = set()

    def ready(name: str) -> None:
        ready_at[name] = time.perf_counter()
        in_flight.add(name)
        for hook in hooks:
            hook.before_node(name)

    pending = submitted  # the same dict: a popped future is no longer held here
    kept: dict[str, Any] = {}
    try:
        for name in steps:
            if waiting[name] == 0:
                ready(name)
        for future in distributed.as_completed(list(pending.values())):  # type: ignore[no-untyped-call]
            name = node_of[future.key]
            pending.pop(future.key)
            in_flight.discard(name)
            if future.status != "finished":
                raise _failure(future, steps, name)
            seconds = time.perf_counter() - ready_at.get(name, time.perf_counter())
            if name in keep:
                kept[name] = future
            result = future
            if name in outputs:
                result = values[name] = future.result()
            for hook in hooks:
                hook.after_node(name, result, seconds, None)
            for child in readers.get(name, ()):
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready(child)
    except BaseException as exc:
        if pending:  # an error, Ctrl-C, a hook's failure: stop the cluster's work on this run
            client = next(iter(pending.values())).client
            client.cancel(list(pending.values()), force=True)
        failed = getattr(exc, "node", None) if isinstance(exc, DataflowError) else None
        if failed in steps:  # NodeError, StaleCodeError, ClusterError: the node shows the error
            for hook in hooks:
                hook.after_node(failed, None, 0.0, exc)
        if isinstance(exc, KeyboardInterrupt):  # as locally: the nodes in flight say so
            for name in sorted(in_flight, key=list(steps).index):
                stopped = node_error(steps[name], {}, KeyboardInterrupt())
                for hook in hooks:
                    hook.after_node(name, None, 0.0, stopped)
        raise
    return kept


def _failure(future: Any, steps: dict[str, Step], name: str) -> DataflowError:
    """The local error for what happened on the cluster: NodeError, StaleCodeError, ClusterError."""
    step = steps[name]
    location = step.node.location
    if future.status == "cancelled":
        return ClusterError(
            name, location, "the cluster dropped its task (the client or scheduler was restarted?)",
            "run again once the cluster is up (client.wait_for_workers())",
        )
    exc = future.exception()
    if isinstance(exc, (StaleCodeError, ClusterError)):
        return exc.with_traceback(None)
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        error = ClusterError(
            name, location,
            f"every worker that ran it died ({exc}); Dask retried it on other workers and gave up",
            "look for a crash or memory limit in the workers' logs (client.get_worker_logs()), "
            "or allow more retries: dask.config.set({'distributed.scheduler.allowed-failures': N})",
        )
        error.__cause__ = exc
        return error
    failed = getattr(exc, "_sideflow_node", name)
    failed_step = steps.get(failed, step)
    exc = exc.with_traceback(future.traceback())
    _trim_traceback(exc, failed_step)
    failed_error = NodeError(failed_step.node.name, failed_step.node.func.__name__,
                             failed_step.node.location, exc, getattr(exc, "_sideflow_inputs", ""))
    failed_error.__cause__ = exc
    return failed_error


def _trim_traceback(exc: BaseException, step: Step) -> None:
    """Start the traceback at the node's function (the worker's frames above it are Dask's)."""
    import inspect

    code = getattr(inspect.unwrap(step.node.func), "__code__", None)
    tb = exc.__traceback__
    while tb is not None and code is not None and not (
        tb.tb_frame.f_code.co_name == code.co_name and tb.tb_frame.f_code.co_filename == code.co_filename
    ):
        tb = tb.tb_next
    if tb is not None:
        exc.__traceback__ = tb


# client -> {content token: future}: a large input sent once stays on the cluster for the
# next runs (a notebook session reruns with the same inputs); the token is of the content,
# so an input edited in place is sent again, never read stale.
_sent: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
_SENT_PER_CLIENT = 16


def _scatter(client: Any, large: dict[str, Any]) -> dict[str, Any]:
    from dask.base import tokenize

    sent = _sent.setdefault(client, {})
    tokens = {name: f"sideflow-input-{tokenize(value)}" for name, value in large.items()}
    new = {tokens[n]: v for n, v in large.items()
           if tokens[n] not in sent or sent[tokens[n]].status != "finished"}
    if new:
        sent.update(client.scatter(new, hash=False))  # keys are the tokens given here
        while len(sent) > _SENT_PER_CLIENT:
            sent.pop(next(iter(sent)))
    return {name: sent[tokens[name]] for name in large}


def _collection_steps(plan: Plan, values: dict[str, Any], is_collection: Callable[[Any], bool]) -> set[str]:
    """Steps reading a Dask collection, directly or through another such step."""
    local: set[str] = set()
    for step in plan.steps:
        if any(p in local or (p in values and is_collection(values[p])) for p in _reads(step)):
            local.add(step.node.name)
    return local


def _fetch_given(values: dict[str, Any], names: Sequence[str]) -> None:
    from .remote import fetch_futures

    fetch_futures(values, names)


def _size(value: Any) -> int:
    from dask.sizeof import sizeof

    return int(sizeof(value))


def _reads(step: Step) -> tuple[str, ...]:
    return (*step.args, *step.keywords)

