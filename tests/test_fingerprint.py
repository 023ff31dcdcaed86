"""Canonical code fingerprints: equal for equal code in any process, different for any
change that changes what a function computes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from sideflow.fingerprint import code_fingerprint
from sideflow.sources import load_path, module_functions

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SIDE_MODULES = sorted(p.name for p in NOTEBOOKS.glob("*.py"))

_PRINT_FINGERPRINTS = """
import json, sys, types
sys.path.insert(0, sys.argv[1])
from sideflow.fingerprint import code_fingerprint
from sideflow.sources import load_path
out = {}
for name in sys.argv[2:]:
    module = load_path(sys.argv[1] + "/" + name)
    for key, obj in vars(module).items():
        if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
            out[name + ":" + key] = code_fingerprint(obj).digest
print(json.dumps(out, sort_keys=True))
"""


def fingerprints_in_fresh_process(folder: Path, names: list[str], seed: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", _PRINT_FINGERPRINTS, str(folder), *names],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=folder,
    )
    return dict(json.loads(done.stdout))


def test_notebook_side_modules_fingerprint_alike_in_two_processes_and_after_reload() -> None:
    first = fingerprints_in_fresh_process(NOTEBOOKS, SIDE_MODULES, "1")
    second = fingerprints_in_fresh_process(NOTEBOOKS, SIDE_MODULES, "12345")
    assert len(first) > 40
    assert first == second
    sys.path.insert(0, str(NOTEBOOKS))
    try:
        for _ in range(2):  # reloaded twice: new code objects each time
            here = {}
            for name in SIDE_MODULES:
                module = load_path(NOTEBOOKS / name)
                for key, obj in vars(module).items():
                    if isinstance(obj, types.FunctionType) and obj.__module__ == module.__name__:
                        here[f"{name}:{key}"] = code_fingerprint(obj).digest
            assert here == first
    finally:
        sys.path.remove(str(NOTEBOOKS))


LITERALS = '''
import pandas as pd

COLUMNS = ["region", "channel", "week"]

def frame(n: int) -> pd.DataFrame:
    """Literals of every kind, the case that marshal hashed differently per compile."""
    names = ["alpha", "beta", "gamma", "delta", "epsilon"]
    table = {"a": (1, 2.5, -0.0, 1j, None, True, b"x", ...), "b": frozenset({"p", "q"})}
    return pd.DataFrame({"n": names * n, "t": [str(table)] * 5 * n})
'''


def _fingerprints(tmp_path: Path, source: str, name: str = "fpmod") -> dict[str, str]:
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    module = load_path(path, name)
    return {f.__name__: code_fingerprint(f).digest for f in module_functions(module)}


def test_same_source_compiled_twice_gives_the_same_fingerprint(tmp_path: Path) -> None:
    assert _fingerprints(tmp_path, LITERALS) == _fingerprints(tmp_path, LITERALS)
    assert fingerprints_in_fresh_process(tmp_path, ["fpmod.py"], "3") == {
        f"fpmod.py:{k}": v for k, v in _fingerprints(tmp_path, LITERALS).items()
    }


BASE = '''
import math
WINDOW = 3

def helper(x):
    return x + WINDOW

def f(x: int) -> float:
    """Docstring."""
    return math.sqrt(helper(x)) * 2.0
'''

SAME = [
    ("comment", BASE.replace("def f(", "# a comment\ndef f(")),
    ("blank lines and a move", BASE.replace("WINDOW = 3\n", "WINDOW = 3\n\n\n\n")),
    ("docstring text", BASE.replace('"""Docstring."""', '"""Another docstring."""')),
    ("docstring removed", BASE.replace('    """Docstring."""\n', "")),
    ("unrelated function added", BASE + "\ndef g(x: int) -> int:\n    return x\n"),
]
CHANGED = [
    ("body", BASE.replace("* 2.0", "* 3.0")),
    ("helper", BASE.replace("x + WINDOW", "x - WINDOW")),
    ("constant", BASE.replace("WINDOW = 3", "WINDOW = 4")),
    ("constant type", BASE.replace("WINDOW = 3", "WINDOW = 3.0")),
    (
        "negative zero",
        BASE.replace("* 2.0", "* -0.0").replace("def helper", "def _z():\n    return 0.0\n\ndef helper"),
    ),
    ("external function swapped", BASE.replace("math.sqrt", "math.log1p")),
    ("default", BASE.replace("def helper(x):", "def helper(x, k=1):")),
    (
        "renamed variable",
        BASE.replace("def helper(x):\n    return x + WINDOW", "def helper(y):\n    return y + WINDOW"),
    ),
]


@pytest.mark.parametrize("source", [s for _, s in SAME], ids=[i for i, _ in SAME])
def test_edits_that_change_nothing_keep_the_fingerprint(tmp_path: Path, source: str) -> None:
    assert _fingerprints(tmp_path, source)["f"] == _fingerprints(tmp_path, BASE)["f"]


@pytest.mark.parametrize("source", [s for _, s in CHANGED], ids=[i for i, _ in CHANGED])
def test_edits_that_change_behaviour_change_the_fingerprint(tmp_path: Path, source: str) -> None:
    assert _fingerprints(tmp_path, source)["f"] != _fingerprints(tmp_path, BASE)["f"]


def test_docstring_slot_that_code_reads_is_kept(tmp_path: Path) -> None:
    """`return None` without a docstring and `return "doc"` with one compile alike."""
    a = _fingerprints(tmp_path, "def f(x: int) -> object:\n    return None\n", "fpa")
    b = _fingerprints(tmp_path, 'def f(x: int) -> object:\n    "doc"\n    return "doc"\n', "fpb")
    assert a["f"] != b["f"]


def test_helpers_through_module_attributes_and_local_modules(tmp_path: Path) -> None:
    (tmp_path / "fph2.py").write_text("def h(v):\n    return v * 10\n")
    (tmp_path / "fph.py").write_text(
        "import fph2\n\nclass Cfg:\n    FACTOR = 2\n\ndef g(v):\n    return fph2.h(v)\n"
    )
    side = "import fph\n\ndef f(x: int) -> int:\n    return fph.g(x) * fph.Cfg.FACTOR\n"
    sys.path.insert(0, str(tmp_path))
    try:
        before = _fingerprints(tmp_path, side, "fpside")["f"]
        parts = {what for what, _, _ in code_fingerprint(sys.modules["fpside"].f).parts}
        assert {"function fph.g", "function fph2.h", "class fph.Cfg"} <= parts
        (tmp_path / "fph2.py").write_text("def h(v):\n    return v * 11\n")
        for name in ("fph", "fph2"):
            sys.modules.pop(name)
        assert _fingerprints(tmp_path, side, "fpside")["f"] != before
    finally:
        sys.path.remove(str(tmp_path))
        for name in ("fph", "fph2", "fpside"):
            sys.modules.pop(name, None)


@pytest.mark.parametrize(
    ("value", "other"),
    [
        ("datetime.date(2020, 1, 1)", "datetime.date(2020, 1, 2)"),
        ("list(range(5000))", "list(range(5001))"),
        ("{'a': [1, 2], 'b': {3}}", "{'a': [1, 2], 'b': {4}}"),
        ("decimal.Decimal('1.10')", "decimal.Decimal('1.1')"),
        ("pathlib.Path('a/b')", "pathlib.Path('a/c')"),
        ("[1, 2]", "[1.0, 2.0]"),
    ],
    ids=["date", "long list", "nested", "decimal", "path", "int vs float"],
)
def test_module_values_of_any_kind_are_fingerprinted_by_value(tmp_path: Path, value: str, other: str) -> None:
    source = "import datetime, decimal, pathlib\nV = {}\n\ndef f(x: int) -> object:\n    return (V, x)\n"
    a = code_fingerprint(_load(tmp_path, source.format(value), "fpv").f)
    b = code_fingerprint(_load(tmp_path, source.format(value), "fpv").f)
    c = code_fingerprint(_load(tmp_path, source.format(other), "fpv").f)
    assert a.digest == b.digest != c.digest
    assert a.unknown == ()


def test_a_value_that_cannot_be_fingerprinted_is_flagged_and_compared_by_identity(tmp_path: Path) -> None:
    source = "import threading\nLOCK = threading.Lock()\n\ndef f(x: int) -> int:\n"
    source += "    with LOCK:\n        return x\n"
    module = _load(tmp_path, source, "fpu")
    first = code_fingerprint(module.f)
    assert first.unknown and first.unknown[0].startswith("value fpu.LOCK: a _thread.lock cannot be pickled")
    assert code_fingerprint(module.f).digest == first.digest  # the same object: unchanged
    assert code_fingerprint(_load(tmp_path, source, "fpu").f).digest != first.digest  # another one


def test_packages_are_named_and_not_walked(tmp_path: Path) -> None:
    source = (
        "import json\nimport pandas as pd\n\ndef f(x: int) -> object:\n    return pd.Series(json.loads(x))\n"
    )
    assert code_fingerprint(_load(tmp_path, source, "fpp").f).packages == ("pandas",)


def _load(tmp_path: Path, source: str, name: str) -> types.ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    return load_path(path, name)
