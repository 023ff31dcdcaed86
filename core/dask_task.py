"""What runs on a Dask worker for one node: load the shipped function, check its code, call it.

Kept apart from the client side (`dask_run`) so a worker imports only this and the
fingerprint code. Functions arrive as cloudpickle bytes (see `dask_ship`): the notebook's
side modules by value, so a worker runs the code the notebook has now, even one that
cannot import them.
"""

from __future__ import annotations

import pickle
import sys
import threading
import types
from collections.abc import Callable
from typing import Any, NamedTuple

from .errors import ClusterError, StaleCodeError

_CACHE_SIZE = 512


class NodeSpec(NamedTuple):
    """A node as a task needs it; small, and the same bytes for the same code."""

    name: str
    location: str
    blob: bytes  # cloudpickle of the node's function
    code_hash: str  # what the client computed: the worker must compute the same ("": unchecked)
    args: int  # how many of the values are positional; the rest are `keywords`
    keywords: tuple[str, ...]
    names: tuple[str, ...]  # every value's name, for error messages
    files: tuple[tuple[str, str], ...]  # module -> file of the modules shipped by value
    returns: tuple[Any, type | None] | None = None  # the return check (`outputs.return_checks`)

    def __repr__(self) -> str:  # Dask logs a failed task's arguments: not the bytes
        return f"<sideflow node {self.name} ({self.location})>"


# blob -> (function, fingerprint): one unpickle and one fingerprint per code version and worker
_loaded: dict[bytes, tuple[Callable[..., Any], str]] = {}
_lock = threading.Lock()


def run_node(spec: NodeSpec, *values: Any) -> Any:
    """The task: refuse to run code that differs from the client's; tag errors with the node."""
    __tracebackhide__ = True  # IPython: tracebacks show user code, not ours
    try:
        func, found = _load(spec.blob, spec.files)
    except Exception as exc:  # an installed module missing on the worker, a library too old
        raise ClusterError(
            spec.name, spec.location, f"the worker cannot load its function ({type(exc).__name__}: {exc})",
            "install the same packages on the workers as here (sideflow ships only your own modules)",
        ) from exc
    if spec.code_hash and found != spec.code_hash:
        where = getattr(getattr(func, "__code__", None), "co_filename", getattr(func, "__module__", "?"))
        raise StaleCodeError(spec.name, spec.location, spec.code_hash, found, str(where))
    try:
        if spec.keywords:
            result = func(*values[: spec.args], **dict(zip(spec.keywords, values[spec.args :], strict=True)))
        else:
            result = func(*values)
        if spec.returns is not None and type(result) is not spec.returns[1]:  # as `run_plan` does
            from .outputs import check_return

            check_return(None, result, spec.returns[0])  # type: ignore[arg-type]  # node: unused
        return result
    except Exception as exc:
        # read by the client to build the same NodeError as a local run (these survive pickling)
        exc._sideflow_node = spec.name  # type: ignore[attr-defined]
        exc._sideflow_inputs = describe_values(spec.names, values)  # type: ignore[attr-defined]
        raise


def fingerprint(func: Callable[..., Any]) -> str:
    """The node's code hash as `Node.code_hash` computes it, here on the worker."""
    from .fingerprint import code_fingerprint

    return code_fingerprint(func).digest


def describe_values(names: tuple[str, ...], values: tuple[Any, ...]) -> str:
    from .execute import _describe_value

    return ", ".join(f"{n}={_describe_value(v)}" for n, v in zip(names, values, strict=True))


def _load(blob: bytes, files: tuple[tuple[str, str], ...]) -> tuple[Callable[..., Any], str]:
    with _lock:
        hit = _loaded.get(blob)
    if hit is not None:
        return hit
    func = pickle.loads(blob)  # cloudpickle's output loads with pickle (cloudpickle installed)
    with _lock:
        loaded = (func, _fingerprint_shipped(func, files))
        if len(_loaded) >= _CACHE_SIZE:
            _loaded.pop(next(iter(_loaded)))
        _loaded[blob] = loaded
    return loaded


def _fingerprint_shipped(func: Callable[..., Any], files: tuple[tuple[str, str], ...]) -> str:
    """The fingerprint as the client computes it. Modules shipped by value are absent from
    this worker's `sys.modules`, where the fingerprint looks a class's module up to see that
    it is the user's: stand-ins (name and file only) are there while it runs."""
    added = []
    for name, file in files:
        if name not in sys.modules:
            stand_in = types.ModuleType(name)
            stand_in.__file__ = file
            sys.modules[name] = stand_in
            added.append((name, stand_in))
    try:
        return fingerprint(func)
    finally:
        for name, stand_in in added:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]
