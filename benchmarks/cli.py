"""The command line's costs: `sideflow check` from a cold process, and what `--record` adds.

Run: `.venv/bin/python -m benchmarks.cli [--repeats 7]`. Targets (issue 11):
`sideflow check` on a 1,000-function module <= 0.3 s wall, of which the interpreter
start is most; recording a run <= 5 ms on top of the run, plus the SVG layout.
Side by side: the interpreter alone, and Hamilton building the same module's driver
(its `hamilton build` equivalent; Hamilton's own CLI needs typer, not installed here).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import generate, timing

TARGET_CHECK_S = 0.3
TARGET_RECORD_MS = 5.0


def _ms(t: timing.Timing) -> str:
    return "error: " + t.error if t.error else f"{(t.median_ns or 0) / 1e6:.1f} ms"


def check_costs(folder: Path, repeats: int, n: int) -> list[str]:
    case = generate.generate("features", n)
    path = generate.write(case, folder)
    python = sys.executable
    script = str(Path(python).with_name("sideflow"))
    hamilton = (f"import sys; sys.path.insert(0, {str(folder)!r}); import {case.module_name} as m; "
                "from hamilton import driver; driver.Builder().with_modules(m).build()")
    commands = {
        "python -c pass (floor)": [python, "-c", "pass"],
        "python -c 'import sideflow'": [python, "-c", "import sideflow"],
        f"sideflow check ({n} functions)": [script, "check", str(path)],
        f"python -m sideflow check ({n} functions)": [python, "-m", "sideflow", "check", str(path)],
        f"Hamilton driver build ({n} functions)": [python, "-c", hamilton],
    }
    times = timing.process_times(commands, repeats, cwd=str(folder))
    check = times[f"sideflow check ({n} functions)"].median_ns or 0
    rows = ["| fresh process | wall (median) |", "|---|---|"]
    rows += [f"| {name} | {_ms(t)} |" for name, t in times.items()]
    verdict = "met" if check / 1e9 <= TARGET_CHECK_S else "MISSED"
    rows.append(f"\ntarget: `sideflow check` <= {TARGET_CHECK_S} s: {check / 1e9:.3f} s, {verdict}")
    return rows


def record_costs(folder: Path, repeats: int, n: int) -> list[str]:
    """Per run: the run alone; run + record without the picture; the picture alone.

    The module sits in a Git repository with one dirty file, as a real project would."""
    import sideflow
    from sideflow.record import RunLog, write_record
    from sideflow.runjson import dumps
    from sideflow.runsvg import executed_svg

    repo = folder / f"repo_{n}"
    repo.mkdir()
    case = generate.generate("features", n)
    path = generate.write(case, repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "notes.txt").write_text("uncommitted\n")
    flow = sideflow.Dataflow(path)
    inputs = dict.fromkeys(case.inputs, 1.0)
    records = folder / f"runs_{n}"

    def run() -> None:
        flow.run(case.sinks, inputs)

    def run_and_log() -> None:  # what recording costs, minus the SVG layout
        log = RunLog(flow, case.sinks, inputs)
        log.around(flow.run, case.sinks, inputs, hooks=[log])
        target = records / f"{id(log)}"
        target.mkdir(parents=True, exist_ok=True)
        (target / "run.json").write_text(dumps(log.to_dict(records)))

    log = RunLog(flow, case.sinks, inputs)
    log.around(flow.run, case.sinks, inputs, hooks=[log])
    content = log.to_dict()

    def picture() -> None:
        executed_svg(flow, content)

    def full() -> None:
        flow.run(case.sinks, inputs, record=records)

    from sideflow.provenance import git_state

    times = timing.round_robin({"run": run, "run + run.json": run_and_log, "dag.svg": picture,
                                "run(record=...)": full, "of which: git status": lambda: git_state(repo)},
                               repeats, 200_000_000)
    base = times["run"].median_ns or 0
    extra = ((times["run + run.json"].median_ns or 0) - base) / 1e6
    rows = [f"| {n} functions | median |", "|---|---|"]
    rows += [f"| {name} | {_ms(t)} |" for name, t in times.items()]
    verdict = "met" if extra <= TARGET_RECORD_MS else "MISSED"
    git = (times["of which: git status"].median_ns or 0) / 1e6
    rows.append(f"\nrecording adds {extra:.2f} ms (of which {git:.1f} ms is the `git status` subprocess, "
                f"started with the run) + the picture ({_ms(times['dag.svg'])}); "
                f"target <= {TARGET_RECORD_MS} ms + picture: {verdict}")
    write_record(log, records)
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("## sideflow check, cold process\n")
        print("\n".join(check_costs(folder, args.repeats, 1000)))
        for n in (100, 1000):
            print(f"\n## recording a run ({n} functions)\n")
            print("\n".join(record_costs(folder, args.repeats, n)))


if __name__ == "__main__":
    main()
