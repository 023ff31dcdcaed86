"""The cache's disk under stress: two writers, a killed writer, a tiny limit, bad files, no permission."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

import sideflow
from sideflow import Cache, CacheWarning
from sideflow.cachestore import Store

ROOT = Path(__file__).parent.parent

WRITER = '''
import sys
sys.path.insert(0, {root!r})
from sideflow.cachestore import Store
store = Store({path!r}, max_bytes=1 << 30)
me = sys.argv[1]
for round in range(15):
    for i in range(40):
        key = f"{{i:02d}}" + "ab" * 15
        value = [me, i, "x" * (100 * (i + 1) + (7 if me == "B" else 0))]
        store.write(key, f"node{{i}}", value, "pickle", {{}})
        entry = store.lookup([key]).get(key)
        if entry is not None:
            got = store.read(entry)
            assert got[1] == i and len(got[2]) in (100 * (i + 1), 100 * (i + 1) + 7), got[:2]
print("ok")
'''


def test_two_processes_writing_the_same_keys(tmp_path: Path) -> None:
    script = WRITER.format(root=str(ROOT), path=str(tmp_path / "cache"))
    writers = [subprocess.Popen([sys.executable, "-c", script, name], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for name in ("A", "B")]
    for writer in writers:
        out, err = writer.communicate(timeout=240)
        assert writer.returncode == 0 and out.strip() == "ok", err
    store = Store(tmp_path / "cache", max_bytes=1 << 30)
    entries = store.entries()
    assert len(entries) == 40
    for entry in entries:  # every row has its file, of its size, and reads back whole
        value = store.read(entry)
        assert value[0] in ("A", "B") and f"node{value[1]}" == entry.node
    files = sorted(p for p in (tmp_path / "cache" / "values").rglob("*") if p.is_file())
    assert len(files) == 40  # no orphan copies, no temporary files


SLOW_WRITE = '''
import sys, time
sys.path[:0] = [{root!r}, {folder!r}]
import sideflow, slowpipe
flow = sideflow.Dataflow(slowpipe, cache={cache!r})
flow.run("big")
'''

SLOWPIPE = '''
import os, time
import sideflow


class Slow:
    """Pickles slowly, so the writer can be killed in the middle of writing it."""

    def __init__(self, n):
        self.n = n

    def __reduce__(self):
        open(os.environ["MARK"], "a").write("w")
        time.sleep(0.02)
        return (Slow, (self.n,))


@sideflow.cache(True)
def big() -> list:
    open(os.environ["CALLS"], "a").write("big\\n")
    return [Slow(i) for i in range(500)]
'''


def test_a_writer_killed_mid_write_leaves_no_entry(tmp_path: Path) -> None:
    (tmp_path / "slowpipe.py").write_text(SLOWPIPE)
    mark, calls = tmp_path / "mark", tmp_path / "calls"
    env = {**os.environ, "MARK": str(mark), "CALLS": str(calls)}
    script = SLOW_WRITE.format(root=str(ROOT), folder=str(tmp_path), cache=str(tmp_path / "cache"))
    writer = subprocess.Popen([sys.executable, "-c", script], env=env)
    deadline = time.monotonic() + 120
    while not (mark.exists() and mark.stat().st_size > 20):  # well into pickling the value
        assert time.monotonic() < deadline and writer.poll() is None
        time.sleep(0.05)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    leftovers = list((tmp_path / "cache" / "values").rglob("*.tmp"))
    assert leftovers  # the half-written file is there, under its temporary name only

    sys.path.insert(0, str(tmp_path))
    os.environ.update(MARK=str(mark), CALLS=str(calls))
    try:
        import slowpipe  # type: ignore[import-not-found]

        cache = Cache(tmp_path / "cache")
        assert cache.entries() == []
        calls.write_text("")
        flow = sideflow.Dataflow(slowpipe, cache=cache)
        assert [s.n for s in flow.run("big")["big"]] == list(range(500))
        assert calls.read_text() == "big\n" and cache.last_run == {"big": "stored"}
        fresh = sideflow.Dataflow(slowpipe, cache=Cache(tmp_path / "cache"))
        assert [s.n for s in fresh.run("big")["big"]] == list(range(500))
        assert calls.read_text() == "big\n"  # read back, not recomputed
        cache.clear()
        assert not list((tmp_path / "cache" / "values").rglob("*.tmp"))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("slowpipe", None)


def _always(*names: str) -> list[Any]:
    """Functions of one string parameter, each returning a 2 KB string, stored always."""
    made = []
    for name in names:
        exec(textwrap.dedent(f'''
            @sideflow.cache(True)
            def {name}(seed: str) -> str:
                return "{name}" * 500 + seed
        '''), {"sideflow": sideflow}, scope := {})
        made.append(scope[name])
    return made


def test_a_tiny_size_limit_evicts_the_least_recently_used(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "cache", max_bytes=5000)
    flow = sideflow.Dataflow(_always("one", "two", "three"), cache=cache)
    flow.run("one", inputs={"seed": "s"})
    flow.run("two", inputs={"seed": "s"})
    assert {e.node for e in cache.entries()} == {"one", "two"}
    flow.run("one", inputs={"seed": "s"})  # a hit: `one` is now the most recently used
    assert cache.last_run == {"one": "hit"}
    flow.run("three", inputs={"seed": "s"})
    assert {e.node for e in cache.entries()} == {"one", "three"}
    assert cache.total_bytes() <= 5000

    huge = Cache(tmp_path / "small", max_bytes=1000)  # larger than the whole cache: not stored
    out = sideflow.Dataflow(_always("one"), cache=huge).run("one", inputs={"seed": "s"})
    assert out["one"].startswith("oneone") and huge.entries() == []


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete"])
def test_a_bad_entry_is_discarded_with_one_warning(tmp_path: Path, damage: str) -> None:
    flow = sideflow.Dataflow(_always("one"), cache=tmp_path / "cache")
    expected = flow.run("one", inputs={"seed": "s"})
    [entry] = flow.cache.entries()  # type: ignore[union-attr]
    file = tmp_path / "cache" / "values" / entry.file
    if damage == "truncate":
        file.write_bytes(file.read_bytes()[:100])
    elif damage == "garbage":
        file.write_bytes(b"\0" * entry.size)
    else:
        file.unlink()
    again = sideflow.Dataflow(_always("one"), cache=Cache(tmp_path / "cache"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert again.run("one", inputs={"seed": "s"}) == expected
        assert again.run("one", inputs={"seed": "s"}) == expected
    messages = [str(w.message) for w in caught if w.category is CacheWarning]
    if damage == "delete":  # removed by another process: a plain miss
        assert messages == []
    else:
        assert len(messages) == 1 and "discarded an unreadable cache entry for 'one'" in messages[0]
    assert again.cache is not None and again.cache.last_run == {"one": "hit"}  # stored anew, then hit


NO_PERMISSION = '''
import sys, warnings
sys.path.insert(0, {root!r})
import sideflow
def f(x: int) -> int:
    return x + 1
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    flow = sideflow.Dataflow([f], cache={path!r})
    print(flow.run("f", inputs={{"x": 1}}))
print([str(w.message) for w in caught])
'''


def test_a_directory_without_write_permission_runs_without_the_cache(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    tmp_path.chmod(0o755)
    script = NO_PERMISSION.format(root=str(ROOT), path=str(locked / "cache"))
    command = [sys.executable, "-c", script]
    if os.geteuid() == 0:  # root writes anywhere: drop the capabilities that let it
        setpriv = shutil.which("setpriv")
        assert setpriv is not None, "setpriv (util-linux) is needed to test permissions as root"
        command = [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", *command]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        locked.chmod(0o755)
    assert done.returncode == 0, done.stderr
    result, messages = done.stdout.strip().splitlines()
    assert result == "{'f': 2}"
    assert "cannot use the cache directory" in messages and "running without a cache" in messages
    assert "PermissionError" in messages


def test_a_file_where_the_directory_should_be(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.warns(CacheWarning, match=r"cannot use the cache directory .*running without a cache"):
        flow = sideflow.Dataflow(_always("one"), cache=tmp_path / "file" / "cache")
    assert flow.run("one", inputs={"seed": "s"})["one"].endswith("s")
    assert flow.cache is not None and flow.cache.disabled and "off" in repr(flow.cache)


class Interrupting:
    """Raises KeyboardInterrupt while being pickled, as Ctrl-C in the middle of a write."""

    def __reduce__(self) -> tuple[Any, ...]:
        raise KeyboardInterrupt


def test_ctrl_c_during_a_write_leaves_nothing_behind(tmp_path: Path) -> None:
    @sideflow.cache(True)
    def value() -> list[Any]:
        return ["x" * 1000, Interrupting()]

    cache = Cache(tmp_path / "cache")
    with pytest.raises(KeyboardInterrupt):
        sideflow.Dataflow([value], cache=cache).run("value")
    assert cache.entries() == []
    assert [p for p in (tmp_path / "cache" / "values").rglob("*") if p.is_file()] == []


def test_a_damaged_index_is_emptied_with_one_warning(tmp_path: Path) -> None:
    flow = sideflow.Dataflow(_always("one"), cache=tmp_path / "cache")
    expected = flow.run("one", inputs={"seed": "s"})
    (tmp_path / "cache" / "index.sqlite").write_bytes(b"this is not a database" * 100)
    for name in ("index.sqlite-wal", "index.sqlite-shm"):
        (tmp_path / "cache" / name).unlink(missing_ok=True)
    with pytest.warns(CacheWarning, match=r"the cache index in .* was damaged .*it was emptied"):
        again = sideflow.Dataflow(_always("one"), cache=tmp_path / "cache")
    assert again.cache is not None and again.cache.disabled is None
    assert again.run("one", inputs={"seed": "s"}) == expected
    assert again.cache.last_run == {"one": "stored"}
