"""The extension in a real IPython shell: magics, hooks, rebuild on edit, bad input."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ipython_shell import Shell, make_shell

FEATURES = '''
import pandas as pd
from helpers import scale

def spend_per_signup(spend: pd.Series, signups: pd.Series) -> pd.Series:
    """Marketing spend per signup."""
    return spend / signups

def avg_3wk_spend(spend: pd.Series) -> pd.Series:
    """Rolling 3-week average of spend."""
    return spend.rolling(3, min_periods=1).mean()

def scaled(avg_3wk_spend: pd.Series) -> pd.Series:
    return scale(avg_3wk_spend)

def total(scaled: pd.Series) -> float:
    return float(_total(scaled))

def _total(s: pd.Series) -> float:
    return s.sum()
'''
HELPERS = """
def scale(s):
    return s * 2
"""
DATA = (
    "import pandas as pd\ndata = {'spend': pd.Series([1.0, 2.0, 3.0]), 'signups': pd.Series([1.0, 1.0, 2.0])}"
)


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    sys.modules.pop("features", None)
    sys.modules.pop("helpers", None)
    yield from make_shell(tmp_path)


@pytest.fixture
def attached(shell: Shell) -> Shell:
    shell.write("features.py", FEATURES)
    shell.write("helpers.py", HELPERS)
    shell.ok(DATA)
    shell.ok("%dataflow features.py --inputs data --no-widget")
    return shell


def hooks(shell: Shell) -> list[object]:
    return [
        cb
        for cb in shell.ip.events.callbacks["pre_run_cell"]
        if getattr(cb, "__module__", "").startswith("sideflow")
    ]


def test_load_unload_reload_register_exactly_once(shell: Shell) -> None:
    assert len(hooks(shell)) == 1
    assert "dataflow" in shell.ip.magics_manager.magics["line"]
    assert "dataflow" in shell.ip.magics_manager.magics["cell"]
    shell.ok("%reload_ext sideflow")
    shell.ok("%reload_ext sideflow")
    assert len(hooks(shell)) == 1
    shell.ok("%unload_ext sideflow")
    assert hooks(shell) == []
    assert "dataflow" not in shell.ip.magics_manager.magics["line"]
    shell.ok("%load_ext sideflow")
    assert len(hooks(shell)) == 1


def test_help_lists_the_options(shell: Shell) -> None:
    doc = shell.ip.find_line_magic("dataflow").__doc__
    for option in ("--config", "--inputs", "--name", "--run", "--no-widget"):
        assert option in doc


def test_attach_binds_a_session_and_runs(attached: Shell) -> None:
    flow = attached.ns["flow"]
    assert list(flow.dataflow.nodes) == ["spend_per_signup", "avg_3wk_spend", "scaled", "total"]
    assert flow.states["total"] == "idle"
    attached.ok("out = flow.run(['total'])")
    assert attached.ns["out"]["total"] == pytest.approx(2 * (1 + 1.5 + 2))
    assert flow.last_ran == ["avg_3wk_spend", "scaled", "total"]
    assert flow.states["total"] == "fresh" and flow.states["spend_per_signup"] == "idle"
    attached.ok("flow.run(['total'])")
    assert flow.last_ran == []  # everything it needs is fresh


def test_options_name_config_and_dataframe_inputs(shell: Shell) -> None:
    shell.write(
        "conf.py",
        """
        import pandas as pd
        import sideflow

        @sideflow.config.when(mode="double")
        def out__double(x: pd.Series, factor: int) -> pd.Series:
            return x * 2 * factor

        @sideflow.config.when(mode="half")
        def out__half(x: pd.Series, factor: int) -> pd.Series:
            return x / 2 * factor
    """,
    )
    shell.ok("import pandas as pd\ndf = pd.DataFrame({'x': [1.0, 2.0]})\nsettings = {'factor': 10}")
    shell.ok("%dataflow conf.py --name f1 --inputs df --config mode=double --config settings --no-widget")
    shell.ok("""%dataflow conf.py -n f2 -i df -c '{"mode": "half", "factor": 1}' --no-widget""")
    assert list(shell.ok("print(f1.run('out')['out'].tolist())").split()) == ["[20.0,", "40.0]"]
    assert "[0.5, 1.0]" in shell.ok("print(f2.run('out')['out'].tolist())")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("%dataflow features.py --bogus", "unrecognized arguments: --bogus"),
        ("%dataflow features.py --config '{bad'", r"--config: bad JSON '\{bad'"),
        ("%dataflow features.py --inputs nowhere", "--inputs: no variable named 'nowhere'"),
        ("%dataflow features.py --config nowhere", "--config: no variable named 'nowhere'"),
        ("%dataflow features.py --name 2x", "--name: '2x' is not a valid variable name"),
        ("%dataflow", "%dataflow needs a module"),
    ],
    ids=["unknown-option", "bad-json", "unknown-inputs", "unknown-config", "bad-name", "no-module"],
)
def test_bad_arguments_are_one_line_usage_errors(shell: Shell, line: str, message: str) -> None:
    from IPython.core.error import UsageError

    out, result = shell.run(line)
    assert isinstance(result.error_in_exec, UsageError)
    assert re_search(message, str(result.error_in_exec)), str(result.error_in_exec)
    assert "Traceback" not in out


def test_dataflow_cell_joins_the_dag_runs_once_and_stays_callable(attached: Shell) -> None:
    attached.ok("calls = []")
    attached.ok('''
        %%dataflow
        calls.append(1)
        def spend_zscore(spend: pd.Series, avg_3wk_spend: pd.Series) -> pd.Series:
            """Spend against its rolling average."""
            return (spend - avg_3wk_spend) / spend.std()
        def doubled(spend_zscore: pd.Series) -> pd.Series:
            return spend_zscore * 2
    ''')
    flow = attached.ns["flow"]
    assert attached.ns["calls"] == [1]
    assert {"spend_zscore", "doubled"} <= set(flow.dataflow.nodes)
    assert flow.dataflow.nodes["doubled"].location.startswith("<dataflow In [")
    attached.ok("direct = spend_zscore(data['spend'], data['spend'])")  # still a plain function
    attached.ok("""
        %%dataflow
        def spend_zscore(spend: pd.Series, avg_3wk_spend: pd.Series) -> pd.Series:
            return spend - avg_3wk_spend
    """)
    assert "spend_zscore" in flow.dataflow.nodes
    assert "doubled" not in flow.dataflow.nodes  # deleted from the cell: gone from the DAG


def test_dataflow_cell_identified_by_cell_id(attached: Shell) -> None:
    attached.ok("%%dataflow\ndef a(spend: pd.Series) -> pd.Series:\n    return spend\n", cell_id="c1")
    attached.ok("%%dataflow\ndef b(spend: pd.Series) -> pd.Series:\n    return spend\n", cell_id="c1")
    nodes = attached.ns["flow"].dataflow.nodes
    assert "b" in nodes and "a" not in nodes


def test_cell_function_colliding_with_module_names_both_places(attached: Shell) -> None:
    out = attached.ok("%%dataflow\ndef total(scaled: pd.Series) -> float:\n    return 0.0\n")
    assert "function 'total' is defined twice: at features.py:" in out
    assert "<dataflow In [" in out
    assert "keeping the last good graph; this cell's functions were not added" in out
    flow = attached.ns["flow"]
    assert flow.dataflow.nodes["total"].location.startswith("features.py")
    attached.write("features.py", FEATURES.replace("rolling(3,", "rolling(4,"))
    assert attached.ok("pass") == ""  # the broken cell does not block later rebuilds


def test_run_option_keeps_notebook_variables(attached: Shell) -> None:
    attached.ok("scaled = 'mine'")
    out = attached.ok(
        "%%dataflow --run doubled\ndef doubled(scaled: pd.Series) -> pd.Series:\n    return scaled * 2\n"
    )
    assert attached.ns["scaled"] == "mine"
    assert callable(attached.ns["doubled"])
    assert attached.ns["flow"].results["doubled"].tolist() == [4.0, 6.0, 8.0]
    assert "flow.results['doubled']" in out


def test_edit_marks_changed_node_and_descendants_stale(attached: Shell) -> None:
    flow = attached.ns["flow"]
    attached.ok("flow.run(['total', 'spend_per_signup'])")
    kept = flow.results["spend_per_signup"]
    attached.write("features.py", FEATURES.replace("rolling(3, min_periods=1)", "rolling(2, min_periods=1)"))
    attached.ok("pass")  # any cell: the module is reloaded before it runs
    assert {n: s for n, s in flow.states.items() if s == "stale"} == {
        "avg_3wk_spend": "stale",
        "scaled": "stale",
        "total": "stale",
    }
    assert flow.states["spend_per_signup"] == "fresh"
    attached.ok("flow.run(['total', 'spend_per_signup'])")
    assert flow.last_ran == ["avg_3wk_spend", "scaled", "total"]
    assert flow.results["spend_per_signup"] is kept
    assert flow.results["total"] == pytest.approx(2 * (1 + 1.5 + 2.5))


def test_helper_edits_count_as_code_changes(attached: Shell) -> None:
    flow = attached.ns["flow"]
    attached.ok("flow.run(['total'])")
    attached.write("features.py", FEATURES.replace("return s.sum()", "return s.sum() + 1"))
    attached.ok("pass")
    assert flow.states["total"] == "stale" and flow.states["scaled"] == "fresh"
    attached.write("helpers.py", HELPERS.replace("s * 2", "s * 3"))
    attached.ok("pass")
    assert flow.states["scaled"] == "stale" and flow.states["total"] == "stale"
    attached.ok("flow.run(['total'])")
    assert flow.results["total"] == pytest.approx(3 * (1 + 1.5 + 2) + 1)


def test_moving_a_function_does_not_make_it_stale(attached: Shell) -> None:
    flow = attached.ns["flow"]
    attached.ok("flow.run(['total'])")
    attached.write("features.py", "\n\n# a comment above everything\n" + FEATURES)
    attached.ok("pass")
    assert set(flow.states.values()) <= {"input", "fresh", "idle"}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s + "\ndef broken(:\n", r"features.py:\d+: cannot load .*SyntaxError: invalid syntax"),
        (
            lambda s: s + "\nraise RuntimeError('mid-edit')\n",
            r"features.py:\d+: cannot load .*RuntimeError: mid-edit",
        ),
        (
            lambda s: s.replace("def total(scaled: pd.Series)", "def total(scaled: str)"),
            r"function 'total' takes scaled: str, but 'scaled' \(features.py:\d+\) returns Series",
        ),
        (
            lambda s: s.replace(
                "def avg_3wk_spend(spend: pd.Series)", "def avg_3wk_spend(spend: pd.Series, total: float)"
            ),
            r"cycle: .*avg_3wk_spend -> scaled -> total -> avg_3wk_spend",
        ),
        (
            lambda s: s.replace("def scaled(avg_3wk_spend: pd.Series)", "def scaled(avg_3wk_spend)"),
            r"function 'scaled': parameter 'avg_3wk_spend' has no type annotation",
        ),
    ],
    ids=["syntax-error", "import-error", "type-mismatch", "cycle", "missing-annotation"],
)
def test_broken_edit_keeps_last_good_dag_and_results(attached: Shell, edit, message) -> None:
    import re

    flow = attached.ns["flow"]
    attached.ok("flow.run(['total'])")
    good, results = flow.dataflow, dict(flow.results)
    attached.write("features.py", edit(FEATURES))
    out = attached.ok("x = 1")
    assert re.search(message, out), out
    assert "keeping the last good graph" in out and "Traceback" not in out
    assert out.count("sideflow:") == 1
    assert flow.dataflow is good and flow.results == results and flow.error
    assert attached.ok("y = 2") == ""  # reported once, not on every cell
    attached.write("features.py", FEATURES)
    assert attached.ok("z = 3") == ""
    assert flow.error == "" and flow.dataflow is not good
    assert flow.states["total"] == "fresh"


def test_deleted_module_file_is_reported_and_dag_kept(attached: Shell) -> None:
    flow = attached.ns["flow"]
    good = flow.dataflow
    (attached.folder / "features.py").unlink()
    out = attached.ok("pass")
    assert "the file is gone (deleted or renamed?)" in out
    assert flow.dataflow is good


def test_node_exception_marks_error_and_keeps_other_results(attached: Shell) -> None:
    from sideflow import NodeError

    flow = attached.ns["flow"]
    attached.ok("flow.run(['spend_per_signup'])")
    attached.write("features.py", FEATURES.replace("return scale(avg_3wk_spend)", "return 1 / 0"))
    _out, result = attached.run("%dataflow --run total")
    assert isinstance(result.error_in_exec, NodeError)
    assert re_search(
        r"node 'scaled' \(function scaled, features.py:\d+\) raised ZeroDivisionError",
        str(result.error_in_exec),
    )
    assert flow.states["scaled"] == "error"
    assert flow.states["avg_3wk_spend"] == "fresh" and flow.states["spend_per_signup"] == "fresh"


def re_search(pattern: str, text: str) -> bool:
    import re

    return re.search(pattern, text) is not None


def test_new_inputs_make_dependants_stale(attached: Shell) -> None:
    flow = attached.ns["flow"]
    attached.ok("flow.run(['total', 'spend_per_signup'])")
    attached.ok("flow.inputs['signups'] = pd.Series([2.0, 2.0, 2.0])")
    attached.ok("pass")
    assert flow.states["spend_per_signup"] == "stale" and flow.states["total"] == "fresh"


def test_missing_input_state(shell: Shell) -> None:
    shell.write("features.py", FEATURES)
    shell.write("helpers.py", HELPERS)
    shell.ok("%dataflow features.py --no-widget")
    flow = shell.ns["flow"]
    assert flow.states["spend"] == "missing-input"
    assert flow.states["total"] == "missing-input"


def test_same_size_edit_in_the_same_second_is_seen(attached: Shell) -> None:
    flow = attached.ns["flow"]
    attached.ok("flow.run(['total'])")
    path = attached.folder / "features.py"
    before = path.stat()
    attached.write("features.py", FEATURES.replace("return s.sum()", "return s.max()"))
    import os

    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same mtime
    attached.ok("flow.run(['total'])")
    assert flow.last_ran == ["total"]
    assert flow.results["total"] == pytest.approx(2 * 2.0)


def test_module_constant_edit_makes_readers_stale(shell: Shell) -> None:
    shell.write(
        "consts.py",
        "import pandas as pd\nWINDOW = 3\n\ndef avg(spend: pd.Series) -> pd.Series:\n"
        "    return spend.rolling(WINDOW, min_periods=1).mean()\n\ndef other(spend: pd.Series) -> float:\n"
        "    return float(spend.sum())\n",
    )
    shell.ok(DATA)
    shell.ok("%dataflow consts.py --inputs data --no-widget")
    shell.ok("flow.run(['avg', 'other'])")
    shell.write("consts.py", (shell.folder / "consts.py").read_text().replace("WINDOW = 3", "WINDOW = 2"))
    shell.ok("pass")
    flow = shell.ns["flow"]
    assert flow.states["avg"] == "stale" and flow.states["other"] == "fresh"


def test_rejected_inputs_are_not_remembered(attached: Shell) -> None:
    from sideflow import InputError, InputTypeError

    flow = attached.ns["flow"]
    with pytest.raises(InputError, match="pass overrides"):
        flow.run("total", inputs={"scaled": 1})
    assert "scaled" not in flow.inputs
    flow.run("total")  # not poisoned by the bad call
    with pytest.raises(InputTypeError, match="input 'spend' is list"):
        flow.run("spend_per_signup", inputs={"spend": [1, 2]})


def test_input_that_becomes_a_function_makes_dependants_stale(attached: Shell) -> None:
    flow = attached.ns["flow"]
    attached.ok("flow.run(['spend_per_signup'])")
    attached.write(
        "features.py", FEATURES + "\ndef signups(spend: pd.Series) -> pd.Series:\n    return spend * 0 + 4\n"
    )
    attached.ok("pass")
    assert flow.states["spend_per_signup"] == "stale"
    attached.ok("flow.run(['spend_per_signup'])")  # the old input value is ignored, not an error
    assert flow.results["spend_per_signup"].tolist() == [0.25, 0.5, 0.75]


def test_click_after_a_save_runs_the_new_code(attached: Shell) -> None:
    flow = attached.ns["flow"]
    attached.write("features.py", FEATURES.replace("return spend / signups", "return spend / signups * 100"))
    flow.run_node("spend_per_signup")  # no cell ran since the save
    assert flow.results["spend_per_signup"].tolist() == [100.0, 200.0, 150.0]


def test_reattach_keeps_cells_inputs_and_widget(attached: Shell) -> None:
    flow = attached.ns["flow"]
    widget = flow.widget
    attached.ok("%%dataflow\ndef z(total: float) -> float:\n    return total + 1\n")
    attached.ok("flow.run(['z'])")
    attached.ok("%dataflow features.py --no-widget")
    assert attached.ns["flow"] is flow and flow.widget is widget
    assert "z" in flow.dataflow.nodes and flow.states["z"] == "fresh"


def test_config_option_on_an_existing_session_rebuilds(shell: Shell) -> None:
    shell.write(
        "variant.py",
        """
        import sideflow

        @sideflow.config.when(region="US")
        def tax__us(amount: float) -> float:
            return amount * 0.1

        @sideflow.config.when(region="EU")
        def tax__eu(amount: float) -> float:
            return amount * 0.2
    """,
    )
    shell.ok("%dataflow variant.py --config region=US --no-widget")
    flow = shell.ns["flow"]
    assert flow.run("tax", inputs={"amount": 10.0})["tax"] == pytest.approx(1.0)
    shell.ok("%dataflow --config region=EU --no-widget")
    assert flow.config["region"] == "EU"
    assert flow.states["tax"] == "stale"
    assert flow.run("tax")["tax"] == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("%dataflow featurs.py", r"no such file: 'featurs.py'"),
        ("%dataflow no_such_module_here", r"cannot import 'no_such_module_here'"),
    ],
    ids=["missing-file", "unknown-import"],
)
def test_typo_in_source_is_refused_and_session_kept(attached: Shell, line: str, message: str) -> None:
    from IPython.core.error import UsageError

    flow = attached.ns["flow"]
    _out, result = attached.run(line)
    assert isinstance(result.error_in_exec, UsageError)
    assert re_search(message, str(result.error_in_exec))
    assert attached.ns["flow"] is flow and flow.dataflow is not None


def test_deleted_file_reported_once_and_restoring_it_recovers(attached: Shell) -> None:
    flow = attached.ns["flow"]
    (attached.folder / "features.py").unlink()
    assert "the file is gone" in attached.ok("pass")
    assert attached.ok("pass") == ""
    attached.write("features.py", FEATURES)
    assert attached.ok("pass") == ""
    assert flow.error == ""


def test_cell_functions_get_real_annotations(attached: Shell) -> None:
    attached.ok("%%dataflow\ndef half(total: float) -> float:\n    return total / 2\n")
    assert attached.ns["half"].__annotations__ == {"total": float, "return": float}


def test_inputs_given_in_a_cell_update_states_after_it(shell: Shell) -> None:
    shell.write("features.py", FEATURES)
    shell.write("helpers.py", HELPERS)
    shell.ok("%dataflow features.py --no-widget")
    flow = shell.ns["flow"]
    shell.ok(DATA + "\nflow.inputs.update(data)")
    assert flow.widget.states["total"] == "idle"  # pushed by the post-cell hook


def test_what_if_run_reports_what_ran_and_stores_nothing(attached: Shell) -> None:
    flow = attached.ns["flow"]
    flow.run("total")
    out = flow.run("total", overrides={"scaled": pd_series([1.0, 1.0])})
    assert out["total"] == 2.0 and flow.last_ran == ["total"]
    assert flow.results["total"] != 2.0


def pd_series(values: list[float]):
    import pandas as pd

    return pd.Series(values)
