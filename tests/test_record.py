"""Run records: run.json against the real state (Git, packages, inputs), dag.svg, diff."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sideflow
from sideflow.record import RecordWarning, read_record

SIDEFLOW = Path(sys.executable).with_name("sideflow")

MODULE = '''\
import pandas as pd

RATE = 2


def doubled(x: pd.Series) -> pd.Series:
    return x * RATE


def total(doubled: pd.Series, bonus: float = 0.0) -> float:
    return float(doubled.sum()) + bonus


def unused(x: pd.Series) -> int:
    return len(x)


def fails(total: float) -> float:
    raise ValueError("no good")
'''


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"})
    return done.stdout.strip()


def only_run(directory: Path) -> Path:
    runs = sorted(directory.iterdir())
    assert len(runs) == 1, runs
    return runs[0]


def sideflow_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SIDEFLOW), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture
def module(tmp_path: Path) -> Path:
    path = tmp_path / "weekly.py"
    path.write_text(MODULE)
    return path


def load(path: Path, **options: Any) -> sideflow.Dataflow:
    return sideflow.Dataflow(path, **options)


def test_dataflow_run_writes_a_record(module: Path, tmp_path: Path) -> None:
    flow = load(module)
    x = pd.Series([1.0, 2.0])
    results = flow.run("total", inputs={"x": x}, record=tmp_path / "runs")
    assert results == {"total": 6.0}
    folder = only_run(tmp_path / "runs")
    record = read_record(folder)
    assert record["status"] == "ok" and record["error"] is None
    assert record["outputs"] == ["total"]
    assert record["python"] == sys.version.split()[0] and record["sideflow"] == sideflow.__version__
    assert record["packages"]["pandas"] == pd.__version__
    assert {n: e["status"] for n, e in record["nodes"].items()} == {
        "doubled": "ran", "total": "ran", "unused": "not needed", "fails": "not needed"}
    assert record["nodes"]["doubled"]["code"] == flow.nodes["doubled"].code_hash
    assert record["nodes"]["doubled"]["location"] == "weekly.py:6"
    assert record["nodes"]["total"]["seconds"] >= 0
    assert list(record["inputs"]) == ["x"]
    assert record["inputs"]["x"]["type"] == "pandas.Series"
    from sideflow.datahash import fingerprint_value

    assert record["inputs"]["x"]["fingerprint"] == fingerprint_value(x)
    assert record["results"] == {"total": {"type": "float", "fingerprint": fingerprint_value(6.0)}}
    assert record["sources"][0]["sha256"] == hashlib.sha256(module.read_bytes()).hexdigest()
    assert record["started"] <= record["ended"]
    assert record["host"]["python"] == sys.version.split()[0]
    svg = (folder / "dag.svg").read_text()
    assert svg.count("sf-status-ran") == 2 and svg.count("sf-status-not-needed") == 2
    assert ">not needed</text>" in svg and svg.count('">ran ') == 2  # status and duration under the name


def test_input_fingerprints_follow_content(module: Path, tmp_path: Path) -> None:
    flow = load(module)
    for values in ([1.0, 2.0], [1.0, 2.0], [1.0, 3.0]):
        flow.run("total", inputs={"x": pd.Series(values)}, record=tmp_path / "runs")
    runs = sorted((tmp_path / "runs").iterdir())  # names sort in run order
    prints = [read_record(r)["inputs"]["x"]["fingerprint"] for r in runs]
    assert prints[0] is not None and len(set(prints)) == 2
    assert prints.count(prints[2]) == 1


def test_overrides_are_given_and_their_upstream_not_needed(module: Path, tmp_path: Path) -> None:
    flow = load(module)
    flow.run("total", overrides={"doubled": pd.Series([5.0])}, record=tmp_path / "runs")
    record = read_record(only_run(tmp_path / "runs"))
    assert record["nodes"]["doubled"]["status"] == "given"
    assert record["nodes"]["total"]["status"] == "ran"
    assert list(record["overrides"]) == ["doubled"] and record["inputs"] == {}


def test_a_failed_run_is_recorded_and_still_raises(module: Path, tmp_path: Path) -> None:
    flow = load(module)
    with pytest.raises(sideflow.NodeError):
        flow.run("fails", inputs={"x": pd.Series([1.0])}, record=tmp_path / "runs")
    record = read_record(only_run(tmp_path / "runs"))
    assert record["status"] == "error" and "node 'fails'" in record["error"]
    assert record["nodes"]["fails"]["status"] == "error"
    assert record["nodes"]["fails"]["error"] == "ValueError: no good"
    assert record["nodes"]["total"]["status"] == "ran"
    svg = (only_run(tmp_path / "runs") / "dag.svg").read_text()
    assert svg.count("sf-status-error") == 1 and "error: ValueError: no good" in svg


def test_an_unwritable_record_warns_and_keeps_the_result(module: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    flow = load(module)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = flow.run("total", inputs={"x": pd.Series([1.0])}, record=blocker / "runs")
    assert results == {"total": 2.0}
    assert [w.category for w in caught] == [RecordWarning]
    assert "run record not written" in str(caught[0].message)


def test_session_records_its_last_run(module: Path, tmp_path: Path) -> None:
    from sideflow.extension.session import Session

    session = Session([str(module)], inputs={"x": pd.Series([1.0, 2.0])}, cwd=tmp_path,
                      printer=lambda _: None)
    with pytest.raises(sideflow.DataflowError, match="nothing to record yet"):
        session.record(tmp_path / "runs")
    session.run(["doubled"])
    session.run(["total"])
    folder = session.record(tmp_path / "runs")
    record = read_record(folder)
    assert {n: e["status"] for n, e in record["nodes"].items()} == {
        "doubled": "reused", "total": "ran", "unused": "not needed", "fails": "not needed"}
    assert record["call"] == "flow.run" and record["outputs"] == ["total"]
    assert list(record["inputs"]) == []  # only `doubled` read x, and it was reused
    assert "reused" in (folder / "dag.svg").read_text()
    with pytest.raises(sideflow.UnknownOutputError):
        session.run(["unusd"], record=tmp_path / "direct")
    assert session.last_run is not None and session.last_run.outputs == ("total",)  # refused: unchanged
    assert not (tmp_path / "direct").exists()
    session.run(["unused"], record=tmp_path / "direct")
    direct = read_record(only_run(tmp_path / "direct"))
    assert direct["nodes"]["unused"]["status"] == "ran" and list(direct["inputs"]) == ["x"]


def test_cli_record_in_a_git_repository_clean_then_dirty(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "weekly.py").write_text(MODULE)
    (repo / "helpers.py").write_text("def scale(v: float) -> float:\n    return v\n")
    pd.DataFrame({"x": [1.0, 2.0, 3.0]}).to_csv(repo / "data.csv", index=False)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first")
    head = git(repo, "rev-parse", "HEAD")

    done = sideflow_cli("run", "weekly.py", "-o", "total", "-i", "data.csv", "--record", "runs", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["total", "12.0"]
    clean = read_record(only_run(repo / "runs"))
    (state,) = clean["git"]
    assert state["root"] == str(repo.resolve()) and state["commit"] == head and state["branch"] == "main"
    # the record folder itself is untracked, but written after the Git state is read
    assert state["dirty"] is False and state["dirty_files"] == {}
    assert clean["call"] == "sideflow run weekly.py -o total -i data.csv --record runs"
    assert clean["inputs"]["x"]["type"] == "pandas.Series"

    (repo / "weekly.py").write_text(MODULE.replace("RATE = 2", "RATE = 3"))
    (repo / "new_notes.txt").write_text("untracked\n")
    git(repo, "rm", "-q", "helpers.py")
    done = sideflow_cli("run", "weekly.py", "-o", "total", "-i", "data.csv", "--record", "runs", cwd=repo)
    assert done.returncode == 0, done.stderr
    first_run, second_run = sorted((repo / "runs").iterdir())
    dirty = read_record(second_run)
    (state,) = dirty["git"]
    assert state["commit"] == head and state["dirty"] is True
    porcelain = git(repo, "status", "--porcelain", "--untracked-files=all")
    listed = {line[3:] for line in porcelain.splitlines() if not line[3:].startswith("runs/")}
    assert set(state["dirty_files"]) == listed == {"weekly.py", "new_notes.txt", "helpers.py"}
    assert state["dirty_files"]["weekly.py"]["sha256"] == hashlib.sha256(
        (repo / "weekly.py").read_bytes()).hexdigest()
    assert state["dirty_files"]["new_notes.txt"]["status"] == "??"
    assert state["dirty_files"]["helpers.py"] == {"status": "D.", "sha256": None, "note": "deleted"}

    compared = sideflow_cli("diff", str(first_run), str(second_run), cwd=repo)
    assert compared.returncode == 1, compared.stderr
    assert "doubled (weekly.py:6): code changed: value weekly.RATE" in compared.stdout
    assert f"{repo.resolve()}: clean -> dirty" in compared.stdout
    assert "sources:\n  weekly.py: file content changed\n" in compared.stdout


def test_cli_record_not_writable_still_completes(module: Path, tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    (tmp_path / "data.json").write_text(json.dumps({"bonus": 1.5}))
    pd.DataFrame({"x": [1.0]}).to_csv(tmp_path / "x.csv", index=False)
    done = sideflow_cli("run", "weekly.py", "-o", "total", "-i", "x.csv", "-i", "data.json", "--out",
                        "out.json", "--record", "blocker/runs", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "out.json").read_text()) == {"total": 3.5}
    assert "sideflow: warning: run record not written to blocker/runs" in done.stderr
    assert "(the run itself completed)" in done.stderr


def test_cli_diff_says_what_differed(module: Path, tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"spend": 1, "signups": 2}))
    (tmp_path / "b.json").write_text(json.dumps({"spend": 1, "signups": 4}))
    source = tmp_path / "ratios.py"
    source.write_text("def ratio(spend: float, signups: float, scale: float = 1.0) -> float:\n"
                      "    return spend / signups * scale\n")
    for name, data, scale in (("a", "a.json", "1"), ("b", "b.json", "3"), ("c", "a.json", "1")):
        done = sideflow_cli("run", "ratios.py", "-o", "ratio", "-i", data, "--config", f"scale={scale}",
                            "--record", name, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    first, second, third = (str(only_run(tmp_path / n)) for n in "abc")
    same = sideflow_cli("diff", first, third, cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    assert same.stdout.startswith("no differences")
    changed = sideflow_cli("diff", first, second, cwd=tmp_path)
    assert changed.returncode == 1
    assert "config:\n  scale: 1 -> 3\n" in changed.stdout
    assert "inputs:\n  signups: content changed\n" in changed.stdout
    assert "results:\n  ratio: content changed\n" in changed.stdout
    assert "spend" not in changed.stdout and "code:" not in changed.stdout
    as_json = sideflow_cli("diff", "--json", first, second, cwd=tmp_path)
    assert json.loads(as_json.stdout)["config"] == ["scale: 1 -> 3"]
    bad = sideflow_cli("diff", first, str(tmp_path / "nothing"), cwd=tmp_path)
    assert bad.returncode == 2 and "not a run record" in bad.stderr


def test_an_input_without_a_fingerprint_is_flagged_not_guessed(tmp_path: Path) -> None:
    import threading

    from sideflow.rundiff import diff_records

    module = tmp_path / "locked.py"
    module.write_text("from typing import Any\n\n\ndef held(lock: Any) -> bool:\n    return lock.locked()\n")
    flow = sideflow.Dataflow(module)
    for _ in range(2):
        flow.run("held", inputs={"lock": threading.Lock()}, record=tmp_path / "runs")
    first, second = (read_record(r) for r in sorted((tmp_path / "runs").iterdir()))
    assert first["inputs"]["lock"]["fingerprint"] is None
    assert "cannot be pickled" in first["inputs"]["lock"]["unfingerprintable"]
    (line,) = diff_records(first, second)["inputs"]
    assert line.startswith("lock: cannot tell whether it changed (a _thread.lock cannot be pickled")


def test_nodes_served_by_a_cache_are_reused(module: Path, tmp_path: Path) -> None:
    """The engine's cache tells hooks `cached_node(...)` instead of running a node."""
    from sideflow.record import RunLog, write_record

    flow = load(module)
    x = pd.Series([1.0])
    log = RunLog(flow, ["total"], {"x": x})
    log.cached_node("doubled", pd.Series([2.0]), 1767225600.0, 0.25)  # as the cache would, then:
    log.around(flow.run, ["total"], {"x": x}, {"doubled": pd.Series([2.0])}, hooks=[log])
    record = read_record(write_record(log, tmp_path / "runs"))
    assert record["nodes"]["doubled"]["status"] == "reused"
    assert record["nodes"]["doubled"]["from_cache"] == {"created": 1767225600.0, "compute_seconds": 0.25}
    assert record["nodes"]["total"]["status"] == "ran"


def test_diff_never_calls_unhashed_files_equal() -> None:
    from sideflow.rundiff import _git

    def state(note: str) -> list[dict[str, Any]]:
        files = {"big.csv": {"status": "??", "sha256": None, "note": note}}
        return [{"root": "/r", "commit": "c1", "dirty": True, "dirty_files": files}]

    assert _git(state("not hashed (100 bytes)"), state("not hashed (100 bytes)")) == [
        "/r: uncommitted big.csv: cannot tell whether it differs (not hashed (100 bytes))"]
    assert _git(state("not hashed (100 bytes)"), state("not hashed (200 bytes)")) == [
        "/r: uncommitted big.csv differs"]
    assert _git(state("deleted"), state("deleted")) == []


def test_dirty_files_are_hashed_within_a_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sideflow import provenance

    git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_bytes(b"x" * 60)
    (tmp_path / "b.txt").write_bytes(b"y" * 60)
    monkeypatch.setattr(provenance, "_HASH_BUDGET", 100)
    state = provenance.git_state(tmp_path)
    assert state["dirty"] is True and state["commit"] is None
    assert state["dirty_files"]["a.txt"]["sha256"] == hashlib.sha256(b"x" * 60).hexdigest()
    assert state["dirty_files"]["b.txt"] == {"status": "??", "sha256": None, "note": "not hashed (60 bytes)"}
