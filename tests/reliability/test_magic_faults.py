"""The fault catalogue in a real IPython shell: bad `%dataflow` lines and cells, bad calls
from cells, `%reload_ext`. One clear message each; the shell and the session go on."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ipython_shell import Shell, make_shell
from tests.reliability.world import GOOD, GOOD_VALUES, Before, line_of


@dataclass(frozen=True)
class Case:
    id: str
    code: str  # the cell the user runs
    expect: str  # regex over what the user sees (output and error)
    usage: bool = True  # a one-line UsageError: no traceback
    setup: str = ""  # a cell run first (not part of the fault)


CASES = [
    Case("name-is-a-keyword", "%dataflow side.py -n class",
         r"UsageError: --name: 'class' is a Python keyword; choose another, e.g\. -n flow"),
    Case("name-not-identifier", "%dataflow side.py -n 2x", r"--name: '2x' is not a valid variable name"),
    Case("source-is-a-folder", "%dataflow .",
         r"UsageError: '\.' is a folder: give a side module's \.py file, e\.g\. %dataflow features\.py"),
    Case("source-not-a-name", "%dataflow side-2",
         r"UsageError: 'side-2' is neither a \.py file nor a module name: e\.g\. %dataflow features\.py"),
    Case("no-such-file", "%dataflow nosuch.py", r"UsageError: no such file: 'nosuch\.py' \(looked in .+\)"),
    Case("no-such-module", "%dataflow no_such_module_xyz",
         r"cannot import 'no_such_module_xyz': no module of that name \(for a file, give its path: "
         r"no_such_module_xyz\.py\)"),
    Case("config-json-list", "%dataflow side.py -c '[1,2]'",
         r"UsageError: --config: '\[1,2\]' is a JSON list, not an object: give \{\"key\": value, \.\.\.\}"),
    Case("config-bad-json", "%dataflow side.py -c '{bad'", r"--config: bad JSON '\{bad': Expecting property name"),
    Case("config-bad-pair", "%dataflow side.py -c a=1,b", r"--config: 'b' is not key=value"),
    Case("config-unknown-variable", "%dataflow side.py -c nowhere", r"--config: no variable named 'nowhere'"),
    Case("config-not-a-dict", "number = 42\n%dataflow side.py -c number",
         r"--config: 'number' is a int, not a dict"),
    Case("inputs-unknown-variable", "%dataflow side.py -i nowhere", r"--inputs: no variable named 'nowhere'"),
    Case("inputs-not-a-dict", "number = 42\n%dataflow side.py -i number",
         r"--inputs: 'number' is a int; give a dict or a DataFrame"),
    Case("unknown-option", "%dataflow side.py --bogus", r"unrecognized arguments: --bogus"),
    Case("cell-syntax-error", "%%dataflow\ndef extra(base: int) -> int\n    return base\n",
         r"UsageError: <dataflow In \[\d+\]>, line 1: SyntaxError: expected ':': 'def extra\(base: int\) -> int'\n"
         r"\(the cell's functions were not added: fix the cell and run it again\)"),
    Case("cell-indentation-error", "%%dataflow\ndef extra(base: int) -> int:\nreturn base\n",
         r"<dataflow In \[\d+\]>, line 2: IndentationError: expected an indented block"),
    Case("cell-with-several-sessions", "%%dataflow\ndef e(base: int) -> int:\n    return base\n",
         r"UsageError: %%dataflow: this notebook has several dataflows \(flow, other\): say which one with -n NAME",
         setup="%dataflow side.py -n other --no-widget"),
    Case("line-with-several-sessions", "%dataflow side.py -n other --no-widget\n%dataflow",
         r"UsageError: %dataflow: this notebook has several dataflows \(flow, other\): say which one with -n NAME"),
    Case("run-unknown-output", "%dataflow -r labl",
         r"unknown output 'labl' \(did you mean 'label'\?\): not a function or input of this dataflow", usage=False),
    Case("inputs-naming-a-node", "given = {'double': 5}\n%dataflow -i given",
         rf"sideflow: --inputs given: 'double' \(side\.py:{line_of('def double')}\) is a function of this dataflow, "
         r"not an input: ignored \(to replace a computed value, pass overrides: flow\.run\(\[\.\.\.\], "
         r"overrides=\{'double': \.\.\.\}\)\)", usage=False),
    Case("config-naming-a-function", "%dataflow -c base=1",
         rf"side\.py:{line_of('def base')}: config key 'base' has the same name as function 'base'.*"
         r"the config was not changed", usage=False),
    Case("run-input-of-wrong-type", "flow.run(['label'], inputs={'x': 'oops'})",
         rf"InputTypeError: wrong input type:\n  input 'x' is str, but 'base' \(side\.py:{line_of('def base')}\) takes"
         r" x: int", usage=False),
    Case("module-shadowing-an-import", "%dataflow json.py -n shadow --no-widget",
         r"cannot load 'json\.py': a different module named 'json' is already imported \(from .+\); rename the "
         r"file so it does not shadow it", usage=False),
    Case("module-exits-at-import", "%dataflow exits.py -n exiting --no-widget",
         r"sideflow: exits\.py:2: cannot load 'exits\.py': SystemExit: 2 \(the module calls sys\.exit\(\) when "
         r"imported", usage=False),
]


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    for name in ("side", "exits"):
        sys.modules.pop(name, None)
    yield from make_shell(tmp_path)


@pytest.fixture
def attached(shell: Shell) -> Shell:
    shell.write("side.py", GOOD)
    shell.write("json.py", "def j(x: int) -> int:\n    return x\n")
    shell.write("exits.py", "import sys\nsys.exit(2)\n")
    shell.ok("%dataflow side.py -c '{}' --no-widget")
    shell.ok("flow.inputs['x'] = 2")
    shell.ok("flow.run(['label'])")
    return shell


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_line_or_cell_gives_one_clear_message(attached: Shell, case: Case) -> None:
    from IPython.core.error import UsageError

    if case.setup:
        attached.ok(case.setup)
    flow = attached.ns["flow"]
    before = Before.of(flow)
    out, result = attached.run(case.code)
    shown = out + (f"\n{type(result.error_in_exec).__name__}: {result.error_in_exec}" if result.error_in_exec else "")
    assert re.search(case.expect, shown, re.S), f"not {case.expect!r}:\n{shown}"
    if case.usage:
        assert isinstance(result.error_in_exec, UsageError)
        assert "Traceback" not in out
    assert len(re.findall(r"^sideflow: ", out, re.M)) <= 1
    assert attached.ns["flow"] is flow
    before.assert_kept(flow)
    assert attached.ok("print(flow.run(['label'])['label'])").strip() == GOOD_VALUES["label"]


def test_a_cell_joins_the_only_session_whatever_its_name(shell: Shell) -> None:
    shell.write("side.py", GOOD)
    shell.ok("%dataflow side.py -n wflow --no-widget")
    shell.ok("%%dataflow\ndef tripled(base: int) -> int:\n    return 3 * base\n")
    assert "flow" not in shell.ns
    assert shell.ok("print(wflow.run(['tripled'], inputs={'x': 2})['tripled'])").strip() == "9"


def test_reload_ext_keeps_sessions_attached(shell: Shell) -> None:
    shell.write("side.py", GOOD)
    shell.ok("%dataflow side.py --no-widget")
    shell.ok("flow.inputs['x'] = 2\nflow.run(['label'])")
    flow = shell.ns["flow"]
    shell.ok("%reload_ext sideflow")
    shell.ok("%reload_ext sideflow")
    callbacks = [cb for cb in shell.ip.events.callbacks["pre_run_cell"] if "sideflow" in cb.__module__]
    assert len(callbacks) == 1
    shell.write("side.py", GOOD.replace("return x + 1", "return x + 10"))
    shell.ok("pass")  # the pre-cell hook of the reloaded extension reloads the module
    assert flow.states["base"] == "stale"
    assert shell.ok("print(flow.run(['base'])['base'])").strip() == "12"
    shell.write("side.py", GOOD.replace("def double(base: int) -> int:", "def double(base: int) -> int"))
    assert "SyntaxError: expected ':'" in shell.ok("pass")  # broken saves are reported again
    assert "needs a module" not in shell.ok("%dataflow --no-widget")


def test_hooks_and_magics_do_not_import_each_other() -> None:
    import ast

    root = Path(__file__).parents[2] / "extension"
    imports = {}
    for name in ("hooks", "magics"):
        tree = ast.parse((root / f"{name}.py").read_text())
        imports[name] = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert "hooks" not in imports["magics"] and "magics" in imports["hooks"]


def test_unload_stops_watching_and_load_resumes_the_same_sessions(shell: Shell) -> None:
    shell.write("side.py", GOOD)
    shell.ok("%dataflow side.py --no-widget")
    flow = shell.ns["flow"]
    shell.ok("%unload_ext sideflow")
    shell.write("side.py", GOOD.replace("return x + 1", "return x + 10"))
    shell.ok("pass")
    assert flow.run(["base"], inputs={"x": 2}) == {"base": 3}  # not watched: the code as loaded
    shell.ok("%load_ext sideflow")
    shell.ok("pass")  # watched again, the same session: the saved edit is picked up
    assert shell.ns["flow"] is flow and flow.run(["base"]) == {"base": 12}
