"""Canonical code fingerprints: the same code gives the same digest in any process.

A node's fingerprint covers its own code, the local functions and classes it reaches
(by name, through a local module's attributes such as `helpers.g`, or inside module
values), transitively, and the module-level values they read. "Local" means user code:
any file outside the standard library and site-packages. Third-party code is named, not
walked: its package version stands for it (see `Fingerprint.packages`).

Code is encoded from the code object itself (bytecode, constants, names, argument
layout), never with `marshal`, whose bytes depend on reference counts. Line numbers and
comments are not part of code objects; the docstring is left out (see `_DOC_SLOT`).
"""

from __future__ import annotations

import hashlib
import sys
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .codehash import code_digest, code_names
from .values import Unencodable, encode_value, is_local_code, is_mutable, package_of


@dataclass(frozen=True)
class Fingerprint:
    """What a node's code is, as data.

    `parts` lists each component as `(what, location, digest)`: the node's own function
    first, then helpers (`function helpers.g`), classes (`class features.Cfg`) and
    values (`value features.WINDOW`), so
    two fingerprints can be compared part by part to say *what* changed. `unknown`
    names what could not be fingerprinted (the node then depends on something unknown),
    `packages` the third-party top-level packages its code uses.
    """

    digest: str
    parts: tuple[tuple[str, str, str], ...]
    unknown: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    # (namespace, name, object) of every module-level binding read: `bindings_changed`
    # tells whether one was rebound (or mutated in place) since.
    bindings: tuple[tuple[dict[str, Any], str, Any, str], ...] = ()

    def bindings_changed(self) -> list[str]:
        """Names rebound or (for small mutable values) changed in place since this was taken."""
        return [binding[1] for binding in self.bindings if binding_changed(binding)]


def binding_changed(binding: tuple[dict[str, Any], str, Any, str]) -> bool:
    namespace, name, obj, digest = binding
    if namespace.get(name, _ABSENT) is not obj:
        return True
    return bool(digest) and _value_digest(obj) != digest


_ABSENT = object()
_DUNDER_DATA = frozenset({
    "__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__annotations__",
    "__dataclass_params__", "__dataclass_fields__", "__match_args__", "__hash__",
    "__orig_bases__", "__parameters__", "__abstractmethods__", "_abc_impl", "__slots__",
    "__firstlineno__", "__static_attributes__", "__type_params__",
})


def code_fingerprint(func: Callable[..., Any], walker: Walker | None = None) -> Fingerprint:
    """The canonical fingerprint of a function and everything local it reaches."""
    return (walker or Walker()).fingerprint(func)


class Walker:
    """Fingerprints several functions with one memo (a build's nodes share helpers).

    Valid while no user code runs: one build, or one session check.
    """

    def __init__(self) -> None:
        self._components: dict[int, tuple[Any, _Component]] = {}

    def fingerprint(self, func: Callable[..., Any]) -> Fingerprint:
        target = _unwrap(func)
        root = self._component(target)
        seen: dict[str, _Component] = {}
        pending = [root]
        while pending:
            comp = pending.pop()
            if comp.key in seen:
                continue
            seen[comp.key] = comp
            pending.extend(self._component(obj, hint) for obj, hint in comp.deps)
        ordered = [root, *sorted((c for c in seen.values() if c is not root), key=lambda c: c.key)]
        digest = hashlib.blake2b(digest_size=16)
        for comp in ordered:
            digest.update(f"{comp.key}\0{comp.digest}\n".encode())
        unknown = sorted({u for c in ordered for u in c.unknown})
        packages = sorted({p for c in ordered for p in c.packages})
        bindings = tuple(b for c in ordered for b in c.bindings)
        if unknown:  # never equal to a fingerprint taken when everything was known
            digest.update(("unknown:" + "|".join(unknown)).encode())
        return Fingerprint(
            digest.hexdigest(),
            tuple((c.key, c.location, c.digest) for c in ordered),
            tuple(unknown),
            tuple(packages),
            bindings,
        )

    def _component(self, obj: Any, hint: str = "") -> _Component:
        memo = self._components.get(id(obj))
        if memo is not None and memo[0] is obj and (not hint or memo[1].key.endswith(hint)):
            return memo[1]
        if isinstance(obj, types.FunctionType):
            comp = _function_component(obj)
        elif isinstance(obj, type):
            comp = _class_component(obj)
        else:
            comp = _value_component(obj, hint)
        self._components[id(obj)] = (obj, comp)
        return comp


@dataclass
class _Component:
    key: str  # unique within a fingerprint: "function mod.qualname", "class mod.C", "value mod.NAME"
    location: str
    digest: str
    deps: list[tuple[Any, str]]  # (object, name hint for values)
    unknown: list[str]
    packages: list[str]
    bindings: list[tuple[dict[str, Any], str, Any, str]]


def _function_component(fn: types.FunctionType) -> _Component:
    import os

    code = fn.__code__
    digest = hashlib.blake2b(digest_size=16)
    digest.update(code_digest(code).encode())
    deps: list[tuple[Any, str]] = []
    unknown: list[str] = []
    packages: list[str] = []
    bindings: list[tuple[dict[str, Any], str, Any, str]] = []
    label = f"{fn.__module__}.{fn.__qualname__}"
    for what, value in (("defaults", fn.__defaults__), ("kwdefaults", fn.__kwdefaults__)):
        if value:
            digest.update(f"{what}={_encode(value, deps, unknown, packages, f'{label} {what}')}".encode())
    for name, cell in zip(code.co_freevars, fn.__closure__ or (), strict=False):
        try:
            content = cell.cell_contents
        except ValueError:  # an empty cell (a name assigned later in the outer function)
            digest.update(f"closure {name}=<empty>".encode())
            continue
        digest.update(f"closure {name}={_encode(content, deps, unknown, packages, name)}".encode())
    namespace = fn.__globals__
    names = code_names(code)
    module_name = namespace.get("__name__", "?")
    for ref in sorted(names):
        if ref not in namespace:
            continue  # a builtin, an attribute name, or not defined yet (a NameError at run time)
        value = namespace[ref]
        digest.update(f"\0{ref}->{_follow(value, ref, module_name, names, deps, unknown, packages)}".encode())
        if not isinstance(value, types.ModuleType):
            bindings.append((namespace, ref, value, _binding_digest(value)))
        else:
            bindings.append((namespace, ref, value, ""))
    location = f"{os.path.basename(code.co_filename)}:{code.co_firstlineno}"
    return _Component(f"function {label}", location, digest.hexdigest(),
                      deps, unknown, packages, bindings)


def _follow(
    value: Any, ref: str, module_name: str, names: frozenset[str],
    deps: list[tuple[Any, str]], unknown: list[str], packages: list[str],
) -> str:
    """What a global name points to, as text for the referrer's digest; queue local targets."""
    if isinstance(value, types.ModuleType):
        if _module_is_local(value):
            _queue_module_attributes(value, names, deps, set())
            return f"module {value.__name__}"
        packages.extend(p for p in [package_of(value.__name__)] if p)
        return f"module {value.__name__}"
    if isinstance(value, (types.FunctionType, type)):
        if _is_local_object(value):
            deps.append((value, ""))
            return f"local {value.__module__}.{value.__qualname__}"
        packages.extend(p for p in [package_of(value.__module__)] if p)
        return f"external {value.__module__}.{value.__qualname__}"
    wrapped = getattr(value, "__wrapped__", None)
    if callable(value) and isinstance(wrapped, types.FunctionType) and _is_local_object(wrapped):
        deps.append((wrapped, ""))  # a decorated local helper (lru_cache, functools.wraps)
        return f"wrapped {type(value).__qualname__} of {wrapped.__module__}.{wrapped.__qualname__}"
    deps.append((value, f"{module_name}.{ref}"))
    return f"value {module_name}.{ref}"


def _queue_module_attributes(
    module: types.ModuleType, names: frozenset[str], deps: list[tuple[Any, str]], visited: set[int]
) -> None:
    """`helpers.g`, `helpers.Cfg.FACTOR`, `pkg.sub.f`: every code name the module has.

    Over-approximates (a name that matches by chance is a harmless extra dependency)."""
    visited.add(id(module))
    space = vars(module)
    for name in sorted(names):
        if name not in space or name.startswith("__"):
            continue
        attr = space[name]
        if isinstance(attr, types.ModuleType):
            if _module_is_local(attr) and id(attr) not in visited:
                _queue_module_attributes(attr, names, deps, visited)
        elif isinstance(attr, (types.FunctionType, type)):
            if _is_local_object(attr):
                deps.append((attr, ""))
        else:
            deps.append((attr, f"{module.__name__}.{name}"))


def _class_component(cls: type) -> _Component:
    import os

    deps: list[tuple[Any, str]] = []
    unknown: list[str] = []
    packages: list[str] = []
    digest = hashlib.blake2b(digest_size=16)
    label = f"{cls.__module__}.{cls.__qualname__}"
    for base in cls.__bases__:
        if _is_local_object(base):
            deps.append((base, ""))
        else:
            packages.extend(p for p in [package_of(base.__module__)] if p)
        digest.update(f"base {base.__module__}.{base.__qualname__}\n".encode())
    for key, attr in vars(cls).items():
        if key in _DUNDER_DATA:
            continue
        for part in _class_member_functions(attr):
            deps.append((part, ""))
            digest.update(f"{key}:{type(attr).__name__}->{part.__qualname__}\n".encode())
        if not _class_member_functions(attr):
            digest.update(f"{key}={_encode(attr, deps, unknown, packages, f'{label}.{key}')}\n".encode())
    file = sys.modules.get(cls.__module__)
    where = os.path.basename(getattr(file, "__file__", "") or cls.__module__)
    return _Component(f"class {label}", where, digest.hexdigest(),
                      deps, unknown, packages, [])


def _class_member_functions(attr: Any) -> list[types.FunctionType]:
    if isinstance(attr, types.FunctionType):
        return [attr]
    if isinstance(attr, (staticmethod, classmethod)):
        return [f for f in [attr.__func__] if isinstance(f, types.FunctionType)]
    if isinstance(attr, property):
        return [f for f in (attr.fget, attr.fset, attr.fdel) if isinstance(f, types.FunctionType)]
    return []


def _value_component(value: Any, name: str) -> _Component:
    import os

    deps: list[tuple[Any, str]] = []
    unknown: list[str] = []
    packages: list[str] = []
    encoded = _encode(value, deps, unknown, packages, name)
    digest = hashlib.blake2b(encoded.encode(), digest_size=16).hexdigest()
    module = name.rpartition(".")[0]
    file = getattr(sys.modules.get(module), "__file__", None)
    where = os.path.basename(file) if file else module
    return _Component(f"value {name}", where, digest, deps, unknown, packages, [])


def _encode(
    value: Any, deps: list[tuple[Any, str]], unknown: list[str], packages: list[str], name: str
) -> str:
    """A value as canonical text; local functions and classes inside it are queued."""
    try:
        return encode_value(value, lambda obj: _on_code_object(obj, deps, packages))
    except Unencodable as exc:
        unknown.append(f"value {name}: {exc}")
        # compared by identity: the same object is unchanged, any other one a change (the
        # fingerprint's bindings keep it alive, so its id is not reused meanwhile)
        return f"<unknown {type(value).__qualname__} id={id(value)}>"


def _on_code_object(obj: Any, deps: list[tuple[Any, str]], packages: list[str]) -> str:
    """A function, class or module met inside a value: named, and walked when local."""
    if isinstance(obj, types.ModuleType):
        return f"module {obj.__name__}"
    target = _unwrap(obj)
    module = getattr(target, "__module__", None) or "?"
    qualname = getattr(target, "__qualname__", type(target).__qualname__)
    if _is_local_object(target):
        deps.append((target, ""))
        return f"local {module}.{qualname}"
    packages.extend(p for p in [package_of(module)] if p)
    return f"external {module}.{qualname}"


_REHASH_BUDGET = 0.002  # seconds: mutable values cheaper than this are re-hashed before cells


def _binding_digest(value: Any) -> str:
    """For a small mutable module value: its digest now, to see in-place edits later.

    "" for immutable values (rebinding is seen by identity) and for values that take
    longer than `_REHASH_BUDGET` to hash (their in-place edits are seen on the next save)."""
    if not is_mutable(value):
        return ""
    import time

    started = time.perf_counter()
    digest = _value_digest(value)
    return digest if time.perf_counter() - started < _REHASH_BUDGET else ""


def _value_digest(value: Any) -> str:
    try:
        text = encode_value(value, lambda obj: f"{getattr(obj, '__module__', '?')}.{id(obj)}")
    except Unencodable:
        return ""
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _unwrap(func: Any) -> Any:
    seen = 0
    while hasattr(func, "__wrapped__") and seen < 100:
        func = func.__wrapped__
        seen += 1
    return func


def _is_local_object(obj: Any) -> bool:
    if isinstance(obj, types.FunctionType):
        return is_local_code(obj.__code__.co_filename)
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    if module is None:
        return getattr(obj, "__module__", None) == "__main__"
    return _module_is_local(module)


def _module_is_local(module: types.ModuleType) -> bool:
    if module.__name__ == "__main__":
        return True
    file = getattr(module, "__file__", None)
    return bool(file) and is_local_code(file)


def fingerprint_all(funcs: Iterable[Callable[..., Any]]) -> list[Fingerprint]:
    """Fingerprints of several functions with one shared walk (helpers hashed once)."""
    walker = Walker()
    return [walker.fingerprint(f) for f in funcs]
