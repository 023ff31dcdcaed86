"""Module-level values as canonical text, and which code counts as the user's own.

Used by code fingerprints (`sideflow.fingerprint`): a value read by a function is part
of what the function computes. The text is the same in every process for the same
value: sets are sorted, dicts keep their (source-defined) order, and objects that are
not plain data are fingerprinted by `sideflow.datahash` (frames by schema and content,
arrays by bytes, the rest by pickle). What cannot be encoded raises `Unencodable`,
never a guess.
"""

from __future__ import annotations

import functools
import os
import sys
import types
from collections.abc import Callable
from typing import Any

_PLAIN = (type(None), bool, int, float, complex, str, bytes, type(Ellipsis))
_PLAIN_SET = frozenset(_PLAIN)
_CODE_LIKE = (types.FunctionType, type, types.ModuleType, types.BuiltinFunctionType,
              types.MethodType, types.BuiltinMethodType)
_MAX_DEPTH = 20


class Unencodable(Exception):
    """A value with no canonical encoding (the reason is the message)."""


def encode_value(value: Any, on_code: Callable[[Any], str], depth: int = 0) -> str:
    """Canonical text of `value`; `on_code` names functions, classes and modules met inside."""
    kind = type(value)
    if kind in _PLAIN_SET:
        return f"{kind.__name__}:{value!r}"
    if kind in (list, tuple):
        if set(map(type, value)) <= _PLAIN_SET:  # the common case, at C speed
            return f"{kind.__name__}:{value!r}"
        if depth < _MAX_DEPTH:
            inner = ",".join(encode_value(v, on_code, depth + 1) for v in value)
            return f"{kind.__name__}[{inner}]"
    if kind in (set, frozenset) and depth < _MAX_DEPTH:
        return f"{kind.__name__}{{{','.join(sorted(encode_value(v, on_code, depth + 1) for v in value))}}}"
    if kind is dict and depth < _MAX_DEPTH:
        pairs = (f"{encode_value(k, on_code, depth + 1)}:{encode_value(v, on_code, depth + 1)}"
                 for k, v in value.items())
        return "dict{" + ",".join(pairs) + "}"
    if isinstance(value, _CODE_LIKE):
        return on_code(value)
    if isinstance(value, functools.partial):
        args = encode_value(value.args, on_code, depth + 1)
        keywords = encode_value(dict(sorted(value.keywords.items())), on_code, depth + 1)
        return f"partial({encode_value(value.func, on_code, depth + 1)},{args},{keywords})"
    kind_name = on_code(kind)  # a local class is walked; a package's type names its package
    from .datahash import fingerprint_or_reason  # frames, arrays, and anything that pickles

    digest, reason = fingerprint_or_reason(value)
    if digest is None:
        raise Unencodable(reason or f"{kind.__qualname__} cannot be fingerprinted")
    return f"{kind_name}:{digest}"


def is_mutable(value: Any) -> bool:
    """Whether the value could change in place (a list, dict, object); plain data cannot."""
    kind = type(value)
    if kind in _PLAIN_SET or isinstance(value, _CODE_LIKE):
        return False
    if kind in (tuple, frozenset):
        return not set(map(type, value)) <= _PLAIN_SET
    return True


@functools.cache
def _installed_roots() -> tuple[str, ...]:
    import site
    import sysconfig

    roots = {sysconfig.get_paths().get(key, "") for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    try:
        roots.update(site.getsitepackages())
        roots.add(site.getusersitepackages())
    except AttributeError:  # some virtualenvs' site module
        pass
    for prefix in {sys.prefix, sys.base_prefix, sys.exec_prefix}:
        roots.add(os.path.join(prefix, "lib"))
        roots.add(os.path.join(prefix, "Lib"))
    return tuple(sorted(os.path.realpath(r) + os.sep for r in roots if r))


@functools.lru_cache(maxsize=8192)
def is_local_file(filename: str) -> bool:
    """User code: a file outside the standard library and installed packages, or code
    compiled from a notebook cell (`<ipython-input-...>`, `<dataflow ...>`)."""
    if filename.startswith("<"):
        return not filename.startswith("<frozen")
    real = os.path.realpath(filename)
    return not any(real.startswith(root) for root in _installed_roots())


_OWN = os.path.dirname(os.path.realpath(__file__)) + os.sep  # sideflow itself is not user code


@functools.lru_cache(maxsize=8192)
def is_local_code(filename: str) -> bool:
    """`is_local_file`, less sideflow's own files (however it was installed)."""
    return is_local_file(filename) and not os.path.realpath(filename).startswith(_OWN)


def package_of(module_name: str) -> str | None:
    """The installed top-level package a module belongs to; None for the standard
    library, builtins and the user's own modules."""
    top = module_name.partition(".")[0]
    if not top.isidentifier() or top == "__main__" or top in sys.stdlib_module_names:
        return None
    if top in sys.builtin_module_names:
        return None
    module = sys.modules.get(top)
    file = getattr(module, "__file__", None)
    if module is not None and (not file or is_local_code(file)):
        return None
    return top
