"""The project's exceptions: each carries its data and says how to fix the problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DataflowError(Exception):
    """Base class of every error sideflow raises."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a dataflow, found while building it.

    Problems are data first, so a UI can list them; `describe()` is the text.
    """

    kind: str  # "annotation", "type", "cycle", "collision", "config", "variant", "modifier", "parallel"
    node: str
    location: str  # "file.py:12"
    message: str
    fix: str

    def describe(self) -> str:
        return f"{self.location}: {self.message}\n    fix: {self.fix}"


class BuildError(DataflowError, ValueError):
    """The functions do not form a valid dataflow; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        head = "1 problem found" if count == 1 else f"{count} problems found"
        shown = self.problems[:_PROBLEMS_SHOWN]
        body = "\n".join(f"  {i}. {p.describe()}" for i, p in enumerate(shown, 1))
        if count > len(shown):  # thousands of generated functions: the message stays readable
            body += f"\n  ... and {count - len(shown):,} more (all of them: the error's .problems)"
        super().__init__(f"{head}:\n{body}")


_PROBLEMS_SHOWN = 25


class SourceError(DataflowError, ImportError):
    """A source (module, import name or file) could not be loaded."""

    def __init__(self, source: str, location: str, reason: str) -> None:
        self.source = source
        self.location = location
        self.reason = reason
        super().__init__(f"{location}: cannot load {source!r}: {reason}")


class UnknownOutputError(DataflowError, LookupError):
    """A requested output is not a node or input of the dataflow."""

    def __init__(
        self,
        names: Sequence[str],
        suggestions: dict[str, list[str]],
        unmatched: dict[str, list[str]] | None = None,
    ) -> None:
        self.names = tuple(names)
        parts = []
        for name in self.names:
            if unmatched and name in unmatched:
                parts.append(f"{name!r} (no config variant matches: {'; '.join(unmatched[name])})")
                continue
            close = suggestions.get(name) or []
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            parts.append(f"{name!r}{hint}")
        shown = ", ".join(parts)
        super().__init__(f"unknown output {shown}: not a function or input of this dataflow")

    def __str__(self) -> str:  # KeyError-style quoting would wrap the message in quotes
        return str(self.args[0])


class MissingInputError(DataflowError, ValueError):
    """Inputs needed by the requested outputs were not given."""

    def __init__(self, needed_by: dict[str, list[str]]) -> None:
        self.missing = tuple(needed_by)
        self.needed_by = needed_by
        lines = [f"  {name!r} needed by {', '.join(needed_by[name])}" for name in self.missing]
        noun = "input" if len(self.missing) == 1 else "inputs"
        super().__init__(
            f"missing {noun} {', '.join(repr(n) for n in self.missing)}:\n"
            + "\n".join(lines)
            + f"\n  fix: pass {'it' if len(self.missing) == 1 else 'them'} with inputs={{...}} "
            "(or overrides=... for the nodes that need them)"
        )


class InputError(DataflowError, ValueError):
    """An input was given for something that is not an input."""


class InputTypeError(DataflowError, TypeError):
    """A runtime input does not match the type its consumers declare."""


class NodeError(DataflowError, RuntimeError):
    """A node's function raised; chained (``from``) to the original exception."""

    def __init__(
        self, node: str, function: str, location: str, original: BaseException, inputs: str
    ) -> None:
        self.node = node
        self.function = function
        self.location = location
        self.original = original
        summary = f"{type(original).__name__}: {original}".rstrip(": ")
        text = f"node {node!r} (function {function}, {location}) raised {summary}"
        if isinstance(original, KeyboardInterrupt):
            text = f"node {node!r} (function {function}, {location}) was interrupted (KeyboardInterrupt)"
        if inputs:
            text += f"\n  inputs: {inputs}"
        fix = _BASE_EXCEPTION_FIXES.get(type(original))
        if fix is None and not isinstance(original, Exception):
            fix = _BASE_EXCEPTION_FIXES[BaseException]
        if fix:
            text += f"\n  fix: {fix}"
        super().__init__(text)


# what a node raising a BaseException (not an Exception) should do instead
_BASE_EXCEPTION_FIXES: dict[type[BaseException], str] = {
    SystemExit: "sys.exit() in a node stops nothing here (the kernel keeps running); "
    "raise an exception such as ValueError to report a failure",
    KeyboardInterrupt: "run it again when ready: the results computed before it are kept",
    BaseException: "raise an Exception subclass (e.g. RuntimeError), not a BaseException",
}


class OutputTypeError(DataflowError, TypeError):
    """A node returned a value of another type than its return annotation declares."""


class StaleCodeError(DataflowError, RuntimeError):
    """A worker would run different code for a node than this process has (a stale import)."""

    def __init__(self, node: str, location: str, expected: str, found: str, where: str) -> None:
        self.node = node
        self.location = location
        self.expected = expected
        self.found = found
        self.where = where
        super().__init__(
            f"node {node!r} ({location}): the worker's code differs from this process's "
            f"(fingerprint {found[:12]} on the worker, {expected[:12]} here; the worker's function "
            f"comes from {where}); its result is refused\n  fix: install the same version of that "
            "module on the workers and restart them (client.restart()), or keep the module beside "
            "the notebook so sideflow ships its code"
        )

    def __reduce__(self) -> tuple[type[StaleCodeError], tuple[str, str, str, str, str]]:
        return (type(self), (self.node, self.location, self.expected, self.found, self.where))


class ClusterError(DataflowError, RuntimeError):
    """The cluster could not compute a node (its worker died, the task was lost or cancelled)."""

    def __init__(self, node: str, location: str, reason: str, fix: str) -> None:
        self.node = node
        self.location = location
        self.reason = reason
        self.fix = fix
        super().__init__(f"node {node!r} ({location}): {reason}\n  fix: {fix}")

    def __reduce__(self) -> tuple[type[ClusterError], tuple[str, str, str, str]]:
        return (type(self), (self.node, self.location, self.reason, self.fix))
