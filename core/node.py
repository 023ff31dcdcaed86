"""Node records: what a function contributes to a dataflow, read once and frozen."""

from __future__ import annotations

import inspect
import os
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from .awaiting import Awaited
from .errors import Problem

if TYPE_CHECKING:
    from .fingerprint import Fingerprint


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
    # the modifier that made this node from its function ("@extract_columns"); "" for a plain one
    origin: str = ""
    # "expand" (returns Parallel[T]) or "collect" (takes a Collect[T]): see sideflow.fanout
    role: str = ""

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
    def fingerprint(self) -> Fingerprint:
        """The canonical fingerprint of its code, local helpers and module values
        (`sideflow.fingerprint`). Computed on first use; nodes of one build share a walk."""
        from .fingerprint import Walker

        walker = self.__dict__.get("_walker") or Walker()
        if self.origin:  # made by a modifier: what the modifier was given counts too
            from .modifier_identity import with_modifiers

            return with_modifiers(walker.fingerprint(self.func), self.func, walker)
        return walker.fingerprint(self.func)

    @property
    def code_hash(self) -> str:
        """The fingerprint's digest: equal for equal code in any process."""
        return self.fingerprint.digest


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
    refused = _refused_shape(code, target.__defaults__, name, function_location(func),
                             _fans_out(target))
    if refused:
        return None, refused
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
    call = Awaited(func) if code.co_flags & inspect.CO_COROUTINE else func  # `async def`: awaited
    node = Node(name, call, params, annotations["return"], code.co_filename,
                code.co_firstlineno, source, tags)
    return node, []


def _fans_out(target: Callable[..., Any]) -> bool:
    """`-> Parallel[T]` / `-> Parallelizable[T]`: its items are read once, then kept."""
    if not target.__code__.co_flags & inspect.CO_GENERATOR:
        return False  # only generators need the answer
    returns = getattr(target, "__annotations__", {}).get("return")
    if isinstance(returns, str):
        try:
            returns = typing.get_type_hints(target).get("return")
        except Exception:  # reported with the other annotation problems
            return False
    origin = getattr(returns, "__origin__", None)
    name = f"{getattr(origin, '__module__', '')}.{getattr(origin, '__qualname__', '')}"
    return name in ("sideflow.fanout.Parallel", "hamilton.htypes.Parallelizable")


def _refused_shape(
    code: types.CodeType, defaults: tuple[Any, ...] | None, name: str, location: str,
    fans_out: bool = False,
) -> list[Problem]:
    """Functions a node cannot be made of without running them wrongly."""
    problems = []
    slot = code.co_argcount + code.co_kwonlyargcount  # *args, then **kwargs, follow the named ones
    star = []
    if code.co_flags & inspect.CO_VARARGS:
        star.append("*" + code.co_varnames[slot])
        slot += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        star.append("**" + code.co_varnames[slot])
    if star:
        problems.append(Problem(
            "signature", name, location,
            f"function {name!r} takes {', '.join(star)}: a node's parameters are named edges, "
            "so nothing would be passed there",
            f"name each input as its own parameter (e.g. `def {name}(a: float, b: float)`), "
            "or take one list-typed parameter",
        ))
    positional_only = code.co_varnames[: code.co_posonlyargcount]
    first_optional = code.co_argcount - len(defaults or ())
    if len(positional_only) - max(first_optional, 0) > 1:  # two optional before the `/`
        shown = ", ".join(repr(n) for n in positional_only[first_optional:])
        problems.append(Problem(
            "signature", name, location,
            f"function {name!r} has optional positional-only parameters ({shown}): when one is "
            "left out, the next could only be passed by name, which `/` forbids",
            "remove the `/` (or make all but the last of them required)",
        ))
    if code.co_flags & inspect.CO_GENERATOR and not fans_out:  # a fan-out's items are kept
        problems.append(Problem(
            "signature", name, location,
            f"function {name!r} is a generator (it uses `yield`): its result could be read "
            "only once, so a second consumer would get nothing",
            "return a list instead (e.g. `return list(...)`), or move the loop into a helper",
        ))
    return problems
