"""Ship the notebook's code to Dask workers by value, so edits reach them.

Workers import a module once and keep it; the notebook reloads its side modules after
every save. Functions of the user's own modules (files sideflow loaded, and modules in
their folders) are therefore pickled by value with cloudpickle: the worker gets the
code the notebook has now, even when it cannot import that module at all. Installed
packages (site-packages, the standard library) travel by reference, as usual; if a
worker has another version of one, the worker's fingerprint check refuses the result.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import types
from collections.abc import Iterable, Sequence

from .dask_task import NodeSpec
from .execute import Step


def specs_for(steps: Sequence[Step]) -> dict[str, NodeSpec]:
    """One task spec per step: its function's cloudpickle bytes and expected code hash."""
    import cloudpickle

    shipped = user_modules(step.node.func for step in steps)
    for module in shipped:
        if module.__name__ not in cloudpickle.list_registry_pickle_by_value():
            cloudpickle.register_pickle_by_value(module)
    files = tuple((m.__name__, os.path.abspath(m.__file__ or "")) for m in shipped)
    return {
        step.node.name: NodeSpec(
            step.node.name, step.node.location, cloudpickle.dumps(step.node.func), step.node.code_hash,
            len(step.args), step.keywords, (*step.args, *step.keywords), files,
        )
        for step in steps
    }


def user_modules(funcs: Iterable[object]) -> list[types.ModuleType]:
    """The functions' modules and their folders' other modules, except installed code."""
    chosen: dict[str, types.ModuleType] = {}
    folders: set[str] = set()
    for func in funcs:
        module = sys.modules.get(getattr(func, "__module__", None) or "")
        if module is not None and _is_users(module):
            chosen[module.__name__] = module
            folders.add(os.path.dirname(os.path.abspath(module.__file__ or "")))
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (name not in chosen and file and os.path.dirname(os.path.abspath(file)) in folders
                and _is_users(module)):
            chosen[name] = module
    return list(chosen.values())


def _is_users(module: types.ModuleType) -> bool:
    name = module.__name__
    file = getattr(module, "__file__", None)
    if name == "__main__" or not file or name.partition(".")[0] == "sideflow":
        return False  # __main__ (notebook cells) is pickled by value anyway
    if getattr(module, "__sideflow_source__", False):
        return True
    path = os.path.abspath(file)
    return not any(path.startswith(root + os.sep) for root in _installed_roots())


def _installed_roots() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    roots = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib") if k in paths}
    roots |= {p for p in sys.path if p.rstrip(os.sep).endswith(("site-packages", "dist-packages"))}
    return tuple(os.path.abspath(r) for r in roots)
