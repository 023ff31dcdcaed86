"""Cache keys: a node's code, the keys of its inputs, and the packages its code uses.

Keys flow downstream (Dagster's "data versions"): a node's key is computed from its
parents' keys, never from their values, so a whole cached chain is checked before
anything runs and no intermediate value is hashed. Only values that enter from
outside (inputs, config values, overrides) are fingerprinted. A node whose key
cannot be known exactly (an input that cannot be fingerprinted, code that depends on
something unknown) has no key, and neither has anything below it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .cachefiles import TooManyFiles, file_state, named_paths
from .datahash import fingerprint_or_reason
from .graph import Graph
from .node import Node

_VERSION = "sideflow-cache-1"  # bump when the key recipe changes: old entries then never match


@dataclass
class Keys:
    """Per name: the key (`None` when uncached) and, for those without one, why."""

    keys: dict[str, str | None] = field(default_factory=dict)
    why: dict[str, str] = field(default_factory=dict)

    def key(self, name: str) -> str | None:
        return self.keys.get(name)


def compute_keys(
    graph: Graph,
    names: Iterable[str],
    values: Mapping[str, Any],
    known: Callable[[str, Any], str | None] = lambda name, value: None,
) -> Keys:
    """Keys for `names` (in graph order) given the outside `values`.

    `known(name, value)` may return the key a value already has (one this cache
    produced), so results held in memory are not hashed again.
    """
    out = Keys()
    for name in names:
        if name in values:
            _value_key(out, name, values[name], known)
            continue
        node = graph.nodes[name]
        parts = [_VERSION, name, *code_identity(node)]
        problem = unknown_code(node)
        try:
            parts += file_state(named_paths(node))  # files its code names: their content counts
        except TooManyFiles as exc:
            problem = problem or str(exc)
        for param in node.params:
            p = param.name
            if p in values and p not in out.keys:
                _value_key(out, p, values[p], known)
            if p not in out.keys and p not in values:
                parts.append(f"{p}=absent")  # an optional input left out: its default is code
                continue
            parent = out.keys.get(p)
            if parent is None and problem is None:
                problem = out.why.get(p, f"{p!r} has no key")
                if not problem.startswith("upstream"):
                    problem = f"upstream {p!r}: {problem}" if p in graph.nodes else f"input {p!r}: {problem}"
            parts.append(f"{p}={parent}")
        if problem is not None:
            out.keys[name] = None
            out.why[name] = problem
        else:
            out.keys[name] = _digest("\n".join(parts))
    return out


def _value_key(out: Keys, name: str, value: Any, known: Callable[[str, Any], str | None]) -> None:
    key = known(name, value)
    if key is None:
        digest, reason = value_fingerprint(value)
        key = None if digest is None else _digest(f"{_VERSION}\nvalue\n{digest}")
        if reason is not None:
            out.why[name] = reason
    out.keys[name] = key


def value_fingerprint(value: Any) -> tuple[str | None, str | None]:
    """A value's fingerprint; a path to a file also counts the file's size and mtime, so a
    node that reads `path` sees a new file as a new input."""
    digest, reason = fingerprint_or_reason(value)
    if digest is not None and isinstance(value, (str, os.PathLike)):
        try:
            if len(os.fspath(value)) < 4096 and os.path.isfile(value):
                stat = os.stat(value)
                digest = _digest(f"{digest}\nfile {stat.st_size} {stat.st_mtime_ns}")
        except (OSError, TypeError, ValueError):
            pass
    return digest, reason


def _digest(text: str) -> str:
    import hashlib

    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


# -- what a node's code is -----------------------------------------------------------


def code_identity(node: Node) -> list[str]:
    """The node's canonical code fingerprint, its packages' versions and the Python version."""
    fingerprint = node.fingerprint
    versions = [f"{top} {package_version(top)}" for top in sorted(set(fingerprint.packages))]
    return [f"code {fingerprint.digest}", f"python {sys.version.split()[0]}", *versions]


def unknown_code(node: Node) -> str | None:
    """Why the node's code fingerprint cannot be trusted, or None."""
    unknown = node.fingerprint.unknown
    if unknown:
        return "its code depends on something unknown: " + "; ".join(unknown)
    return None


@lru_cache(maxsize=1024)
def package_version(top: str) -> str:
    """`"2.2.1"` for the distribution(s) providing a top-level module; `"local"` for a
    module that no installed distribution provides (the user's own files)."""
    import importlib.metadata as metadata

    names = _distributions().get(top) or [top]
    versions = []
    for name in sorted(set(names)):
        try:
            versions.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            continue
    return "+".join(versions) or "local"


@lru_cache(maxsize=1)
def _distributions() -> Mapping[str, list[str]]:
    import importlib.metadata as metadata

    return metadata.packages_distributions()
