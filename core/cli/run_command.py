"""`sideflow run`: compute outputs from files and values; print or write them; record the run."""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from ..dataflow import Dataflow
from ..errors import NodeError
from ..record import needed
from .executors import executor_from
from .failures import OK, UsageError
from .inputs import gather
from .load import build, names
from .outputs import check_declared, check_target, show, write
from .progress import Progress


def run(args: argparse.Namespace) -> int:
    outputs = names(args.outputs, "--outputs")
    target = check_target(args.out) if args.out else None
    if args.record is not None and not args.record.strip():
        raise UsageError("--record: give a folder, e.g. --record runs/")
    flow = build(args)
    flow._check_known(outputs)  # a typo fails before reading any data
    inputs, origin = gather(args.inputs, args.input)
    _check_named_inputs(flow, origin)
    _keep_text(flow, args.input, inputs)
    if target is not None:
        check_declared(flow, outputs, target)
    hooks: list[Any] = []
    log = None
    if args.record is not None:
        from ..record import RunLog

        call = shlex.join(["sideflow", *args.argv])
        log = RunLog(flow, outputs, inputs, call=call)
        hooks.append(log)
    show_progress = sys.stderr.isatty() if args.progress is None else args.progress
    progress = None
    with executor_from(args.executor) as executor:
        if show_progress:
            wanted = needed(flow.graph, outputs, {*inputs, *flow.config})
            total = sum(1 for n in wanted if n in flow.graph.nodes)
            progress = Progress(total, overlap=executor is not None)
            hooks.append(progress)
        try:
            results = flow.run(outputs, inputs, hooks=hooks, executor=executor)
        except BaseException as exc:
            if log is not None and isinstance(exc, NodeError):  # it ran: worth a record
                log.finish(exc)
                _record(log, args.record, args.progress is not False)
            raise
    if progress is not None:
        progress.finish()
    if log is not None:
        log.finish(results=results)
    try:
        if target is not None:
            write(results, target)
            if args.progress is not False:
                print(f"wrote {', '.join(results)} to {target}", file=sys.stderr)
        else:
            sys.stdout.write(show(results))
    finally:  # the run happened: recorded even when its outputs could not be written
        if log is not None:
            _record(log, args.record, args.progress is not False)
    return OK


def _record(log: Any, directory: str, say: bool) -> None:
    from ..record import RecordError, write_record

    try:
        folder = write_record(log, directory)
    except RecordError as exc:
        print(f"sideflow: warning: {exc} (the run itself completed)", file=sys.stderr)
        return
    if say:
        print(f"recorded {folder}", file=sys.stderr)


def _check_named_inputs(flow: Dataflow, origin: dict[str, str]) -> None:
    """`--input NAME=...` must name an input: a typo would leave a default silently in use.
    (A file's extra columns are fine: tables carry more than one dataflow reads.)"""
    import difflib

    known = [*flow.inputs, *flow.graph.nodes]
    for name, where in origin.items():
        if name in flow.graph.nodes:
            raise UsageError(f"{where} gives {name!r}, but {name!r} is a function of this dataflow "
                             f"({flow.graph.nodes[name].location}), not an input: rename the input")
        if name in flow.config and name in flow.graph.inputs:  # inputs would win, silently
            raise UsageError(f"{name!r} is given twice: by --config and by {where}; give it once")
        if where.startswith("--input ") and name not in flow.inputs:
            close = difflib.get_close_matches(name, known, n=3)
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            raise UsageError(f"--input {name}=...: {name!r} is not an input of this dataflow{hint}; "
                             f"its inputs: {', '.join(flow.inputs) or '(none)'}")


def _keep_text(flow: Dataflow, pairs: list[str], inputs: dict[str, Any]) -> None:
    """`--input name=123` for a `name: str` parameter is the text "123", not the number:
    VALUE is JSON only where the consumers do not all take a str."""
    for pair in pairs:
        name, _, raw = pair.partition("=")
        spec = flow.inputs.get(name.strip())
        if spec is None:
            continue
        annotations = [p.annotation for c in spec.consumers for p in flow.graph.nodes[c].params
                       if p.name == spec.name]
        if annotations and all(a is str for a in annotations):
            inputs[spec.name] = raw
