"""The widget's layered layout: valid (ranks follow edges, no overlaps) and stable across edits."""

from __future__ import annotations

import itertools
import math
import random

import pytest

from sideflow.geometry import BOX_HEIGHT
from sideflow.layered import GAP, _spread, layered_layout


def feature_graph(n: int, seed: int = 7) -> tuple[list[str], list[tuple[str, str]]]:
    """A feature-engineering-like DAG: 4 raw inputs, each feature reads 1-3 earlier names."""
    rng = random.Random(seed)
    names = ["spend", "signups", "clicks", "price"]
    edges = []
    for i in range(n):
        name = f"feature_{i}"
        for parent in rng.sample(names[-40:], k=min(len(names), rng.randint(1, 3))):
            edges.append((parent, name))
        names.append(name)
    return names, edges


def moved_less_than_a_box(before, after) -> float:
    common = [n for n in before.boxes if n in after.boxes]
    still = [n for n in common if math.dist((before.boxes[n].x, before.boxes[n].y),
                                            (after.boxes[n].x, after.boxes[n].y)) < BOX_HEIGHT]
    return len(still) / len(common)


def add(names, edges):
    middle = names[len(names) // 2]
    return [*names, "new_feature"], [*edges, (middle, "new_feature"), (names[5], "new_feature")]


def remove(names, edges):
    gone = names[len(names) // 2]
    return [n for n in names if n != gone], [(a, b) for a, b in edges if gone not in (a, b)]


def rename(names, edges):
    old = names[len(names) // 2]
    new = "renamed_" + old
    return ([new if n == old else n for n in names],
            [(new if a == old else a, new if b == old else b) for a, b in edges])


@pytest.mark.parametrize("edit", [add, remove, rename], ids=["add", "remove", "rename"])
@pytest.mark.parametrize("size", [19, 200, 500])
@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_one_edit_moves_few_nodes(edit, size, rankdir) -> None:
    if rankdir == "LR" and edit is rename:
        pytest.skip("LR ranks are as thick as their widest label: a longer name pushes later ranks")
    names, edges = feature_graph(size)
    before = layered_layout(names, edges, rankdir)
    names2, edges2 = edit(names, edges)
    after = layered_layout(names2, edges2, rankdir, before.seats)
    assert moved_less_than_a_box(before, after) >= 0.9
    assert_valid(after, names2, edges2, rankdir)


@pytest.mark.parametrize("rankdir", ["TB", "LR"])
def test_a_first_layout_is_valid(rankdir) -> None:
    names, edges = feature_graph(300)
    assert_valid(layered_layout(names, edges, rankdir), names, edges, rankdir)


def test_same_input_same_layout() -> None:
    names, edges = feature_graph(100)
    first = layered_layout(names, edges)
    assert layered_layout(names, edges) == first
    again = layered_layout(names, edges, previous=first.seats)  # no edit: nothing moves
    assert all(math.dist((b.x, b.y), (again.boxes[n].x, again.boxes[n].y)) < 0.1
               for n, b in first.boxes.items())


def test_spread_keeps_order_and_gaps_with_least_movement() -> None:
    assert _spread([0.0, 0.0], [60.0, 60.0]) == [-39.0, 39.0]  # split the overlap evenly
    assert _spread([0.0, 500.0], [60.0, 60.0]) == [0.0, 500.0]  # no overlap: untouched
    rng = random.Random(1)
    wanted = sorted(rng.uniform(0, 300) for _ in range(40))
    widths = [rng.uniform(60, 200) for _ in range(40)]
    placed = _spread(wanted, widths)
    for i in range(1, 40):
        assert placed[i] - placed[i - 1] >= (widths[i] + widths[i - 1]) / 2 + GAP - 1e-6


def assert_valid(placed, names, edges, rankdir) -> None:
    depth = (lambda b: b.y) if rankdir == "TB" else (lambda b: b.x)
    for tail, head in edges:
        assert depth(placed.boxes[tail]) < depth(placed.boxes[head]), (tail, head)
    rows: dict[float, list] = {}
    for box in placed.boxes.values():
        rows.setdefault(depth(box), []).append(box)
    for row in rows.values():
        if rankdir == "TB":
            spans = sorted((b.x - b.width / 2, b.x + b.width / 2) for b in row)
        else:
            spans = sorted((b.y - b.height / 2, b.y + b.height / 2) for b in row)
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end - 1e-6
    assert set(placed.boxes) == set(names)
