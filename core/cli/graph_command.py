"""`sideflow graph`: the DAG as SVG, DOT, PNG or JSON (the format follows the file name)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..errors import UnknownOutputError
from .failures import OK, UsageError
from .load import build, names

FORMATS = (".svg", ".dot", ".png", ".json")


def run(args: argparse.Namespace) -> int:
    target = Path(args.output) if args.output else None
    suffix = target.suffix.lower() if target else ".dot"
    if suffix not in FORMATS:
        raise UsageError(f"-o {args.output}: unknown format {suffix or '(no extension)'!r}; "
                         f"use one of {', '.join(FORMATS)}")
    if target is not None and not target.parent.is_dir():
        raise UsageError(f"-o {args.output}: folder {str(target.parent)!r} does not exist")
    flow = build(args)
    outputs = names(args.outputs, "--outputs")
    for option, given in (("--upstream-of", [args.upstream_of]), ("--downstream-of", [args.downstream_of]),
                          ("--outputs", outputs)):
        try:
            flow._check_known([n for n in given if n is not None])
        except UnknownOutputError as exc:
            raise UsageError(f"{option}: {exc}".replace("unknown output", "unknown node")) from None
    options: dict[str, Any] = {"outputs": outputs, "rankdir": args.rankdir,
                               "upstream_of": args.upstream_of, "downstream_of": args.downstream_of}
    if suffix == ".json":
        text = _json(flow, options)
    elif suffix == ".svg":
        text = flow.visualize(**options).svg
    else:
        text = flow.to_dot(**options)
    if suffix == ".png":
        assert target is not None
        _png(text, target)
    elif target is None:
        sys.stdout.write(text)
    else:
        _write(target, text)
    if target is not None:
        print(f"wrote {target}", file=sys.stderr)
    return OK


def _json(flow: Any, options: dict[str, Any]) -> str:
    import json

    from ..scene import select

    described = flow.to_dict()
    flow._check_focus(options)
    keep = set(select(flow.graph, options["upstream_of"], options["downstream_of"]))
    described["nodes"] = [n for n in described["nodes"] if n["name"] in keep]
    described["inputs"] = [i for i in described["inputs"] if i["name"] in keep]
    return json.dumps(described, indent=2) + "\n"


def _png(dot: str, target: Path) -> None:
    try:
        import pygraphviz
    except ImportError:
        raise UsageError("-o .png needs pygraphviz (pip install pygraphviz); .svg needs nothing") from None
    try:
        pygraphviz.AGraph(string=dot).draw(str(target), format="png", prog="dot")
    except OSError as exc:
        raise UsageError(f"-o {target}: cannot write: {exc.strerror or exc}") from None


def _write(target: Path, text: str) -> None:
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"-o {target}: cannot write: {exc.strerror or exc}") from None
