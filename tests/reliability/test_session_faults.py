"""The fault catalogue, session side: each bad edit, bad call or bad click gives one clear
message (pinned here), keeps the last good DAG, every result and the inputs, and leaves
the widget ready; afterwards the session still works."""

from __future__ import annotations

import _thread
import sys
import textwrap
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.world import GOOD, GOOD_VALUES, Before, World, assert_message, line_of, make_world

L = line_of


@dataclass(frozen=True)
class Case:
    id: str
    act: Callable[[World], str]  # does the bad thing; returns what the user is shown
    expect: str  # regex over that text: names the function and file:line (or argument), and the fix
    setup: Callable[[World], object] | None = None  # what the user did before (not part of the fault)


def edit(source: str) -> Callable[[World], str]:
    return lambda world: world.edit(source)


def with_tail(extra: str) -> str:
    return GOOD + textwrap.dedent(extra)


def raised(call: Callable[[World], object]) -> Callable[[World], str]:
    def act(world: World) -> str:
        with pytest.raises(Exception) as info:
            call(world)
        return f"{type(info.value).__name__}: {info.value}"

    return act


def click(node: str) -> Callable[[World], str]:
    return lambda world: world.click_text(node)


def message(content: object) -> Callable[[World], str]:
    """A malformed front-end message: nothing runs, nothing changes, nothing is shown."""

    def act(world: World) -> str:
        before = dict(world.session.widget.preview)
        after = world.click(content)
        return "unchanged" if after == before else f"changed: {after}"

    return act


def remove(world: World) -> str:
    world.side.unlink()
    return world.check()


def rename(world: World) -> str:
    world.side.rename(world.folder / "side_renamed.py")
    return world.check()


def into_folder(world: World) -> str:
    world.side.unlink()
    world.side.mkdir()
    return world.check()


def non_utf8(world: World) -> str:
    world.side.write_bytes(GOOD.encode() + b'\nNAME = "caf\xe9"\n')
    return world.check()


def config_collision(world: World) -> str:
    world.session.set_config({"base": 1})
    return world.printed[-1]


POINT_CHANGED = GOOD.replace("    y: float\n", "    y: float\n\n    def scale(self) -> float:\n        return 2.0\n")


def make_point(world: World) -> None:
    """The user builds a Point from the side module and gives it as input `p`."""
    world.session.inputs["p"] = sys.modules["side"].Point(3, 4)
    world.session.sync()


def stale_point(world: World) -> str:
    """The Point was made before the module was reloaded with a changed Point class."""
    world.edit(POINT_CHANGED)
    with pytest.raises(Exception) as info:
        world.session.run(["norm"], inputs={"p": world.session.inputs["p"]})
    return str(info.value)


def reentrant_click(world: World) -> str:
    """A click arriving while a node runs: refused, not queued, and the first run finishes."""
    seen: list[str] = []

    def clicks_meanwhile(base: int) -> int:
        seen.append(world.click_text("base"))
        return base

    world.session.set_cell("c", [clicks_meanwhile], "In [4]")
    assert world.click_text("clicks_meanwhile").startswith("[fresh] int 3")
    world.session.set_cell("c", [], "In [4]")
    return seen[0]


def front_end_sets_busy(world: World) -> str:
    """A front end (or a stale one) sets the synced `busy`: it cannot block clicks."""
    world.session.widget.set_state({"busy": "label"})
    assert world.session.widget.busy == ""
    return world.click_text("double")


def rapid_clicks(world: World) -> str:
    for _ in range(50):
        world.click({"type": "run", "node": "label"})
    assert world.session.last_ran == []  # all fresh: nothing recomputed
    return world.click_text("double")


def interrupted_parallel_run(world: World) -> str:
    """Ctrl-C (SIGINT) while nodes run on a thread pool: they are marked, the cell is interrupted."""
    timer = threading.Timer(0.3, _thread.interrupt_main)
    with ThreadPoolExecutor(2) as pool:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            world.session.run(["slow", "double"], executor=pool)
    assert world.session.states["slow"] == "error"
    return str(world.session.errors["slow"])


def interrupted_reload(world: World) -> str:
    text = world.edit(GOOD + "\nraise KeyboardInterrupt\n")
    world.write(GOOD)  # the user fixes nothing; the next cell loads the module again
    assert world.check() == ""
    return text


CASES = [
    # --- edits that break the module (kept: last good DAG, results) -----------------
    Case("syntax-error", edit(GOOD.replace("def double(base: int) -> int:", "def double(base: int) -> int")),
         rf"side\.py:{L('def double')}: cannot load 'side\.py': SyntaxError: expected ':'.*keeping the last good graph"),
    Case("indentation-error", edit(GOOD.replace("    return 2 * base", "return 2 * base")),
         rf"side\.py:{L('return 2 * base')}: cannot load 'side\.py': IndentationError: expected an indented block"),
    Case("name-error-at-import", edit(GOOD + "\nundefined_name + 1\n"),
         rf"side\.py:{len(GOOD.splitlines()) + 2}: cannot load 'side\.py': NameError: name 'undefined_name' is not defined"),
    Case("import-error", edit(GOOD + "\nimport no_such_module_xyz\n"),
         r"side\.py:\d+: cannot load 'side\.py': ModuleNotFoundError: No module named 'no_such_module_xyz'"),
    Case("exception-at-import", edit(GOOD + "\nRATE = 1 / 0\n"),
         r"side\.py:\d+: cannot load 'side\.py': ZeroDivisionError: division by zero.*save a fix and run any cell"),
    Case("sys-exit-at-import", edit(GOOD + "\nsys.exit(2)\n"),
         r"side\.py:\d+: cannot load 'side\.py': SystemExit: 2 \(the module calls sys\.exit\(\) when imported: "
         r"remove the call, or guard it with `if __name__ == \"__main__\":`\)"),
    Case("generator-exit-at-import", edit(GOOD + "\nraise GeneratorExit('bye')\n"),
         r"side\.py:\d+: cannot load 'side\.py': GeneratorExit: bye"),
    Case("interrupt-during-reload", interrupted_reload,
         r"side\.py: cannot load 'side\.py': reloading was interrupted \(KeyboardInterrupt\); it is tried again "
         r"before the next cell"),
    Case("non-utf8-file", non_utf8, rf"side\.py:{len(GOOD.splitlines()) + 2}: cannot load 'side\.py': SyntaxError: \(unicode error\) 'utf-8' codec "
         r"can't decode byte 0xe9.*\(save the file as UTF-8, or declare its encoding on line 1"),
    Case("module-deleted", remove, r"cannot load 'side\.py': the file is gone \(deleted or renamed\?\): restore it"),
    Case("module-renamed", rename, r"the file is gone \(deleted or renamed\?\).*attach the new path with %dataflow"),
    Case("module-replaced-by-folder", into_folder, r"cannot load 'side\.py': the file is gone"),
    Case("cycle", edit(GOOD.replace("def base(x: int) -> int:\n    return x + 1",
                                    "def base(x: int, label: str) -> int:\n    return x + 1")),
         rf"side\.py:{L('def base')}: cycle: base -> double -> label -> base .*fix: break the cycle"),
    Case("edge-type-mismatch", edit(GOOD.replace("def label(double: int)", "def label(double: str)")),
         rf"side\.py:{L('def label')}: function 'label' takes double: str, but 'double' \(side\.py:{L('def double')}\) "
         r"returns int.*fix: make the annotations agree"),
    Case("missing-annotation", edit(GOOD.replace("def double(base: int)", "def double(base)")),
         rf"side\.py:{L('def double')}: function 'double': parameter 'base' has no type annotation.*fix: annotate it"),
    Case("unresolvable-annotation", edit(GOOD.replace("def double(base: int) -> int:",
                                                      "def double(base: 'Nonexistent') -> int:")),
         r"function 'double': cannot resolve its annotations \(name 'Nonexistent' is not defined\).*fix: import"),
    Case("star-args", edit(with_tail("\ndef total(*parts: int) -> int:\n    return sum(parts)\n")),
         r"side\.py:\d+: function 'total' takes \*parts: a node's parameters are named edges, so nothing would "
         r"be passed there\n    fix: name each input as its own parameter"),
    Case("star-kwargs", edit(with_tail("\ndef total(base: int, **more: int) -> int:\n    return base\n")),
         r"function 'total' takes \*\*more: a node's parameters are named edges"),
    Case("generator-function", edit(with_tail("\ndef rows(base: int) -> list:\n    yield base\n")),
         r"side\.py:\d+: function 'rows' is a generator \(it uses `yield`\): its result could be read only once.*"
         r"fix: return a list instead"),
    Case("decorator-without-wraps", edit(with_tail("""
        def _logged(func):
            def wrapper(*args):
                return func(*args)
            return wrapper


        @_logged
        def tripled(base: int) -> int:
            return 3 * base
        """)),
         r"side\.py:\d+: 'tripled' is bound to function 'wrapper' made inside '_logged' \(side\.py:\d+\): a decorator "
         r"without functools\.wraps \(or a factory\) hid its name.*fix: add `@functools\.wraps\(func\)` to the wrapper"),
    Case("duplicate-names-in-cells", lambda w: _two_cells(w),
         r"function 'extra' is defined twice: at <dataflow In \[1\]>:1 \(In \[1\]\) and at <dataflow In \[2\]>:1.*"
         r"this cell's functions were not added"),
    Case("cell-shadows-module-function", lambda w: _cell_shadows(w),
         rf"function 'double' is defined twice: at side\.py:{L('def double')} \(side\.py\) and at "
         r"<dataflow In \[3\]>:1 \(In \[3\]\).*fix: rename one of them"),
    Case("same-name-in-two-modules", lambda w: _two_modules(w),
         rf"other\.py:1: function 'double' is defined twice: at side\.py:{L('def double')} \(side\.py\) and at "
         r"other\.py:1 \(other\.py\)\n    fix: rename one of them"),
    # --- calls that are refused (they change nothing) ---------------------------------
    Case("input-of-wrong-type", raised(lambda w: w.session.run(["label"], inputs={"x": "oops"})),
         rf"InputTypeError: wrong input type:\n  input 'x' is str, but 'base' \(side\.py:{L('def base')}\) takes "
         r"x: int\n  fix: pass values of the declared types"),
    Case("input-naming-a-node", raised(lambda w: w.session.run(["label"], inputs={"double": 5})),
         r"InputError: 'double' is a function of this dataflow, not an input: to replace a computed value, "
         r"pass overrides=\{\.\.\.\}"),
    Case("unknown-output", raised(lambda w: w.session.run(["labl"])),
         r"UnknownOutputError: unknown output 'labl' \(did you mean 'label'\?\): not a function or input"),
    Case("missing-input", raised(lambda w: w.session.run(["needs_y"], inputs={"x": 2})),
         r"MissingInputError: missing input 'y':\n  'y' needed by needs_y\n  fix: pass it with inputs="),
    Case("unknown-override", raised(lambda w: w.session.run(["label"], overrides={"dubble": 1})),
         r"InputError: overrides name 'dubble' \(did you mean 'double'\?\): not a function or input"),
    Case("outputs-not-names", raised(lambda w: w.session.run(42)),  # type: ignore[arg-type]
         r"InputError: outputs must be a node name or a list of names, got 42"),
    Case("inputs-not-a-dict", raised(lambda w: w.session.run("label", inputs=[("x", 1)])),  # type: ignore[arg-type]
         r"InputError: inputs must be a dict of name -> value, got list"),
    Case("config-naming-a-function", config_collision,
         rf"side\.py:{L('def base')}: config key 'base' has the same name as function 'base'.*"
         r"the config was not changed: correct it with flow\.set_config"),
    Case("stale-class-instance", stale_point,
         rf"input 'p' is Point, but 'norm' \(side\.py:{L('def norm', POINT_CHANGED)}\) takes p: Point \(from before 'side' was "
         r"reloaded: Point has changed since the value was made; re-create it", setup=make_point),
    # --- clicks on nodes that fail (the error is the node's; everything else stays) -----
    Case("node-sys-exit", click("exits"),
         rf"\[error\] NodeError: node 'exits' \(function exits, side\.py:{L('def exits')}\) raised SystemExit: 3.*"
         r"fix: sys\.exit\(\) in a node stops nothing here"),
    Case("node-keyboard-interrupt", click("interrupted"),
         rf"\[error\] NodeError: node 'interrupted' \(function interrupted, side\.py:{L('def interrupted')}\) "
         r"was interrupted \(KeyboardInterrupt\).*fix: run it again when ready"),
    Case("node-generator-exit", click("generator_exit"),
         rf"\[error\] NodeError: node 'generator_exit' \(function generator_exit, side\.py:{L('def generator_exit')}\)"
         r" raised GeneratorExit: closed.*fix: raise an Exception subclass"),
    Case("node-raises-markup", click("fails"),
         rf"\[error\] NodeError: node 'fails' \(function fails, side\.py:{L('def fails')}\) raised ValueError: "
         r"<script>.*&lt;script&gt;alert\(&#x27;fails&#x27;\)&lt;/script&gt;"),
    Case("node-returns-none", click("returns_none"),
         rf"\[error\] NodeError: node 'returns_none' \(function returns_none, side\.py:{L('def returns_none')}\) "
         r"raised OutputTypeError: returned NoneType, but its annotation declares -> list.*"
         r"a missing `return` gives None"),
    Case("node-recursion", click("recurses"),
         rf"\[error\] NodeError: node 'recurses' \(function recurses, side\.py:{L('def recurses')}\) raised "
         r"RecursionError: maximum recursion depth exceeded"),
    Case("node-needs-missing-input", click("needs_y"),
         r"\[missing-input\] 'needs_y' cannot run yet: it needs input 'y'.*flow\.inputs\[&#x27;y&#x27;\] = \.\.\."),
    Case("input-without-value", click("y"),
         r"\[missing-input\] 'y' is an input with no value yet.*flow\.inputs\[&#x27;y&#x27;\] = \.\.\."),
    Case("huge-text", click("huge_text"), r"^\[fresh\] str, 16,000,000 characters\n.{100,60000}$"),
    Case("huge-list", click("huge_list"), r"^\[fresh\] list of 1,000,000 items\n.{100,30000}$"),
    Case("hostile-repr", click("hostile_repr"), r"\[fresh\] _Hostile\n.*&lt;img src=x onerror=alert\(1\)&gt;"),
    Case("hostile-repr-html", lambda w: _no_script(w.click_text("hostile_html")),
         r"^\[fresh\] _HostileHtml\n.*<b>bold</b>(?!.*(<script|onclick|javascript:))"),
    Case("hostile-input-value", lambda w: _no_script(_hostile_input(w)),
         r"^\[input\] str, \d+ characters\n.*&lt;script&gt;alert\(&#x27;x&#x27;\)&lt;/script&gt;"),
    Case("repr-raises", click("broken_repr"),
         r"\[fresh\] _BrokenRepr \(preview failed: RuntimeError: no repr for you\)"),
    Case("repr-hangs", click("hanging_repr"),
         r"\[fresh\] _Hangs \(preview failed: DeadlineExceeded: showing the value took more than 2 s\)"),
    Case("interrupt-during-parallel-run", interrupted_parallel_run,
         rf"^node 'slow' \(function slow, side\.py:{L('def slow')}\) was interrupted \(KeyboardInterrupt\)\n"
         r"  inputs: base=3\n  fix: run it again when ready"),
    # --- front-end messages: stale, concurrent, malformed -------------------------------
    Case("click-on-removed-node", click("no_such_node"),
         r"\[refused\] 'no_such_node' is no longer in the graph; it was removed or renamed"),
    Case("click-while-running", reentrant_click,
         r"\[refused\] 'clicks_meanwhile' is running; click again when it finishes"),
    Case("front-end-sets-busy", front_end_sets_busy, r"^\[fresh\] int 6"),
    Case("rapid-clicks", rapid_clicks, r"\[fresh\] int 6"),
    Case("message-not-a-dict", message(["run", "label"]), r"^unchanged$"),
    Case("message-without-node", message({"type": "run"}), r"^unchanged$"),
    Case("message-node-not-a-string", message({"type": "run", "node": {"$gt": ""}}), r"^unchanged$"),
    Case("message-empty-node", message({"type": "run", "node": ""}), r"^unchanged$"),
    Case("message-unknown-type", message({"type": "explode", "node": "label"}), r"^unchanged$"),
    Case("message-none", message(None), r"^unchanged$"),
]


def _two_modules(world: World) -> str:
    """A second module defining a function of the same name: both places named, DAG kept."""
    world.write("def double(base: int) -> int:\n    return base\n", "other.py")
    world.session.attach(["side.py", "other.py"])
    shown = world.printed[-1]
    assert world.session.dataflow is not None and "double" in world.session.dataflow.nodes
    world.session.attach(["side.py"])  # the user detaches the other module again
    return shown


def _hostile_input(world: World) -> str:
    world.session.inputs["y"] = "<script>alert('x')</script>"
    world.session.sync()
    shown = world.click_text("y")
    del world.session.inputs["y"]
    world.session.sync()
    return shown


def _no_script(text: str) -> str:
    lowered = text.lower()
    assert "<script" not in lowered and "onclick" not in lowered and "javascript:" not in lowered, text
    return text


def _two_cells(world: World) -> str:
    namespace: dict[str, object] = {}
    exec(compile("def extra(base: int) -> int:\n    return base\n", "<dataflow In [1]>", "exec"), namespace)
    world.session.set_cell("a", [namespace["extra"]], "In [1]")
    exec(compile("def extra(double: int) -> int:\n    return double\n", "<dataflow In [2]>", "exec"), namespace)
    world.session.set_cell("b", [namespace["extra"]], "In [2]")
    world.session.set_cell("a", [], "In [1]")  # the first cell removed again: back to the good DAG
    return world.printed[-1]


def _cell_shadows(world: World) -> str:
    namespace: dict[str, object] = {}
    exec(compile("def double(base: int) -> int:\n    return base\n", "<dataflow In [3]>", "exec"), namespace)
    world.session.set_cell("c", [namespace["double"]], "In [3]")
    return world.printed[-1]


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_gives_one_clear_message_and_keeps_everything(world: World, case: Case) -> None:
    if case.setup is not None:
        case.setup(world)
    before = Before.of(world.session)
    printed_before = len(world.printed)
    shown = case.act(world)
    assert_message(shown, case.expect)
    assert len(world.printed) - printed_before <= 1, f"more than one message: {world.printed[printed_before:]}"
    before.assert_kept(world.session, dag_kept=case.id not in DAG_REPLACED)
    # and the session still works: restore the module, click, get the right value
    if world.side.is_dir():
        world.side.rmdir()
    world.write(GOOD)
    world.check()
    assert world.click({"type": "run", "node": "label"})["status"] == "fresh"
    assert world.session.results["label"] == GOOD_VALUES["label"]


DAG_REPLACED = {"interrupt-during-reload", "duplicate-names-in-cells", "stale-class-instance", "click-while-running",
                "same-name-in-two-modules"}  # rebuilt once the fault is gone


def test_catalogue_is_at_least_fifty_with_the_magic_and_kernel_cases() -> None:
    from tests.reliability import test_kernel_faults, test_magic_faults

    total = len(CASES) + len(test_magic_faults.CASES) + len(test_kernel_faults.KERNEL_CASES)
    assert total >= 50, total


def test_an_instance_of_an_unchanged_class_still_passes_after_a_reload(world: World) -> None:
    """Reloading re-creates Point; when its code did not change, old instances are accepted."""
    make_point(world)
    world.edit(GOOD.replace("return x + 1", "return x + 2"))
    assert world.session.run(["norm"]) == {"norm": 5.0}


def test_an_interrupted_reload_is_retried_at_the_next_cell(world: World) -> None:
    world.edit(GOOD + "\nraise KeyboardInterrupt\n")
    assert "reloading was interrupted" in world.session.error
    assert world.check() != ""  # the same file again: loaded again (and interrupted again)
    world.write(GOOD.replace("return x + 1", "return x + 5"))
    assert world.check() == ""
    assert world.session.run(["base"]) == {"base": 7}
