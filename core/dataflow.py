"""`Dataflow`: the public face of the engine (build, run, introspect, render)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

from .build import build_graph
from .errors import InputError, InputTypeError, MissingInputError, UnknownOutputError
from .execute import NodeHooks, Plan, make_plan, run_plan
from .graph import Graph, Input
from .node import Node
from .outputs import return_checks
from .remote import UNCHECKED, checked_value, fetch_futures, is_dask_client
from .sources import Source, SourceLike, to_source
from .typecheck import describe, stale_note, value_matches

if TYPE_CHECKING:
    import os
    from concurrent.futures import Executor

    from distributed import Client

    from .caching import Cache
    from .render import Drawing

_PLAN_CACHE_SIZE = 128


def output_names(outputs: Any) -> tuple[str, ...]:
    """`run`'s first argument: one name or a sequence of names (checked: a typo-free message)."""
    if isinstance(outputs, str):
        return (outputs,)
    try:
        names = tuple(outputs)
    except TypeError:
        names = None
    if names is None or not all(isinstance(n, str) for n in names):
        msg = f"outputs must be a node name or a list of names, got {outputs!r:.80}"
        raise InputError(msg)
    return names


class Dataflow:
    """Functions from one or more sources, checked as a DAG and run on demand.

    Responsibilities: hold the built graph and config; plan and run requests; answer
    questions about the graph. Building and running live in their own modules.
    """

    def __init__(
        self,
        *sources: SourceLike | Source,
        config: Mapping[str, Any] | None = None,
        allow_override: bool = False,
        hooks: Sequence[NodeHooks] = (),
        check_outputs: bool = False,
        cache: Cache | str | os.PathLike[str] | bool | None = None,
    ) -> None:
        self.sources = tuple(to_source(s) for s in sources)
        self.config: Mapping[str, Any] = MappingProxyType(dict(config or {}))
        self.graph: Graph = build_graph(self.sources, self.config, allow_override)
        self.hooks = tuple(hooks)
        # check_outputs: each result against its return annotation (shallow, see outputs.py)
        self.check_outputs = check_outputs
        self._returns = return_checks(self.graph.nodes) if check_outputs else {}
        self._plans: dict[tuple[tuple[str, ...], frozenset[str]], Plan] = {}
        # results on disk, keyed by code and data (see core/caching.py); None: no cache
        self.cache: Cache | None = None
        if cache is not None:
            from .caching import as_cache

            self.cache = as_cache(cache)

    # -- introspection -------------------------------------------------------------
    @property
    def nodes(self) -> Mapping[str, Node]:
        return MappingProxyType(self.graph.nodes)

    @property
    def inputs(self) -> Mapping[str, Input]:
        """External inputs: what `run(inputs=...)` may need (config values excluded)."""
        return MappingProxyType({k: v for k, v in self.graph.inputs.items() if not v.from_config})

    def upstream(self, name: str) -> list[str]:
        """Every node and input `name` depends on, in graph order."""
        self._check_known([name])
        return self._ordered(self.graph.ancestors([name]))

    def downstream(self, name: str) -> list[str]:
        """Every node that depends on `name`, in graph order."""
        self._check_known([name])
        return self._ordered(self.graph.descendants([name]))

    def path(self, start: str, end: str) -> list[str] | None:
        """A shortest dependency chain from `start` down to `end`, or None."""
        self._check_known([start, end])
        return self.graph.path(start, end)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description of the graph (nodes in order, inputs, edges, config)."""
        return {
            "nodes": [
                {
                    "name": n.name,
                    "signature": n.signature,
                    "returns": describe(n.returns),
                    "doc": n.doc,
                    "location": n.location,
                    "file": n.file,
                    "line": n.line,
                    "tags": dict(n.tags),
                    "origin": n.origin,
                    "code_hash": n.code_hash,
                    "depends_on": list(self.graph.parents[n.name]),
                }
                for n in (self.graph.nodes[k] for k in self.graph.order)
            ],
            "inputs": [
                {"name": i.name, "type": describe(i.annotation), "required": i.required,
                 "config": i.from_config, "consumers": list(i.consumers)}
                for i in self.graph.inputs.values()
            ],
            "config": {k: repr(v) for k, v in self.config.items()},
        }

    def to_json(self, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), indent=indent)

    # -- running -------------------------------------------------------------------
    def run(
        self,
        outputs: str | Sequence[str],
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
        hooks: Sequence[NodeHooks] = (),
        executor: Executor | Client | None = None,
        record: str | os.PathLike[str] | None = None,
    ) -> dict[str, Any]:
        """Compute `outputs` (a name or a list) and return them as a dict.

        With an `executor` (a thread or process pool, or a cluster's), independent nodes
        run at the same time. A `distributed.Client` runs the plan as one Dask graph
        whose values stay on the workers; only the outputs are fetched (see `dask_run`).

        Precedence: `overrides` (replace any node, its upstream is not run) over
        `inputs` (external values) over the config (values readable by functions).
        With a cache, stored results stand in for their nodes (see core/cacheruns.py).

        With `record="runs/"`, a folder per run records what ran, on what, from which
        code (see `sideflow.record`).
        """
        __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
        if record is not None:  # checked first: a rejected call leaves no record
            from .record import recorded_run

            self.validate(outputs, inputs, overrides)
            wanted = output_names(outputs)
            pool = cast("Executor | None", executor)  # passed back to `run`, Client included
            return recorded_run(self, record, wanted, inputs or {}, overrides or {}, hooks, pool)
        plan, values = self._prepare(outputs, inputs or {}, overrides or {})
        if self.graph.fanouts:  # dynamic fan-out: a block of nodes runs once per item
            from .fanout import run_fanout

            if self.cache is not None:  # its per-item nodes have no keys yet: computed, never cached
                self.cache.tell("sideflow: a dataflow with dynamic fan-out (Parallel/Collect) is not "
                                "cached yet; it is computed each run", once="fanout")
            if is_dask_client(executor):  # not native on Dask yet: its Executor interface
                client: Any = executor
                executor = client.get_executor()
            fetch_futures(values, plan.reads)
            return run_fanout(plan, values, self.graph.fanouts, cast("Executor | None", executor),
                              (*self.hooks, *hooks), self._returns)
        if is_dask_client(executor):  # natively: one Dask graph, values stay on the workers
            from .dask_run import run_on_dask

            if self.cache is not None:  # results stay on the workers: nothing to store here
                self.cache.tell("sideflow: runs on a Dask cluster do not use the cache yet; "
                                "every node is computed on the workers", once="dask")
            return run_on_dask(plan, values, executor, (*self.hooks, *hooks), self._returns)
        fetch_futures(values, plan.reads)  # a session's values kept on a Dask cluster
        if self.cache is not None:
            from .cacheruns import run_cached

            pool = cast("Executor | None", executor)  # not a Dask Client: handled above
            return run_cached(self, self.cache, plan.outputs, values, (*self.hooks, *hooks), pool)
        if executor is not None:
            from .parallel import run_parallel

            pool = cast("Executor", executor)
            return run_parallel(plan, values, pool, (*self.hooks, *hooks), self._returns)
        return run_plan(plan, values, (*self.hooks, *hooks), self._returns)

    def validate(
        self,
        outputs: str | Sequence[str],
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> None:
        """Raise what `run` would raise before running anything (unknown names, missing or
        mistyped inputs); run nothing. Lets callers refuse a request before changing state."""
        self._prepare(outputs, inputs or {}, overrides or {})

    def _prepare(
        self, outputs: str | Sequence[str], inputs: Mapping[str, Any], overrides: Mapping[str, Any]
    ) -> tuple[Plan, dict[str, Any]]:
        wanted = output_names(outputs)
        arguments: tuple[tuple[object, str], ...] = ((inputs, "inputs"), (overrides, "overrides"))
        for given, label in arguments:  # callers without a type checker may pass anything
            if not isinstance(given, Mapping):
                msg = f"{label} must be a dict of name -> value, got {type(given).__name__}"
                raise InputError(msg)
        self._check_known(wanted)
        computed = [name for name in inputs if name in self.graph.nodes]
        if computed:
            names = ", ".join(repr(n) for n in computed)
            msg = (f"{names} {'is a function' if len(computed) == 1 else 'are functions'} of this "
                   f"dataflow, not an input: to replace a computed value, pass overrides={{...}}")
            raise InputError(msg)
        unknown = [name for name in overrides if name not in self.graph]
        if unknown:  # a typo here would silently run the real upstream instead
            hints = self._close_names(unknown, 1)
            shown = ", ".join(f"{n!r}" + (f" (did you mean {hints[n][0]!r}?)" if hints[n] else "")
                              for n in unknown)
            msg = f"overrides name {shown}: not a function or input of this dataflow"
            raise InputError(msg)
        values: dict[str, Any] = {**self.config, **inputs, **overrides}
        plan = self._plan(wanted, frozenset(values))
        self._check_input_types(plan, values, overrides)
        return plan, values

    def frame(self, outputs: str | Sequence[str], **run_args: Any) -> Any:
        """Run, then assemble the outputs into a pandas DataFrame (see `sideflow.to_frame`)."""
        from .frame import to_frame

        return to_frame(self.run(outputs, **run_args))

    def _plan(self, outputs: tuple[str, ...], given: frozenset[str]) -> Plan:
        key = (outputs, given)
        plan = self._plans.get(key)
        if plan is None:
            absent = [o for o in outputs if o in self.graph.inputs and o not in given]
            if absent:
                raise MissingInputError({o: ["(requested as an output)"] for o in absent})
            plan = make_plan(self.graph, outputs, given)
            if len(self._plans) >= _PLAN_CACHE_SIZE:
                self._plans.pop(next(iter(self._plans)))
            self._plans[key] = plan
        return plan

    def _check_input_types(
        self, plan: Plan, values: Mapping[str, Any], overrides: Mapping[str, Any]
    ) -> None:
        problems = []
        for name, uses in plan.checks:
            if name in overrides:
                continue
            value = checked_value(values[name])  # a Dask collection: its partitions' type
            if value is UNCHECKED:  # a Dask future: its value is on the cluster
                continue
            for annotation, consumer in uses:
                if not value_matches(value, annotation):
                    node = self.graph.nodes[consumer]
                    problems.append(f"  input {name!r} is {type(value).__name__}, but {consumer!r} "
                                    f"({node.location}) takes {name}: {describe(annotation)}"
                                    f"{stale_note(value, annotation)}")
                    break
        if problems:
            fix = "\n  fix: pass values of the declared types"
            msg = "wrong input type:\n" + "\n".join(problems) + fix
            raise InputTypeError(msg)

    def _check_known(self, names: Iterable[str]) -> None:
        unknown = [n for n in names if n not in self.graph]
        if unknown:
            raise UnknownOutputError(unknown, self._close_names(unknown, 3), self.graph.unmatched)

    def _close_names(self, unknown: Sequence[str], count: int) -> dict[str, list[str]]:
        """For each unknown name, the known ones it may be a typo of (for the error text)."""
        import difflib

        known = [*self.graph.nodes, *self.graph.inputs]
        return {n: difflib.get_close_matches(n, known, n=count) for n in unknown}

    def _ordered(self, names: set[str]) -> list[str]:
        position = self.graph.position
        ins = [n for n in self.graph.inputs if n in names]
        return ins + sorted((n for n in names if n in position), key=position.__getitem__)

    # -- rendering -----------------------------------------------------------------
    def to_dot(self, **options: Any) -> str:
        """Graphviz DOT text; options as for `visualize`."""
        from .render import to_dot

        self._check_focus(options)
        return to_dot(self.graph, **options)

    def visualize(self, **options: Any) -> Drawing:
        """An SVG drawing (shown inline in a notebook); see `sideflow.render.draw`."""
        from .render import draw

        self._check_focus(options)
        return draw(self.graph, **options)

    def _check_focus(self, options: Mapping[str, Any]) -> None:
        self._check_known([options[k] for k in ("upstream_of", "downstream_of") if options.get(k)])

    def _repr_svg_(self) -> str:
        return self.visualize().svg

    def __repr__(self) -> str:
        labels = ", ".join(s.label for s in self.sources)
        return f"Dataflow({labels}: {len(self.graph.nodes)} nodes, {len(self.inputs)} inputs)"
