"""Run a plan on any `concurrent.futures.Executor`: independent nodes at the same time.

Threads, processes, or a cluster: Dask (`distributed.Client().get_executor()`),
Ray and loky all offer this interface, so the same dataflow scales out unchanged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from typing import Any

from .errors import OutputTypeError
from .execute import NodeHooks, Plan, Step, node_error
from .outputs import check_return


def timed_call(func: Callable[..., Any], args: Sequence[Any], kwargs: Mapping[str, Any]) -> tuple[Any, float]:
    """Runs in the worker; module-level so process pools can pickle it."""
    started = time.perf_counter()
    result = func(*args, **kwargs)
    return result, time.perf_counter() - started


def run_parallel(
    plan: Plan,
    values: dict[str, Any],
    executor: Executor,
    hooks: Sequence[NodeHooks] = (),
    returns: Mapping[str, tuple[Any, type | None]] | None = None,
) -> dict[str, Any]:
    """Submit each step once its parents are computed; free values nothing else needs."""
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    steps = {step.node.name: step for step in plan.steps}
    waiting = {name: sum(1 for p in _reads(step) if p in steps) for name, step in steps.items()}
    readers: dict[str, list[str]] = {}
    for name, step in steps.items():
        for parent in _reads(step):
            readers.setdefault(parent, []).append(name)
    uses = {name: len(found) for name, found in readers.items()}
    keep = set(plan.outputs)
    running: dict[Future[tuple[Any, float]], Step] = {}

    def submit(step: Step) -> None:
        for hook in hooks:
            hook.before_node(step.node.name)
        args = [values[a] for a in step.args]
        kwargs = {k: values[k] for k in step.keywords}
        running[executor.submit(timed_call, step.node.func, args, kwargs)] = step

    for name, count in waiting.items():
        if count == 0:
            submit(steps[name])
    while running:
        try:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
        except KeyboardInterrupt:  # the user's interrupt: the nodes in flight say so, then it goes on up
            _interrupted(running, values, hooks)
            raise
        for future in done:
            step = running.pop(future)
            name = step.node.name
            exc = future.exception()
            if exc is None and returns and name in returns:
                exc = _return_problem(step, future.result()[0], returns[name][0])
            if exc is not None:
                for other in running:
                    other.cancel()
                error = node_error(step, values, exc)
                error.__cause__ = exc
                for hook in hooks:
                    hook.after_node(name, None, 0.0, error)
                raise error from exc
            result, seconds = future.result()
            values[name] = result
            for hook in hooks:
                hook.after_node(name, result, seconds, None)
            for parent in _reads(step):
                uses[parent] -= 1
                if uses[parent] == 0 and parent not in keep:
                    del values[parent]
            for child in readers.get(name, ()):
                waiting[child] -= 1
                if waiting[child] == 0:
                    submit(steps[child])
    return {name: values[name] for name in plan.outputs}


def _interrupted(
    running: Mapping[Future[tuple[Any, float]], Step], values: Mapping[str, Any], hooks: Sequence[NodeHooks]
) -> None:
    for future, step in running.items():
        future.cancel()  # those not started yet never start; the others finish unseen
        error = node_error(step, values, KeyboardInterrupt())
        for hook in hooks:
            hook.after_node(step.node.name, None, 0.0, error)


def _return_problem(step: Step, result: Any, annotation: Any) -> BaseException | None:
    try:
        check_return(step.node, result, annotation)
    except OutputTypeError as exc:
        return exc
    return None


def _reads(step: Step) -> tuple[str, ...]:
    return (*step.args, *step.keywords)
