"""Order, JSON export and error text do not depend on PYTHONHASHSEED."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RESOURCES = Path(__file__).parent / "resources"

SCRIPT = """
import json, sys
from pathlib import Path
import sideflow

resources = Path(sys.argv[1])
report = {}
for name, config in [("diamond", {}), ("ordering", {}), ("hashing", {}),
                     ("variants", {"region": "JP"}), ("future_annotations", {})]:
    flow = sideflow.Dataflow(resources / f"{name}.py", config=config)
    report[name] = {"order": list(flow.graph.order), "json": flow.to_json(),
                    "dot": flow.to_dot(), "inputs": list(flow.inputs)}
both = sideflow.Dataflow(resources / "collision_a.py", resources / "collision_b.py",
                         allow_override=True)
report["override"] = {"order": list(both.graph.order), "json": both.to_json()}
errors = []
for name, config in [("several_problems", {}), ("cycle", {}), ("variants", {"region": "BR"})]:
    try:
        sideflow.Dataflow(resources / f"{name}.py", config=config)
    except sideflow.BuildError as error:
        errors.append(str(error))
report["errors"] = errors
print(json.dumps(report))
"""


def _report(seed: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(RESOURCES)], env=env,
                          capture_output=True, text=True, check=True, timeout=120)
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_builds_are_identical_across_hash_seeds() -> None:
    first, *others = (_report(seed) for seed in ("0", "1", "2"))
    assert first["errors"] and len(first["errors"]) == 3  # type: ignore[arg-type]
    for other in others:
        assert other == first
