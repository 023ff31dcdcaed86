"""The result cache against Hamilton's `with_cache()`, on the same generated pandas DAGs.

    .venv/bin/python -m benchmarks.cache [--quick] [--out FILE]

Every cold and warm run is a fresh process (a warm run is a kernel restart); the time
is that of the run call alone, not of imports or building. Measured:

- value fingerprints: a 1M-row x 10-column frame (float; and with 2 string columns);
- a 100-node feature DAG of cheap pandas nodes (every sink requested): no cache, cold, warm;
- the same DAG where 5 of the 100 nodes take 1 s each: the policy stores those;
- the store itself: sideflow's SQLite + files against `diskcache`, writes and reads.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import generate

ROOT = Path(__file__).parent.parent


def _inputs(rows: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    return {name: pd.Series(rng.random(rows) + 1.0) for name in generate.FEATURE_INPUTS}


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    """One timed run in this (fresh) process: `engine` x `cache` on a generated module."""
    import logging

    logging.getLogger("hamilton").setLevel(logging.CRITICAL)
    sys.path.insert(0, spec["folder"])
    module = __import__(spec["module"])
    case = generate.generate("features", spec["n"], kind="series", slow=spec["slow"])
    inputs = _inputs(spec["rows"])
    outputs = list(case.sinks)
    if spec["engine"] == "sideflow":
        import sideflow

        cache = sideflow.Cache(spec["cache"]) if spec["cache"] else None
        flow = sideflow.Dataflow(module, cache=cache)
        started = time.perf_counter()
        flow.run(outputs, inputs=inputs)
    else:
        from hamilton import driver

        builder = driver.Builder().with_modules(module)
        if spec["cache"]:
            builder = builder.with_cache(path=spec["cache"])
        dr = builder.build()
        started = time.perf_counter()
        dr.execute(outputs, inputs=inputs)
    return {"seconds": time.perf_counter() - started}


def _fresh(spec: dict[str, Any]) -> float:
    done = subprocess.run([sys.executable, "-m", "benchmarks.cache", "--worker", json.dumps(spec)],
                          capture_output=True, text=True, cwd=ROOT, timeout=3600, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    seconds: float = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


def _disk(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def dag(engine: str, rows: int, slow: int, folder: Path, repeats: int) -> dict[str, float]:
    """Median no-cache, cold and warm seconds (fresh processes), and bytes on disk."""
    case = generate.generate("features", 100, kind="series", slow=slow)
    module = f"{case.module_name}_{slow}"
    (folder / f"{module}.py").write_text(case.source)
    spec: dict[str, Any] = {"folder": str(folder), "module": module, "n": 100, "slow": slow,
                            "rows": rows, "engine": engine, "cache": ""}
    plain, cold, warm, disk = [], [], [], []
    for i in range(repeats):
        cache = folder / f"cache-{engine}-{rows}-{slow}-{i}"
        shutil.rmtree(cache, ignore_errors=True)
        plain.append(_fresh(spec))
        cold.append(_fresh({**spec, "cache": str(cache)}))
        warm.append(_fresh({**spec, "cache": str(cache)}))
        disk.append(_disk(cache))
        shutil.rmtree(cache, ignore_errors=True)
    return {"none": statistics.median(plain), "cold": statistics.median(cold),
            "warm": statistics.median(warm), "bytes": statistics.median(disk)}


def fingerprints(repeats: int) -> dict[str, float]:
    import numpy as np
    import pandas as pd

    from sideflow.datahash import fingerprint_value

    rng = np.random.default_rng(0)
    floats = pd.DataFrame(rng.random((1_000_000, 10)), columns=[f"c{i}" for i in range(10)])
    mixed = floats.iloc[:, :8].assign(s1=[f"id{i}" for i in range(1_000_000)],
                                      s2=rng.choice(["north", "south", "east", "west"], 1_000_000))
    out = {}
    for name, frame in (("1M x 10 float", floats), ("1M x 10, 2 string columns", mixed)):
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            fingerprint_value(frame)
            times.append(time.perf_counter() - started)
        out[name] = statistics.median(times)
    return out


def stores(folder: Path, repeats: int) -> dict[str, dict[str, float]]:
    """Seconds per write and per read: an 8 MB array and a small dict, own store vs diskcache."""
    import diskcache
    import numpy as np

    from sideflow.cachestore import Store

    big, small = np.random.default_rng(0).random(1_000_000), {"a": 1, "b": [1.0, 2.0]}
    out: dict[str, dict[str, float]] = {}
    for label, value, count in (("8 MB array", big, 20), ("small value", small, 300)):
        own = Store(folder / "own", max_bytes=1 << 34)
        other = diskcache.Cache(str(folder / "diskcache"), size_limit=1 << 34)
        timings: dict[str, list[float]] = {"own write": [], "own read": [], "diskcache write": [],
                                           "diskcache read": []}
        for r in range(repeats):
            keys = [f"{r:02d}{i:030d}" for i in range(count)]
            started = time.perf_counter()
            entries = [own.write(k, "node", value, "pickle", {}) for k in keys]
            timings["own write"].append((time.perf_counter() - started) / count)
            started = time.perf_counter()
            for entry in entries:
                assert entry is not None
                own.read(entry)
            timings["own read"].append((time.perf_counter() - started) / count)
            started = time.perf_counter()
            for k in keys:
                other.set(k, value)
            timings["diskcache write"].append((time.perf_counter() - started) / count)
            started = time.perf_counter()
            for k in keys:
                other.get(k)
            timings["diskcache read"].append((time.perf_counter() - started) / count)
        out[label] = {k: statistics.median(v) for k, v in timings.items()}
        other.close()
        own.close()
        shutil.rmtree(folder / "own")
        shutil.rmtree(folder / "diskcache")
    return out


def report(results: dict[str, Any]) -> str:
    lines = ["# Cache benchmark", "",
             f"{time.strftime('%Y-%m-%d')}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
             f"load {os.getloadavg()[0]:.1f}. Fresh process per run; medians. "
             "`python -m benchmarks.cache`.", "", "## Value fingerprints (target <= 40 ms)", "",
             "| frame | ms |", "|---|--:|"]
    lines += [f"| {k} | {v * 1000:.1f} |" for k, v in results["fingerprints"].items()]
    lines += ["", "## 100-node pandas feature DAG, all sinks requested", "",
              "| case | engine | no cache s | cold s | warm s | cold / none | warm / none | warm / cold "
              "| disk MB |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|"]
    for label, row in results["dags"].items():
        case, engine = label.split(" | ")
        lines.append(f"| {case} | {engine} | {row['none']:.3f} | {row['cold']:.3f} | {row['warm']:.3f} | "
                     f"{row['cold'] / row['none']:.2f}x | {row['warm'] / row['none']:.2f}x | "
                     f"{row['warm'] / row['cold']:.1%} | {row['bytes'] / 1e6:.1f} |")
    lines += ["", "## Store: seconds per operation", "", "| value | own write | own read | "
              "diskcache write | diskcache read |", "|---|--:|--:|--:|--:|"]
    for label, row in results["stores"].items():
        lines.append(f"| {label} | " + " | ".join(f"{row[k] * 1000:.2f} ms" for k in
                                                  ("own write", "own read", "diskcache write",
                                                   "diskcache read")) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k rows only, 1 repeat, no Hamilton at 1M")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "cache_results.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return
    repeats = 1 if args.quick else 5
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results: dict[str, Any] = {"fingerprints": fingerprints(7), "dags": {}, "stores": stores(folder, 3)}
        cases = [("cheap nodes, 100k rows", 100_000, 0, ("sideflow", "hamilton")),
                 ("5 of 100 nodes take 1 s, 100k rows", 100_000, 5, ("sideflow", "hamilton"))]
        if not args.quick:
            cases.insert(1, ("cheap nodes, 1M rows", 1_000_000, 0, ("sideflow",)))
        for label, rows, slow, engines in cases:
            for engine in engines:
                # Hamilton's cold runs take minutes, and its ratios are far from 1: one repeat
                times = repeats if engine == "sideflow" else 1
                results["dags"][f"{label} | {engine}"] = dag(engine, rows, slow, folder, times)
                print(label, engine, results["dags"][f"{label} | {engine}"], flush=True)
    text = report(results)
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
