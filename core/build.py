"""Build a checked graph from sources and config: every problem is collected, then raised once."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .decorators.config import conditions
from .errors import BuildError, Problem
from .expand import expand_function, generated_collision
from .fingerprint import Walker
from .graph import Graph, Input
from .node import Node, function_location, read_node
from .renamed import renamed_functions
from .sources import Source
from .typecheck import describe, is_compatible


@dataclass(frozen=True)
class _Candidate:
    name: str
    func: Callable[..., Any]
    source: Source
    node: Node | None = None  # made by a modifier (read from the function otherwise)

    @property
    def location(self) -> str:
        return function_location(self.func)


def build_graph(
    sources: Sequence[Source], config: Mapping[str, Any], allow_override: bool = False
) -> Graph:
    """The whole build: choose variants, resolve collisions, read nodes, check edges."""
    problems: list[Problem] = [p for source in sources for p in renamed_functions(source)]
    chosen, unmatched = _choose_variants(sources, config, problems)
    winners = _resolve_collisions(chosen, allow_override, problems)
    nodes: dict[str, Node] = {}
    walker = Walker()  # fingerprints are lazy; the nodes of one build share helpers' digests
    for candidate in winners.values():
        if candidate.name in config:
            problems.append(Problem(
                "config", candidate.name, candidate.location,
                f"config key {candidate.name!r} has the same name as function {candidate.name!r}",
                "rename the config key or the function: a name is either computed or given",
            ))
            continue
        if candidate.node is not None:
            nodes[candidate.name] = candidate.node
            continue
        node, found = read_node(candidate.func, candidate.name, candidate.source.label)
        problems.extend(found)
        if node is not None:
            object.__setattr__(node, "_walker", walker)  # not a field: no cost to builds
            nodes[node.name] = node
    # fan-out types exist only once a module imported them (sideflow's or Hamilton's)
    fanout = "sideflow.fanout" in sys.modules or "hamilton.htypes" in sys.modules
    if fanout:
        from .fanout import mark_roles

        collects = mark_roles(nodes)
    inputs = _connect(nodes, winners, config, unmatched, problems)
    graph = Graph(nodes, inputs, unmatched)
    if fanout and any(n.role for n in nodes.values()):
        from .fanout import blocks

        graph.fanouts = blocks(graph, collects, problems)
    if graph.cycle_members:
        cycle = graph.find_cycle()
        path, members = _shown_cycle(cycle)
        where = ", ".join(f"{n} at {nodes[n].location}" for n in members)
        problems.append(Problem(
            "cycle", cycle[0], nodes[cycle[0]].location,
            f"cycle: {path} ({where})",
            "break the cycle: one of these functions must not depend on the others",
        ))
    if problems:
        raise BuildError(problems)
    return graph


_CYCLE_SHOWN = 12  # names shown of a long cycle: the message stays readable at 5,000 nodes


def _shown_cycle(cycle: list[str]) -> tuple[str, list[str]]:
    """The cycle as `a -> b -> ... -> a`, the middle of a long one replaced by a count."""
    members = list(dict.fromkeys(cycle))
    if len(members) <= _CYCLE_SHOWN:
        return " -> ".join(cycle), members
    head, tail = members[: _CYCLE_SHOWN // 2], members[-_CYCLE_SHOWN // 2 :]
    hidden = len(members) - len(head) - len(tail)
    path = " -> ".join([*head, f"... ({hidden} more) ...", *tail, cycle[-1]])
    return path, [*head, *tail]


def _choose_variants(
    sources: Sequence[Source], config: Mapping[str, Any], problems: list[Problem]
) -> tuple[list[_Candidate], dict[str, list[str]]]:
    """Keep the functions whose config conditions hold; remember names with no match."""
    chosen: list[_Candidate] = []
    unmatched: dict[str, list[str]] = {}
    for source in sources:
        by_name: dict[str, list[_Candidate]] = {}
        variants: dict[str, list[str]] = {}
        for func in dict.fromkeys(source.functions):  # the same function twice is one node
            expanded = expand_function(func, config, source.label, problems)
            if expanded is not None:  # a modifier made the nodes (or refused to)
                made, declined = expanded
                for node in made:
                    by_name.setdefault(node.name, []).append(_Candidate(node.name, func, source, node))
                if declined is not None:
                    variants.setdefault(declined[0], []).append(declined[1])
                continue
            when = conditions(func)
            fname = func.__name__
            name = fname.split("__", 1)[0] if when and "__" in fname else fname
            candidate = _Candidate(name, func, source)
            if not when or all(c.matches(config) for c in when):
                by_name.setdefault(name, []).append(candidate)
            else:
                shown = " ".join(c.describe() for c in when)
                variants.setdefault(name, []).append(f"{fname} ({shown}, {candidate.location})")
        for name, candidates in by_name.items():
            # a variant whose condition holds beats the plain function: that one is the default
            conditional = [c for c in candidates if conditions(c.func)]
            pick = conditional or candidates
            if len(pick) > 1 and any(c.node is not None for c in pick):
                problems.append(generated_collision(name, [(c.func, c.node) for c in pick]))
            elif len(pick) > 1:
                both = " and ".join(f"{c.func.__name__} at {c.location}" for c in pick)
                problems.append(Problem(
                    "variant", name, pick[0].location,
                    f"{len(pick)} variants of {name!r} match the config "
                    f"{dict(config)!r}: {both}",
                    "make the @config.when conditions exclusive, so one variant matches",
                ))
            chosen.append(pick[0])
        for name, described in variants.items():
            if name not in by_name:
                unmatched[name] = described
    return chosen, unmatched


def _resolve_collisions(
    chosen: list[_Candidate], allow_override: bool, problems: list[Problem]
) -> dict[str, _Candidate]:
    winners: dict[str, _Candidate] = {}
    for candidate in chosen:
        earlier = winners.get(candidate.name)
        if earlier is not None and earlier.source is not candidate.source and not allow_override:
            problems.append(Problem(
                "collision", candidate.name, candidate.location,
                f"function {candidate.name!r} is defined twice: at {earlier.location} "
                f"({earlier.source.label}) and at {candidate.location} ({candidate.source.label})",
                "rename one of them, or pass allow_override=True to let the later source win",
            ))
            continue
        if earlier is not None:
            del winners[candidate.name]  # re-insert so the overriding source's position counts
        winners[candidate.name] = candidate
    return winners


def _connect(
    nodes: dict[str, Node],
    winners: Mapping[str, _Candidate],
    config: Mapping[str, Any],
    unmatched: Mapping[str, list[str]],
    problems: list[Problem],
) -> dict[str, Input]:
    """Check every edge's types and collect the external inputs with their consumers."""
    consumers: dict[str, list[tuple[str, Any, bool]]] = {}
    for node in nodes.values():
        for param in node.params:
            producer = nodes.get(param.name)
            if producer is not None:
                if not is_compatible(producer.returns, param.annotation):
                    problems.append(Problem(
                        "type", node.name, node.location,
                        f"function {node.name!r} takes {param.name}: {describe(param.annotation)}, "
                        f"but {param.name!r} ({producer.location}) returns "
                        f"{describe(producer.returns)}",
                        "make the annotations agree (rules: see sideflow.typecheck), or change the "
                        "parameter's name if it should be an input",
                    ))
            elif param.name in winners:
                continue  # the producer has its own problem (e.g. no annotations); reported there
            elif param.name in unmatched and param.name not in config:
                variants = "; ".join(unmatched[param.name])
                problems.append(Problem(
                    "variant", node.name, node.location,
                    f"function {node.name!r} needs {param.name!r}, but no variant of it matches "
                    f"the config {dict(config)!r}: {variants}",
                    f"set the config so one variant of {param.name!r} applies, "
                    f"or add a plain `def {param.name}(...)` as the default",
                ))
            else:
                use = (node.name, param.annotation, param.required)
                consumers.setdefault(param.name, []).append(use)
    inputs: dict[str, Input] = {}
    for name, uses in consumers.items():
        _check_agreement(name, uses, nodes, problems)
        required = any(req for _, _, req in uses) and name not in config
        users = tuple(n for n, _, _ in uses)
        inputs[name] = Input(name, uses[0][1], required, users, name in config)
    return inputs


def _check_agreement(
    name: str, uses: list[tuple[str, Any, bool]], nodes: Mapping[str, Node], problems: list[Problem]
) -> None:
    """One input read with types no single value can have (`a: int` and `a: str`)."""
    first_node, first, _ = uses[0]
    for node, annotation, _ in uses[1:]:
        if annotation is first or is_compatible(annotation, first) or is_compatible(first, annotation):
            continue  # the numeric tower holds: `int` in one place and `float` in another is fine
        problems.append(Problem(
            "type", node, nodes[node].location,
            f"input {name!r} is read as {describe(first)} by {first_node!r} "
            f"({nodes[first_node].location}) but as {describe(annotation)} by {node!r} "
            f"({nodes[node].location}): no value can be both",
            "make the annotations agree, or rename one parameter if they are different inputs",
        ))
        return
