"""A notebook's live dataflow: attached modules and cells, the last good DAG, results and states.

Over 400 lines because it is where the session's parts meet (reloads, staleness, cache,
records, executors, the widget); each part's logic lives in its own module and this
file only wires them. The widget-facing half (clicks, previews, pushes) is the next
piece to move out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sideflow import Dataflow
from sideflow.dataflow import output_names
from sideflow.errors import DataflowError, InputError, NodeError
from sideflow.record import RunLog, write_record
from sideflow.remote import is_dask_client, lost_futures
from sideflow.sources import Source, from_module

from .reload import WatchedModule
from .staleness import Tracker
from .states import State, missing_inputs, node_states
from .undo import undone_if_refused

if TYPE_CHECKING:
    import os
    from concurrent.futures import Executor

    from sideflow import Cache

    from .explain import RunPlan, Why
    from .widget import GraphWidget

Printer = Callable[[str], None]
_PUSH_EVERY = 0.1  # seconds between live state pushes to the widget during a long run


class Session:
    """What `%dataflow` binds as `flow`. Testable without IPython.

    Responsibilities: keep the attached modules and `%%dataflow` cells; rebuild the
    DAG when one changes, keeping the last good DAG when the new one is broken;
    hold results, durations and errors; tell the `Tracker` (staleness.py) what ran
    and what changed; run requests reusing fresh results; drive the widget.
    """

    def __init__(
        self,
        modules: Sequence[str] = (),
        *,
        config: Mapping[str, Any] | None = None,
        inputs: Mapping[str, Any] | None = None,
        name: str = "flow",
        cwd: str | Path | None = None,
        printer: Printer = print,
        cache: Cache | str | os.PathLike[str] | None = None,
        executor: Executor | Any = None,
    ) -> None:
        self.name = name
        # runs and widget clicks use it unless a run names another (a pool or a Dask Client)
        self.executor = executor
        self._config = dict(config or {})
        self.inputs: dict[str, Any] = dict(inputs or {})
        self.cwd = Path(cwd or Path.cwd())
        self.watched: list[WatchedModule] = []
        self.cells: dict[str, Source] = {}
        self.dataflow: Dataflow | None = None
        self.results: dict[str, Any] = {}
        self.durations: dict[str, float] = {}
        self.errors: dict[str, BaseException] = {}
        self.error = ""  # the last rebuild problem; "" when the DAG is current
        self.last_ran: list[str] = []
        self.last_run: RunLog | None = None  # for `record`
        self._print = printer
        self._tracker = Tracker()  # what each result was computed with: stale nodes and why
        self._input_seen: dict[str, Any] = {}  # input values as of the last check, by identity
        self._running: set[str] = set()  # several at once on an executor
        self._widget: GraphWidget | None = None
        self._pushed = 0.0
        self.cache: Cache | None = None  # results on disk across kernel restarts (see use_cache)
        self.cached: dict[str, float] = {}  # node -> when its current result was computed, if loaded
        self.use_cache(cache)
        self._on_cluster = False  # during a Dask run: every state change is pushed
        self.attach(modules)

    # -- building ------------------------------------------------------------------
    @property
    def config(self) -> Mapping[str, Any]:
        """Read-only: change it with `set_config`, which rebuilds the DAG."""
        return MappingProxyType(self._config)

    def use_cache(self, cache: Cache | str | os.PathLike[str] | None) -> None:
        """Cache results in this directory (relative to the notebook), or not at all (None)."""
        from sideflow import Cache

        if cache is None or isinstance(cache, Cache):
            self.cache = cache
        else:
            self.cache = Cache(self.cwd / Path(cache))
        if self.dataflow is not None:
            self.dataflow.cache = self.cache

    def attach(self, modules: Sequence[str]) -> bool:
        """Watch these side modules (instead of the current ones) and rebuild; cells,
        inputs, the widget and the results of unchanged code are kept."""
        self.watched = [WatchedModule(spec, self.cwd) for spec in modules]
        loaded = [self._load(w) for w in self.watched]
        return all(loaded) and self.rebuild()

    def sync(self) -> None:
        """After each cell: inputs given or replaced in the cell update the states at once."""
        if self._note_inputs():
            self._push(force=True)

    def set_config(self, config: Mapping[str, Any]) -> bool:
        """Replace the config and rebuild (variants and config values may change).

        Results that read a changed value turn stale; a config that breaks the DAG is
        not taken (the session stays exactly as it was)."""
        before = self._config
        self._config = dict(config)
        if not self.rebuild(fix="the config was not changed: correct it with flow.set_config({...})"):
            self._config = before
            if any(w.module is None for w in self.watched):  # nothing was built, nor reported
                self._print("sideflow: the config was not changed: a side module is broken (fix it first)")
            return False
        self._tracker.replaced(k for k in {*before, *self._config} if not _same(before.get(k, _NONE),
                                                                              self._config.get(k, _NONE)))
        self._push(force=True)
        return True

    def check(self) -> bool:
        """Before each cell: reload changed modules (by content) and rebuild. Cheap when
        nothing changed. Returns True when the DAG was rebuilt."""
        changed = [w for w in self.watched if w.changed()]
        loaded = [self._load(w) for w in changed]
        rebuilt = bool(changed) and all(loaded) and self.rebuild()
        noted = self._note_inputs()
        rebound = self.dataflow is not None and not rebuilt and self._tracker.rebound(self.dataflow.graph)
        if (noted or rebound) and not rebuilt:
            self._push(force=True)
        return rebuilt

    def set_cell(self, key: str, functions: Iterable[Callable[..., Any]], label: str) -> bool:
        """Replace what one `%%dataflow` cell contributes, then rebuild.

        A cell whose own functions break the DAG contributes nothing until it is fixed
        and run again; a cell run while a module is broken is kept for when it loads."""
        previous = self.cells.get(key)
        functions = tuple(functions)
        if functions:
            self.cells[key] = Source(label, functions)
        else:
            self.cells.pop(key, None)
        if any(w.module is None for w in self.watched):
            return False  # built when the module loads; its error is already reported
        built = self._build()
        if isinstance(built, Dataflow):
            self._adopt(built)
            return True
        cell_file = f"<dataflow {label}>"
        if any(p.location.startswith(cell_file) for p in getattr(built, "problems", ())):
            if previous is None:
                self.cells.pop(key, None)
            else:
                self.cells[key] = previous
            self._report(str(built), "this cell's functions were not added: fix the cell and run it again")
        else:
            self._report(str(built))
        return False

    def rebuild(self, fix: str = "save a fix and run any cell") -> bool:
        """Build from the modules' current namespaces and the cells; keep the last good DAG on error."""
        if any(w.module is None for w in self.watched):
            return False  # a module never loaded: its error is already reported
        built = self._build()
        if isinstance(built, Dataflow):
            self._adopt(built)
            return True
        self._report(str(built), fix)
        return False

    def _build(self) -> Dataflow | DataflowError:
        sources = [from_module(w.module) for w in self.watched if w.module is not None]
        try:
            return Dataflow(*sources, *self.cells.values(), config=self._config, check_outputs=True,
                            cache=self.cache)
        except DataflowError as exc:
            return exc

    def _load(self, watched: WatchedModule) -> bool:
        try:
            watched.load()
        except DataflowError as exc:
            self._report(str(exc))
            return False
        return True

    def _report(self, message: str, fix: str = "save a fix and run any cell") -> None:
        kept = "keeping the last good graph" if self.dataflow is not None else "no graph yet"
        self.error = message
        self._print(f"sideflow: {message}\n({kept}; {fix})")
        if self._widget is not None:
            self._widget.update(message=message)

    def _adopt(self, flow: Dataflow) -> None:
        """Take a new graph: results whose code (or upstream) changed turn stale."""
        graph = flow.graph
        for name in [*self.results, *self.errors]:
            if name not in graph.nodes:
                self._forget(name)
        self._tracker.rebuilt(graph)
        self.dataflow = flow
        self.error = ""
        if self._widget is not None:
            self._widget.update(graph=self._scene(), message="")
            self._push(force=True)

    def _forget(self, name: str) -> None:
        for record in (self.results, self.durations, self.errors, self.cached):
            record.pop(name, None)
        self._tracker.forget(name)

    # -- running -------------------------------------------------------------------
    def run(
        self,
        outputs: str | Sequence[str],
        inputs: Mapping[str, Any] | None = None,
        overrides: Mapping[str, Any] | None = None,
        executor: Executor | None = None,
        record: str | Path | None = None,
    ) -> dict[str, Any]:
        """Like `Dataflow.run`, reusing fresh results and computing only stale or missing nodes.

        With an `executor` (default: `self.executor`), independent nodes run at the same
        time (states stay live). On a Dask `Client`, results other than the outputs stay
        on the workers: `results` holds their `distributed.Future`s.
        With `record="runs/"`, the run is recorded (as `record` does after the fact).

        Given inputs are remembered (clicks use them). A run with `overrides` is a
        what-if: its values are returned, not stored in `results`.
        """
        __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
        for given, label in ((inputs, "inputs"), (overrides, "overrides")):
            if given is not None and not isinstance(given, Mapping):
                raise InputError(f"{label} must be a dict of name -> value, got {type(given).__name__}")
        outputs = output_names(outputs)  # checked here: a refused call changes nothing
        with undone_if_refused(self, enabled=bool(inputs)):  # a refused call remembers nothing
            return self._run(outputs, inputs, overrides, executor, record)

    def _run(
        self,
        outputs: str | Sequence[str],
        inputs: Mapping[str, Any] | None,
        overrides: Mapping[str, Any] | None,
        executor: Executor | None,
        record: str | Path | None = None,
    ) -> dict[str, Any]:
        __tracebackhide__ = True
        flow = self._current()
        executor = self.executor if executor is None else executor
        if inputs:
            computed = [n for n in inputs if n in flow.graph.nodes]
            if computed:  # checked before remembering: a bad call must not poison later runs
                flow.run(outputs, inputs)  # raises the engine's InputError, pointing to overrides
            self.inputs.update(inputs)
        self._note_inputs()
        wanted = [outputs] if isinstance(outputs, str) else list(outputs)
        given = {k: v for k, v in self.inputs.items() if k not in flow.graph.nodes}
        for name in lost_futures(self.results):  # kept on a cluster that lost them: recompute
            self._forget(name)
        fresh = self._fresh()
        self.last_ran = []
        if overrides:
            touched = flow.graph.descendants(overrides) | set(overrides)
            reuse = {n: self.results[n] for n in fresh if n not in touched}
            given_values = {**reuse, **overrides}
            log = RunLog(flow, wanted, given, given_values, reuse, f"{self.name}.run",
                         record is not None, record)
            try:
                return log.around(flow.run, wanted, given, given_values,
                                  hooks=[_Ran(self.last_ran), log], executor=executor)
            finally:
                self.last_run = self.last_run if log.refused else log
        reuse = {n: self.results[n] for n in fresh}
        self._on_cluster = is_dask_client(executor)
        log = RunLog(flow, wanted, given, reuse, reuse, f"{self.name}.run", record is not None, record)
        try:
            return log.around(flow.run, wanted, given, reuse, hooks=[_Recorder(self), log], executor=executor)
        finally:
            self._on_cluster = False
            self.last_run = self.last_run if log.refused else log  # a refused call changes nothing
            self._running.clear()
            self._push(force=True)

    def record(self, directory: str | Path) -> Path:
        """Write the last run's record (run.json, dag.svg) to a new folder in `directory`."""
        if self.last_run is None:
            raise DataflowError(f"nothing to record yet: run something first ({self.name}.run([...]))")
        return write_record(self.last_run, directory)

    def run_node(self, name: str) -> None:
        """The widget's click: run one node and show its preview (or why it cannot run)."""
        from .preview import preview, preview_error

        widget = self.widget
        self.check()  # a save since the last cell counts: never run old code
        flow = self.dataflow
        if flow is None:
            widget.show_preview(name, {"summary": self.error or "no graph yet", "html": ""}, "error")
            return
        if name in flow.graph.inputs:
            self._preview_input(name)
            return
        missing = missing_inputs(flow.graph, name, self._fresh(), self._provided())
        if missing:
            widget.show_preview(name, self.explain_missing(name, missing), "missing-input")
            return
        try:
            value = self.run([name])[name]  # fetched even when `results` keeps a cluster future
        except KeyboardInterrupt:  # the interrupted node keeps its error; the kernel goes on
            stopped = self.errors.get(self.last_ran[-1]) if self.last_ran else None
            widget.show_preview(name, preview_error(stopped or KeyboardInterrupt()), "error")
            return
        except DataflowError as exc:
            widget.show_preview(name, preview_error(exc), "error")
            if not isinstance(exc, NodeError):
                self._print(f"sideflow: {exc}")
            return
        widget.show_preview(name, preview(value), "fresh")

    def explain_missing(self, name: str, missing: Sequence[str]) -> dict[str, str]:
        import html

        names = ", ".join(repr(m) for m in missing)
        summary = f"{name!r} cannot run yet: it needs input {names}"
        how = (
            f"Give {'it' if len(missing) == 1 else 'them'} in a cell, e.g. "
            f"{self.name}.inputs[{missing[0]!r}] = ..., then click again "
            f"(or %dataflow ... --inputs VAR with a dict or DataFrame)."
        )
        return {"summary": summary, "html": f"<p>{html.escape(how)}</p>"}

    def _preview_input(self, name: str) -> None:
        from .input_preview import input_payload

        graph = self._current().graph
        payload, status, expression = input_payload(graph, name, self.inputs, self.config, self.name)
        self.widget.show_preview(name, payload, status, expression)

    def _explain_node(self, name: str) -> dict[str, Any]:
        """The widget's hover: why `name` is in its state, and what a click would run."""
        graph = self._current().graph
        if name not in graph:
            return {}
        answer: dict[str, Any] = {"why": self.why(name).as_dict()}
        if name in graph.nodes:
            answer["plan"] = self.plan([name]).as_dict()
        return answer

    def _current(self) -> Dataflow:
        if self.dataflow is None:
            msg = f"no dataflow yet: {self.error or 'attach a module with %dataflow'}"
            raise DataflowError(msg)
        return self.dataflow

    def _fresh(self) -> set[str]:
        if self.dataflow is None:
            return set()
        stale = self._tracker.stale(self.dataflow.graph)
        return {n for n in self.results if n not in stale} - set(self._errors_standing(stale))

    def _errors_standing(self, stale: Mapping[str, Any]) -> dict[str, BaseException]:
        """Errors that still apply: an error whose code or upstream changed since is dropped
        (the node turns stale, or idle when it never had a result)."""
        if self.dataflow is None:
            return {}
        graph = self.dataflow.graph
        for name in [n for n in self.errors if not self._tracker.error_applies(graph, n, stale)]:
            del self.errors[name]
            self._tracker.errors.pop(name, None)
        return self.errors

    def _provided(self) -> set[str]:
        return set(self.inputs) | set(self.config)

    def _note_inputs(self) -> bool:
        """Inputs replaced since last time make their dependants' results stale."""
        if self.dataflow is None:
            return False
        seen = self._input_seen
        changed = [n for n, v in self.inputs.items() if n not in seen or seen[n] is not v]
        gone = [n for n in seen if n not in self.inputs]
        self._input_seen = dict(self.inputs)
        if not changed and not gone:
            return False
        self._tracker.replaced([*changed, *gone])
        return True

    # -- state and display ---------------------------------------------------------
    @property
    def states(self) -> dict[str, State]:
        """Node name -> state (see DESIGN.md): input, idle, running, fresh, stale, error, missing-input."""
        if self.dataflow is None:
            return {}
        graph = self.dataflow.graph
        stale = self._tracker.stale(graph)
        errors = self._errors_standing(stale)
        fresh = {n for n in self.results if n not in stale and n not in errors}
        states = node_states(graph, fresh, stale, errors, self._provided())
        for name in self._running:
            states[name] = "running"
        return states

    def why(self, name: str) -> Why:
        """Why `name` is in its state: for a stale node, each reason (its code, a helper
        at file:line, a module value, a replaced input, an upstream result, the config)."""
        from .explain import why

        flow = self._current()
        flow._check_known([name])
        state = self.states[name]
        stale = self._tracker.stale(flow.graph)
        fresh, provided = self._fresh(), self._provided()
        missing = missing_inputs(flow.graph, name, fresh, provided) if name in flow.graph.nodes else [name]
        return why(flow.graph, name, state, stale, self.errors, missing)

    def plan(self, outputs: str | Sequence[str]) -> RunPlan:
        """What `flow.run(outputs)` would compute now, what it would reuse, and why."""
        from .explain import plan

        flow = self._current()
        wanted = [outputs] if isinstance(outputs, str) else list(outputs)
        flow._check_known(wanted)
        stale = self._tracker.stale(flow.graph)
        errors = self._errors_standing(stale)
        return plan(flow.graph, wanted, self._fresh(), stale, errors, self._provided())

    @property
    def widget(self) -> GraphWidget:
        """The click-to-run graph (created on first use; rebuilds update it in place)."""
        if self._widget is None:
            from .widget import GraphWidget

            self._widget = GraphWidget(
                on_run=self.run_node, name=self.name, on_explain=self._explain_node, on_relayout=self._tidy
            )
            self._widget.update(
                graph=self._scene() if self.dataflow else {"nodes": [], "edges": []}, message=self.error
            )
            self._push(force=True)
        return self._widget

    # The current DAG's read-only views, so `flow.x` works as for a `Dataflow`.
    def visualize(self, **options: Any) -> Any:
        return self._current().visualize(**options)

    def to_dot(self, **options: Any) -> str:
        return self._current().to_dot(**options)

    def to_json(self, indent: int | None = 2) -> str:
        return self._current().to_json(indent)

    def upstream(self, name: str) -> list[str]:
        return self._current().upstream(name)

    def downstream(self, name: str) -> list[str]:
        return self._current().downstream(name)

    def _scene(self, keep_places: bool = True) -> dict[str, Any]:
        from sideflow.scene import build_scene

        previous = self._widget.graph if self._widget is not None and keep_places else None
        return build_scene(self._current().graph, engine="layered", previous=previous)

    def _tidy(self) -> None:
        """The widget's "tidy" button: lay the graph out afresh, forgetting earlier places."""
        if self.dataflow is not None and self._widget is not None:
            self._widget.update(graph=self._scene(keep_places=False))

    def _push(self, force: bool = False) -> None:
        now = time.perf_counter()
        every = 0.0 if self._on_cluster else _PUSH_EVERY  # cluster completions are sparse: show each
        if self._widget is None or (not force and now - self._pushed < every):
            return
        self._pushed = now
        self._widget.update(states=self.states, durations=self.durations, cached=self.cached)

    def __repr__(self) -> str:
        labels = [w.label for w in self.watched] + [s.label for s in self.cells.values()]
        if self.dataflow is None:
            return f"Session({self.name}: {' + '.join(labels) or 'empty'}; no graph yet)"
        states = self.states
        nodes = {n: states[n] for n in self.dataflow.nodes}
        counts: dict[str, int] = {}
        for state in nodes.values():
            counts[state] = counts.get(state, 0) + 1
        shown = ", ".join(f"{state}: {n}" for state, n in counts.items())
        inputs = len(states) - len(nodes)
        sizes = f"{len(nodes)} node{'s' * (len(nodes) != 1)}, {inputs} input{'s' * (inputs != 1)}"
        return f"Session({self.name}: {' + '.join(labels)}: {sizes}; {shown})"


_NONE = object()


def _same(a: Any, b: Any) -> bool:
    """Config values compared by value where that gives a plain answer, else by identity."""
    if a is b:
        return True
    try:
        return bool(a == b) and type(a) is type(b)
    except Exception:  # arrays, frames: ambiguous truth values
        return False


class _Ran:
    """Hooks for a what-if run: note which nodes ran, store nothing."""

    def __init__(self, ran: list[str]) -> None:
        self.ran = ran

    def before_node(self, name: str) -> None:
        self.ran.append(name)

    def after_node(self, name: str, result: Any, seconds: float, error: BaseException | None) -> None:
        pass


class _Recorder:
    """Engine hooks: store each result as it is computed and show live states."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def before_node(self, name: str) -> None:
        session = self.session
        session._running.add(name)
        session.last_ran.append(name)
        session._push()

    def after_node(self, name: str, result: Any, seconds: float, error: BaseException | None) -> None:
        session = self.session
        session._running.discard(name)
        session.cached.pop(name, None)
        # O(parents): descendants computed from the old value are found stale when asked
        session._tracker.computed(session._current().graph, name, ok=error is None, now=time.time())
        if error is not None:
            session.errors[name] = error
            session.durations.pop(name, None)
        else:
            session.errors.pop(name, None)
            session.results[name] = result
            session.durations[name] = seconds
        session._push()

    def cached_node(self, name: str, result: Any, created: float, seconds: float) -> None:
        """A result loaded from the cache: fresh, with the time it took when it was computed."""
        self.after_node(name, result, seconds, None)
        self.session.cached[name] = created
