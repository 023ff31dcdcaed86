"""Files a node reads by name: their size and modification time count in its key.

Code fingerprints cover `pd.read_csv("data.csv")` as code, not the file's content, so an
edited `data.csv` would otherwise come back from the cache unchanged. Every string that
names an existing file or folder, among the node's code constants, the module values
it reads and the constants of the local functions it reaches, is looked up at run time
(relative to the working directory, as the code will); a folder counts each file under
it. Cheap: one `os.stat` per candidate string that looks like a path.
"""

from __future__ import annotations

import os
import types
from collections.abc import Iterator
from typing import Any

from .node import Node

_MAX_FILES = 10_000  # under one folder; beyond that the node is not cached (see `file_state`)


class TooManyFiles(Exception):
    """A folder too large to check on every run; its message is the reason shown."""


_NOT_PATHS = frozenset({".", "..", "/", "./", "~", ""})
_SKIPPED = frozenset({".sideflow", ".git", "__pycache__", ".ipynb_checkpoints"})  # not data


def named_paths(node: Node) -> tuple[str, ...]:
    """Strings the node's code and module values hold that could be paths, in order."""
    found: dict[str, None] = {}
    for text in _strings(node):
        if 1 < len(text) < 4096 and "\n" not in text and text.strip() not in _NOT_PATHS:
            found[text] = None
    return tuple(found)


def file_state(paths: tuple[str, ...]) -> list[str]:
    """`path size mtime` for each path that exists now (folders: each file under them;
    glob patterns such as `data/*.csv`: each match)."""
    state = []
    for path in paths:
        if any(c in path for c in "*?[") and ("/" in path or "." in path):
            import glob

            matches = sorted(glob.glob(path, recursive=True))
            state.append(f"glob {path} {len(matches)}")
            state.extend(file_state(tuple(m for m in matches[: _MAX_FILES + 1] if "*" not in m)))
            continue
        try:
            stat = os.stat(path)
        except (OSError, ValueError):
            continue
        if os.path.isdir(path):
            state.extend(_folder(path))
        else:
            state.append(f"file {path} {stat.st_size} {stat.st_mtime_ns}")
    return state


def _folder(path: str) -> Iterator[str]:
    count = 0
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
        for name in sorted(files):
            count += 1
            if count > _MAX_FILES:
                msg = (f"it reads the folder {path!r}, which holds more than {_MAX_FILES:,} files "
                       "(mark it @sideflow.cache('recompute'))")
                raise TooManyFiles(msg)
            file = os.path.join(root, name)
            try:
                stat = os.stat(file)
            except OSError:
                continue
            yield f"file {file} {stat.st_size} {stat.st_mtime_ns}"


def _strings(node: Node) -> Iterator[str]:
    yield from _code_strings(getattr(node.func, "__code__", None))
    for binding in node.fingerprint.bindings:
        yield from _value_strings(binding[2])


def _value_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, os.PathLike):
        path = os.fspath(value)
        if isinstance(path, str):
            yield path
    elif isinstance(value, types.FunctionType):
        yield from _code_strings(value.__code__)
    elif isinstance(value, (list, tuple)) and len(value) <= 100:
        for item in value:
            yield from _value_strings(item)
    elif isinstance(value, dict) and len(value) <= 100:
        for item in value.values():
            yield from _value_strings(item)


def _code_strings(code: types.CodeType | None) -> Iterator[str]:
    if code is None:
        return
    for const in code.co_consts:
        if isinstance(const, str):
            yield const
        elif isinstance(const, types.CodeType):
            yield from _code_strings(const)
        elif isinstance(const, (tuple, frozenset)):
            yield from (c for c in const if isinstance(c, str))
