"""Ship the notebook's code to Dask workers by value, so edits reach them.

Workers import a module once and keep it; the notebook reloads its side modules after
every save. Functions of the user's own modules (files sideflow loaded, and modules in
their folders) are therefore pickled by value with cloudpickle: the worker gets the
code the notebook has now, even when it cannot import that module at all. Installed
packages (site-packages, the standard library) travel by reference, as usual; if a
worker has another version of one, the worker's fingerprint check refuses the result.
"""

from __future__ import annotations

import functools
import os
import sys
import types
from collections import ChainMap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .dask_task import NodeSpec
from .errors import ClusterError
from .execute import Step
from .values import is_local_code


def specs_for(
    steps: Sequence[Step], returns: Mapping[str, tuple[Any, type | None]] | None = None
) -> dict[str, NodeSpec]:
    """One task spec per step: its function's cloudpickle bytes and expected code hash."""
    import cloudpickle

    shipped = user_modules(step.node.func for step in steps)
    for module in shipped:
        if module.__name__ not in cloudpickle.list_registry_pickle_by_value():
            cloudpickle.register_pickle_by_value(module)
    files = tuple((m.__name__, os.path.abspath(m.__file__ or "")) for m in shipped)
    return {
        step.node.name: NodeSpec(
            step.node.name, step.node.location, _blob(step), _checkable_hash(step),
            len(step.args), step.keywords, (*step.args, *step.keywords), files,
            (returns or {}).get(step.node.name),
        )
        for step in steps
    }


def _blob(step: Step) -> bytes:
    try:
        return dumps(step.node.func)
    except Exception as exc:  # a module-level lock, connection, open file the function reads
        raise ClusterError(
            step.node.name, step.node.location,
            f"its function cannot be sent to the workers ({type(exc).__name__}: {exc})",
            "create that object inside the function (or in a helper it calls), so each worker makes its own",
        ) from exc


def _checkable_hash(step: Step) -> str:
    """The hash the worker must reproduce; "" (not checked) when the fingerprint holds
    values known only by identity here (`Fingerprint.unknown`), which no worker can match."""
    return "" if step.node.fingerprint.unknown else step.node.code_hash


def dumps(func: object) -> bytes:
    """cloudpickle, keeping each code object's file name (cloudpickle 3.1 writes
    `<dynamic-code>`), so workers' tracebacks show the user's files and lines, and the
    fingerprint sees the same files on both sides."""
    import io

    buffer = io.BytesIO()
    _pickler()(buffer).dump(func)
    return buffer.getvalue()


@functools.cache
def _pickler() -> type:
    import cloudpickle
    from cloudpickle import cloudpickle as internals

    def code_reduce(code: types.CodeType) -> tuple[Any, tuple[Any, ...]]:
        rebuild, args = internals._code_reduce(code)
        return rebuild, tuple(code.co_filename if arg == "<dynamic-code>" else arg for arg in args)

    class KeepFiles(cloudpickle.Pickler):  # type: ignore[misc]
        dispatch_table = ChainMap({types.CodeType: code_reduce}, cloudpickle.Pickler.dispatch_table)

    return KeepFiles


def user_modules(funcs: Iterable[object]) -> list[types.ModuleType]:
    """The functions' modules, the modules beside them and the local modules they use:
    what the fingerprint counts as the user's code (`values.is_local_code`)."""
    chosen: dict[str, types.ModuleType] = {}
    folders: set[str] = set()
    for func in funcs:
        module = sys.modules.get(getattr(func, "__module__", None) or "")
        if module is None or not ships_by_value(module):
            continue
        chosen[module.__name__] = module
        folders.add(os.path.dirname(os.path.abspath(module.__file__ or "")))
        for value in vars(module).values():  # `import helpers` / `from helpers import f`
            used = value if isinstance(value, types.ModuleType) else sys.modules.get(
                getattr(value, "__module__", None) or "")
            if isinstance(used, types.ModuleType) and ships_by_value(used):
                chosen[used.__name__] = used
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if (name not in chosen and isinstance(file, str) and os.path.dirname(os.path.abspath(file)) in folders
                and ships_by_value(module)):
            chosen[name] = module
    return list(chosen.values())


def ships_by_value(module: types.ModuleType) -> bool:
    """User code travels by value; installed packages, the standard library and sideflow
    by name. `__main__` (notebook cells) is pickled by value by cloudpickle anyway."""
    file = getattr(module, "__file__", None)
    if module.__name__ == "__main__" or not isinstance(file, str):
        return False
    return bool(getattr(module, "__sideflow_source__", False)) or is_local_code(file)
