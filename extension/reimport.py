"""Import a side module afresh together with the local modules it imports, as a new
Python process would: from the files' current bytes, in the order the imports run."""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sideflow.sources import load_path


class _FreshLoader(importlib.machinery.SourceFileLoader):
    """Compiles from the file's bytes, never from a `.pyc` (trusted on whole-second mtimes)."""

    def get_code(self, fullname: str) -> types.CodeType:
        path = self.get_filename(fullname)
        return compile(self.get_data(path), path, "exec", dont_inherit=True)


class _LocalFinder(importlib.abc.MetaPathFinder):
    """During one reload, finds the named local modules at their files, ahead of the cache."""

    def __init__(self, files: Mapping[str, Path]) -> None:
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = _FreshLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def reimport(path: Path, name: str, locals_: Mapping[str, Path]) -> types.ModuleType:
    """Load `path` as module `name`, re-importing the local modules `locals_` (name -> file)
    from their files when it (or they) import them; others stay as they are.

    On any failure (including KeyboardInterrupt) `sys.modules` is put back as it was."""
    saved: dict[str, Any] = {n: sys.modules.pop(n) for n in locals_ if n in sys.modules}
    finder = _LocalFinder(locals_)
    sys.meta_path.insert(0, finder)
    try:
        module = load_path(path, name)
        for other in locals_:  # imported lazily (in a function body): fresh all the same
            if other not in sys.modules and locals_[other].is_file():
                try:
                    importlib.import_module(other)
                except Exception:  # not imported at load time: a real use reports it when it runs
                    sys.modules.pop(other, None)
    except BaseException:
        for other in locals_:
            sys.modules.pop(other, None)
        sys.modules.update(saved)
        raise
    finally:
        sys.meta_path.remove(finder)
    return module
