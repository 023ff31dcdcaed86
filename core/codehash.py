"""Code objects as canonical digests: bytecode, constants, names and argument layout,
never `marshal` (whose bytes depend on reference counts), never line numbers."""

from __future__ import annotations

import dis
import hashlib
import types
from typing import Any

# In CPython the first constant of a function is its docstring slot (the docstring, or
# None). When no instruction loads it, it only feeds `__doc__`: it is left out, so a
# docstring edit is not a change. A constant that code does load is always kept.
_DOC_SLOT = "<doc>"
_HASCONST = tuple(bytes([op, 0]) for op in dis.hasconst)
_EXTENDED_ARG = dis.opmap["EXTENDED_ARG"]

# -- code objects: immutable, so their digests are memoized by identity -----------------
_CODE_MEMO: dict[int, tuple[types.CodeType, str, frozenset[str]]] = {}
_CODE_MEMO_LIMIT = 200_000


def code_digest(code: types.CodeType) -> str:
    return _entry(code)[1]


def code_names(code: types.CodeType) -> frozenset[str]:
    """Global and attribute names the code (and the code nested in it) uses."""
    return _entry(code)[2]


def _entry(code: types.CodeType) -> tuple[types.CodeType, str, frozenset[str]]:
    entry = _CODE_MEMO.get(id(code))
    if entry is not None and entry[0] is code:
        return entry
    names = set(code.co_names)
    consts = []
    for i, const in enumerate(code.co_consts):
        if i == 0 and isinstance(const, (str, type(None))) and not _loads_first_const(code):
            consts.append(_DOC_SLOT)
        elif isinstance(const, types.CodeType):
            _, nested, nested_names = _entry(const)
            names |= nested_names
            consts.append(f"code:{nested}")
        else:
            consts.append(_const_text(const))
    layout = (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code.co_code)
    digest.update(getattr(code, "co_exceptiontable", b""))
    for field in (layout, consts, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars):
        digest.update(b"\0" + repr(field).encode())
    entry = (code, digest.hexdigest(), frozenset(names))
    if len(_CODE_MEMO) >= _CODE_MEMO_LIMIT:
        _CODE_MEMO.clear()
    _CODE_MEMO[id(code)] = entry
    return entry


def _loads_first_const(code: types.CodeType) -> bool:
    raw = code.co_code
    for pattern in _HASCONST:
        at = raw.find(pattern)
        while at != -1:
            if at % 2 == 0 and (at == 0 or raw[at - 2] != _EXTENDED_ARG):
                return True
            at = raw.find(pattern, at + 1)
    return False


def _const_text(const: Any) -> str:
    if isinstance(const, frozenset):  # `x in {"a", "b"}`: iteration order follows the hash seed
        return "frozenset(" + ",".join(sorted(_const_text(c) for c in const)) + ")"
    if isinstance(const, tuple):
        return "(" + ",".join(_const_text(c) for c in const) + ")"
    if isinstance(const, types.CodeType):
        return f"code:{code_digest(const)}"
    return f"{type(const).__name__}:{const!r}"
