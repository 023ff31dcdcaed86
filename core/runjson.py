"""run.json as text: written one line per node (readable, diffable, fast), read back."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def dumps(content: Mapping[str, Any]) -> str:
    """run.json's text: indented, but one line per node and per input (readable, diffable,
    and fast: the C encoder does each line)."""
    lines = []
    for key, value in content.items():
        if key in ("nodes", "inputs", "overrides") and value:
            items = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in value.items())
            lines.append(f"  {json.dumps(key)}: {{\n{items}\n  }}")
        else:
            text = json.dumps(value, indent=2).replace("\n", "\n  ")
            lines.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def read_record(run_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """A run's `run.json` (the folder or the file itself)."""
    path = Path(run_dir)
    if path.is_dir():
        path = path / "run.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded
