"""Parse the values of `%dataflow` options (config and inputs) into Python objects."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from IPython.core.error import UsageError

from sideflow import options


def parse_config(tokens: Iterable[str], namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Each token is JSON (`{"region": "US"}`), `key=value[,key=value]` or a variable's name
    (the rules live in `sideflow.options`, shared with the command line)."""
    try:
        return options.parse_config(tokens, namespace)
    except options.OptionError as exc:
        raise UsageError(str(exc)) from None


def parse_inputs(name: str | None, namespace: Mapping[str, Any]) -> dict[str, Any]:
    """A variable holding a dict, or a DataFrame whose columns become inputs."""
    if name is None:
        return {}
    value = _variable(namespace, name, "--inputs")
    if isinstance(value, Mapping):
        return dict(value)
    if hasattr(value, "columns") and hasattr(value, "items"):  # a DataFrame, without importing pandas
        return {str(column): series for column, series in value.items()}
    raise UsageError(f"--inputs: {name!r} is a {type(value).__name__}; give a dict or a DataFrame")


DEFAULT_CACHE = ".sideflow/cache"


def parse_cache(directory: str | None, off: bool) -> str:
    """`--cache DIR` / `--no-cache`: the directory to cache in ("" for none)."""
    if off and directory:
        raise UsageError("--cache and --no-cache: give one or the other")
    return "" if off else options.unquote(directory or DEFAULT_CACHE)
def parse_executor(name: str | None, namespace: Mapping[str, Any]) -> Any:
    """A variable holding a `concurrent.futures.Executor` or a Dask `Client`."""
    if name is None:
        return None
    from concurrent.futures import Executor

    from sideflow.remote import is_dask_client

    value = _variable(namespace, name, "--executor")
    if not (isinstance(value, Executor) or is_dask_client(value)):
        raise UsageError(f"--executor: {name!r} is a {type(value).__name__}; give a Dask Client "
                         "(distributed.Client) or a concurrent.futures Executor")
    return value


def parse_outputs(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _variable(namespace: Mapping[str, Any], name: str, option: str) -> Any:
    if name not in namespace:
        raise UsageError(f"{option}: no variable named {name!r} in the notebook")
    return namespace[name]
