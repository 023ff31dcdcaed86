"""Side modules watched by content and reloaded from their own files."""

from __future__ import annotations

import importlib
import os
import sys
import types
from pathlib import Path

from sideflow.errors import SourceError
from sideflow.sources import is_path, load_path


def content(path: Path) -> bytes:
    """A file's bytes. Compared whole, they see every edit, even two within the same
    second (modification times may not); for source files this is cheaper than hashing."""
    with open(path, "rb") as file:
        return file.read()


class WatchedModule:
    """One side module and the local modules it imports.

    Responsibilities: load the module from its file, remember the content of
    it and its local imports (files in the same folder or the notebook's), tell
    whether any changed, and reload into a *new* module object so deleted
    functions disappear (`importlib.reload` would keep them).
    """

    def __init__(self, spec: str, cwd: Path) -> None:
        self.spec = spec
        self.cwd = cwd
        if is_path(spec):
            self.path = (cwd / spec).resolve()
            self.name = self.path.stem
        else:
            self.path, self.name = _import_location(spec)
        self.module: types.ModuleType | None = None
        self.contents: dict[Path, bytes] = {}
        self.locals: dict[Path, str] = {}  # local dependency file -> its module name
        self.gone: set[Path] = set()  # watched files found missing (reported once)

    @property
    def label(self) -> str:
        return self.path.name

    def load(self) -> types.ModuleType:
        """(Re)load: changed local dependencies first, then the module; raises SourceError."""
        if not self.path.is_file():
            raise SourceError(
                self.spec,
                self.label,
                "the file is gone (deleted or renamed?): restore it, or attach the new path with %dataflow",
            )
        before = self.contents
        # recorded before loading: a failed load is not retried (nor reported again) until saved
        self.contents = {self.path: content(self.path)}
        self.contents.update({file: content(file) for file in self.locals if file.is_file()})
        for file, module_name in self.locals.items():
            if file in self.contents and before.get(file) != self.contents[file]:
                load_path(file, module_name)
        folder = str(self.path.parent)
        if folder not in sys.path:  # as for a script: its siblings (helpers.py) are importable
            sys.path.insert(0, folder)  # first, as the notebook's own folder ('') is
        try:
            module = load_path(self.path, self.name)
        except SourceError as exc:
            if isinstance(exc.__cause__, KeyboardInterrupt):  # not the file's fault: retry next cell
                self.contents = before
            raise
        self.module = module
        self.locals = self._local_dependencies(module)
        self.contents.update({file: content(file) for file in self.locals})
        return module

    def changed(self) -> bool:
        """True when the module or one of its local dependencies differs from the last load,
        disappeared (once), or came back."""
        for file, known in self.contents.items():
            try:
                now = content(file)
            except OSError:
                if file not in self.gone:
                    self.gone.add(file)
                    return True
                continue
            if file in self.gone or now != known:
                self.gone.discard(file)
                return True
        return False

    def _local_dependencies(self, module: types.ModuleType) -> dict[Path, str]:
        folders = {self.path.parent, self.cwd.resolve()}
        found: dict[Path, str] = {}
        for value in vars(module).values():
            dep = (
                value
                if isinstance(value, types.ModuleType)
                else sys.modules.get(getattr(value, "__module__", None) or "")
            )
            file = getattr(dep, "__file__", None)
            if dep is None or dep is module or not file:
                continue
            path = Path(file).resolve()
            if path.parent in folders and path.suffix == ".py" and path != self.path:
                found[path] = dep.__name__
        return found


def _import_location(name: str) -> tuple[Path, str]:
    try:
        module = importlib.import_module(name)
    except BaseException as exc:  # SystemExit at import too: a load error, never the kernel's end
        raise SourceError(name, name, f"{type(exc).__name__}: {exc}") from exc
    file = getattr(module, "__file__", None)
    if not file:
        raise SourceError(name, name, "the module has no source file to watch")
    return Path(os.fspath(file)).resolve(), module.__name__
