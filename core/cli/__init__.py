"""`sideflow` on the command line: check, draw, run and compare dataflows.

Exit codes: 0 ok; 1 the dataflow failed (import, build, a node raised); 2 usage
(bad options, files, names or inputs). Errors are one message, never a traceback
from sideflow itself; a failing node shows the user's own frames.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from .failures import report


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `sideflow` script and of `python -m sideflow`."""
    from .parser import build_parser

    args = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args:
        parser.print_help(sys.stderr)
        return 2
    parsed = parser.parse_args(args)  # exits 2 with argparse's usage message on bad options
    parsed.argv = args  # for run records: the command as typed
    if parsed.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code: int = parsed.command(parsed)
    except BaseException as exc:  # every failure becomes one message and an exit code
        return report(exc)
    return code
