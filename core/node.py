"""Node records: what a function contributes to a dataflow, read once and frozen."""

from __future__ import annotations

import inspect
import os
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from .errors import Problem


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


class Param(NamedTuple):
    """One parameter: an edge to the node of that name, or an external input.

    A named tuple rather than a frozen dataclass: builds create thousands of them."""

    name: str
    annotation: Any
    default: Any = NO_DEFAULT
    keyword_only: bool = False

    @property
    def required(self) -> bool:
        return self.default is NO_DEFAULT


@dataclass(frozen=True, eq=False)
class Node:
    """A function as a node. Identity equality: two builds give two distinct records."""

    name: str
    func: Callable[..., Any]
    params: tuple[Param, ...]
    returns: Any
    file: str
    line: int
    source: str = ""
    tags: Mapping[str, Any] = field(default_factory=dict)

    @property
    def location(self) -> str:
        return f"{os.path.basename(self.file)}:{self.line}"

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        return self.doc.split("\n", 1)[0]

    @property
    def signature(self) -> str:
        from .typecheck import describe

        params = ", ".join(f"{p.name}: {describe(p.annotation)}" for p in self.params)
        return f"{self.name}({params}) -> {describe(self.returns)}"

    @cached_property
    def code_hash(self) -> str:
        """Fingerprint of the code, and of the same-module helpers it calls.

        Line numbers are left out, so moving a function does not make it stale.
        """
        return code_fingerprint(self.func)


def _target(func: Callable[..., Any]) -> Callable[..., Any]:
    return inspect.unwrap(func) if hasattr(func, "__wrapped__") else func


def function_location(func: Callable[..., Any]) -> str:
    """`file.py:12` of a function (of the function it wraps, for decorated ones)."""
    code = _target(func).__code__
    return f"{os.path.basename(code.co_filename)}:{code.co_firstlineno}"


def read_node(
    func: Callable[..., Any], name: str, source: str
) -> tuple[Node | None, list[Problem]]:
    """Read a function's parameters and annotations; return the node or the problems."""
    target = _target(func)
    code: types.CodeType = target.__code__
    annotations: dict[str, Any] = getattr(target, "__annotations__", {})
    if any(isinstance(a, str) for a in annotations.values()):
        try:
            annotations = typing.get_type_hints(target, include_extras=True)
        except Exception as exc:  # NameError for a typo, anything from a broken forward ref
            fix = "import the names used in the annotations, or correct the typo"
            problem = Problem(
                "annotation", name, function_location(func),
                f"function {name!r}: cannot resolve its annotations ({exc})", fix,
            )
            return None, [problem]
    names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
    positional = names[: code.co_argcount]
    defaults: dict[str, Any] = {}
    if target.__defaults__:
        defaults.update(zip(reversed(positional), reversed(target.__defaults__), strict=False))
    if target.__kwdefaults__:
        defaults.update(target.__kwdefaults__)
    unannotated = [n for n in names if n not in annotations]
    problems = []
    if unannotated:
        shown = ", ".join(repr(n) for n in unannotated)
        problems.append(Problem(
            "annotation", name, function_location(func),
            f"function {name!r}: parameter {shown} has no type annotation",
            f"annotate it, e.g. `{unannotated[0]}: pd.Series` "
            "(use `typing.Any` to accept anything)",
        ))
    if "return" not in annotations:
        problems.append(Problem(
            "annotation", name, function_location(func),
            f"function {name!r} has no return annotation",
            f"add one, e.g. `def {name}(...) -> pd.Series:` "
            "(use `-> typing.Any` to skip the check)",
        ))
    if problems:
        return None, problems
    params = tuple(
        Param(n, annotations[n], defaults.get(n, NO_DEFAULT), n not in positional) for n in names
    )
    tags = dict(getattr(func, "__sideflow_tags__", ()))
    node = Node(name, func, params, annotations["return"], code.co_filename,
                code.co_firstlineno, source, tags)
    return node, []


def code_fingerprint(func: Callable[..., Any]) -> str:
    """Hash a function's code and the local helper functions it reaches (see `_is_local`)."""
    import hashlib
    import marshal

    target = _target(func)
    digest = hashlib.blake2b(digest_size=12)
    seen: set[int] = set()
    pending = [target]
    while pending:
        fn = pending.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        digest.update(marshal.dumps(_shape(fn.__code__), 2))  # version 2: no refcount-dependent refs
        digest.update(repr((fn.__defaults__, fn.__kwdefaults__)).encode())
        namespace = getattr(fn, "__globals__", {})
        for ref in sorted(_global_names(fn.__code__)):
            helper = namespace.get(ref)
            if isinstance(helper, types.FunctionType):
                if _is_local(helper, target):
                    pending.append(helper)
            elif isinstance(helper, type) and helper.__module__ == target.__module__:
                pending.extend(f for f in vars(helper).values() if isinstance(f, types.FunctionType))
            elif ref in namespace:
                digest.update(f"{ref}={_constant(helper)}".encode())
    return digest.hexdigest()


def _constant(value: Any, budget: int = 10_000) -> str:
    """A module-level value the code reads (`WINDOW = 3`), so editing it counts as a change.

    Plain data is fingerprinted by its repr (sets sorted, for a hash-seed-free order);
    other objects (modules, data frames loaded at import) are not part of the hash.
    """
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes)):
        return repr(value)[:budget]
    if isinstance(value, (tuple, list)) and len(value) <= 1000:
        return "[" + ",".join(_constant(v, budget // 10) for v in value) + "]"
    if isinstance(value, (set, frozenset)) and len(value) <= 1000:
        return "{" + ",".join(sorted(_constant(v, budget // 10) for v in value)) + "}"
    if isinstance(value, dict) and len(value) <= 1000:
        pairs = (f"{_constant(k, 100)}:{_constant(v, budget // 10)}" for k, v in value.items())
        return "{" + ",".join(pairs) + "}"
    return type(value).__qualname__


def _is_local(helper: types.FunctionType, target: Callable[..., Any]) -> bool:
    """Helpers of the same module, or of a module in the same folder (a `helpers.py`)."""
    if helper.__module__ == target.__module__:
        return True
    here = os.path.dirname(target.__code__.co_filename)
    return bool(here) and os.path.dirname(helper.__code__.co_filename) == here


def _shape(code: types.CodeType) -> tuple[Any, ...]:
    """The parts of a code object that change behaviour (not file names, not line numbers)."""
    consts = tuple(_shape_const(c) for c in code.co_consts)
    return (code.co_code, consts, code.co_names, code.co_varnames, code.co_freevars)


def _shape_const(const: Any) -> Any:
    if isinstance(const, types.CodeType):
        return _shape(const)
    if isinstance(const, frozenset):  # `x in {"a", "b"}`: marshal order follows PYTHONHASHSEED
        return ("frozenset", tuple(sorted(repr(c) for c in const)))
    return const


def _global_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _global_names(const)
    return names
