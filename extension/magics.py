"""`%dataflow` / `%%dataflow`: a thin IPython layer over `Session`."""

from __future__ import annotations

import ast
import linecache
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from .options import parse_config, parse_inputs, parse_outputs
from .session import Session

if TYPE_CHECKING:
    from .hooks import Extension


@magics_class
class DataflowMagics(Magics):
    """Attach side modules (`%dataflow`) and add notebook functions (`%%dataflow`)."""

    def __init__(self, shell: Any, extension: Extension) -> None:
        super().__init__(shell)
        self.extension = extension

    @magic_arguments()
    @argument("sources", nargs="*", help="side modules: .py paths (relative to the notebook) or import names")
    @argument(
        "-c",
        "--config",
        action="append",
        default=[],
        help="config: JSON, key=value[,key=value] or a variable holding a dict (repeatable)",
    )
    @argument("-i", "--inputs", help="a variable holding a dict (or a DataFrame: its columns) of inputs")
    @argument("-n", "--name", default="flow", help="the variable bound to the session (default: flow)")
    @argument("-r", "--run", help="outputs to compute and display now: OUT[,OUT...]")
    @argument("--no-widget", action="store_true", help="do not display the graph widget")
    @line_cell_magic
    def dataflow(self, line: str, cell: str | None = None) -> None:
        """Attach side-by-side modules as a live dataflow, bound as `flow` (see --name).

        Line: `%dataflow features.py --inputs data` attaches modules and shows the graph.
        Cell: `%%dataflow` adds the cell's functions to the same dataflow; re-running the
        cell replaces what it added. Modules are reloaded and the graph rebuilt before
        every cell when their content changed.
        """
        args = parse_argstring(self.dataflow, line)
        if not args.name.isidentifier():
            raise UsageError(f"--name: {args.name!r} is not a valid variable name")
        namespace = self.shell.user_ns
        config = parse_config(args.config, namespace)
        inputs = parse_inputs(args.inputs, namespace)
        outputs = parse_outputs(args.run)
        session = self.extension.sessions.get(args.name)
        created = bool(args.sources) or (cell is not None and session is None)
        if created:
            session = Session(args.sources, config=config, inputs=inputs, name=args.name)
            self.extension.sessions[args.name] = session
            namespace[args.name] = session
        elif session is None:
            raise UsageError("%dataflow needs a module: %dataflow features.py [--inputs VAR]")
        else:
            session.inputs.update(inputs)
        if cell is not None:
            self._add_cell(session, cell)
        # show the widget for a new session, or when `%dataflow` alone asks for it again
        if (created or (cell is None and not outputs)) and not args.no_widget:
            display(session.widget)
        if outputs:
            self._run_and_show(session, outputs)

    def _add_cell(self, session: Session, cell: str) -> None:
        """Run the cell once in the notebook's namespace; its public functions join the DAG."""
        tree = ast.parse(cell)  # a SyntaxError here is shown by IPython like any cell's
        defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
        key = self.extension.cell_key(session, defined)
        filename = f"<dataflow cell {key}>"
        linecache.cache[filename] = (len(cell), None, cell.splitlines(keepends=True), filename)
        exec(compile(tree, filename, "exec"), self.shell.user_ns)
        functions: list[Callable[..., Any]] = [
            f for f in (self.shell.user_ns.get(n) for n in defined) if callable(f)
        ]
        session.set_cell(key, functions, f"cell {key}")

    def _run_and_show(self, session: Session, outputs: list[str]) -> None:
        results = session.run(outputs)
        ran = ", ".join(session.last_ran) or "nothing (all fresh)"
        print(f"ran: {ran}")
        for name, value in results.items():
            print(f"{session.name}.results[{name!r}]:")
            display(value)
