"""The kernel-death cases in a real ipykernel: clicks arrive as comm messages, interrupts as
SIGINT. Whatever user code raises (SystemExit, KeyboardInterrupt, GeneratorExit), the
kernel lives, the widget is ready again, and the last good DAG and results are kept."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.reliability.kernel import Kernel
from tests.reliability.world import GOOD, GOOD_VALUES, line_of

SIDE = GOOD + textwrap.dedent('''

    def sleepy(base: int) -> int:
        print("sleepy started", flush=True)
        for _ in range(600):
            time.sleep(0.05)
        return base
''')

# what must survive: the DAG object, each result object, the inputs, the widget's readiness
KEPT = (
    "{'dag': id(flow.dataflow), 'results': {k: id(v) for k, v in flow.results.items()},"
    " 'inputs': sorted(flow.inputs), 'busy': flow.widget.busy}"
)


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    folder = tmp_path_factory.mktemp("kernel")
    (folder / "side.py").write_text(SIDE)
    kernel = Kernel(folder)
    out, status = kernel.run("%load_ext sideflow\n%dataflow side.py\nflow.inputs['x'] = 2")
    assert status == "ok", out
    try:
        yield kernel
    finally:
        kernel.close()


@pytest.fixture
def ready(kernel: Kernel) -> Kernel:
    """The good module, results for `label` and `base`, no error."""
    (kernel.folder / "side.py").write_text(SIDE)
    out, status = kernel.run("flow.run(['label', 'base'])")
    assert status == "ok", out
    return kernel


def comm_id(kernel: Kernel) -> str:
    return str(kernel.value("flow.widget.model_id"))


def click(kernel: Kernel, node: str) -> str:
    return kernel.send_to_widget(comm_id(kernel), {"type": "run", "node": node})


def preview(kernel: Kernel) -> dict[str, str]:
    shown: dict[str, str] = kernel.value("dict(flow.widget.preview)")
    return shown


def click_and_wait(kernel: Kernel, node: str) -> str:
    msg_id = click(kernel, node)
    kernel.wait_idle(msg_id)
    p = preview(kernel)
    return f"[{p['status']}] {p['summary']}"


def exiting_node(kernel: Kernel) -> str:
    return click_and_wait(kernel, "exits")


def generator_exit_node(kernel: Kernel) -> str:
    return click_and_wait(kernel, "generator_exit")


def exit_at_import_then_click(kernel: Kernel) -> str:
    """The module saved with sys.exit(2) at top level; a click comes before any cell runs."""
    (kernel.folder / "side.py").write_text(SIDE + "\nsys.exit(2)\n")
    click_and_wait(kernel, "label")
    return str(kernel.value("flow.error"))


def interrupt_click(kernel: Kernel) -> str:
    msg_id = click(kernel, "sleepy")
    kernel.wait_for_output(msg_id, "sleepy started")
    kernel.interrupt()
    kernel.wait_idle(msg_id)
    p = preview(kernel)
    assert kernel.value("flow.states['sleepy']") == "error"
    return f"[{p['status']}] {p['summary']}"


def interrupt_cell_run(kernel: Kernel) -> str:
    msg_id = kernel.start("flow.run(['sleepy'])")
    kernel.wait_for_output(msg_id, "sleepy started")
    kernel.interrupt()
    out, status = kernel.finish(msg_id)
    assert status == "error" and "KeyboardInterrupt" in out, out  # the user's cell is interrupted
    return str(kernel.value("str(flow.errors['sleepy'])"))


def interrupt_reload(kernel: Kernel) -> str:
    (kernel.folder / "side.py").write_text(SIDE + '\nprint("importing", flush=True)\ntime.sleep(30)\n')
    msg_id = kernel.start("after_reload = 1")
    kernel.wait_for_output(msg_id, "importing")
    kernel.interrupt()
    out, status = kernel.finish(msg_id)
    assert status == "ok", out  # the interrupt stopped the reload, which says so; the cell ran
    (kernel.folder / "side.py").write_text(SIDE)  # the user takes the slow line out again
    return out


def exit_at_import_in_a_cell(kernel: Kernel) -> str:
    (kernel.folder / "exits.py").write_text("import sys\n\nsys.exit(2)\n")
    out, status = kernel.run("%dataflow exits.py -n exiting --no-widget")
    assert status == "ok", out
    return out + str(kernel.value("exiting.error"))


def malformed(data: Any) -> Callable[[Kernel], str]:
    def act(kernel: Kernel) -> str:
        before = preview(kernel)
        kernel.wait_idle(kernel.send_comm(comm_id(kernel), data))
        return "unchanged" if preview(kernel) == before else f"changed: {preview(kernel)}"

    return act


def front_end_sets_busy(kernel: Kernel) -> str:
    """An `update` message (what a front end sends when it sets a synced trait) for `busy`."""
    kernel.wait_idle(kernel.send_comm(comm_id(kernel), {"method": "update", "state": {"busy": "label"},
                                                        "buffer_paths": []}))
    assert kernel.value("flow.widget.busy") == ""
    return click_and_wait(kernel, "double")


def rapid_clicks(kernel: Kernel) -> str:
    cid = comm_id(kernel)
    ids = [kernel.send_to_widget(cid, {"type": "run", "node": n}) for n in ["double", "label", "exits"] * 10]
    kernel.wait_idle(ids[-1])
    p = preview(kernel)
    return f"[{p['status']}] {p['summary']} ran={kernel.value('flow.last_ran')}"


def reload_ext_then_click(kernel: Kernel) -> str:
    out, status = kernel.run("%reload_ext sideflow")
    assert status == "ok", out
    return click_and_wait(kernel, "label")


@dataclass(frozen=True)
class KernelCase:
    id: str
    act: Callable[[Kernel], str]
    expect: str


KERNEL_CASES = [
    KernelCase("click-node-sys-exit", exiting_node,
               rf"^\[error\] NodeError: node 'exits' \(function exits, side\.py:{line_of('def exits')}\) raised SystemExit: 3$"),
    KernelCase("click-node-generator-exit", generator_exit_node,
               r"^\[error\] NodeError: node 'generator_exit' \(function generator_exit, side\.py:\d+\) raised GeneratorExit"),
    KernelCase("click-after-save-with-sys-exit", exit_at_import_then_click,
               r"side\.py:\d+: cannot load 'side\.py': SystemExit: 2 \(the module calls sys\.exit\(\) when imported"),
    KernelCase("interrupt-during-click", interrupt_click,
               r"^\[error\] NodeError: node 'sleepy' \(function sleepy, side\.py:\d+\) was interrupted \(KeyboardInterrupt\)$"),
    KernelCase("interrupt-during-cell-run", interrupt_cell_run,
               r"^node 'sleepy' \(function sleepy, side\.py:\d+\) was interrupted \(KeyboardInterrupt\)\n  inputs: base=3\n"
               r"  fix: run it again when ready"),
    KernelCase("interrupt-during-reload", interrupt_reload,
               r"sideflow: side\.py: cannot load 'side\.py': reloading was interrupted \(KeyboardInterrupt\); it is "
               r"tried again before the next cell\n\(keeping the last good graph"),
    KernelCase("sys-exit-at-import-in-a-cell", exit_at_import_in_a_cell,
               r"^sideflow: exits\.py:3: cannot load 'exits\.py': SystemExit: 2 .*\nexits\.py:3: cannot load"),
    KernelCase("comm-data-without-method", malformed({"content": {"type": "run", "node": "label"}}), r"^unchanged$"),
    KernelCase("comm-custom-content-a-string", malformed({"method": "custom", "content": "run label"}), r"^unchanged$"),
    KernelCase("comm-custom-without-content", malformed({"method": "custom"}), r"^unchanged$"),
    KernelCase("comm-node-a-list", malformed({"method": "custom", "content": {"type": "run", "node": ["label"]}}),
               r"^unchanged$"),
    KernelCase("front-end-sets-busy", front_end_sets_busy, r"^\[fresh\] int 6$"),
    KernelCase("rapid-clicks", rapid_clicks,
               r"^\[error\] NodeError: node 'exits' .* raised SystemExit: 3 ran=\['exits'\]$"),
    KernelCase("reload-ext-then-click", reload_ext_then_click, r"^\[fresh\] str, 8 characters$"),
]


@pytest.mark.parametrize("case", KERNEL_CASES, ids=[c.id for c in KERNEL_CASES])
def test_the_kernel_survives(ready: Kernel, case: KernelCase) -> None:
    before = ready.value(KEPT)
    shown = case.act(ready)
    assert re.search(case.expect, shown, re.S), f"not {case.expect!r}:\n{shown}"
    assert ready.alive
    out, status = ready.run("1 + 1")
    assert status == "ok" and "2" in out
    after = ready.value(KEPT)
    assert after["dag"] == before["dag"], "the last good DAG was replaced"
    for name, ident in before["results"].items():
        assert after["results"].get(name) == ident, f"result {name!r} lost or replaced"
    assert after["inputs"] == before["inputs"] and after["busy"] == ""
    # and it still works: the good module again, a click computes the right value
    (ready.folder / "side.py").write_text(SIDE)
    ready.run("pass")
    assert click_and_wait(ready, "double").startswith("[fresh]")
    assert ready.value("flow.results['label']") == GOOD_VALUES["label"]
