"""`sideflow diff RUN_A RUN_B`: what differed between two recorded runs (exit 1 if anything)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..record import read_record
from ..rundiff import diff_records, format_differences
from .failures import FAILED, OK, UsageError


def run(args: argparse.Namespace) -> int:
    first, second = _load(args.first), _load(args.second)
    found = diff_records(first, second)
    if args.json:
        sys.stdout.write(json.dumps(found, indent=2) + "\n")
    else:
        sys.stdout.write(format_differences(found))
    return FAILED if found else OK


def _load(where: str) -> dict[str, Any]:
    path = Path(where)
    file = path / "run.json" if path.is_dir() else path
    if not file.is_file():
        raise UsageError(f"{where}: not a run record (no {file})")
    try:
        record = read_record(file)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{where}: cannot read {file}: {exc}") from None
    missing = [k for k in ("format", "nodes", "config", "inputs") if k not in record]
    if missing:
        raise UsageError(f"{where}: {file} is not a sideflow run record (no {', '.join(missing)})")
    return record
