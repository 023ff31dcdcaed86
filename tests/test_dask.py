"""Native Dask runs on a real LocalCluster (2 worker processes): same values as a local
run, intermediates stay on the workers, edited code reaches them, errors and
interrupts behave as locally, a dying worker is retried or reported."""

from __future__ import annotations

import _thread
import importlib
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

import dask
import numpy as np
import pandas as pd
import pytest
from distributed import Client, Future

import sideflow
from sideflow.errors import ClusterError, StaleCodeError
from tests.resources import dask_work, parallel_work

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def orders(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 366, n), unit="D"),
        "customer_id": rng.integers(1, 60, n),
        "region": rng.choice(["north", "south", "east", "west"], n),
        "channel": rng.choice(["web", "store", "app"], n),
        "category": rng.choice(["books", "toys", "garden"], n),
        "unit_price": rng.lognormal(3, 0.4, n).round(2),
        "quantity": rng.poisson(1.5, n) + 1,
        "discount_pct": rng.choice([0.0, 0.05, 0.2], n),
        "returned": rng.random(n) < 0.06,
    }).sort_values("order_date", kind="stable", ignore_index=True)


def _assert_same(left: Any, right: Any) -> None:
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right)
    elif isinstance(left, pd.Series):
        pd.testing.assert_series_equal(left, right)
    else:
        assert left == right


def _notebook_case(name: str) -> tuple[sideflow.Dataflow, dict[str, Any]]:
    if name == "features_pandas":
        data = orders()
        return sideflow.Dataflow(str(NOTEBOOKS / "features_pandas.py")), dict(data.items())
    if name == "marketing":
        sys.path.insert(0, str(NOTEBOOKS))
        try:
            weekly = importlib.import_module("marketing_data").weekly_marketing()
        finally:
            sys.path.remove(str(NOTEBOOKS))
        return sideflow.Dataflow(str(NOTEBOOKS / "marketing.py")), dict(weekly.items())
    catalog = pd.DataFrame({"list_price": [12.0, 25.0, 40.0], "unit_cost": [7.0, 14.0, 30.0],
                            "units": [800, 300, 120]})
    flow = sideflow.Dataflow(str(NOTEBOOKS / "pricing.py"), config={"policy": name.split("-")[1]})
    return flow, dict(catalog.items())


@pytest.mark.parametrize("case", ["features_pandas", "marketing", "pricing-flat", "pricing-tiered"])
def test_same_values_as_a_local_run_on_the_notebooks_modules(dask_client: Client, case: str) -> None:
    flow, inputs = _notebook_case(case)
    everything = list(flow.nodes)
    local = flow.run(everything, inputs=inputs)
    on_dask = flow.run(everything, inputs=inputs, executor=dask_client)
    assert list(on_dask) == everything
    for name in everything:
        _assert_same(on_dask[name], local[name])


def test_only_the_requested_outputs_reach_the_client(dask_client: Client, tmp_path: Path) -> None:
    log = tmp_path / "unpickled.log"
    log.touch()
    flow = sideflow.Dataflow(dask_work)
    result = flow.run("summary", inputs={"log": str(log), "size": 2_000_000}, executor=dask_client)
    assert result["summary"].label == "summary"
    workers = set(dask_client.run(os.getpid).values())
    seen = [line.split() for line in log.read_text().splitlines()]
    here = [label for label, pid in seen if int(pid) == os.getpid()]
    assert here == ["summary"]  # big, bigger and other never came to this process
    assert {int(pid) for label, pid in seen if label != "summary"} <= workers
    _wait_until_gone(dask_client, ("big-", "bigger-", "other-"))  # and the cluster frees them


def _wait_until_gone(dask_client: Client, prefixes: tuple[str, ...]) -> None:
    """The dask_client's releases reach the scheduler asynchronously: wait for them (bounded)."""
    scheduler = dask_client.cluster.scheduler
    deadline = time.monotonic() + 5
    while [k for k in scheduler.tasks if str(k).startswith(prefixes)]:
        assert time.monotonic() < deadline, list(scheduler.tasks)
        time.sleep(0.05)


def test_hooks_see_each_node_as_it_finishes(dask_client: Client) -> None:
    events: list[tuple[str, str, float, Any]] = []

    class Record:
        def before_node(self, name: str) -> None:
            events.append(("start", name, time.perf_counter(), None))

        def after_node(self, name: str, result: Any, seconds: float, error: BaseException | None) -> None:
            events.append(("done", name, time.perf_counter(), result))

    flow = sideflow.Dataflow(dask_work)
    started = time.perf_counter()
    out = flow.run("joined", inputs={"seconds": 1.0}, executor=dask_client, hooks=[Record()])
    ended = time.perf_counter()
    assert out == {"joined": 0.0}
    done = {name: (at, result) for kind, name, at, result in events if kind == "done"}
    assert set(done) == {"slow", "fast", "joined"}
    assert done["fast"][0] - started < 0.6 < ended - done["fast"][0]  # live, not at the end
    assert isinstance(done["slow"][1], Future) and done["joined"][1] == 0.0
    order = [(kind, name) for kind, name, _, _ in events]
    assert order.index(("start", "joined")) > order.index(("done", "slow"))


def test_a_node_raising_on_a_worker_is_the_local_node_error(dask_client: Client) -> None:
    flow = sideflow.Dataflow(parallel_work)
    with pytest.raises(sideflow.NodeError) as local:
        flow.run("broken", inputs={"x": 1.0})
    with pytest.raises(sideflow.NodeError) as remote:
        flow.run("broken", inputs={"x": 1.0}, executor=dask_client)
    assert str(remote.value) == str(local.value)
    assert (remote.value.node, remote.value.location) == ("broken", local.value.location)
    assert type(remote.value.__cause__) is ZeroDivisionError
    frame = remote.value.__cause__.__traceback__.tb_frame  # the user's frame comes first
    assert (frame.f_code.co_name, frame.f_code.co_filename) == ("broken", parallel_work.__file__)


def test_an_edited_side_module_runs_its_new_code_on_the_workers(dask_client: Client, tmp_path: Path) -> None:
    # the folder is not importable by the workers: the code must travel by value
    (tmp_path / "dask_edit_helpers.py").write_text("def bump(x):\n    return x + 1\n")
    side = tmp_path / "dask_edit_side.py"
    side.write_text("from dask_edit_helpers import bump\n\ndef y(x: int) -> int:\n    return bump(x) * 10\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert sideflow.Dataflow(str(side)).run("y", inputs={"x": 1}, executor=dask_client) == {"y": 20}
        (tmp_path / "dask_edit_helpers.py").write_text("def bump(x):\n    return x + 2\n")
        importlib.reload(sys.modules["dask_edit_helpers"])
        assert sideflow.Dataflow(str(side)).run("y", inputs={"x": 1}, executor=dask_client) == {"y": 30}
        side.write_text("from dask_edit_helpers import bump\n\ndef y(x: int) -> int:\n    return -bump(x)\n")
        assert sideflow.Dataflow(str(side)).run("y", inputs={"x": 1}, executor=dask_client) == {"y": -3}
    finally:
        sys.path.remove(str(tmp_path))


def test_a_worker_with_stale_code_is_refused(
    dask_client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A module installed on the workers (shipped by reference) that they imported before an edit."""
    module = tmp_path / "dask_installed_mod.py"
    module.write_text("def y(x: int) -> int:\n    return x + 1\n")
    _pretend_installed(monkeypatch, "dask_installed_mod")
    monkeypatch.syspath_prepend(str(tmp_path))
    dask_client.run(exec, f"import sys; sys.path.insert(0, {str(tmp_path)!r})")
    try:
        imported = importlib.import_module("dask_installed_mod")
        assert sideflow.Dataflow(imported).run("y", inputs={"x": 1}, executor=dask_client) == {"y": 2}
        dask_client.run(importlib.import_module, "dask_installed_mod")  # every worker has the old one
        module.write_text("def y(x: int) -> int:\n    return x + 5\n")
        importlib.reload(imported)
        with pytest.raises(StaleCodeError, match=r"node 'y' \(dask_installed_mod.py:1\): the worker's code"):
            sideflow.Dataflow(imported).run("y", inputs={"x": 1}, executor=dask_client)
    finally:
        dask_client.run(exec, f"import sys; sys.path.remove({str(tmp_path)!r})")


def test_a_worker_dying_mid_run_is_retried_by_dask(dask_client: Client, tmp_path: Path) -> None:
    marker = tmp_path / "died"
    flow = sideflow.Dataflow(dask_work)
    out = flow.run("after_death", inputs={"marker": str(marker)}, executor=dask_client)
    assert out == {"after_death": "survived"}
    assert marker.exists()  # the first attempt did kill its worker


def test_a_node_that_kills_every_worker_is_reported(dask_client: Client, tmp_path: Path) -> None:
    flow = sideflow.Dataflow(dask_work)
    started = time.monotonic()
    with pytest.raises(ClusterError, match=r"node 'always_dies' \(dask_work.py:\d+\): every worker"):
        flow.run("always_dies", inputs={"marker": str(tmp_path)}, executor=dask_client)
    assert time.monotonic() - started < 30


def test_an_interrupt_cancels_the_clusters_tasks(dask_client: Client) -> None:
    flow = sideflow.Dataflow(dask_work)
    told: dict[str, BaseException | None] = {}

    class Record:
        def before_node(self, name: str) -> None:
            pass

        def after_node(self, name: str, result: Any, seconds: float, error: BaseException | None) -> None:
            told[name] = error

    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        flow.run("after_slow", inputs={"seconds": 2.0}, executor=dask_client, hooks=[Record()])
    assert time.monotonic() - started < 1.5
    _wait_until_gone(dask_client, ("slow-", "after_slow-"))
    # as in a local run: the node in flight is told it was interrupted; the one after never ran
    assert list(told) == ["slow"] and isinstance(told["slow"], sideflow.NodeError)
    assert isinstance(told["slow"].original, KeyboardInterrupt)


def test_return_checks_run_on_the_workers(dask_client: Client, tmp_path: Path) -> None:
    side = tmp_path / "dask_returns.py"
    side.write_text("def count(x: int) -> int:\n    return str(x)\n")
    flow = sideflow.Dataflow(str(side), check_outputs=True)
    with pytest.raises(sideflow.NodeError) as local:
        flow.run("count", inputs={"x": 1})
    with pytest.raises(sideflow.NodeError) as remote:
        flow.run("count", inputs={"x": 1}, executor=dask_client)
    assert str(remote.value) == str(local.value)
    assert "returned str, but its annotation declares -> int" in str(remote.value)


def test_dask_collections_pass_unchanged_and_give_the_pandas_results(dask_client: Client) -> None:
    import dask.dataframe as dd

    data = orders()
    flow = sideflow.Dataflow(str(NOTEBOOKS / "features_scale.py"))
    outputs = ["revenue_by_region", "large_orders_by_month", "kept_revenue", "price_score"]
    local = flow.run(outputs, inputs={**dict(data.items()), "rounds": 100})
    frame = dd.from_pandas(data, npartitions=3)
    columns = {c: frame[c] for c in frame.columns}
    lazy = flow.run(outputs, inputs={**columns, "rounds": 100}, executor=dask_client)
    assert all(dask.is_dask_collection(lazy[n]) for n in outputs[:3])  # lazy, as Dask users expect
    assert lazy["price_score"] == local["price_score"]  # reads no collection: a cluster task
    (computed,) = dask.compute(lazy)
    for name in outputs[:3]:  # partial sums add in another order; Dask's text is pyarrow strings
        pd.testing.assert_series_equal(computed[name].sort_index(), local[name].sort_index(),
                                       rtol=1e-12, check_index_type=False)


def test_a_dask_collection_checks_as_its_partitions_type(dask_client: Client) -> None:
    import dask.dataframe as dd

    flow = sideflow.Dataflow(str(NOTEBOOKS / "features_scale.py"))
    frame = dd.from_pandas(pd.DataFrame({"order_date": [1, 2]}), npartitions=1)
    with pytest.raises(sideflow.InputTypeError, match="'order_date' is DataFrame, but 'order_month'"):
        flow.run("order_month", inputs={"order_date": frame.order_date.astype(str).to_frame()},
                 executor=dask_client)


def test_a_worker_that_cannot_load_a_function_says_so(
    dask_client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An "installed" module (shipped by name) that the workers do not have."""
    (tmp_path / "dask_missing_mod.py").write_text("def y(x: int) -> int:\n    return x + 1\n")
    _pretend_installed(monkeypatch, "dask_missing_mod")
    monkeypatch.syspath_prepend(str(tmp_path))
    flow = sideflow.Dataflow(importlib.import_module("dask_missing_mod"))
    with pytest.raises(ClusterError, match=r"node 'y' \(dask_missing_mod.py:1\): the worker cannot load "
                                           r"its function \(ModuleNotFoundError"):
        flow.run("y", inputs={"x": 1}, executor=dask_client)


def _pretend_installed(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Ship this module by name, as an installed package would be."""
    from sideflow import dask_ship

    shipped = dask_ship.ships_by_value
    monkeypatch.setattr(dask_ship, "ships_by_value", lambda mod: mod.__name__ != name and shipped(mod))


def test_scattered_inputs_are_read_on_the_cluster_or_fetched_for_a_local_run(dask_client: Client) -> None:
    flow, inputs = _notebook_case("marketing")
    local = flow.run(["blended_cost_per_signup", "spend_zscore"], inputs=inputs)
    scattered = dask_client.scatter(inputs)  # the user's own futures, already on the workers
    for executor in (dask_client, None):
        out = flow.run(["blended_cost_per_signup", "spend_zscore"], inputs=scattered, executor=executor)
        assert out["blended_cost_per_signup"] == local["blended_cost_per_signup"]
        pd.testing.assert_series_equal(out["spend_zscore"], local["spend_zscore"])


def test_same_values_as_hamiltons_dask_adapter(dask_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from hamilton import base, driver
    from hamilton.plugins import h_dask

    monkeypatch.syspath_prepend(str(NOTEBOOKS))  # Hamilton pickles functions by name
    dask_client.run(exec, f"import sys; sys.path.insert(0, {str(NOTEBOOKS)!r})")
    try:
        flow, inputs = _notebook_case("features_pandas")
        module = importlib.import_module("features_pandas")
        adapter = h_dask.DaskGraphAdapter(dask_client, base.DictResult(), use_delayed=True)
        names = list(flow.nodes)
        theirs = driver.Driver({}, module, adapter=adapter).execute(names, inputs=inputs)
        ours = sideflow.Dataflow(module).run(names, inputs=inputs, executor=dask_client)
        for name in names:
            _assert_same(ours[name], theirs[name])
    finally:
        dask_client.run(exec, f"import sys; sys.path.remove({str(NOTEBOOKS)!r})")


def test_a_large_input_is_sent_once_and_again_after_an_edit(dask_client: Client, tmp_path: Path) -> None:
    log = tmp_path / "unpickled.log"
    log.touch()
    blob = dask_work.Payload("input", os.urandom(300_000), str(log))
    flow = sideflow.Dataflow(dask_work)

    def on_workers() -> int:  # unpickled there (the client's own are dask's tokenizer checking)
        return sum(1 for line in log.read_text().splitlines() if int(line.split()[1]) != os.getpid())

    def run_and_count() -> tuple[int, int]:
        before = on_workers()
        out = flow.run("measured", inputs={"blob": blob}, executor=dask_client)["measured"]
        return out, on_workers() - before

    assert run_and_count()[0] == 300_000
    assert run_and_count() == (300_000, 0)  # still on the cluster: not sent again
    blob.data = os.urandom(200_000)  # edited in place: another content, sent again
    out, sent = run_and_count()
    assert out == 200_000 and sent >= 1


def test_a_function_that_cannot_be_sent_says_why(dask_client: Client, tmp_path: Path) -> None:
    side = tmp_path / "dask_locked.py"
    side.write_text("import threading\n\nLOCK = threading.Lock()\n\n"
                    "def guarded(x: int) -> int:\n    with LOCK:\n        return x\n")
    flow = sideflow.Dataflow(str(side))
    with pytest.raises(ClusterError, match=r"node 'guarded' \(dask_locked.py:5\): its function cannot be "
                                           r"sent to the workers \(TypeError: cannot pickle"):
        flow.run("guarded", inputs={"x": 1}, executor=dask_client)
    assert flow.run("guarded", inputs={"x": 1}) == {"guarded": 1}  # locally it runs as before


def test_a_fan_out_runs_on_the_cluster_with_the_local_values(dask_client: Client) -> None:
    from tests.resources import dask_fanout

    flow = sideflow.Dataflow(dask_fanout)
    local = flow.run("total", inputs={"count": 5})
    assert flow.run("total", inputs={"count": 5}, executor=dask_client) == local == {"total": 30}
