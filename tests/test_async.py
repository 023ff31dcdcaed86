"""`async def` nodes: awaited, also inside a running event loop; independent ones overlap."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sideflow import Dataflow, NodeError


async def fetched(x: int) -> int:
    await asyncio.sleep(0)
    return x + 1


def doubled(fetched: int) -> int:
    return fetched * 2


def test_an_async_node_gives_its_value_not_a_coroutine() -> None:
    flow = Dataflow([fetched, doubled])
    assert flow.run(["fetched", "doubled"], inputs={"x": 1}) == {"fetched": 2, "doubled": 4}
    assert flow.nodes["fetched"].location.startswith("test_async.py:")


def test_async_nodes_run_inside_a_running_event_loop() -> None:
    """As in a notebook, where the kernel's loop runs while a cell calls `flow.run`."""
    flow = Dataflow([fetched, doubled])

    async def cell() -> dict[str, int]:
        return flow.run("doubled", inputs={"x": 5})

    assert asyncio.run(cell()) == {"doubled": 12}


def test_an_async_node_that_raises_is_a_node_error() -> None:
    async def broken(x: int) -> int:
        await asyncio.sleep(0)
        raise ValueError(f"bad {x}")

    with pytest.raises(NodeError, match=r"node 'broken' \(function broken, test_async.py:\d+\) raised "
                       r"ValueError: bad 3"):
        Dataflow([broken]).run("broken", inputs={"x": 3})


def test_independent_async_nodes_overlap_on_an_executor() -> None:
    both = threading.Barrier(2, timeout=10)  # passes only if the two run at the same time

    async def left(x: int) -> int:
        await asyncio.to_thread(both.wait)
        return x

    async def right(x: int) -> int:
        await asyncio.to_thread(both.wait)
        return -x

    flow = Dataflow([left, right])
    with ThreadPoolExecutor(2) as pool:
        assert flow.run(["left", "right"], inputs={"x": 4}, executor=pool) == {"left": 4, "right": -4}


ASYNC_SIDE = '''
import asyncio

async def fetched(x: int) -> int:
    await asyncio.sleep(0.01)
    return x + 1

def doubled(fetched: int) -> int:
    return fetched * 2
'''


def test_async_nodes_run_in_a_real_kernel_whose_loop_is_running(tmp_path: Path) -> None:
    """ipykernel runs cells inside its event loop: `asyncio.run` alone would refuse there."""
    pytest.importorskip("ipykernel")
    from tests.reliability.kernel import Kernel

    (tmp_path / "async_side.py").write_text(ASYNC_SIDE)
    kernel = Kernel(tmp_path)
    try:
        out, status = kernel.run("%load_ext sideflow\n%dataflow async_side.py --no-widget\n"
                                 "import asyncio\nprint(asyncio.get_event_loop().is_running())\n"
                                 "print(flow.run(['doubled'], inputs={'x': 4}))")
        assert status == "ok", out
        assert "True" in out and "{'doubled': 10}" in out
    finally:
        kernel.close()
