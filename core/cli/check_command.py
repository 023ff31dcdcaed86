"""`sideflow check`: build and validate; every problem listed; exit 1 if any."""

from __future__ import annotations

import argparse
import sys

from ..dataflow import Dataflow
from ..errors import DataflowError, SourceError
from .failures import FAILED, OK, USAGE, not_found
from .load import config_of, load_sources, names


def run(args: argparse.Namespace) -> int:
    config = config_of(args)
    outputs = names(args.outputs, "--outputs")
    groups = [[m] for m in args.modules] if args.each else [list(args.modules)]
    codes = []
    for group in groups:
        label = " ".join(group)
        try:
            flow = Dataflow(*load_sources(group), config=config)
            if outputs:
                flow._check_known(outputs)
        except DataflowError as exc:
            shown = f"1 problem found:\n  1. {exc}" if isinstance(exc, SourceError) else str(exc)
            print(f"{label}: {shown}", file=sys.stderr)
            codes.append(USAGE if isinstance(exc, SourceError) and not_found(exc) else FAILED)
            continue
        print(f"{label}: ok, {_summary(flow, outputs)}")
        codes.append(OK)
    failed = sum(1 for c in codes if c != OK)
    if failed and len(groups) > 1:
        print(f"sideflow check: {failed} of {len(groups)} modules have problems", file=sys.stderr)
    return max(codes)


def _summary(flow: Dataflow, outputs: list[str]) -> str:
    count = len(flow.graph.nodes)
    text = f"{count} function{'s' if count != 1 else ''}"
    inputs = [n for n, spec in flow.inputs.items() if spec.required]
    optional = [n for n, spec in flow.inputs.items() if not spec.required]
    if inputs:
        text += f"; inputs: {', '.join(inputs)}"
    if optional:
        text += f"; optional inputs: {', '.join(optional)}"
    if outputs:
        needed = _needed(flow, outputs)
        text += f"; {', '.join(outputs)} need{'s' if len(outputs) == 1 else ''} " + (
            ", ".join(needed) if needed else "no inputs")
    return text


def _needed(flow: Dataflow, outputs: list[str]) -> list[str]:
    ancestors = flow.graph.ancestors(outputs) | set(outputs)
    return [n for n, spec in flow.inputs.items() if n in ancestors and spec.required]
