"""What a generated node's code is: its function's, plus what its modifiers were given.

A generated node's behaviour also depends on the decorator's arguments (`value(3)`,
column names) and on functions handed to the modifier (`@does(_sum)`, pipe steps,
`@mutate` transforms, custom checks), none of which is in the decorated function's
code. They are added to its fingerprint, so editing `value(3)` to `value(4)` makes the
node stale instead of leaving an old result fresh.
"""

from __future__ import annotations

import dataclasses
import hashlib
import linecache
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .values import is_local_code

if TYPE_CHECKING:
    from .fingerprint import Fingerprint, Walker

_PLAIN = (type(None), bool, int, float, complex, str, bytes)
_DEPTH = 5


def with_modifiers(base: Fingerprint, func: Callable[..., Any], walker: Walker) -> Fingerprint:
    """`base` extended by the decorator text and everything the modifiers hold."""
    decorated = _unwrap(func)
    digest = hashlib.blake2b(digest_size=16)
    digest.update(base.digest.encode())
    digest.update(_decorator_text(decorated).encode())
    functions: dict[int, types.FunctionType] = {}
    plain: list[str] = []
    for key, mark in sorted(getattr(decorated, "__dict__", {}).items()):
        if key not in ("__wrapped__", "__original_name__", "__config_decorated__"):
            _collect(mark, functions, plain, 0, set())
    digest.update("\n".join(plain).encode())
    unknown, packages = list(base.unknown), list(base.packages)
    ordered = sorted(functions.values(), key=lambda f: (f.__code__.co_filename, f.__code__.co_firstlineno,
                                                        f.__qualname__))
    for fn in ordered:
        if fn is decorated:
            continue
        inner = walker.fingerprint(fn)
        digest.update(inner.digest.encode())
        unknown.extend(inner.unknown)
        packages.extend(inner.packages)
    code = decorated.__code__
    part = ("modifiers of " + code.co_name, f"{code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno}",
            digest.hexdigest()[:24])
    return dataclasses.replace(base, digest=digest.hexdigest(), parts=(*base.parts, part),
                               unknown=tuple(sorted(set(unknown))),
                               packages=tuple(sorted(set(packages))))


def _unwrap(func: Any) -> Any:
    seen = 0
    while hasattr(func, "__wrapped__") and seen < 100:
        func, seen = func.__wrapped__, seen + 1
    return func


def _decorator_text(fn: Any) -> str:
    """The lines from the first decorator down to the `def` (decorators as written)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return ""
    linecache.checkcache(code.co_filename)  # the file may have been saved since it was read
    lines = []
    number = code.co_firstlineno
    while number < code.co_firstlineno + 200:
        line = linecache.getline(code.co_filename, number)
        if not line:
            break
        lines.append(line.strip())
        if line.lstrip().startswith(("def ", "async def ")):
            break
        number += 1
    return "\n".join(lines)


def _collect(obj: Any, functions: dict[int, types.FunctionType], plain: list[str], depth: int,
             seen: set[int]) -> None:
    """Local functions and plain values inside the modifier objects, a few levels deep."""
    if depth > _DEPTH or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, _PLAIN):
        plain.append(f"{type(obj).__name__}:{obj!r}"[:1000])
    elif isinstance(obj, types.FunctionType):
        if is_local_code(obj.__code__.co_filename):
            functions.setdefault(id(obj), obj)
        for cell in obj.__closure__ or ():  # Hamilton keeps config tests in closures
            try:
                _collect(cell.cell_contents, functions, plain, depth + 1, seen)
            except ValueError:  # an empty cell
                continue
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            _collect(item, functions, plain, depth + 1, seen)
    elif isinstance(obj, (set, frozenset)):  # iteration order follows the hash seed: sort
        inner: list[str] = []
        for item in obj:
            _collect(item, functions, inner, depth + 1, seen)
        plain.extend(sorted(inner))
    elif isinstance(obj, dict):
        for k, v in obj.items():
            _collect(k, functions, plain, depth + 1, seen)
            _collect(v, functions, plain, depth + 1, seen)
    elif hasattr(obj, "__dict__") and not isinstance(obj, (type, types.ModuleType)):
        for k, v in sorted(vars(obj).items(), key=lambda kv: str(kv[0])):
            plain.append(f"attr:{k}")
            _collect(v, functions, plain, depth + 1, seen)


__all__ = ["with_modifiers"]
