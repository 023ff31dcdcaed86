"""Runs on an Executor: same results as a serial run, overlapping work, same errors."""

from __future__ import annotations

import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

import sideflow
from tests.resources import parallel_work


class Overlap:
    """Hooks that record the most nodes running at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = self.most = 0
        self.ran: list[str] = []

    def before_node(self, name: str) -> None:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)

    def after_node(self, name: str, result: object, seconds: float, error: BaseException | None) -> None:
        with self.lock:
            self.now -= 1
            self.ran.append(name)


@pytest.mark.parametrize("pool", [ThreadPoolExecutor, ProcessPoolExecutor], ids=["threads", "processes"])
def test_executor_gives_the_serial_results(pool) -> None:
    flow = sideflow.Dataflow(parallel_work)
    serial = flow.run(["total", "a"], inputs={"x": 1.0})
    with pool(max_workers=4) as executor:
        assert flow.run(["total", "a"], inputs={"x": 1.0}, executor=executor) == serial


def test_independent_nodes_overlap() -> None:
    flow = sideflow.Dataflow(parallel_work)
    overlap = Overlap()
    with ThreadPoolExecutor(max_workers=4) as executor:
        flow.run("total", inputs={"x": 0.0}, executor=executor, hooks=[overlap])
    assert overlap.most == 4  # a, b, c and d were submitted together
    assert overlap.ran[-1] == "total"


def test_node_error_on_an_executor_names_the_node() -> None:
    flow = sideflow.Dataflow(parallel_work)
    with (
        ThreadPoolExecutor(max_workers=2) as executor,
        pytest.raises(
            sideflow.NodeError,
            match=r"node 'broken' \(function broken, parallel_work.py:\d+\) raised ZeroDivisionError",
        ),
    ):
        flow.run("broken", inputs={"x": 0.0}, executor=executor)
