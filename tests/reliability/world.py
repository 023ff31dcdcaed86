"""The fault catalogue's world: a session on a side module with results, and its checks."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sideflow.extension import Session

GOOD = textwrap.dedent('''
    """The catalogue's side module: good nodes first, then nodes that fail on purpose."""
    import dataclasses
    import sys
    import time


    @dataclasses.dataclass
    class Point:
        x: float
        y: float


    def base(x: int) -> int:
        return x + 1


    def double(base: int) -> int:
        return 2 * base


    def label(double: int) -> str:
        return f"<b>{double}</b>"


    def norm(p: Point) -> float:
        return (p.x**2 + p.y**2) ** 0.5


    def needs_y(y: int) -> int:
        return y


    def exits(base: int) -> int:
        sys.exit(3)


    def interrupted(base: int) -> int:
        raise KeyboardInterrupt


    def generator_exit(base: int) -> int:
        raise GeneratorExit("closed")


    def fails(base: int) -> int:
        raise ValueError("<script>alert('fails')</script>")


    def returns_none(base: int) -> list:
        base + 1


    def recurses(base: int) -> int:
        return recurses(base)


    def huge_text(base: int) -> str:
        return "<i>x</i>" * 2_000_000


    def huge_list(base: int) -> list:
        return list(range(1_000_000))


    class _Hostile:
        def __repr__(self) -> str:
            return "<img src=x onerror=alert(1)>"


    class _BrokenRepr:
        def __repr__(self) -> str:
            raise RuntimeError("no repr for you")


    class _Hangs:
        def __repr__(self) -> str:
            while True:
                time.sleep(0.01)


    def hostile_repr(base: int) -> object:
        return _Hostile()


    class _HostileHtml:
        def _repr_html_(self) -> str:
            return '<b onclick="alert(1)">bold</b><script>alert(2)</script><a href="javascript:x()">a</a>'


    def hostile_html(base: int) -> object:
        """<script>alert('doc')</script> markup in a docstring is data too."""
        return _HostileHtml()


    def broken_repr(base: int) -> object:
        return _BrokenRepr()


    def hanging_repr(base: int) -> object:
        return _Hangs()


    def sleeps(base: int) -> int:
        time.sleep(0.05)
        return base


    def slow(base: int) -> int:
        for _ in range(20):
            time.sleep(0.05)
        return base
''')

GOOD_VALUES = {"base": 3, "double": 6, "label": "<b>6</b>"}  # with x = 2


def line_of(text: str, source: str = GOOD) -> int:
    """The 1-based line of the first line containing `text` (so pinned messages name it)."""
    for number, line in enumerate(source.splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in the source")


@dataclass
class World:
    folder: Path
    session: Session
    printed: list[str] = field(default_factory=list)

    @property
    def side(self) -> Path:
        return self.folder / "side.py"

    def write(self, source: str, name: str = "side.py") -> Path:
        path = self.folder / name
        path.write_text(textwrap.dedent(source))
        return path

    def edit(self, source: str) -> str:
        """Save the side module and run a cell (the pre-cell check); return what was printed."""
        self.write(source)
        return self.check()

    def check(self) -> str:
        start = len(self.printed)
        self.session.check()
        return "\n".join(self.printed[start:])

    def click(self, content: Any) -> dict[str, str]:
        """A front-end message, through ipywidgets' own custom-message path."""
        self.session.widget._handle_custom_msg(content, [])
        return dict(self.session.widget.preview)

    def click_text(self, node: str) -> str:
        preview = self.click({"type": "run", "node": node})
        return f"[{preview['status']}] {preview['summary']}\n{preview['html']}"


def make_world(folder: Path) -> World:
    printed: list[str] = []
    (folder / "side.py").write_text(GOOD)
    session = Session(["side.py"], inputs={"x": 2}, cwd=folder, printer=printed.append)
    world = World(folder, session, printed)
    for name in ("label", "base"):
        assert world.click({"type": "run", "node": name})["status"] == "fresh"
    return world


@dataclass
class Before:
    """What must survive a fault: the DAG object, every result (the same objects), inputs, config."""

    dataflow: Any
    results: dict[str, Any]
    inputs: dict[str, Any]
    config: dict[str, Any]
    fresh: set[str]

    @staticmethod
    def of(session: Session) -> Before:
        states = session.states
        fresh = {n for n, s in states.items() if s == "fresh"}
        return Before(session.dataflow, dict(session.results), dict(session.inputs), dict(session.config), fresh)

    def assert_kept(self, session: Session, dag_kept: bool = True) -> None:
        if dag_kept:
            assert session.dataflow is self.dataflow, "the last good DAG was replaced"
        for name, value in self.results.items():
            assert name in session.results, f"result {name!r} was lost"
            assert session.results[name] is value, f"result {name!r} was replaced"
        assert session.inputs == self.inputs, "a refused call changed flow.inputs"
        assert dict(session.config) == self.config, "a refused call changed flow.config"
        assert session.widget.busy == "", "the widget was left busy"
        fresh = {n for n, s in session.states.items() if s == "fresh"}
        assert self.fresh <= fresh, f"fresh results turned stale or lost: {sorted(self.fresh - fresh)}"


def assert_message(text: str, pattern: str) -> None:
    assert re.search(pattern, text, re.S), f"message does not match {pattern!r}:\n{text[:3000]}"
