"""Hamilton's `@cache` decorator sets the per-node cache policy, as `@sideflow.cache` does."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sideflow import Dataflow
from sideflow.caching import behavior_of
from sideflow.sources import load_path

MODULE = '''
from hamilton.function_modifiers import cache

CALLS = []


@cache(behavior="recompute")
def fresh_each_run(x: int) -> int:
    CALLS.append("fresh_each_run")
    return x + 1


def kept(fresh_each_run: int) -> int:
    CALLS.append("kept")
    return fresh_each_run * 2
'''


def test_hamilton_cache_behavior_recompute_runs_every_time(tmp_path: Path) -> None:
    path = tmp_path / "ham_cached.py"
    path.write_text(textwrap.dedent(MODULE))
    module = load_path(path, "ham_cached")
    flow = Dataflow(module, cache=tmp_path / "cache")
    assert behavior_of(flow.nodes["fresh_each_run"]) == "recompute"
    assert behavior_of(flow.nodes["kept"]) == "auto"
    assert flow.run(["kept"], inputs={"x": 1}) == {"kept": 4}
    assert flow.run(["kept"], inputs={"x": 1}) == {"kept": 4}
    assert module.CALLS.count("fresh_each_run") == 2
