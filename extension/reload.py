"""Side modules watched by content and reloaded from their own files."""

from __future__ import annotations

import importlib
import os
import sys
import types
from pathlib import Path

from sideflow.errors import SourceError
from sideflow.sources import is_path

from .reimport import reimport


def content(path: Path) -> bytes:
    """A file's bytes. Compared whole, they see every edit, even two within the same
    second (modification times may not); for source files this is cheaper than hashing."""
    with open(path, "rb") as file:
        return file.read()


class WatchedModule:
    """One side module and the local modules it reaches.

    Responsibilities: load the module from its file; find the local modules it imports,
    transitively (files under its folder or the notebook's, also those imported only by
    another local module or inside a function body); remember every file's content and
    tell whether any changed; reload into *new* module objects (so deleted functions
    disappear) the changed modules and every local module that imports them, in import
    order, cycles included. A failed load is remembered (reported once, retried after the
    next save); an interrupted one is not (retried before the next cell).
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
        self.imports: dict[str, set[str]] = {}  # module name -> the local modules it imports
        self.gone: set[Path] = set()  # watched files found missing (reported once)

    @property
    def label(self) -> str:
        return self.path.name

    def load(self) -> types.ModuleType:
        """(Re)load the module and the affected local modules; raises SourceError."""
        if not self.path.is_file():
            raise SourceError(
                self.spec,
                self.label,
                "the file is gone (deleted or renamed?): restore it, or attach the new path with %dataflow",
            )
        now = {self.path: content(self.path)}
        now.update({file: content(file) for file in self.locals if file.is_file()})
        emptied = not now[self.path].strip() and self.contents.get(self.path, b"").strip()
        if self.module is not None and emptied:
            self.contents[self.path] = now[self.path]  # reported once; the next save is looked at
            raise SourceError(
                self.spec, self.label,
                "the file is empty (a save in progress, or everything deleted?): keeping every result; "
                "undo the deletion, or attach another module with %dataflow",
            )
        changed = {self.locals[f] for f in self.locals if now.get(f) != self.contents.get(f)}
        # the module itself is always new: whoever imports it (a cycle) is reloaded too
        stale = self._importers(changed | {self.name}) - {self.name}
        files = {name: file for file, name in self.locals.items() if name in stale}
        folder = str(self.path.parent)
        if folder not in sys.path:  # as for a script: its siblings (helpers.py) are importable
            sys.path.insert(0, folder)  # first, as the notebook's own folder ('') is
        try:
            module = reimport(self.path, self.name, files)
        except SourceError:
            self.contents.update(now)  # a broken save is reported once, then waits for the next
            raise
        except KeyboardInterrupt:
            msg = "reloading was interrupted (KeyboardInterrupt); it is tried again before the next cell"
            raise SourceError(self.spec, self.label, msg) from None
        self.module = module
        self.locals, self.imports = _local_closure(module, self.path, {self.path.parent, self.cwd.resolve()})
        self.contents = now
        self.contents.update({file: content(file) for file in self.locals if file not in now})
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

    def _importers(self, names: set[str]) -> set[str]:
        """The modules named and every local module that imports one of them, transitively."""
        found = set(names)
        grew = True
        while grew:
            grew = False
            for module, deps in self.imports.items():
                if module not in found and deps & found:
                    found.add(module)
                    grew = True
        return found


def _local_closure(
    module: types.ModuleType, path: Path, folders: set[Path]
) -> tuple[dict[Path, str], dict[str, set[str]]]:
    """Every local module reachable from `module`: file -> name, and who imports whom."""
    files: dict[Path, str] = {}
    imports: dict[str, set[str]] = {}
    pending = [module]
    while pending:
        current = pending.pop()
        deps = imports.setdefault(current.__name__, set())
        for dep in _direct_dependencies(current):
            file = Path(dep.__file__ or "").resolve()
            if file.suffix != ".py" or not any(f == file.parent or f in file.parents for f in folders):
                continue
            deps.add(dep.__name__)
            if file != path and file not in files:
                files[file] = dep.__name__
                pending.append(dep)
    return files, imports


def _direct_dependencies(module: types.ModuleType) -> list[types.ModuleType]:
    """Modules bound in its namespace, the modules of the objects it imported, and
    modules its functions import in their bodies."""
    found: list[types.ModuleType] = []
    for value in list(vars(module).values()):
        dep = value if isinstance(value, types.ModuleType) else sys.modules.get(
            getattr(value, "__module__", None) or ""
        )
        if dep is not None and dep is not module and getattr(dep, "__file__", None):
            found.append(dep)
        code = getattr(value, "__code__", None)
        if isinstance(code, types.CodeType) and getattr(value, "__module__", None) == module.__name__:
            for name in _imported_names(code):
                used = sys.modules.get(name)
                if used is not None and used is not module and getattr(used, "__file__", None):
                    found.append(used)
    return found


def _imported_names(code: types.CodeType) -> set[str]:
    """Names the code uses (an `import x` in a function body names `x`); nested code too.

    Over-approximates: a name that is also a local module's is a harmless extra watch."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _imported_names(const)
    return names


def _import_location(name: str) -> tuple[Path, str]:
    try:
        module = importlib.import_module(name)
    except BaseException as exc:  # SystemExit at import too: a load error, never the kernel's end
        raise SourceError(name, name, f"{type(exc).__name__}: {exc}") from exc
    file = getattr(module, "__file__", None)
    if not file:
        raise SourceError(name, name, "the module has no source file to watch")
    return Path(os.fspath(file)).resolve(), module.__name__
