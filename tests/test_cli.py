"""The installed `sideflow` command, run in a subprocess as users run it."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SIDEFLOW = Path(sys.executable).with_name("sideflow")

FEATURES = '''\
"""Weekly marketing features."""
import pandas as pd

from sideflow import config

WINDOW = 3


def spend_per_signup(spend: pd.Series, signups: pd.Series) -> pd.Series:
    """Spend per signup."""
    return spend / signups


def avg_3wk_spend(spend: pd.Series) -> pd.Series:
    return spend.rolling(WINDOW).mean()


def total(spend: pd.Series, bonus: float = 0.0) -> float:
    return float(spend.sum()) + bonus


@config.when(region="US")
def tax__us(total: float) -> float:
    return total * 0.1


@config.when(region="EU")
def tax__eu(total: float) -> float:
    return total * 0.2
'''

SCALARS = '''\
def ratio(spend: float, signups: float) -> float:
    return spend / signups


def label(name: str) -> str:
    return name.upper()


def crash(spend: float) -> float:
    return _divide(spend)


def _divide(value: float) -> float:
    return value / 0
'''


def sideflow(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SIDEFLOW), *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def no_traceback_of_ours(done: subprocess.CompletedProcess[str]) -> None:
    assert "sideflow/cli" not in done.stderr and "core/cli" not in done.stderr
    assert "Traceback (most recent call last)" not in done.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "features.py").write_text(FEATURES)
    (tmp_path / "scalars.py").write_text(SCALARS)
    pd.DataFrame({"spend": [10.0, 20.0, 30.0, 40.0], "signups": [1.0, 2.0, 5.0, 4.0]}).to_csv(
        tmp_path / "data.csv", index=False)
    return tmp_path


# -- check ---------------------------------------------------------------------------
def test_check_ok_lists_inputs(project: Path) -> None:
    done = sideflow("check", "features.py", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "features.py: ok, 3 functions; inputs: spend, signups; optional inputs: bonus" in done.stdout


def test_check_lists_every_problem_and_exits_1(project: Path) -> None:
    (project / "broken.py").write_text(
        "def a(x) -> int:\n    return 1\n\n\ndef b(q: int) -> int:\n    return 1\n\n\ndef c(y: int):\n"
        "    return 1\n\n\ndef d(b: str) -> str:\n    return ''\n")
    done = sideflow("check", "broken.py", cwd=project)
    assert done.returncode == 1
    assert "3 problems found" in done.stderr
    assert "broken.py:1: function 'a': parameter 'x' has no type annotation" in done.stderr
    assert "broken.py:9: function 'c' has no return annotation" in done.stderr
    assert "broken.py:13: function 'd' takes b: str, but 'b' (broken.py:5) returns int" in done.stderr
    no_traceback_of_ours(done)


def test_check_each_module_separately(project: Path) -> None:
    (project / "other.py").write_text("def total(q: int) -> int:\n    return q\n")
    joined = sideflow("check", "features.py", "other.py", cwd=project)
    assert joined.returncode == 1 and "function 'total' is defined twice" in joined.stderr
    each = sideflow("check", "--each", "features.py", "other.py", cwd=project)
    assert each.returncode == 0, each.stderr
    assert "other.py: ok, 1 function; inputs: q" in each.stdout


def test_check_outputs_and_config(project: Path) -> None:
    done = sideflow("check", "features.py", "--config", "region=US", "--outputs", "tax", cwd=project)
    assert done.returncode == 0, done.stderr
    assert "tax needs spend" in done.stdout
    unknown = sideflow("check", "features.py", "--outputs", "tax", cwd=project)
    assert unknown.returncode == 1
    assert ("'tax' (no config variant matches: tax__us (@config.when(region='US'), features.py:22)"
            in unknown.stderr)


def test_check_import_failure_names_file_and_line(project: Path) -> None:
    (project / "imports.py").write_text("import os\n\nVALUE = 1 / 0\n")
    done = sideflow("check", "imports.py", cwd=project)
    assert done.returncode == 1
    assert "imports.py:3: cannot load 'imports.py': ZeroDivisionError: division by zero" in done.stderr
    no_traceback_of_ours(done)


def test_import_name_with_a_failing_import(project: Path) -> None:
    (project / "pkgmod.py").write_text("import helpers_that_do_not_exist\n")
    done = sideflow("check", "pkgmod", cwd=project)
    assert done.returncode == 1
    assert "pkgmod.py:1: cannot load 'pkgmod': ModuleNotFoundError" in done.stderr
    assert "helpers_that_do_not_exist" in done.stderr
    no_traceback_of_ours(done)


def test_missing_module_file_or_name_is_usage(project: Path) -> None:
    for spec in ("nothere.py", "nothere_either"):
        done = sideflow("check", spec, cwd=project)
        assert done.returncode == 2, spec
        assert f"cannot load {spec!r}" in done.stderr
        no_traceback_of_ours(done)


def test_module_helpers_beside_it_import(project: Path) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "helpers.py").write_text("def double(v: float) -> float:\n    return 2 * v\n")
    (project / "sub" / "uses.py").write_text(
        "from helpers import double\n\n\ndef twice(x: float) -> float:\n    return double(x)\n")
    done = sideflow("run", "sub/uses.py", "--outputs", "twice", "--input", "x=2.5", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["twice", "5.0"]


# -- graph ---------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".svg", ".dot", ".json", ".png"])
def test_graph_formats(project: Path, suffix: str) -> None:
    target = project / f"dag{suffix}"
    done = sideflow("graph", "features.py", "-o", str(target), "--rankdir", "LR", cwd=project)
    assert done.returncode == 0, done.stderr
    data = target.read_bytes()
    if suffix == ".svg":
        assert data.startswith(b"<svg") and b">avg_3wk_spend</text>" in data
    elif suffix == ".dot":
        assert b'rankdir="LR"' in data and b'"spend" -> "avg_3wk_spend"' in data
    elif suffix == ".json":
        names = [n["name"] for n in json.loads(data)["nodes"]]
        assert names == ["spend_per_signup", "avg_3wk_spend", "total"]
    else:
        assert data.startswith(b"\x89PNG")


def test_graph_upstream_of(project: Path) -> None:
    done = sideflow("graph", "features.py", "--upstream-of", "avg_3wk_spend", cwd=project)
    assert done.returncode == 0, done.stderr
    assert '"spend" -> "avg_3wk_spend"' in done.stdout
    assert "signups" not in done.stdout and "total" not in done.stdout
    typo = sideflow("graph", "features.py", "--upstream-of", "avg_3wk_spnd", cwd=project)
    assert typo.returncode == 2
    assert "--upstream-of: unknown node 'avg_3wk_spnd' (did you mean 'avg_3wk_spend'?)" in typo.stderr


def test_graph_highlights_outputs(project: Path) -> None:
    done = sideflow("graph", "features.py", "--outputs", "total", cwd=project)
    assert done.returncode == 0, done.stderr
    assert '"total" [shape=box, fillcolor="#dcebd9"' in done.stdout
    typo = sideflow("graph", "features.py", "--outputs", "totl", cwd=project)
    assert typo.returncode == 2 and "--outputs: unknown node 'totl' (did you mean 'total'?)" in typo.stderr


def test_graph_unknown_format(project: Path) -> None:
    done = sideflow("graph", "features.py", "-o", "dag.gif", cwd=project)
    assert done.returncode == 2
    assert "unknown format '.gif'; use one of .svg, .dot, .png, .json" in done.stderr


# -- run -----------------------------------------------------------------------------
def test_run_scalars_on_the_line(project: Path) -> None:
    done = sideflow("run", "scalars.py", "--outputs", "ratio,label", "--input", "spend=10",
                    "--input", "signups=4", "--input", "name=ada", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ratio  2.5", "label  'ADA'"]
    assert done.stderr == ""  # quiet when not a terminal


def test_input_text_for_a_str_parameter_stays_text(project: Path) -> None:
    done = sideflow("run", "scalars.py", "-o", "label", "--input", "name=123", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["label", "'123'"]


def test_run_prints_a_table(project: Path) -> None:
    done = sideflow("run", "features.py", "-o", "spend_per_signup,avg_3wk_spend", "-i", "data.csv",
                    cwd=project)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["spend_per_signup", "avg_3wk_spend"]
    assert lines[3].split() == ["2", "6.0", "20.0"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".json", ".pkl"])
def test_run_writes_outputs(project: Path, suffix: str) -> None:
    pd.DataFrame({"spend": [10.0, 20.0, 30.0, 40.0]}).to_parquet(project / "spend.parquet")
    (project / "more.json").write_text(json.dumps({"signups": [1, 2, 5, 4], "bonus": 0.5}))
    target = project / f"out{suffix}"
    done = sideflow("run", "features.py", "--outputs", "spend_per_signup,total", "--inputs",
                    "spend.parquet", "--input", "signups=[1, 2, 5, 4]", "--out", str(target), cwd=project)
    assert done.returncode == 2  # signups as a JSON list is not a Series: refused, not converted
    assert "input 'signups' is list, but 'spend_per_signup'" in done.stderr
    pd.DataFrame({"signups": [1.0, 2.0, 5.0, 4.0]}).to_pickle(project / "signups.pkl")
    done = sideflow("run", "features.py", "--outputs", "spend_per_signup,total", "--inputs",
                    "spend.parquet", "--inputs", "signups.pkl", "--input", "bonus=0.5", "--out",
                    str(target), cwd=project)
    assert done.returncode == 0, done.stderr
    expected = pd.DataFrame({"spend_per_signup": [10.0, 10.0, 6.0, 10.0], "total": [100.5] * 4})
    if suffix == ".parquet":
        got = pd.read_parquet(target)
    elif suffix == ".csv":
        got = pd.read_csv(target, index_col=0)
    elif suffix == ".json":
        got = pd.read_json(target, orient="table")
    else:
        results = pickle.loads(target.read_bytes())
        assert results["total"] == 100.5
        got = pd.DataFrame({"spend_per_signup": results["spend_per_signup"], "total": 100.5})
    pd.testing.assert_frame_equal(got, expected, check_names=False, check_index_type=False)


def test_run_refuses_values_that_are_not_columns(project: Path) -> None:
    (project / "shapes.py").write_text(
        "import pandas as pd\n\n\n"
        "def day(x: pd.Series) -> pd.Timestamp:\n    return pd.Timestamp('2024-01-07')\n\n\n"
        "def lookup(x: pd.Series) -> dict:\n    return {'a': 1}\n\n\n"
        "def doubled(x: pd.Series) -> pd.Series:\n    return x * 2\n")
    pd.DataFrame({"x": [1, 2]}).to_csv(project / "x.csv", index=False)
    ok = sideflow("run", "shapes.py", "-o", "day,doubled", "-i", "x.csv", "--out", "o.csv", cwd=project)
    assert ok.returncode == 0, ok.stderr
    lines = (project / "o.csv").read_text().splitlines()
    assert lines == [",day,doubled", "0,2024-01-07,2", "1,2024-01-07,4"]
    refused = sideflow("run", "shapes.py", "-o", "lookup,doubled", "-i", "x.csv", "--out", "o.csv",
                       "--progress", cwd=project)
    assert refused.returncode == 2
    assert "--out o.csv: 'lookup' (returns dict) cannot be a table column; write .pkl" in refused.stderr
    assert "[1/" not in refused.stderr  # refused from the annotations, before running anything
    as_json = sideflow("run", "shapes.py", "-o", "lookup", "-i", "x.csv", "--out", "o.json", cwd=project)
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads((project / "o.json").read_text()) == {"lookup": {"a": 1}}


def test_run_json_input_file_keys_become_inputs(project: Path) -> None:
    (project / "values.json").write_text(json.dumps({"spend": 9, "signups": 3}))
    done = sideflow("run", "scalars.py", "-o", "ratio", "-i", "values.json", "--out", "r.json", cwd=project)
    assert done.returncode == 0, done.stderr
    assert json.loads((project / "r.json").read_text()) == {"ratio": 3.0}


def test_run_config(project: Path) -> None:
    for option, expected in (("region=US", "10.0"), ('{"region": "EU"}', "20.0")):
        done = sideflow("run", "features.py", "-o", "tax", "-i", "data.csv", "--config", option, cwd=project)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["tax", expected]


def test_run_executor_threads(project: Path) -> None:
    done = sideflow("run", "features.py", "-o", "spend_per_signup,total", "-i", "data.csv",
                    "--executor", "threads:2", cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split() == ["0", "10.0", "100.0"]


def test_run_progress_lines(project: Path) -> None:
    done = sideflow("run", "features.py", "-o", "spend_per_signup,total", "-i", "data.csv", "--progress",
                    cwd=project)
    assert done.returncode == 0, done.stderr
    assert "[1/2] spend_per_signup" in done.stderr and "[2/2] total" in done.stderr
    assert "done: 2 nodes in" in done.stderr


def test_run_progress_with_an_executor_shows_finished_nodes_only(project: Path) -> None:
    done = sideflow("run", "features.py", "-o", "spend_per_signup,avg_3wk_spend,total", "-i", "data.csv",
                    "--executor", "threads:2", "--progress", cwd=project)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert sorted(line.split()[1] for line in lines[:3]) == ["avg_3wk_spend", "spend_per_signup", "total"]
    assert [line.split()[0] for line in lines[:3]] == ["[1/3]", "[2/3]", "[3/3]"]
    assert "..." not in done.stderr and lines[3].startswith("done: 3 nodes in")


def test_run_progress_on_a_terminal(project: Path) -> None:
    pty = pytest.importorskip("pty")
    script = (f"import pty, sys; sys.exit(pty.spawn([{str(SIDEFLOW)!r}, 'run', 'scalars.py', '-o', 'ratio', "
              "'--input', 'spend=1', '--input', 'signups=2']) >> 8)")
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, timeout=60)
    assert pty and done.returncode == 0
    assert b"[1/1] ratio" in done.stdout and b"done: 1 node in" in done.stdout


# -- bad input: one message, exit 2 (usage) or 1 (the dataflow failed) --------------------
@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-o", "ration", "--input", "spend=1", "--input", "signups=2"], 2,
         "unknown output 'ration' (did you mean 'ratio'?)"),
        (["-o", "ratio", "--input", "spend=1"], 2,
         "missing input 'signups':\n  'signups' needed by ratio\n  fix: --input signups=VALUE"),
        (["-o", "ratio", "-i", "nothere.csv"], 2, "--inputs nothere.csv: no such file"),
        (["-o", "ratio", "-i", "broken.parquet"], 2, "--inputs broken.parquet: cannot parse it as parquet"),
        (["-o", "ratio", "-i", "broken.json"], 2, "--inputs broken.json: cannot parse it as json: "
         "JSONDecodeError"),
        (["-o", "ratio", "-i", "list.json"], 2, "--inputs list.json: holds a list; give a table"),
        (["-o", "ratio", "-i", "data.xlsx"], 2, "--inputs data.xlsx: unknown file type '.xlsx'"),
        (["-o", "ratio", "--input", "spend"], 2, "--input 'spend': expected NAME=VALUE"),
        (["-o", "ratio", "--input", "spnd=1"], 2,
         "'spnd' is not an input of this dataflow (did you mean 'spend'?)"),
        (["-o", "ratio", "--input", "ratio=1"], 2, "'ratio' is a function of this dataflow (scalars.py:1)"),
        (["-o", "ratio", "-i", "values.json", "--input", "spend=2"], 2,
         "input 'spend' is given twice: by values.json and by --input spend=..."),
        (["-o", "ratio", "--config", "region"], 2, "--config: 'region' is not key=value or JSON"),
        (["-o", "ratio", "--config", "spend=1", "-i", "values.json"], 2,
         "'spend' is given twice: by --config and by values.json; give it once"),
        (["-o", "ratio", "--config", "{bad json"], 2, "--config: bad JSON '{bad json'"),
        (["-o", "ratio", "--out", "r.xlsx", "--input", "spend=1", "--input", "signups=2"], 2,
         "--out r.xlsx: unknown file type '.xlsx'"),
        (["-o", "ratio", "--out", "nofolder/r.csv"], 2,
         "--out nofolder/r.csv: folder 'nofolder' does not exist"),
        (["-o", "ratio", "--executor", "threads:x"], 2, "--executor threads:x: expected threads:N"),
        (["-o", "ratio", "--executor", "gpu:1"], 2, "--executor gpu:1: unknown"),
        (["-o", "crash", "--input", "spend=1"], 1,
         "node 'crash' (function crash, scalars.py:9) raised ZeroDivisionError: division by zero"),
    ],
)
def test_bad_input(project: Path, args: list[str], code: int, message: str) -> None:
    (project / "broken.parquet").write_text("not parquet")
    (project / "broken.json").write_text("{not json")
    (project / "list.json").write_text("[1, 2]")
    (project / "values.json").write_text('{"spend": 1, "signups": 2}')
    (project / "data.xlsx").write_text("")
    done = sideflow("run", "scalars.py", *args, cwd=project)
    assert done.returncode == code, done.stderr
    assert message in done.stderr
    assert done.stderr.startswith("sideflow: ")
    no_traceback_of_ours(done)


def test_a_data_file_among_the_modules(project: Path) -> None:
    (project / "values.json").write_text('{"spend": 1}')
    (project / "more.json").write_text('{"signups": 2}')
    done = sideflow("run", "-o", "ratio", "-i", "values.json", "more.json", "scalars.py", cwd=project)
    assert done.returncode == 2
    assert "'more.json' is a data file, not a module: give each file its own --inputs" in done.stderr
    late = sideflow("run", "scalars.py", "-o", "ratio", "-i", "values.json", "more.json", cwd=project)
    assert late.returncode == 2 and "unrecognized arguments: more.json" in late.stderr


def test_node_error_shows_the_users_frames_only(project: Path) -> None:
    done = sideflow("run", "scalars.py", "-o", "crash", "--input", "spend=1", cwd=project)
    assert done.returncode == 1
    frames = [line for line in done.stderr.splitlines() if line.startswith("  File ")]
    assert [line.rsplit(" in ", 1)[1] for line in frames] == ["crash", "_divide"]
    assert all("scalars.py" in line for line in frames)
    assert done.stderr.rstrip().endswith("ZeroDivisionError: division by zero")


def test_node_error_in_a_worker_process(project: Path) -> None:
    done = sideflow("run", "scalars.py", "-o", "crash", "--input", "spend=1", "--executor", "processes:1",
                    cwd=project)
    assert done.returncode == 1
    assert "raised ZeroDivisionError" in done.stderr
    frames = [line for line in done.stderr.splitlines() if line.startswith("  File ")]
    assert [line.rsplit(" in ", 1)[1] for line in frames] == ["crash", "_divide"]
    assert "parallel.py" not in done.stderr and "concurrent" not in done.stderr


def test_dask_executor_needs_distributed(project: Path) -> None:
    try:
        import distributed  # noqa: F401
    except ImportError:
        done = sideflow("run", "scalars.py", "-o", "ratio", "--executor", "dask://localhost:1", cwd=project)
        assert done.returncode == 2
        assert "needs Dask's distributed: pip install sideflow[dask]" in done.stderr
    else:
        done = sideflow("run", "scalars.py", "-o", "ratio", "--input", "spend=1", "--input", "signups=2",
                        "--executor", "dask://127.0.0.1:9", cwd=project)
        assert done.returncode == 2
        assert "cannot connect to the Dask scheduler" in done.stderr


def test_usage_errors_from_argparse(project: Path) -> None:
    done = sideflow("run", "scalars.py", cwd=project)
    assert done.returncode == 2
    assert "the following arguments are required: -o/--outputs" in done.stderr
    bare = sideflow(cwd=project)
    assert bare.returncode == 2 and "commands:" in bare.stderr


def test_help_for_each_command(project: Path) -> None:
    top = sideflow("--help", cwd=project)
    assert top.returncode == 0
    for command in ("check", "graph", "run", "diff"):
        assert command in top.stdout
        done = sideflow(command, "--help", cwd=project)
        assert done.returncode == 0 and f"usage: sideflow {command}" in done.stdout


def test_python_dash_m(project: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "sideflow", "run", "scalars.py", "-o", "ratio", "--input",
                           "spend=3", "--input", "signups=2"], cwd=project, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ratio", "1.5"]


def test_import_name_runs_like_a_path(project: Path) -> None:
    done = sideflow("run", "scalars", "-o", "ratio", "--input", "spend=3", "--input", "signups=2",
                    cwd=project)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ratio", "1.5"]


def test_syntax_error_names_the_line(project: Path) -> None:
    (project / "typo.py").write_text("def f(x: int) -> int:\n    return x +\n")
    done = sideflow("run", "typo.py", "-o", "f", cwd=project)
    assert done.returncode == 1
    assert done.stderr.startswith("sideflow: typo.py:2: cannot load 'typo.py': SyntaxError: invalid syntax")
    no_traceback_of_ours(done)


def test_parquet_without_pyarrow_says_what_to_install(project: Path) -> None:
    blocker = project / "no_pyarrow"
    (blocker / "pyarrow").mkdir(parents=True)
    (blocker / "pyarrow" / "__init__.py").write_text("raise ImportError('pyarrow is not installed')\n")
    pd.DataFrame({"spend": [1.0]}).to_csv(project / "s.csv", index=False)
    env = {"PYTHONPATH": str(blocker)}
    for args, message in (
        (["-i", "s.parquet"], "--inputs s.parquet: reading parquet needs pyarrow: pip install pyarrow"),
        (["-i", "s.csv", "--out", "o.parquet"],
         "--out o.parquet: writing parquet needs pyarrow: pip install pyarrow"),
    ):
        (project / "s.parquet").write_bytes(b"")
        done = sideflow("run", "features.py", "-o", "total", *args, cwd=project, env=env)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr


def test_check_and_run_stay_light(project: Path) -> None:
    """The command imports nothing heavy itself: a module without pandas checks and runs
    without loading pandas (cold-start time is most of `sideflow check`)."""
    script = ("import json, sys\nfrom sideflow.cli import main\n"
              "codes = [main(['check', 'scalars.py']), main(['run', 'scalars.py', '-o', 'ratio', '--input', "
              "'spend=1', '--input', 'signups=2', '--record', 'runs'])]\n"
              "print(json.dumps([codes, sorted(m for m in sys.modules if m.split('.')[0] in "
              "('pandas', 'numpy', 'IPython', 'pygraphviz'))]))")
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    codes, heavy = json.loads(done.stdout.splitlines()[-1])
    assert codes == [0, 0]
    assert [m for m in heavy if not m.startswith("pygraphviz")] == []  # dag.svg may lay out with dot
