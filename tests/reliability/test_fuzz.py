"""Fuzz: random DAG modules and random edit sequences in a live session. After every step,
every value the session shows as fresh equals a plain-Python reference evaluation of the
code now on disk (or, while the module is broken, of the last good code)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sideflow.extension import Session
from tests.test_properties import REQUIRED_INPUTS, Function, Param, dags, reference

STEPS = (
    "constant", "weight", "rewire", "append", "drop_leaf", "drop_used", "restore", "restore", "break", "input",
    "run", "run", "click",
)
FUZZ = settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_modules = itertools.count()


def render(functions: list[Function]) -> str:
    return "\n\n".join(f.source() for f in functions) + "\n"


def used_inputs(functions: list[Function], inputs: dict[str, int]) -> dict[str, int]:
    """The inputs that are inputs: a value named like a function is not used (nor by the session)."""
    computed = {f.name for f in functions}
    return {k: v for k, v in inputs.items() if k not in computed}


def parents_of(functions: list[Function]) -> list[Function]:
    used = {p.name for f in functions for p in f.params}
    return [f for f in functions if f.name in used]


def check_fresh(session: Session, functions: list[Function], inputs: dict[str, int]) -> None:
    """Every fresh node's value is what the reference computes from that code and those inputs."""
    fresh = [n for n, s in session.states.items() if s == "fresh" and n in session.results]
    expected, _ = reference(functions, fresh, used_inputs(functions, inputs))
    for name in fresh:
        assert session.results[name] == expected[name], f"{name} shown fresh with a wrong value"


@FUZZ
@given(start=dags(), data=st.data())
def test_fresh_values_always_match_the_reference(tmp_path: Path, start: list[Function], data: st.DataObject) -> None:
    path = tmp_path / f"fuzz_{next(_modules)}.py"
    path.write_text(render(start))
    inputs = {name: data.draw(st.integers(-50, 50), name) for name in REQUIRED_INPUTS}
    printed: list[str] = []
    session = Session([path.name], inputs=dict(inputs), cwd=tmp_path, printer=printed.append)
    good = list(start)  # the last good code (what the session's DAG was built from)
    current = list(start)
    names = itertools.count(len(start))
    removed: list[Function] = []
    for _ in range(data.draw(st.integers(1, 8), "steps")):
        step = data.draw(st.sampled_from(STEPS), "step")
        if step == "constant":
            i = data.draw(st.integers(0, len(current) - 1))
            current[i] = replace(current[i], constant=data.draw(st.integers(0, 100)))
        elif step == "weight" and any(f.params for f in current):
            i = data.draw(st.sampled_from([k for k, f in enumerate(current) if f.params]))
            params = list(current[i].params)
            j = data.draw(st.integers(0, len(params) - 1))
            params[j] = replace(params[j], weight=data.draw(st.integers(1, 9)))
            current[i] = replace(current[i], params=tuple(params))
        elif step == "rewire":
            i = data.draw(st.integers(0, len(current) - 1))
            earlier = [f.name for f in current[:i]]
            chosen = data.draw(st.sets(st.sampled_from(earlier))) if earlier else set()
            chosen |= data.draw(st.sets(st.sampled_from(REQUIRED_INPUTS), max_size=2))
            current[i] = replace(current[i], params=tuple(Param(n, 1, None, False) for n in sorted(chosen)))
        elif step == "append":
            chosen = data.draw(st.sets(st.sampled_from([f.name for f in current] + list(REQUIRED_INPUTS))))
            params = tuple(Param(n, data.draw(st.integers(1, 9)), None, False) for n in sorted(chosen))
            current.append(Function(f"f{next(names)}", data.draw(st.integers(0, 100)), params))
        elif step == "drop_leaf" and len(current) > 1:
            used = {p.name for f in current for p in f.params}
            leaves = [f for f in current if f.name not in used]
            current.remove(data.draw(st.sampled_from(leaves)))
        elif step == "drop_used" and (parents := parents_of(current)):
            dropped = data.draw(st.sampled_from(parents))
            current.remove(dropped)
            removed.append(dropped)
            inputs[dropped.name] = data.draw(st.integers(-50, 50))  # its name is an input now: given
            session.inputs[dropped.name] = inputs[dropped.name]
        elif step == "restore" and removed:
            back = removed.pop()  # the input of that name becomes a function again
            users = [k for k, f in enumerate(current) if back.name in {p.name for p in f.params}]
            current.insert(min(users, default=len(current)), back)
            if any(p.name not in {f.name for f in current[: current.index(back)]} | set(REQUIRED_INPUTS)
                   for p in back.params if not p.name.startswith("opt")):
                current.remove(back)  # its own parents are gone: it cannot come back here
        elif step == "break":
            path.write_text(render(current) + "\ndef broken(:\n")
            session.check()
            assert "SyntaxError" in session.error
            check_fresh(session, good, inputs)
            continue  # the next edit writes a whole, good module again
        elif step == "input":
            name = data.draw(st.sampled_from(REQUIRED_INPUTS))
            inputs[name] = data.draw(st.integers(-50, 50))
            session.inputs[name] = inputs[name]
            session.sync()
        elif step in ("run", "click"):
            names_now = [f.name for f in good]
            wanted = data.draw(st.lists(st.sampled_from(names_now), min_size=1, max_size=3, unique=True))
            if step == "run":
                got = session.run(wanted)
                assert got == reference(good, wanted, used_inputs(good, inputs))[0]
            else:
                session.widget._handle_custom_msg({"type": "run", "node": wanted[0]}, [])
                assert session.widget.preview["status"] == "fresh" and session.widget.busy == ""
        path.write_text(render(current))
        session.check()
        assert session.error == "", session.error
        good = list(current)
        check_fresh(session, good, inputs)
        if step == "drop_used":  # the user runs what used it, now from the input: all fresh
            session.run([f.name for f in good])
            check_fresh(session, good, inputs)
    # and finally everything, from whatever the session kept
    names_now = [f.name for f in good]
    assert session.run(names_now) == reference(good, names_now, used_inputs(good, inputs))[0]
    check_fresh(session, good, inputs)


@pytest.fixture
def tmp_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")
