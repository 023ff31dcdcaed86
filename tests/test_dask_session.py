"""The notebook session on a real Dask cluster: runs and clicks on its executor, live
states from the cluster, edits reaching the workers, `%dataflow --executor`."""

from __future__ import annotations

import os
import re
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client, Future

from sideflow.extension import Session
from tests.ipython_shell import Shell, make_shell

MODULE = '''
import os
import time

def pid(x: int) -> int:
    return os.getpid()

def slow(x: int) -> int:
    time.sleep(0.8)
    return x * 10

def fast(x: int) -> int:
    return x + 1

def total(slow: int, fast: int) -> int:
    return slow + fast
'''


@pytest.fixture
def session(tmp_path: Path, dask_client: Client) -> Session:
    (tmp_path / "dask_side.py").write_text(textwrap.dedent(MODULE))
    return Session(["dask_side.py"], inputs={"x": 2}, cwd=tmp_path, printer=lambda _: None,
                   executor=dask_client)


def click(session: Session, name: str) -> dict[str, Any]:
    session.widget._handle_custom_msg({"type": "run", "node": name}, [])
    return session.widget.preview


def test_clicks_and_runs_use_the_sessions_cluster(session: Session, dask_client: Client) -> None:
    workers = set(dask_client.run(os.getpid).values())
    preview = click(session, "pid")
    assert preview["status"] == "fresh"
    assert session.results["pid"] in workers and session.results["pid"] != os.getpid()
    assert session.run("total") == {"total": 23}
    assert isinstance(session.results["slow"], Future)  # kept on the workers, not fetched
    assert session.results["total"] == 23
    assert {session.states[n] for n in ("slow", "fast", "total")} == {"fresh"}


def test_widget_states_are_live_during_a_cluster_run(session: Session, monkeypatch) -> None:
    widget = session.widget
    seen: list[dict[str, str]] = []
    update = widget.update

    def record(**changes: Any) -> None:
        if "states" in changes:
            seen.append(dict(changes["states"]))
        update(**changes)

    monkeypatch.setattr(widget, "update", record)
    session.run("total")
    assert any(s["slow"] == "running" and s["fast"] == "fresh" for s in seen)  # fast done first
    assert seen[-1]["total"] == "fresh"


def test_an_edit_reaches_the_workers_and_fresh_futures_are_reused(session: Session, tmp_path: Path) -> None:
    assert session.run("total") == {"total": 23}
    source = (tmp_path / "dask_side.py").read_text().replace("return x + 1", "return x + 100")
    (tmp_path / "dask_side.py").write_text(source)
    session.check()  # what runs before each notebook cell
    assert session.states["fast"] == "stale" and session.states["slow"] == "fresh"
    started = time.perf_counter()
    assert session.run("total") == {"total": 122}
    assert time.perf_counter() - started < 0.7  # slow (0.8 s) was reused from the workers
    assert session.last_ran == ["fast", "total"]


def test_a_local_run_fetches_values_kept_on_the_cluster(session: Session, tmp_path: Path) -> None:
    session.run("total")
    assert isinstance(session.results["slow"], Future)
    source = (tmp_path / "dask_side.py").read_text().replace("return slow + fast", "return slow - fast")
    (tmp_path / "dask_side.py").write_text(source)
    session.check()
    session.executor = None  # total runs here, reading slow and fast from the cluster
    assert session.run("total") == {"total": 17}
    assert session.last_ran == ["total"]


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    yield from make_shell(tmp_path)


def test_dataflow_magic_takes_an_executor_variable(shell: Shell, dask_client: Client) -> None:
    shell.write("dask_side.py", MODULE)
    shell.ns["client"] = dask_client
    shell.ok("%dataflow dask_side.py --executor client --no-widget")
    assert shell.ns["flow"].executor is dask_client
    shell.ok("flow.inputs['x'] = 1")
    out = shell.ok("%dataflow --run total")
    assert "ran: slow, fast, total" in out or "ran: fast, slow, total" in out
    shell.ns["pool"] = 3
    out, result = shell.run("%dataflow --executor pool")
    assert not result.success and "--executor: 'pool' is a int; give a Dask Client" in out
    out, result = shell.run("%dataflow --executor nothing")
    assert not result.success and "no variable named 'nothing'" in out


def test_a_click_on_a_node_failing_on_a_worker_shows_the_users_frame(
    session: Session, tmp_path: Path
) -> None:
    source = (tmp_path / "dask_side.py").read_text().replace("return x + 1", "return x / 0")
    (tmp_path / "dask_side.py").write_text(source)
    preview = click(session, "fast")
    assert preview["status"] == "error" and session.states["fast"] == "error"
    assert "ZeroDivisionError" in preview["summary"] and "dask_side.py:12" in preview["summary"]
    assert "return x / 0" in preview["html"]  # the user's line, read from the notebook's file


def test_values_lost_with_their_client_are_recomputed(tmp_path: Path, dask_cluster: Any) -> None:
    (tmp_path / "dask_side.py").write_text(textwrap.dedent(MODULE))
    first = Client(dask_cluster)
    session = Session(["dask_side.py"], inputs={"x": 2}, cwd=tmp_path, printer=lambda _: None,
                      executor=first)
    session.run("total")
    first.close()  # the notebook restarted its client: the cluster dropped the kept values
    with Client(dask_cluster) as second:
        session.executor = second
        assert session.run(["total", "slow"]) == {"total": 23, "slow": 20}
        assert {"slow", "fast"} <= set(session.last_ran)  # lost with the first client: recomputed
        assert session.results["fast"].client is second


def test_dataflow_cells_run_on_the_cluster_with_their_frames(shell: Shell, dask_client: Client) -> None:
    shell.write("dask_side.py", MODULE)
    shell.ns["client"] = dask_client
    shell.ok("%dataflow dask_side.py --executor client --no-widget\nflow.inputs['x'] = 1")
    shell.ok("%%dataflow\ndef remote_pid(fast: int) -> int:\n    import os\n    return os.getpid()\n")
    shell.ok("pid = flow.run('remote_pid')['remote_pid']")
    assert shell.ns["pid"] in dask_client.run(os.getpid).values()
    shell.ok("%%dataflow\ndef broken(fast: int) -> float:\n    return fast / 0\n")
    out, result = shell.run("flow.run('broken')")
    assert not result.success
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # IPython colours the traceback
    assert "NodeError: node 'broken' (function broken, <dataflow In [" in plain
    assert "return fast / 0" in plain  # the cell's own line, first in the traceback
