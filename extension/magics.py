"""`%dataflow` / `%%dataflow`: a thin IPython layer over `Session`."""

from __future__ import annotations

import ast
import importlib.util
import linecache
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display

from sideflow.sources import is_path

from .arguments import drop_computed_inputs, parse_cell, session_name
from .options import DEFAULT_CACHE, parse_cache, parse_config, parse_executor, parse_inputs, parse_outputs
from .session import Session

if TYPE_CHECKING:
    from .registry import Registry


@magics_class
class DataflowMagics(Magics):
    """Attach side modules (`%dataflow`) and add notebook functions (`%%dataflow`)."""

    def __init__(self, shell: Any, registry: Registry) -> None:
        super().__init__(shell)
        self.registry = registry

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
    @argument("-n", "--name", help="the variable bound to the session (default: flow, or the only session)")
    @argument("-r", "--run", help="outputs to compute and display now: OUT[,OUT...]")
    @argument("--no-widget", action="store_true", help="do not display the graph widget")
    @argument("--cache", metavar="DIR",
              help=f"cache results in DIR (default: {DEFAULT_CACHE} beside the notebook)")
    @argument("--no-cache", action="store_true", help="do not cache results on disk")
    @argument("-e", "--executor", help="a variable holding a Dask Client or Executor (runs, clicks use it)")
    @line_cell_magic
    def dataflow(self, line: str, cell: str | None = None) -> None:
        """Attach side-by-side modules as a live dataflow, bound as `flow` (see --name).

        Line: `%dataflow features.py --inputs data` attaches modules and shows the graph.
        Cell: `%%dataflow` adds the cell's functions to the same dataflow; re-running the
        cell replaces what it added. Modules are reloaded and the graph rebuilt before
        every cell when their content changed. `%dataflow` again on the same name updates
        that session in place (modules, --config, --inputs); alone, it shows the widget.
        """
        args = parse_argstring(self.dataflow, line)
        args.name = session_name(args.name, bool(args.sources), cell is not None, self.registry.sessions)
        namespace = self.shell.user_ns
        config = parse_config(args.config, namespace)
        inputs = parse_inputs(args.inputs, namespace)
        outputs = parse_outputs(args.run)
        cache = parse_cache(args.cache, args.no_cache)
        executor = parse_executor(args.executor, namespace)
        for source in args.sources:
            _check_source(source)
        session = self.registry.sessions.get(args.name)
        created = session is None and (bool(args.sources) or cell is not None)
        if session is None:
            if not created:
                raise UsageError("%dataflow needs a module: %dataflow features.py [--inputs VAR]")
            session = Session(args.sources, config=config, inputs=inputs, name=args.name,
                              cache=cache or None, executor=executor)
            self.registry.sessions[args.name] = session
        else:  # the same name again: update the session in place (cells, results, widget stay)
            session.inputs.update(inputs)
            if executor is not None:
                session.executor = executor
            if args.config:
                session.set_config({**session.config, **config})
            if args.cache or args.no_cache:
                session.use_cache(cache or None)
            if args.sources:
                session.attach(args.sources)
        drop_computed_inputs(session, inputs, args.inputs)
        namespace[args.name] = session
        if cell is not None:
            self._add_cell(session, cell)
        # show the widget for a new session, or when a `%dataflow` line asks for it again
        if (created or (cell is None and not outputs)) and not args.no_widget:
            display(session.widget)
        if outputs:
            self._run_and_show(session, outputs)

    def _add_cell(self, session: Session, cell: str) -> None:
        """Run the cell once in the notebook's namespace; its public functions join the DAG."""
        label = f"In [{self.shell.execution_count}]"
        filename = f"<dataflow {label}>"  # tracebacks and messages show the cell's prompt number
        tree = parse_cell(cell, filename)
        defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")]
        key = self.registry.cell_key(session, defined)
        linecache.cache[filename] = (len(cell), None, cell.splitlines(keepends=True), filename)
        # dont_inherit: this module's `from __future__ import annotations` must not leak in
        exec(compile(tree, filename, "exec", dont_inherit=True), self.shell.user_ns)
        functions: list[Callable[..., Any]] = [
            f for f in (self.shell.user_ns.get(n) for n in defined) if callable(f)
        ]
        session.set_cell(key, functions, label)

    def _run_and_show(self, session: Session, outputs: list[str]) -> None:
        results = session.run(outputs)
        ran = ", ".join(session.last_ran) or "nothing (all fresh)"
        print(f"ran: {ran}")
        for name, value in results.items():
            print(f"{session.name}.results[{name!r}]:")
            display(value)


def _check_source(source: str) -> None:
    """Refuse a typo at once (one line), before any session is replaced or changed."""
    if Path(source).is_dir():
        raise UsageError(f"{source!r} is a folder: give a side module's .py file, e.g. %dataflow features.py")
    if not is_path(source) and not all(part.isidentifier() for part in source.split(".")):
        raise UsageError(f"{source!r} is neither a .py file nor a module name: e.g. %dataflow features.py")
    if is_path(source):
        if not Path(source).is_file():
            raise UsageError(f"no such file: {source!r} (looked in {Path.cwd()})")
    elif importlib.util.find_spec(source.split(".")[0]) is None:
        raise UsageError(
            f"cannot import {source!r}: no module of that name (for a file, give its path: {source}.py)"
        )
