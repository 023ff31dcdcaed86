"""Property test in a real IPython shell: random side modules (helpers in two more local
modules, module values of several kinds) and random edit sequences. After every edit and
cell, the nodes that are not fresh are exactly those whose code, values or inputs truly
changed (as the generator knows them, not as sideflow fingerprints them) plus their
descendants, and every value shown fresh equals what the current files compute."""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ipython_shell import Shell, make_shell

MOD = 997
INPUTS = ("x", "y")

# A value read by nodes: its kind, and how a node's source reads it as an int.
VALUE_KINDS = {
    "int": ("C_INT = {v}", "C_INT"),
    "tuple": ("C_TUPLE = ({v}, 2, 3)", "sum(C_TUPLE)"),
    "dict": ('C_DICT = {{"k": {v}}}', 'C_DICT["k"]'),
    "list": ("C_LIST = [1] * (1500 + {v})", "len(C_LIST)"),
    "date": ("C_DATE = datetime.date(2020, 1, 1 + {v} % 28)", "C_DATE.day"),
    "class": ("class Cfg:\n    K = {v}", "Cfg.K"),
}


def value_of(kind: str, v: int) -> int:
    return {"int": v, "tuple": v + 5, "dict": v, "list": 1500 + v, "date": 1 + v % 28, "class": v}[kind]


@dataclass(frozen=True)
class NodeSpec:
    parents: tuple[str, ...]  # earlier nodes or inputs
    constant: int
    value: str | None  # a VALUE_KINDS key read by the node, if any
    helper: int | None  # h1.f{helper}(first parent), if any


@dataclass(frozen=True)
class Program:
    nodes: tuple[NodeSpec, ...]
    values: dict[str, int]  # kind -> its literal
    h1: tuple[tuple[int, int], ...]  # f_j(v) = h2.g_k(v) + b for (k, b)
    h2: tuple[int, ...]  # g_k(v) = v * c
    comment: int = 0  # edits that change no code
    extra: int = 0  # sinks added at the end: new functions nobody consumes

    def names(self) -> list[str]:
        return [f"n{i}" for i in range(len(self.nodes))] + [f"extra{i}" for i in range(self.extra)]

    # -- the files -------------------------------------------------------------------
    def side(self) -> str:
        lines = ["import datetime", "", "import h1", ""]
        lines += ["# note"] * self.comment
        for kind, v in self.values.items():
            lines.append(VALUE_KINDS[kind][0].format(v=v))
        for i, spec in enumerate(self.nodes):
            params = ", ".join(f"{p}: int" for p in spec.parents)
            terms = [*spec.parents, str(spec.constant)]
            if spec.value:
                terms.append(VALUE_KINDS[spec.value][1])
            if spec.helper is not None:
                terms.append(f"h1.f{spec.helper}({spec.parents[0]})")
            lines += ["", "", f"def n{i}({params}) -> int:", f"    return ({' + '.join(terms)}) % {MOD}"]
        for j in range(self.extra):
            lines += ["", "", f"def extra{j}(x: int) -> int:", f"    return x + {j}"]
        return "\n".join(lines) + "\n"

    def helper1(self) -> str:
        lines = ["import h2", ""]
        for j, (k, b) in enumerate(self.h1):
            lines += ["", f"def f{j}(v):", f"    return h2.g{k}(v) + {b}"]
        return "\n".join(lines) + "\n"

    def helper2(self) -> str:
        lines = []
        for k, c in enumerate(self.h2):
            lines += ["", f"def g{k}(v):", f"    return v * {c}"]
        return "\n".join(lines) + "\n"

    # -- the truth -------------------------------------------------------------------
    def identity(self, i: int) -> tuple[object, ...]:
        """Everything node i's own result depends on, besides its parents' values."""
        spec = self.nodes[i]
        helper = None
        if spec.helper is not None:
            k, b = self.h1[spec.helper]
            helper = (k, b, self.h2[k])
        value = (spec.value, self.values[spec.value]) if spec.value else None
        return (spec.parents, spec.constant, value, helper)

    def evaluate(self, inputs: dict[str, int]) -> dict[str, int]:
        out: dict[str, int] = dict(inputs)
        for i, spec in enumerate(self.nodes):
            total = sum(out[p] for p in spec.parents) + spec.constant
            if spec.value:
                total += value_of(spec.value, self.values[spec.value])
            if spec.helper is not None:
                k, b = self.h1[spec.helper]
                total += out[spec.parents[0]] * self.h2[k] + b
            out[f"n{i}"] = total % MOD
        for j in range(self.extra):
            out[f"extra{j}"] = inputs["x"] + j
        return {k: v for k, v in out.items() if k not in inputs}


@st.composite
def programs(draw: st.DrawFn) -> Program:
    n = draw(st.integers(3, 7))
    h2 = tuple(draw(st.lists(st.integers(1, 9), min_size=2, max_size=3)))
    h1 = tuple(
        draw(st.lists(st.tuples(st.integers(0, len(h2) - 1), st.integers(0, 9)), min_size=2, max_size=3))
    )
    values = {
        k: draw(st.integers(1, 20)) for k in draw(st.sets(st.sampled_from(sorted(VALUE_KINDS)), min_size=2))
    }
    nodes = []
    for i in range(n):
        pool = [*INPUTS, *(f"n{j}" for j in range(i))]
        parents = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)))
        nodes.append(
            NodeSpec(
                parents,
                draw(st.integers(0, 50)),
                draw(st.none() | st.sampled_from(sorted(values))),
                draw(st.none() | st.integers(0, len(h1) - 1)),
            )
        )
    return Program(tuple(nodes), values, h1, h2)


EDITS = ("body", "helper1", "helper2", "value", "comment", "add", "input", "run")


@st.composite
def edit_sequences(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    return draw(
        st.lists(
            st.tuples(st.sampled_from(EDITS), st.integers(0, 100), st.integers(0, 100)),
            min_size=3,
            max_size=9,
        )
    )


def apply(program: Program, edit: str, a: int, b: int) -> Program:
    if edit == "body":
        i = a % len(program.nodes)
        nodes = list(program.nodes)
        nodes[i] = replace(nodes[i], constant=nodes[i].constant + 1 + b % 5)
        return replace(program, nodes=tuple(nodes))
    if edit == "helper1":
        j = a % len(program.h1)
        h1 = list(program.h1)
        h1[j] = (h1[j][0], h1[j][1] + 1)
        return replace(program, h1=tuple(h1))
    if edit == "helper2":
        k = a % len(program.h2)
        return replace(program, h2=tuple(c + 1 if i == k else c for i, c in enumerate(program.h2)))
    if edit == "value":
        kind = sorted(program.values)[a % len(program.values)]
        return replace(program, values={**program.values, kind: program.values[kind] + 1})
    if edit == "comment":
        return replace(program, comment=program.comment + 1)
    if edit == "add":
        return replace(program, extra=program.extra + 1)
    return program


@dataclass
class Model:
    """The generator's own bookkeeping of what each shown result was computed from."""

    computed: dict[str, tuple[object, dict[str, int]]] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)  # name -> version of its value
    counter: int = 0

    def ran(self, program: Program, name: str) -> None:
        self.counter += 1
        self.versions[name] = self.counter
        self.computed[name] = (
            _identity(program, name),
            {p: self.versions.get(p, 0) for p in _parents(program, name)},
        )

    def replaced(self, name: str) -> None:
        self.counter += 1
        self.versions[name] = self.counter

    def not_fresh(self, program: Program) -> set[str]:
        stale: set[str] = set()
        for name in program.names():
            if name not in self.computed:
                continue
            identity, seen = self.computed[name]
            if identity != _identity(program, name) or any(
                p in stale or self.versions.get(p, 0) != seen[p] for p in _parents(program, name)
            ):
                stale.add(name)
        return stale


def _identity(program: Program, name: str) -> object:
    return program.identity(int(name[1:])) if name.startswith("n") else ("extra", name)


def _parents(program: Program, name: str) -> tuple[str, ...]:
    return program.nodes[int(name[1:])].parents if name.startswith("n") else ("x",)


def check_sequence(shell: Shell, program: Program, edits: list[tuple[str, int, int]]) -> None:
    shell.write("h2.py", program.helper2())
    shell.write("h1.py", program.helper1())
    shell.write("side.py", program.side())
    inputs = {"x": 3, "y": 4}
    shell.ok("%dataflow side.py --no-widget\nflow.inputs.update({'x': 3, 'y': 4})")
    flow = shell.ns["flow"]
    model = Model()
    shell.ok(f"flow.run({program.names()!r})")
    for name in flow.last_ran:
        model.ran(program, name)
    for step, (edit, a, b) in enumerate(edits):
        program = apply(program, edit, a, b)
        if edit == "input":
            name = INPUTS[a % 2]
            inputs[name] += 1 + b % 3
            shell.ok(f"flow.inputs[{name!r}] = {inputs[name]}")
            model.replaced(name)
        elif edit == "run":
            names = program.names()
            wanted = [names[a % len(names)], names[b % len(names)]]
            shell.ok(f"flow.run({wanted!r})")
            for name in flow.last_ran:
                model.ran(program, name)
        else:
            shell.write("h2.py", program.helper2())
            shell.write("h1.py", program.helper1())
            shell.write("side.py", program.side())
            shell.ok("pass")
        states = flow.states
        shown = {n for n in program.names() if states[n] not in ("fresh", "idle")}
        assert shown == model.not_fresh(program), (step, edit, [flow.why(n).text for n in shown])
        truth = program.evaluate(inputs)
        for name in program.names():
            if states[name] == "fresh":
                assert flow.results[name] == truth[name], (step, edit, name)


EXAMPLES = int(os.environ.get("SIDEFLOW_PROPERTY_EXAMPLES", "25"))


def _run_example(program: Program, edits: list[tuple[str, int, int]]) -> None:
    for name in ("side", "h1", "h2"):
        sys.modules.pop(name, None)
    with tempfile.TemporaryDirectory() as tmp:
        shells = make_shell(Path(tmp))
        shell = next(shells)
        try:
            check_sequence(shell, program, edits)
        finally:
            shells.close()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), edit_sequences())
def test_stale_nodes_are_exactly_the_truly_changed_ones(
    program: Program, edits: list[tuple[str, int, int]]
) -> None:
    _run_example(program, edits)


@pytest.mark.nightly
@settings(max_examples=20 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), edit_sequences())
def test_stale_nodes_are_exactly_the_truly_changed_ones_nightly(
    program: Program, edits: list[tuple[str, int, int]]
) -> None:
    _run_example(program, edits)


def test_generated_files_are_what_the_model_evaluates(tmp_path: Path) -> None:
    """The reference evaluator itself, against a plain import of generated files."""
    program = Program(
        (
            NodeSpec(("x",), 1, "date", 0),
            NodeSpec(("n0", "y"), 2, "class", 1),
            NodeSpec(("n1",), 3, "list", None),
        ),
        {"date": 5, "class": 7, "list": 2},
        ((0, 1), (1, 2)),
        (3, 4),
        comment=2,
        extra=1,
    )
    (tmp_path / "h2.py").write_text(program.helper2())
    (tmp_path / "h1.py").write_text(program.helper1())
    (tmp_path / "side.py").write_text(program.side())
    import subprocess

    code = "import json, sideflow, side\n"
    code += "print(json.dumps(sideflow.Dataflow(side).run({!r}, inputs={{'x': 3, 'y': 4}})))"
    done = subprocess.run(
        [sys.executable, "-c", code.format(program.names())],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    assert json.loads(done.stdout) == program.evaluate({"x": 3, "y": 4})
    assert datetime.date(2020, 1, 1 + 5 % 28).day == value_of("date", 5)


@pytest.mark.parametrize("edit", EDITS)
def test_every_edit_kind_is_generated(edit: str) -> None:
    program = Program((NodeSpec(("x",), 1, "int", 0),), {"int": 1}, ((0, 1),), (3,))
    changed = apply(program, edit, 0, 0)
    assert (changed != program) == (edit not in ("input", "run"))
