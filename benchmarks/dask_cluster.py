"""Dask benchmarks on a 2-worker LocalCluster (its own process, reached over TCP like a real one).

1. bytes the client receives for a DAG with large intermediates and a small output:
   native (`executor=client`) vs the generic Executor path (`client.get_executor()`);
2. two CPU-bound pure-Python branches: native Dask vs a serial local run;
3. per-task overhead vs Hamilton's `h_dask.DaskGraphAdapter` on the same generated module.

Run: `.venv/bin/python -m benchmarks.dask_cluster [--quick]`; writes benchmarks/dask_results.md.
Timing script, not a test.
"""

from __future__ import annotations

import argparse
import datetime
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "dask_results.md"
CLUSTER = """
import logging, sys
from distributed import LocalCluster
cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                       dashboard_address=None, silence_logs=logging.ERROR)
print(cluster.scheduler_address, flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
cluster.close()
"""
LARGE = '''
import numpy as np

def raw(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).random(n)

def scaled(raw: np.ndarray) -> np.ndarray:
    return raw * 2.0

def shifted(raw: np.ndarray) -> np.ndarray:
    return raw + 1.0

def combined(scaled: np.ndarray, shifted: np.ndarray) -> np.ndarray:
    return scaled * shifted

def smoothed(combined: np.ndarray) -> np.ndarray:
    return np.convolve(combined, np.ones(5) / 5, mode="same")

def quantiles(smoothed: np.ndarray) -> np.ndarray:
    return np.quantile(smoothed, np.linspace(0, 1, 100_001))
'''


@contextmanager
def cluster() -> Iterator[Any]:
    from distributed import Client

    proc = subprocess.Popen([sys.executable, "-c", CLUSTER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        address = proc.stdout.readline().strip()
        with Client(address) as client:
            client.wait_for_workers(2, timeout=60)
            yield client
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)


class Received:
    """Bytes this process reads from Dask comms (TCP frames, before deserializing)."""

    def __init__(self) -> None:
        from distributed.comm import tcp

        self.total = 0
        original = tcp.from_frames

        async def counting(frames: list[Any], **kwargs: Any) -> Any:
            self.total += sum(memoryview(f).nbytes for f in frames)
            return await original(frames, **kwargs)

        tcp.from_frames = counting

    @contextmanager
    def window(self) -> Iterator[list[int]]:
        out = [0]
        before = self.total
        yield out
        out[0] = self.total - before


def interleaved(candidates: list[Callable[[], Any]], repeats: int) -> list[float]:
    """Median seconds of each, run in turn (the first one rotating), so load hits all alike."""
    samples: list[list[float]] = [[] for _ in candidates]
    for i in range(repeats):
        for j in range(len(candidates)):
            k = (i + j) % len(candidates)
            started = time.perf_counter()
            candidates[k]()
            samples[k].append(time.perf_counter() - started)
    return [statistics.median(s) for s in samples]


def bench_bytes(client: Any, folder: Path, counter: Received, n: int) -> list[str]:
    import numpy as np

    import sideflow

    path = folder / "dask_bench_large.py"
    path.write_text(LARGE)
    flow = sideflow.Dataflow(str(path))
    inputs = {"n": n, "seed": 1}
    expected = flow.run("quantiles", inputs=inputs)["quantiles"]
    rows = []
    output = len(pickle.dumps(expected, protocol=5))
    intermediates = sum(v.nbytes for v in flow.run(["raw", "scaled", "shifted", "combined", "smoothed"],
                                                   inputs=inputs).values())
    for label, executor in [("native: executor=client", client),
                            ("generic: executor=client.get_executor()", client.get_executor())]:
        flow.run("quantiles", inputs=inputs, executor=executor)  # warm: code shipped, imports done
        with counter.window() as got:
            out = flow.run("quantiles", inputs=inputs, executor=executor)["quantiles"]
        assert np.array_equal(out, expected)
        target = " (target ≤ 1.1x)" if executor is client else ""
        rows.append(f"| {label} | {got[0] / 1e6:.2f} MB | {got[0] / output:.2f}x{target} |")
    return [
        "## bytes received by the client",
        "",
        f"`raw` ({n:,} floats) → `scaled`, `shifted` → `combined` → `smoothed` → `quantiles` "
        f"(100,001 floats): intermediates {intermediates / 1e6:.0f} MB in all, output "
        f"{output / 1e6:.2f} MB pickled. Bytes read by the client process from Dask comms "
        "during one run (scheduler messages included).",
        "",
        "| path | received | ÷ output |",
        "|---|--:|--:|",
        *rows,
    ]


def bench_branches(client: Any, rounds: int, repeats: int) -> list[str]:
    import sideflow

    flow = sideflow.Dataflow(str(ROOT / "notebooks" / "features_scale.py"))
    outputs = ["price_score", "quantity_score"]
    inputs = {"rounds": rounds}
    assert flow.run(outputs, inputs=inputs, executor=client) == flow.run(outputs, inputs=inputs)
    from distributed import get_task_stream

    serial, native = interleaved([lambda: flow.run(outputs, inputs=inputs),
                                  lambda: flow.run(outputs, inputs=inputs, executor=client)], repeats)
    with get_task_stream(client) as stream:  # how much the two tasks overlapped on the workers
        started = time.perf_counter()
        flow.run(outputs, inputs=inputs, executor=client)
        wall = time.perf_counter() - started
    busy = sum(s["stop"] - s["start"] for task in stream.data for s in task["startstops"]
               if s["action"] == "compute")
    workers = len({task["worker"] for task in stream.data})
    return [
        "## two CPU-bound pure-Python branches",
        "",
        f"`price_score` and `quantity_score` from notebooks/features_scale.py, {rounds:,} rounds each; "
        f"median of {repeats} interleaved runs.",
        "",
        "| serial local run | on the cluster (2 workers) | speed-up (target ≥ 1.6x) "
        "| tasks' compute ÷ wall |",
        "|--:|--:|--:|--:|",
        f"| {serial:.2f} s | {native:.2f} s | {serial / native:.2f}x "
        f"| {busy / wall:.2f} on {workers} workers |",
        "",
        "The last column (from Dask's task stream) is 2.0 when the two tasks ran fully at the same "
        "time; the speed-up is bounded by the CPU the machine has free (see the load average above).",
    ]


def bench_overhead(client: Any, folder: Path, n: int, repeats: int) -> list[str]:
    from hamilton import base, driver
    from hamilton.plugins import h_dask

    import sideflow

    case = generate.generate("layered", n)
    generate.write(case, folder)
    module = __import__(case.module_name)
    inputs = {name: 1.0 for name in case.inputs}
    flow = sideflow.Dataflow(module)
    adapter = h_dask.DaskGraphAdapter(client, base.DictResult(), use_delayed=True, compute_at_end=True)
    hamilton = driver.Driver({}, module, adapter=adapter)
    ours = flow.run(case.sinks, inputs=inputs, executor=client)
    theirs = hamilton.execute(list(case.sinks), inputs=inputs)
    assert ours == {k: theirs[k] for k in case.sinks}
    medians = interleaved([lambda: flow.run(case.sinks, inputs=inputs, executor=client),
                           lambda: hamilton.execute(list(case.sinks), inputs=inputs)], repeats)
    ms = dict(zip(["sideflow", "hamilton"], (m * 1e3 / n for m in medians), strict=True))
    return [
        "## per-task overhead vs Hamilton's DaskGraphAdapter",
        "",
        f"Generated `layered` module, {n} one-line float nodes (benchmarks/generate.py), all sinks "
        f"requested; median of {repeats} interleaved runs, divided by {n} nodes. Hamilton: "
        "`DaskGraphAdapter(client, DictResult(), use_delayed=True, compute_at_end=True)`.",
        "",
        "| sideflow ms/node | hamilton ms/node | sideflow ÷ hamilton (target ≤ 1x) |",
        "|--:|--:|--:|",
        f"| {ms['sideflow']:.2f} | {ms['hamilton']:.2f} | {ms['sideflow'] / ms['hamilton']:.2f}x |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    import distributed

    import sideflow

    repeats = 3 if args.quick else 5
    counter = Received()
    head = [
        "# sideflow on Dask: benchmarks",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}",
        f"- command: `python -m benchmarks.dask_cluster{' --quick' if args.quick else ''}`",
        f"- python {platform.python_version()}, {platform.platform()}, os.cpu_count() = {os.cpu_count()}, "
        f"load average at start {' / '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- sideflow {sideflow.__version__}, distributed {distributed.__version__}; a LocalCluster "
        "of 2 worker processes (1 thread each) in its own process, reached over TCP",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp, cluster() as client:
        folder = Path(tmp)
        # the generic Executor path and Hamilton pickle functions by name: let the cluster import them
        add = f"import sys; sys.path.insert(0, {str(folder)!r})"
        client.run(exec, add)
        client.run_on_scheduler(exec, add)
        sys.path.insert(0, str(folder))
        body = bench_bytes(client, folder, counter, 500_000 if args.quick else 2_000_000)
        body += ["", *bench_branches(client, 2_000_000 if args.quick else 5_000_000, repeats)]
        body += ["", *bench_overhead(client, folder, 100 if args.quick else 200, repeats)]
    text = "\n".join([*head, *body, ""])
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
