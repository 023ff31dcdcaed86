"""Turn what the user passes (modules, import names, .py paths, function lists) into sources."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

from .errors import SourceError

SourceLike = types.ModuleType | str | os.PathLike[str] | Iterable[Callable[..., Any]]


@dataclass(frozen=True)
class Source:
    """A named, ordered set of functions that become nodes."""

    label: str
    functions: tuple[Callable[..., Any], ...]
    module: types.ModuleType | None = None


def module_functions(module: types.ModuleType) -> tuple[Callable[..., Any], ...]:
    """Public functions the module itself defines, in definition order.

    Imported functions (another `__module__`), `_private` helpers, aliases
    (`b = a`) and lambdas (their name is not the one they are bound to) are not nodes.
    """
    name = module.__name__
    return tuple(
        obj
        for key, obj in vars(module).items()
        if not key.startswith("_")
        and isinstance(obj, types.FunctionType)
        and obj.__module__ == name
        and key in (obj.__name__, obj.__code__.co_name)  # Hamilton's resolver renames variants
    )


def from_module(module: types.ModuleType) -> Source:
    label = os.path.basename(getattr(module, "__file__", None) or module.__name__)
    return Source(label, module_functions(module), module)


def is_path(text: str | os.PathLike[str]) -> bool:
    text = os.fspath(text)
    return text.endswith(".py") or os.sep in text or "/" in text


def load_path(path: str | os.PathLike[str], module_name: str | None = None) -> types.ModuleType:
    """Import a `.py` file as a new module (registered in `sys.modules` under its stem).

    The source is compiled from the file's current bytes, never from a `.pyc`: a
    cached bytecode file is trusted on (whole-second mtime, size), so an edit of the
    same size saved within the same second would otherwise run the old code.
    """
    from pathlib import Path

    file = Path(path).resolve()
    name = module_name or file.stem
    if not file.is_file():
        raise SourceError(str(path), str(path), "no such file")
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise SourceError(str(path), str(path), "not a Python file")
    previous = sys.modules.get(name)
    taken = getattr(previous, "__file__", None)
    if taken and not getattr(previous, "__sideflow_source__", False) and Path(taken).resolve() != file:
        reason = (f"a different module named {name!r} is already imported (from {taken}); "
                  "rename the file so it does not shadow it")
        raise SourceError(os.path.basename(file), os.path.basename(file), reason)
    module = importlib.util.module_from_spec(spec)
    module.__sideflow_source__ = True  # type: ignore[attr-defined]  # ours to replace on reload
    sys.modules[name] = module
    try:
        code = compile(file.read_bytes(), str(file), "exec", dont_inherit=True)
        exec(code, module.__dict__)
    except BaseException as exc:
        if previous is None:
            sys.modules.pop(name, None)
        else:
            sys.modules[name] = previous
        if isinstance(exc, KeyboardInterrupt):  # the user's: the caller decides (a reload retries)
            raise
        raise import_failure(file.name, file, exc) from exc
    return module


def import_failure(source: str, file: Path, exc: BaseException) -> SourceError:
    """A SourceError pointing at the line of `file` where importing it failed."""
    import traceback
    from pathlib import Path

    if isinstance(exc, SyntaxError) and exc.filename and exc.lineno:
        location = f"{os.path.basename(exc.filename)}:{exc.lineno}"
        reason = f"{type(exc).__name__}: {exc.msg}"
        if "codec can't decode" in exc.msg:
            reason += (" (save the file as UTF-8, or declare its encoding on line 1: "
                       "`# -*- coding: latin-1 -*-`)")
        return SourceError(source, location, reason)
    location = os.path.basename(file)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if Path(frame.filename).resolve() == file:
            location = f"{os.path.basename(frame.filename)}:{frame.lineno}"
            break
    reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
    if isinstance(exc, SystemExit):
        reason += (" (the module calls sys.exit() when imported: remove the call, or guard it "
                   "with `if __name__ == \"__main__\":`)")
    return SourceError(source, location, reason)


def to_source(item: SourceLike | Source) -> Source:
    """Accept every kind of source the public API allows."""
    if isinstance(item, Source):
        return item
    if isinstance(item, types.ModuleType):
        return from_module(item)
    if isinstance(item, (str, os.PathLike)):
        if is_path(item):
            return from_module(load_path(item))
        try:
            return from_module(importlib.import_module(str(item)))
        except ImportError as exc:
            raise SourceError(str(item), str(item), f"{type(exc).__name__}: {exc}") from exc
    anything: object = item  # callers without a type checker may pass anything at all
    if not isinstance(anything, Iterable):
        msg = (f"cannot build a dataflow from {item!r}: pass a module, an import name, "
               "a .py path or a list of functions")
        raise TypeError(msg)
    functions = tuple(anything)
    # builtins, partials and callable objects have no code to read: only (wrapped) functions
    bad = [f for f in functions if not isinstance(inspect.unwrap(f), types.FunctionType)]
    if bad:
        msg = f"a list of functions was expected, got {bad[0]!r}"
        raise TypeError(msg)
    return Source(_label_of(functions), functions)


def _label_of(functions: tuple[Callable[..., Any], ...]) -> str:
    files = {os.path.basename(f.__code__.co_filename) for f in functions if hasattr(f, "__code__")}
    return files.pop() if len(files) == 1 else "<functions>"
