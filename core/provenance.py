"""Where a run's code came from: Git state of each module's repository, package versions, host.

Cheap by design (one `git status` per repository, versions read from the imported
modules), since every recorded run pays for it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import types
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .values import is_local_file, package_of

# Dirty files are hashed up to these sizes (one file, all of them): an untracked data
# folder must not make every recorded run read gigabytes. Beyond, listed, not hashed.
_HASH_LIMIT = 64 * 1024 * 1024
_HASH_BUDGET = 256 * 1024 * 1024


def file_sha256(path: str | Path) -> str | None:
    """Content hash of a file (None if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def repo_root(path: str | Path) -> Path | None:
    """The enclosing Git work tree (a `.git` folder, or file for worktrees), or None."""
    here = Path(path).resolve()
    for folder in (here, *here.parents) if here.is_dir() else here.parents:
        if (folder / ".git").exists():
            return folder
    return None


def git_state(root: Path) -> dict[str, Any]:
    """Commit, branch, and the dirty files (modified, staged, untracked) with content hashes."""
    command = ["git", "--no-optional-locks", "-c", "core.quotePath=false", "status", "--porcelain=v2",
               "--branch", "-z", "--untracked-files=all"]
    try:
        done = subprocess.run(command, cwd=root, capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return {"root": str(root), "error": f"git status failed: {exc}"}
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        return {"root": str(root), "error": f"git status failed: {reason[-1] if reason else done.returncode}"}
    commit: str | None = None
    branch: str | None = None
    changed: dict[str, str] = {}  # path -> status letters (git's XY, or "??")
    records = done.stdout.decode(errors="surrogateescape").split("\0")
    i = 0
    while i < len(records):
        line = records[i]
        i += 1
        if line.startswith("# branch.oid "):
            oid = line.split(" ", 2)[2]
            commit = None if oid == "(initial)" else oid
        elif line.startswith("# branch.head "):
            head = line.split(" ", 2)[2]
            branch = None if head == "(detached)" else head
        elif line.startswith("1 "):
            changed[line.split(" ", 8)[8]] = line.split(" ")[1]
        elif line.startswith("2 "):
            changed[line.split(" ", 9)[9]] = line.split(" ")[1]
            i += 1  # the original path of a rename follows
        elif line.startswith("u "):
            changed[line.split(" ", 10)[10]] = line.split(" ")[1]
        elif line.startswith("? "):
            changed[line[2:]] = "??"
    files = {}
    budget = _HASH_BUDGET
    for rel, status in sorted(changed.items()):
        target = root / rel
        size = target.stat().st_size if target.is_file() else None
        if size is None:
            files[rel] = {"status": status, "sha256": None, "note": "deleted"}
        elif size > _HASH_LIMIT or size > budget:
            files[rel] = {"status": status, "sha256": None, "note": f"not hashed ({size} bytes)"}
        else:
            budget -= size
            files[rel] = {"status": status, "sha256": file_sha256(target)}
    return {"root": str(root), "commit": commit, "branch": branch, "dirty": bool(files),
            "dirty_files": files}


class GitProbe:
    """`git status` of the repositories holding `files`, started now in the background
    (it overlaps the run, and describes the code as it was when the run began)."""

    def __init__(self, files: Iterable[Path]) -> None:
        import threading

        roots = dict.fromkeys(r for r in map(repo_root, files) if r is not None)
        self._states: dict[Path, dict[str, Any]] = {}
        self._threads = [threading.Thread(target=self._probe, args=(root,), daemon=True) for root in roots]
        self._roots = list(roots)
        for thread in self._threads:
            thread.start()

    def _probe(self, root: Path) -> None:
        self._states[root] = git_state(root)

    def states(self, exclude: Path | None = None) -> list[dict[str, Any]]:
        """The states, without dirty files under `exclude` (a folder of earlier records)."""
        for thread in self._threads:
            thread.join()
        result = []
        for root in self._roots:
            state = dict(self._states[root])
            dirty = state.get("dirty_files")
            if exclude is not None and dirty:
                dirty = {rel: v for rel, v in dirty.items()
                         if not (root / rel).resolve().is_relative_to(exclude)}
                state.update(dirty_files=dirty, dirty=bool(dirty))
            result.append(state)
        return result


def module_files(modules: Iterable[types.ModuleType]) -> list[Path]:
    return [Path(m.__file__).resolve() for m in modules if m.__file__]


def imported_packages(
    modules: Iterable[types.ModuleType], extra: Iterable[str] = ()
) -> dict[str, str | None]:
    """Installed top-level packages the modules import (as modules or via imported names)
    and `extra` (the fingerprints' packages), with their versions; None when a package
    states none."""
    names: set[str] = set(extra)
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, types.ModuleType):
                names.add(value.__name__)
            elif isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)):
                owner = getattr(value, "__module__", None)
                if isinstance(owner, str):
                    names.add(owner)
    tops = {top for name in names if (top := package_of(name)) and top != "sideflow"}
    return {top: package_version(top) for top in sorted(tops)}


def package_version(name: str) -> str | None:
    module = sys.modules.get(name)
    version = getattr(module, "__version__", None)
    if isinstance(version, str):
        return version
    from importlib import metadata

    try:
        return metadata.version(name)
    except (metadata.PackageNotFoundError, ValueError):
        return None


def local_modules(modules: Iterable[types.ModuleType]) -> list[types.ModuleType]:
    """The user's own modules the sources import (helpers beside them), by value or name."""
    sources = list(modules)
    found: dict[str, types.ModuleType] = {}
    for module in sources:
        for value in vars(module).values():
            owner = value if isinstance(value, types.ModuleType) else None
            if owner is None and isinstance(value, (type, types.FunctionType)):
                owner = sys.modules.get(getattr(value, "__module__", "") or "")
            file = getattr(owner, "__file__", None)
            if owner is not None and owner not in sources and file and is_local_file(file):
                found[owner.__name__] = owner
    return list(found.values())


def host() -> dict[str, str]:
    import platform

    return {"name": platform.node(), "platform": platform.platform(), "python": sys.version.split()[0],
            "executable": sys.executable, "cwd": os.getcwd()}
