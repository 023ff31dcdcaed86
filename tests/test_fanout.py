"""Dynamic fan-out with sideflow's own `Parallel` / `Collect`: one call per item, then a gather."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sideflow import BuildError, Collect, Dataflow, NodeError, Parallel
from sideflow.fanout import FanoutError


def urls(pages: int) -> Parallel[str]:
    for i in range(pages):
        yield f"page-{i}"


def prefix(site: str) -> str:
    return site.upper()


def fetched(urls: str, prefix: str) -> str:
    return f"{prefix}/{urls}"


def size(fetched: str) -> int:
    return len(fetched)


def sizes(size: Collect[int]) -> list[int]:
    return list(size)


FLOW = [urls, prefix, fetched, size, sizes]


def test_each_item_runs_the_block_and_the_collect_gathers_in_order() -> None:
    flow = Dataflow(FLOW)
    assert flow.graph.fanouts == {"sizes": ("urls", ("fetched", "size"), "size")}
    out = flow.run(["sizes", "urls"], inputs={"pages": 3, "site": "ab"})
    assert out == {"sizes": [9, 9, 9], "urls": ["page-0", "page-1", "page-2"]}
    assert flow.nodes["urls"].returns is str and flow.nodes["urls"].role == "expand"


def test_no_items_gives_an_empty_collection() -> None:
    assert Dataflow(FLOW).run("sizes", inputs={"pages": 0, "site": "x"}) == {"sizes": []}


def test_the_items_run_at_the_same_time_on_an_executor() -> None:
    together = threading.Barrier(2, timeout=10)

    def pair(n: int) -> Parallel[int]:
        return [1, 2]

    def waited(pair: int) -> int:
        together.wait()  # only passes if both items run at once
        return pair * 10

    def gathered(waited: Collect[int]) -> int:
        return sum(waited)

    with ThreadPoolExecutor(2) as pool:
        out = Dataflow([pair, waited, gathered]).run("gathered", inputs={"n": 0}, executor=pool)
    assert out == {"gathered": 30}


def test_a_per_item_node_cannot_be_requested_alone() -> None:
    with pytest.raises(FanoutError, match=r"'size' run once per item of a fan-out: request the collect "
                       r"node 'sizes' instead"):
        Dataflow(FLOW).run("size", inputs={"pages": 1, "site": "x"})


def test_an_error_in_one_item_names_the_node() -> None:
    def items() -> Parallel[int]:
        return [1, 0]

    def inverse(items: int) -> float:
        return 1 / items

    def inverses(inverse: Collect[float]) -> list[float]:
        return list(inverse)

    with pytest.raises(NodeError, match=r"node 'inverse' \(function inverse, test_fanout.py:\d+\) raised "
                       r"ZeroDivisionError"):
        Dataflow([items, inverse, inverses]).run("inverses")


def _shapes() -> dict[str, Any]:
    def items() -> Parallel[int]:
        return [1]

    def each(items: int) -> int:
        return items

    def side(each: int) -> int:
        return each

    def gather(each: Collect[int]) -> int:
        return sum(each)

    def alone(x: int) -> int:
        return x

    def orphan(alone: Collect[int]) -> int:
        return sum(alone)

    return locals()


@pytest.mark.parametrize(
    ("names", "pattern"),
    [
        (["alone", "orphan"], r"function 'orphan' collects 'alone', which has no Parallel/Parallelizable "
         r"fan-out upstream"),
        (["items", "each"], r"fan-out 'items' returns Parallel/Parallelizable\[...\] but no Collect\[...\] "
         r"gathers what 'each' compute per item"),
        (["items", "each", "side", "gather"], r"'side' depend on the per-item nodes of 'items' but do not "
         r"lead to its Collect 'gather'"),
    ],
    ids=["collect-without-fan-out", "fan-out-without-collect", "stray-per-item-node"],
)
def test_shapes_that_cannot_run_exactly_are_refused(names: list[str], pattern: str) -> None:
    functions = _shapes()
    with pytest.raises(BuildError, match=pattern):
        Dataflow([functions[n] for n in names])


def test_a_generator_fan_out_is_read_once() -> None:
    def numbers(n: int) -> Parallel[int]:
        yield from range(n)

    def twice(numbers: int) -> int:
        return 2 * numbers

    def total(twice: Collect[int]) -> int:
        return sum(twice)

    out = Dataflow([numbers, twice, total]).run(["total", "numbers"], inputs={"n": 4})
    assert out == {"total": 12, "numbers": [0, 1, 2, 3]}

