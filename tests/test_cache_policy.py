"""What the cache stores and reuses in one process: the policy, uncached values, "recompute" nodes."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import sideflow
from sideflow import Cache, CacheWarning, Dataflow, cachekey

CALLS: list[str] = []


def _log(name: str) -> None:
    CALLS.append(name)


def load(n: int) -> pd.DataFrame:
    """Dear: 0.3 s. Stored by the policy."""
    _log("load")
    time.sleep(0.3)
    return pd.DataFrame({"x": range(n), "y": [i % 7 for i in range(n)]})


def cleaned(load: pd.DataFrame) -> pd.DataFrame:
    """Cheap: recomputed from the stored `load` rather than stored."""
    _log("cleaned")
    return load[load["y"] > 0]


def total(cleaned: pd.DataFrame) -> int:
    _log("total")
    return int(cleaned["x"].sum())


def model(total: int, rule: Callable[[int], int]) -> int:
    """Reads an input that cannot be fingerprinted (a lambda)."""
    _log("model")
    return rule(total)


def report(model: int) -> str:
    _log("report")
    return f"model={model}"


NODES = [load, cleaned, total, model, report]


@pytest.fixture(autouse=True)
def _fresh_calls() -> None:
    CALLS.clear()


def flow(path: Path, nodes: list[Callable[..., Any]] = NODES, **options: Any) -> Dataflow:
    return Dataflow(nodes, cache=Cache(path, **options))  # a new Cache: as in a new process


def test_dear_nodes_are_stored_cheap_ones_recomputed(tmp_path: Path) -> None:
    cold = flow(tmp_path)
    assert cold.run("total", inputs={"n": 1000}) == {"total": 428429}
    assert CALLS == ["load", "cleaned", "total"]
    assert cold.cache is not None
    assert cold.cache.last_run == {"load": "stored", "cleaned": "computed", "total": "computed"}
    assert [e.node for e in cold.cache.entries()] == ["load"]

    CALLS.clear()
    warm = flow(tmp_path)
    assert warm.run("total", inputs={"n": 1000}) == {"total": 428429}
    assert CALLS == ["cleaned", "total"]  # `load` came from disk
    assert warm.cache is not None and warm.cache.last_run["load"] == "hit"
    shown = repr(warm.cache)
    assert "1 entries" in shown and "load" in shown and "hit" in shown and "parquet" in shown

    CALLS.clear()
    assert flow(tmp_path).run("load", inputs={"n": 1000})["load"].equals(load(1000))
    assert CALLS == ["load"]  # only the direct call above: the run itself loaded it


def test_store_all_keeps_every_value(tmp_path: Path) -> None:
    flow(tmp_path, store="all").run("total", inputs={"n": 10})
    CALLS.clear()
    warm = flow(tmp_path, store="all")
    assert warm.run("total", inputs={"n": 10}) == {"total": 38}
    assert CALLS == []  # a hit on the output: nothing above it runs, nothing is loaded but it
    assert warm.cache is not None and warm.cache.last_run == {"total": "hit"}


def test_an_input_that_cannot_be_fingerprinted_is_told_once(tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = flow(tmp_path, store="all")
        for _ in range(2):
            assert first.run("report", inputs={"n": 10, "rule": lambda t: t + 1}) == {"report": "model=39"}
    [told] = [str(w.message) for w in caught if w.category is CacheWarning]
    assert re.fullmatch(r"sideflow: not caching 'model', 'report': input 'rule': a function cannot be "
                        r"pickled \(.*<lambda>.*\) \(they are computed each run\)", told), told
    assert first.cache is not None
    assert first.cache.last_run["model"] == first.cache.last_run["report"] == "uncached"
    assert first.cache.reasons["report"].startswith("upstream 'model': input 'rule': a function cannot")
    assert {e.node for e in first.cache.entries()} == {"load", "cleaned", "total"}
    CALLS.clear()
    with pytest.warns(CacheWarning, match=r"\Asideflow: not caching 'model', 'report'"):
        flow(tmp_path, store="all").run("report", inputs={"n": 10, "rule": lambda t: t * 2})
    assert CALLS == ["model", "report"]  # the rest came from the cache; these never do


def test_results_held_in_memory_are_not_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = flow(tmp_path, store="all")
    held = engine.run(["cleaned", "total"], inputs={"n": 10})["cleaned"]
    hashed: list[Any] = []
    real = cachekey.value_fingerprint
    monkeypatch.setattr(cachekey, "value_fingerprint", lambda v: (hashed.append(v), real(v))[1])
    CALLS.clear()
    assert engine.run("total", inputs={"n": 10}, overrides={"cleaned": held}) == {"total": 38}
    assert CALLS == [] and hashed == []  # `cleaned` is known by identity; `n` is not read
    assert engine.cache is not None and engine.cache.last_run == {"total": "hit"}
    changed = held.assign(x=held["x"] + 1)  # a what-if value: fingerprinted, so never mistaken
    assert engine.run("total", inputs={"n": 10}, overrides={"cleaned": changed}) == {"total": 46}


def test_clear_one_node_or_all(tmp_path: Path) -> None:
    engine = flow(tmp_path, store="all")
    engine.run("total", inputs={"n": 10})
    assert engine.cache is not None
    assert engine.cache.clear("cleaned") == 1
    assert {e.node for e in engine.cache.entries()} == {"load", "total"}
    assert engine.cache.clear() == 2 and engine.cache.entries() == []


STAMP = {"value": 1}


@sideflow.cache("recompute")
def reading() -> int:
    """Reads the outside world (here: a global); always run, never stored."""
    _log("reading")
    return STAMP["value"]


def derived(reading: int) -> int:
    _log("derived")
    return reading * 10


def test_recompute_nodes_always_run_and_key_what_is_below_by_value(tmp_path: Path) -> None:
    nodes = [reading, derived]
    assert flow(tmp_path, nodes, store="all").run("derived") == {"derived": 10}
    CALLS.clear()
    again = flow(tmp_path, nodes, store="all")
    assert again.run("derived") == {"derived": 10}
    assert CALLS == ["reading"]  # same reading: `derived` came from the cache
    assert again.cache is not None and again.cache.last_run == {"reading": "recompute", "derived": "hit"}
    STAMP["value"] = 2
    CALLS.clear()
    assert flow(tmp_path, nodes, store="all").run("derived") == {"derived": 20}
    assert CALLS == ["reading", "derived"]
    STAMP["value"] = 1


def count_lines(path: str) -> int:
    _log("count_lines")
    with open(path) as f:
        return len(f.readlines())


def test_an_input_naming_a_file_counts_the_file(tmp_path: Path) -> None:
    data = tmp_path / "data.txt"

    def lines() -> int:
        engine = flow(tmp_path / "c", [count_lines], store="all")
        result: int = engine.run("count_lines", inputs={"path": str(data)})["count_lines"]
        return result

    data.write_text("a\nb\n")
    assert lines() == 2
    CALLS.clear()
    assert lines() == 2 and CALLS == []
    data.write_text("a\nb\nc\n")
    assert lines() == 3 and CALLS == ["count_lines"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [((7,), r"sideflow.cache\(7\): use True, False"), (("sometimes",), r"'sometimes'"),
     ((True,), None)],
    ids=["number", "unknown-word", "ok"],
)
def test_cache_decorator_arguments(arguments: tuple[Any, ...], message: str | None) -> None:
    if message is None:
        assert sideflow.cache(*arguments)(derived) is derived
        assert derived.__sideflow_tags__["cache"] == "always"  # type: ignore[attr-defined]
        del derived.__sideflow_tags__  # type: ignore[attr-defined]
        return
    with pytest.raises(ValueError, match=message):
        sideflow.cache(*arguments)
    with pytest.raises(ValueError, match=r"format='csv'"):
        sideflow.cache(True, format="csv")


LOCKED = '''
import threading
import sideflow

LOCK = threading.Lock()


@sideflow.cache(True)
def guarded(x: int) -> int:
    with LOCK:
        return x + 1


@sideflow.cache(True)
def below(guarded: int) -> int:
    return guarded * 2


@sideflow.cache(True)
def apart(x: int) -> int:
    return x - 1
'''


def test_code_that_depends_on_something_unknown_is_never_cached(tmp_path: Path) -> None:
    module = tmp_path / "locked.py"
    module.write_text(LOCKED)
    with pytest.warns(CacheWarning) as told:
        engine = Dataflow(module, cache=Cache(tmp_path / "c"))
        assert engine.run(["below", "apart"], inputs={"x": 1}) == {"below": 4, "apart": 0}
    [message] = [str(w.message) for w in told]
    assert message.startswith("sideflow: not caching 'guarded', 'below': its code depends on something "
                              "unknown: value locked.LOCK: a _thread.lock cannot be pickled")
    assert engine.cache is not None
    assert engine.cache.last_run == {"guarded": "uncached", "below": "uncached", "apart": "stored"}
    assert [e.node for e in engine.cache.entries()] == ["apart"]


def test_an_executor_run_stores_and_reuses_the_same_way(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:
        cold = flow(tmp_path, store="all").run(["total", "load"], inputs={"n": 10}, executor=pool)
        CALLS.clear()
        warm = flow(tmp_path, store="all")
        again = warm.run(["total", "load"], inputs={"n": 10}, executor=pool)
    assert CALLS == [] and again["total"] == cold["total"] == 38 and again["load"].equals(cold["load"])
    assert warm.cache is not None and warm.cache.last_run == {"total": "hit", "load": "hit"}


def test_cache_argument_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    on = Dataflow(NODES, cache=True)
    assert on.cache is not None and on.cache.path == tmp_path / ".sideflow" / "cache"
    assert Dataflow(NODES, cache=False).cache is None and Dataflow(NODES).cache is None
    with pytest.raises(TypeError, match=r"cache=3: give a directory \(str or Path\), sideflow.Cache"):
        Dataflow(NODES, cache=3)  # type: ignore[arg-type]
