"""The command line's options and help text (the commands' code is imported on use)."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

DESCRIPTION = """\
Check, draw, run and compare sideflow dataflows: the functions of plain .py modules,
connected by their parameter names.

MODULES are .py paths or import names (several are joined into one dataflow).
Exit codes: 0 ok, 1 the dataflow failed (import, build or a node raised), 2 usage."""

EPILOG = """\
examples:
  sideflow check features.py
  sideflow graph features.py -o dag.svg --rankdir LR
  sideflow run features.py --outputs total --input spend=10 --input signups=2
  sideflow run features.py --outputs a,b --inputs data.parquet --config region=US \\
      --out result.parquet --record runs/
  sideflow diff runs/20261203-081500.123-1a2b3c runs/20261203-091500.456-4d5e6f

`python -m sideflow ...` is the same. `sideflow COMMAND --help` for each command."""


def _command(name: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        module = importlib.import_module(f"{__package__}.{name}_command")
        code: int = module.run(args)
        return code

    return run


def _modules_and_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("modules", nargs="+", metavar="MODULES",
                        help=".py files or import names whose functions form the dataflow")
    parser.add_argument("-c", "--config", action="append", default=[], metavar="K=V|JSON",
                        help='config values: key=value[,key=value] (values parse as JSON, else '
                             'strings) or a JSON object such as \'{"region": "US"}\'; repeatable')


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="sideflow", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"sideflow {__version__}")
    parser.set_defaults(command=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="build and validate; list every problem (exit 1 if any)",
        description="Import the modules and build the dataflow; list every problem found "
                    "(missing annotations, type mismatches, cycles, collisions, import errors). "
                    "Exit 0 when the dataflow is valid, 1 otherwise: usable in CI and pre-commit.")
    _modules_and_config(check)
    check.add_argument("--each", action="store_true",
                       help="check each module as a dataflow of its own (e.g. a pre-commit hook's "
                            "list of unrelated files) instead of joining them")
    check.add_argument("--outputs", metavar="A,B",
                       help="also check that these outputs exist and list the inputs they need")
    check.set_defaults(command=_command("check"))

    graph = commands.add_parser(
        "graph", help="draw the DAG (.svg, .dot, .png, .json)",
        description="Draw the dataflow's DAG. The format follows -o's extension; without -o, "
                    "DOT text is printed.")
    _modules_and_config(graph)
    graph.add_argument("-o", "--output", metavar="FILE",
                       help="where to write: .svg, .dot, .png (needs pygraphviz) or .json")
    graph.add_argument("--upstream-of", metavar="NODE", help="only NODE and what it depends on")
    graph.add_argument("--downstream-of", metavar="NODE", help="only NODE and what depends on it")
    graph.add_argument("--outputs", metavar="A,B", help="highlight these nodes as outputs")
    graph.add_argument("--rankdir", choices=("TB", "LR"), default="TB",
                       help="top to bottom (default) or left to right")
    graph.set_defaults(command=_command("graph"))

    run = commands.add_parser(
        "run", help="compute outputs; print or write them; optionally record the run",
        description="Run what the requested outputs need, and print them as a small table\n"
                    "(or write them with --out). Inputs come from files (a table's columns and\n"
                    "a JSON object's or a pickled dict's keys become inputs) and from --input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples:\n"
               "  sideflow run features.py -o total --input spend=10 --input signups=2\n"
               "  sideflow run features.py -o a,b -i data.parquet -c region=US --out out.parquet "
               "--record runs/\n\n"
               "A progress line per node is shown on a terminal (stderr); --progress/--quiet force it.\n"
               "Exit codes: 0 ok; 1 the dataflow failed (a module did not import, the build found\n"
               "problems, or a node raised: its own frames are shown); 2 usage (options, files,\n"
               "unknown names, missing or ill-typed inputs). A record that cannot be written is a\n"
               "warning: the run and its --out still complete.")
    _modules_and_config(run)
    run.add_argument("-o", "--outputs", required=True, metavar="A,B",
                     help="comma-separated names of the functions (or inputs) to compute")
    run.add_argument("-i", "--inputs", action="append", default=[], metavar="FILE",
                     help="a .csv, .parquet, .json or .pkl file of inputs; repeatable "
                          "(a name given by two sources is an error)")
    run.add_argument("--input", action="append", default=[], metavar="NAME=VALUE",
                     help="one input on the command line; VALUE parses as JSON, else is a string "
                          "(always a string for a str parameter)")
    run.add_argument("--out", metavar="FILE",
                     help="write the outputs to .parquet, .csv, .json or .pkl (columns are "
                          "assembled into one table, as sideflow.to_frame does)")
    run.add_argument("--record", metavar="DIR",
                     help="write a run record (run.json and dag.svg) to a new folder in DIR")
    run.add_argument("--executor", metavar="SPEC",
                     help="run independent nodes at once: threads:N, processes:N or "
                          "dask://HOST:PORT (needs sideflow[dask])")
    progress = run.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", default=None,
                          help="show a line per node even when stderr is not a terminal")
    progress.add_argument("--quiet", dest="progress", action="store_false",
                          help="no progress lines, even on a terminal, and no notes on what was "
                               "written (errors and warnings still show)")
    run.set_defaults(command=_command("run"))

    diff = commands.add_parser(
        "diff", help="what differed between two recorded runs",
        description="Compare two run records (folders written by --record): config, code of "
                    "which nodes, inputs, outputs, package and Python versions, Git state. "
                    "Exit 0 when nothing differs, 1 when something does (as diff(1)).")
    diff.add_argument("first", metavar="RUN_A", help="a run folder (or its run.json)")
    diff.add_argument("second", metavar="RUN_B", help="another run folder")
    diff.add_argument("--json", action="store_true", help="print the differences as JSON")
    diff.set_defaults(command=_command("diff"))
    return parser
