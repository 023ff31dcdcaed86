"""Type rules for edges (build time) and for input values (run time).

The rules, in order; the first that applies decides:

1. `Annotated[T, ...]` is `T`; a `NewType` is its supertype; `None` is `NoneType`.
2. `Any` (either side), an unresolved `TypeVar` and a bare `object` consumer match anything.
3. A `Union`/`Optional` producer matches only if *every* member matches the consumer,
   so `Optional[int]` does not flow into `int`.
4. A `Union`/`Optional` consumer accepts a producer that matches one of its members.
5. The numeric tower: `bool` -> `int` -> `float` -> `complex` (PEP 484's rule).
6. Classes: the producer must be the consumer or a subclass (ABCs count, so `list`
   matches `Sequence`).
7. Generics: origins must match by rule 6, then arguments pairwise; a side without
   arguments (`list`) matches any arguments (`list[int]`), and `tuple[T, ...]` is
   compared element by element (also into `Sequence[T]` and other one-argument ABCs).
   `Callable[[...], R]`: return types are compared; parameter lists are not judged.
8. Anything else (`Literal`, protocols...) is accepted: the check never rejects what it
   cannot judge.
"""

from __future__ import annotations

import types
import typing
from typing import Any

_UNION_ORIGINS: tuple[Any, ...] = (typing.Union, types.UnionType)
# PEP 484: an int is acceptable where a float is expected, and both where a complex is.
_NUMERIC_TOWER: dict[type, tuple[type, ...]] = {float: (int,), complex: (int, float)}
# at run time, the matching ABC of the `numbers` module (which also admits numpy scalars)
_NUMBER_ABCS: dict[type, str] = {int: "Integral", float: "Real", complex: "Complex"}


def unwrap(tp: Any) -> Any:
    """Strip `Annotated` and `NewType`, map `None` to `NoneType`."""
    while True:
        if tp is None:
            return type(None)
        if typing.get_origin(tp) is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif isinstance(tp, typing.NewType):
            tp = tp.__supertype__
        else:
            return tp


def _members(tp: Any) -> tuple[Any, ...] | None:
    return typing.get_args(tp) if typing.get_origin(tp) in _UNION_ORIGINS else None


def _is_class_match(producer: type, consumer: type) -> bool:
    if producer in _NUMERIC_TOWER.get(consumer, ()):
        return True
    try:
        return issubclass(producer, consumer)
    except TypeError:  # protocols that are not runtime-checkable, odd metaclasses
        return True


def is_compatible(producer: Any, consumer: Any) -> bool:
    """True when a value declared as `producer` may be passed where `consumer` is declared."""
    if producer is consumer and isinstance(producer, type):  # the common case, made cheap
        return True
    producer, consumer = unwrap(producer), unwrap(consumer)
    if producer is consumer or producer is Any or consumer is Any or consumer is object:
        return True
    if isinstance(producer, typing.TypeVar) or isinstance(consumer, typing.TypeVar):
        return True
    produced = _members(producer)
    if produced is not None:
        return all(is_compatible(member, consumer) for member in produced)
    accepted = _members(consumer)
    if accepted is not None:
        return any(is_compatible(producer, member) for member in accepted)
    p_origin = typing.get_origin(producer) or producer
    c_origin = typing.get_origin(consumer) or consumer
    if not (isinstance(p_origin, type) and isinstance(c_origin, type)):
        return True
    if not _is_class_match(p_origin, c_origin):
        return False
    p_args, c_args = typing.get_args(producer), typing.get_args(consumer)
    if p_origin is tuple and c_origin is not tuple and len(c_args) == 1 and p_args:
        # a tuple into `Sequence[T]`, `Iterable[T]`...: every element must be a `T`
        items = p_args[:1] if p_args[-1] is Ellipsis else p_args
        return all(is_compatible(p, c_args[0]) for p in items)
    return _arguments_compatible(p_args, c_args, c_origin)


def _arguments_compatible(p_args: tuple[Any, ...], c_args: tuple[Any, ...], origin: type) -> bool:
    if not p_args or not c_args:
        return True
    if origin is tuple:
        if len(c_args) == 2 and c_args[1] is Ellipsis:
            element = c_args[0]
            items = p_args[:1] if len(p_args) == 2 and p_args[1] is Ellipsis else p_args
            return all(is_compatible(p, element) for p in items)
        if Ellipsis in p_args or len(p_args) != len(c_args):
            return False
    elif len(p_args) != len(c_args):
        return True  # e.g. a custom generic subclass with other parameters: cannot judge
    return all(is_compatible(p, c) for p, c in zip(p_args, c_args, strict=True))


def describe(tp: Any) -> str:
    """A short, readable name for a type: `Series`, `list[int]`, `int | None`."""
    tp = unwrap(tp)
    if tp is type(None):
        return "None"
    if isinstance(tp, type) and not typing.get_args(tp):
        return tp.__qualname__
    text = repr(tp)
    for prefix in ("typing.", "collections.abc.", "pandas.core.frame.", "pandas.core.series."):
        text = text.replace(prefix, "")
    return text


def value_matches(value: Any, annotation: Any) -> bool:
    """A shallow run-time check: the value's class against the annotation's origin."""
    tp = unwrap(annotation)
    if tp is Any or isinstance(tp, typing.TypeVar):
        return True
    members = _members(tp)
    if members is not None:
        return any(value_matches(value, member) for member in members)
    origin = typing.get_origin(tp) or tp
    if not isinstance(origin, type):
        return True
    try:
        if isinstance(value, origin):
            return True
    except TypeError:  # a protocol that is not runtime-checkable: cannot judge
        return True
    if origin in _NUMBER_ABCS:  # numpy scalars (np.int64, np.float32) register with `numbers`
        import numbers

        return isinstance(value, getattr(numbers, _NUMBER_ABCS[origin]))
    earlier = _earlier_definition(value, origin)
    return earlier is not None and _same_code(earlier, origin)


def _earlier_definition(value: Any, cls: type) -> type | None:
    """The class of `value`'s ancestry named like `cls` (module and qualified name): an
    instance made before the module defining `cls` was reloaded has an older class object."""
    for base in type(value).__mro__:
        if base is not cls and base.__qualname__ == cls.__qualname__ and base.__module__ == cls.__module__:
            return base
    return None


def _same_code(old: type, new: type) -> bool:
    """The two definitions have the same bases, methods and code: the reload changed nothing
    in the class, so the old instance behaves as a new one would."""

    def code_shape(code: types.CodeType) -> tuple[Any, ...]:
        consts = tuple(code_shape(c) if isinstance(c, types.CodeType) else repr(c) for c in code.co_consts)
        return (code.co_code, consts, code.co_names)

    def shape(cls: type) -> list[tuple[Any, ...]]:
        items: list[tuple[Any, ...]] = []
        for key, attr in vars(cls).items():
            func = getattr(attr, "__func__", attr)  # staticmethod, classmethod
            code = getattr(func, "__code__", None)
            if isinstance(code, types.CodeType):
                items.append((key, code_shape(code)))
            elif not key.startswith("__"):
                items.append((key, repr(attr)))
        return items

    def names(cls: type) -> list[tuple[str, str]]:
        return [(b.__module__, b.__qualname__) for b in cls.__mro__[1:]]

    try:
        return names(old) == names(new) and shape(old) == shape(new)
    except Exception:  # a repr that raises: cannot prove the definitions agree
        return False


def stale_note(value: Any, annotation: Any) -> str:
    """Extra words for a mismatch message when the value is an instance of an older
    definition of the declared class (its module was reloaded since the value was made)."""
    origin = typing.get_origin(unwrap(annotation)) or unwrap(annotation)
    if not isinstance(origin, type) or _earlier_definition(value, origin) is None:
        return ""
    return (
        f" (from before {origin.__module__!r} was reloaded: {origin.__qualname__} has changed "
        "since the value was made; re-create it, e.g. re-run the cell that builds it)"
    )


__all__ = ["describe", "is_compatible", "stale_note", "unwrap", "value_matches"]
