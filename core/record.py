"""Run records: one folder per run with `run.json` (what ran, on what, from which code)
and `dag.svg` (the executed DAG), so a result can be traced and reproduced later.

`Dataflow.run(..., record="runs/")`, the session's `flow.record("runs/")` and
`sideflow run --record DIR` all write through `write_record`.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import provenance
from .errors import DataflowError, NodeError
from .runjson import dumps, read_record
from .tracking import log_to_mlflow

__all__ = ["RecordError", "RecordWarning", "RunLog", "log_to_mlflow", "read_record", "write_record"]

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from .dataflow import Dataflow
    from .execute import NodeHooks
    from .graph import Graph

FORMAT = 1  # run.json's layout version, bumped when fields change meaning


class RecordError(DataflowError, OSError):
    """The record folder could not be written (the run itself is unaffected)."""


class RecordWarning(UserWarning):
    """`Dataflow.run(record=...)` finished, but its record could not be written."""


class RunLog:
    """Collects one run as it happens (a `NodeHooks`): per-node durations and errors.

    Input values are kept by reference and fingerprinted only when a record is written.
    `probe_git=False` (sessions, which record only on request) reads the Git state then.
    """

    def __init__(
        self,
        flow: Dataflow,
        outputs: Sequence[str],
        inputs: Mapping[str, Any],
        overrides: Mapping[str, Any] | None = None,
        reused: Collection[str] = (),
        call: str = "",
        probe_git: bool = True,
        record_to: str | os.PathLike[str] | None = None,
    ) -> None:
        self.flow = flow
        self.outputs = tuple(outputs)
        self.inputs = dict(inputs)
        self.overrides = {k: v for k, v in (overrides or {}).items() if k not in reused}
        self.reused = frozenset(reused)
        self.call = call
        self.argv = list(sys.argv)
        self.record_to = record_to
        self.started = time.time()
        self._probe: provenance.GitProbe | None = None
        self._probe = self._git() if probe_git else None
        self.ended: float | None = None
        self.ran: dict[str, float] = {}
        self.errors: dict[str, str] = {}
        self.error = ""
        self.results: dict[str, Any] = {}
        self.cached: dict[str, dict[str, Any]] = {}
        self.refused = False

    def before_node(self, name: str) -> None:
        pass

    def cached_node(self, name: str, value: Any, created: Any, compute_seconds: Any) -> None:
        """The engine's cache served `name` (the cache's optional hook): reused, not run."""
        self.cached[name] = {"created": _jsonable(created), "compute_seconds": _jsonable(compute_seconds)}

    def _git(self, helpers: Sequence[Any] = ()) -> provenance.GitProbe:
        """The Git state read as the run starts (`probe_git`), else now."""
        if self._probe is not None:
            return self._probe
        modules = [s.module for s in self.flow.sources if s.module is not None]
        helpers = helpers or provenance.local_modules(modules)
        return provenance.GitProbe(provenance.module_files([*modules, *helpers]))

    def after_node(self, name: str, result: Any, seconds: float, error: BaseException | None) -> None:
        self.ran[name] = seconds
        if error is not None:
            original = getattr(error, "original", error)
            self.errors[name] = f"{type(original).__name__}: {original}"

    def around(self, run: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any) -> dict[str, Any]:
        """Call `run`, noting its end and its error, if any; then write the record to
        `record_to` if given (a failed run too). A record that cannot be written is a
        RecordWarning, never a lost result."""
        __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
        try:
            results = run(*args, **kwargs)
        except BaseException as exc:
            self.finish(exc)
            # refused before any node ran (unknown names, missing inputs): nothing to record
            self.refused = not self.ran and not isinstance(exc, NodeError)
            if not self.refused:
                self._write_or_warn()
            raise
        self.finish(results=results)
        self._write_or_warn()
        return results

    def _write_or_warn(self) -> None:
        if self.record_to is None:
            return
        import warnings

        try:
            write_record(self, self.record_to)
        except RecordError as exc:
            warnings.warn(str(exc), RecordWarning, stacklevel=4)

    def finish(self, error: BaseException | None = None, results: Mapping[str, Any] | None = None) -> None:
        """The run ended (with `error`, or with `results`, kept to fingerprint them)."""
        self.ended = time.time()
        if error is not None:
            self.error = str(error)
        self.results = dict(results or {})

    def statuses(self) -> dict[str, str]:
        """Node -> ran | error | reused | given | not run | not needed."""
        graph = self.flow.graph
        given = set(self.overrides) | self.reused | set(self.inputs) | set(self.flow.config)
        wanted = needed(graph, self.outputs, given)
        result = {}
        for name in graph.order:
            if name in self.errors:
                result[name] = "error"
            elif name in self.ran:
                result[name] = "ran"
            elif name not in wanted:
                result[name] = "not needed"
            elif name in self.reused or name in self.cached:
                result[name] = "reused"
            elif name in self.overrides:
                result[name] = "given"
            elif self.error:
                result[name] = "not run"  # the run stopped before reaching it
            else:  # needed, not computed, yet the run succeeded: the engine reused it (a cache)
                result[name] = "reused"
        return result

    def to_dict(self, record_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
        """The content of `run.json`; files under `record_dir` (earlier records) do not
        make a repository dirty."""
        from . import __version__

        flow = self.flow
        statuses = self.statuses()
        modules = [s.module for s in flow.sources if s.module is not None]
        helpers = provenance.local_modules(modules)
        sources = [_source_entry(s.label, s.module) for s in flow.sources]
        sources += [_source_entry(m.__name__, m, helper=True) for m in helpers]
        extra = {p for n in flow.graph.nodes.values() for p in n.fingerprint.packages}
        nodes = {}
        names = {n.file: os.path.basename(n.file) for n in flow.graph.nodes.values()}
        for name in flow.graph.order:
            node = flow.graph.nodes[name]
            entry: dict[str, Any] = {"status": statuses[name], "code": node.code_hash,
                                     "location": f"{names[node.file]}:{node.line}"}
            if len(names) > 1:  # several files: say which (else `sources` does)
                entry["file"] = node.file
            fingerprint = node.fingerprint
            entry["code_parts"] = [list(p) for p in fingerprint.parts]  # diff says which changed
            if fingerprint.unknown:  # depends on something that could not be fingerprinted
                entry["code_unknown"] = list(fingerprint.unknown)
            if name in self.ran:
                entry["seconds"] = round(self.ran[name], 6)
            if name in self.errors:
                entry["error"] = self.errors[name]
            if name in self.cached:
                entry["from_cache"] = self.cached[name]
            nodes[name] = entry
        read = [n for n, s in flow.graph.inputs.items() if not s.from_config and n in self.inputs
                and any(statuses.get(c) in ("ran", "error", "not run") for c in s.consumers)]
        return {
            "format": FORMAT,
            "status": "error" if self.error else "ok",
            "error": self.error or None,
            "started": _iso(self.started),
            "ended": _iso(self.ended or time.time()),
            "seconds": round((self.ended or time.time()) - self.started, 6),
            "call": self.call,
            "argv": self.argv,
            "sideflow": __version__,
            "python": sys.version.split()[0],
            "host": provenance.host(),
            "sources": sources,
            "git": self._git(helpers).states(Path(record_dir).resolve() if record_dir is not None else None),
            "packages": provenance.imported_packages([*modules, *helpers], extra),
            "config": {k: _jsonable(v) for k, v in flow.config.items()},
            "outputs": list(self.outputs),
            "results": {n: describe_value(v) for n, v in self.results.items()},
            "inputs": {n: describe_value(self.inputs[n]) for n in read},
            "overrides": {n: describe_value(v) for n, v in self.overrides.items()},
            "nodes": nodes,
        }


def needed(graph: Graph, outputs: Sequence[str], given: Collection[str]) -> set[str]:
    """Names a run of `outputs` reads or computes, given values for `given` (as the plan walks)."""
    targets = [o for o in outputs if o not in given]
    return graph.ancestors(targets, stop=given) | set(outputs)


def write_record(log: RunLog, directory: str | os.PathLike[str]) -> Path:
    """Write `<directory>/<time>-<id>/run.json` and `dag.svg`; return the run's folder.

    Raises RecordError when the folder cannot be created or written.
    """
    # UTC start to the millisecond, so names sort in run order
    stamp = datetime.fromtimestamp(log.started, timezone.utc).strftime("%Y%m%d-%H%M%S.%f")[:-3]
    folder = Path(directory) / f"{stamp}-{secrets.token_hex(3)}"
    content = log.to_dict(directory)
    try:
        folder.mkdir(parents=True, exist_ok=False)
        (folder / "run.json").write_text(dumps(content), encoding="utf-8")
    except OSError as exc:
        raise RecordError(f"run record not written to {directory}: {exc.strerror or exc}") from exc
    from .runsvg import executed_svg

    try:
        (folder / "dag.svg").write_text(executed_svg(log.flow, content), encoding="utf-8")
    except OSError as exc:
        raise RecordError(f"run record {folder}: dag.svg not written: {exc.strerror or exc}") from exc
    return folder


def recorded_run(
    flow: Dataflow,
    directory: str | os.PathLike[str],
    outputs: Sequence[str],
    inputs: Mapping[str, Any],
    overrides: Mapping[str, Any],
    hooks: Sequence[NodeHooks],
    executor: Executor | None,
) -> dict[str, Any]:
    """`Dataflow.run(..., record=DIR)`: run, then record (also a failed run)."""
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    call = f"Dataflow.run({list(outputs)!r}, inputs={sorted(inputs)!r}, overrides={sorted(overrides)!r})"
    log = RunLog(flow, outputs, inputs, overrides, call=call, record_to=directory)
    return log.around(flow.run, outputs, inputs, overrides, hooks=[*hooks, log], executor=executor)


def describe_value(value: Any) -> dict[str, Any]:
    """Type and fingerprint (content and schema, not the data) of an input value; when
    it cannot be fingerprinted, the reason instead."""
    from .datahash import fingerprint_or_reason

    digest, reason = fingerprint_or_reason(value)
    entry = {"type": f"{type(value).__module__}.{type(value).__qualname__}".removeprefix("builtins."),
             "fingerprint": digest}
    if digest is None:
        entry["unfingerprintable"] = reason
    return entry


def _source_entry(label: str, module: Any, helper: bool = False) -> dict[str, Any]:
    file = getattr(module, "__file__", None)
    entry: dict[str, Any] = {"label": label, "module": getattr(module, "__name__", None),
                             "file": str(Path(file).resolve()) if file else None,
                             "sha256": provenance.file_sha256(file) if file else None}
    if helper:
        entry["imported_by_sources"] = True
    return entry


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return {"repr": repr(value)[:200], "type": type(value).__qualname__}
    return value


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds")
