"""Turn any failure into one message on stderr and an exit code (never our traceback)."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path

from ..errors import (
    BuildError,
    DataflowError,
    InputError,
    InputTypeError,
    MissingInputError,
    NodeError,
    SourceError,
    UnknownOutputError,
)
from ..values import is_local_file

USAGE, FAILED, OK = 2, 1, 0
_OWN = str(Path(__file__).resolve().parent.parent)  # the sideflow package's folder


class UsageError(DataflowError):
    """The command line is wrong (an option, a file, a name): exit 2."""


def report(exc: BaseException) -> int:
    if isinstance(exc, SystemExit):
        return int(exc.code) if isinstance(exc.code, int) else FAILED
    if isinstance(exc, KeyboardInterrupt):
        print("sideflow: interrupted", file=sys.stderr)
        return 130
    if isinstance(exc, BrokenPipeError):  # `sideflow run ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILED
    if isinstance(exc, NodeError):
        print(f"sideflow: {exc}\n{user_traceback(exc.original)}", file=sys.stderr, end="")
        return FAILED
    if isinstance(exc, MissingInputError):
        lines = [f"  {name!r} needed by {', '.join(users)}" for name, users in exc.needed_by.items()]
        first = exc.missing[0]
        print(f"sideflow: missing input{'s' if len(exc.missing) > 1 else ''} "
              f"{', '.join(repr(n) for n in exc.missing)}:\n" + "\n".join(lines) +
              f"\n  fix: --input {first}=VALUE, or --inputs FILE with a column or key {first!r}",
              file=sys.stderr)
        return USAGE
    if isinstance(exc, (UsageError, UnknownOutputError, InputError, InputTypeError)):
        print(f"sideflow: {exc}", file=sys.stderr)
        return USAGE
    if isinstance(exc, SourceError):
        print(f"sideflow: {exc}", file=sys.stderr)
        return USAGE if not_found(exc) else FAILED
    if isinstance(exc, (BuildError, DataflowError)):
        print(f"sideflow: {exc}", file=sys.stderr)
        return FAILED
    if os.environ.get("SIDEFLOW_TRACEBACK"):
        traceback.print_exception(exc)
    else:
        print(f"sideflow: internal error: {type(exc).__name__}: {exc}\n"
              "  (set SIDEFLOW_TRACEBACK=1 to see where, and please report it)", file=sys.stderr)
    return FAILED


def not_found(exc: SourceError) -> bool:
    """A path or import name that does not exist is a usage error; a module that fails
    while importing is the dataflow failing."""
    return exc.reason == "no such file" or (
        exc.reason.startswith("ModuleNotFoundError") and f"'{exc.source.split('.')[0]}'" in exc.reason)


def user_traceback(exc: BaseException) -> str:
    """The exception's frames without sideflow's; runs of library frames folded into one line."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_OWN)]
    remote = getattr(exc.__cause__, "tb", None)  # a process pool's worker traceback, as text
    if not frames and isinstance(remote, str):
        return _remote_traceback(remote)
    lines = ["Traceback (the dataflow's frames):\n"]
    folded = 0
    # the node's own file is the dataflow's even when it is an installed package's
    own = frames[0].filename if frames else ""
    for frame in frames:
        library = not is_local_file(frame.filename) or not os.path.isabs(frame.filename)  # or Cython's
        if library and frame.filename != own:
            folded += 1
            continue
        if folded:
            lines.append(_folded(folded))
            folded = 0
        lines.extend(traceback.format_list([frame]))
    if folded:
        lines.append(_folded(folded))
    lines.extend(traceback.format_exception_only(type(exc), exc))
    return "".join(lines)


def _remote_traceback(text: str) -> str:
    """The worker's formatted traceback, folded as `user_traceback` does."""
    lines = text.strip().strip('"').strip("\n").splitlines(keepends=True)
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("Traceback")), 0)
    frames: list[list[str]] = []
    rest: list[str] = []
    for line in lines[start:]:
        if rest or not line.startswith("  "):
            rest.append(line)
        elif line.startswith('  File "'):
            frames.append([line])
        elif frames:
            frames[-1].append(line)
    out = ["Traceback (the dataflow's frames, in a worker process):\n"]
    folded = 0
    for frame in frames:
        filename = frame[0].split('"', 2)[1]
        if filename.startswith(_OWN) or not is_local_file(filename) or not os.path.isabs(filename):
            folded += not filename.startswith(_OWN) and len(out) > 1  # nothing before user code
            continue
        if folded:
            out.append(_folded(folded))
            folded = 0
        out.extend(frame)
    if folded:
        out.append(_folded(folded))
    out.extend(rest)
    return "".join(out).rstrip("\n") + "\n"


def _folded(count: int) -> str:
    return f"  ... {count} frame{'s' if count > 1 else ''} in library code\n"
