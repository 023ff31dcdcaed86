"""Parse the values of `%dataflow` options (config and inputs) into Python objects."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from IPython.core.error import UsageError


def parse_config(tokens: Iterable[str], namespace: Mapping[str, Any]) -> dict[str, Any]:
    """Each token is JSON (`{"region": "US"}`), `key=value[,key=value]` or a variable's name."""
    config: dict[str, Any] = {}
    for token in tokens:
        token = _unquote(token.strip())
        if token.startswith(("{", "[")):
            try:
                value = json.loads(token)
            except json.JSONDecodeError as exc:
                msg = f"--config: bad JSON {token!r}: {exc.msg} at column {exc.colno}"
                raise UsageError(msg) from None
            if not isinstance(value, dict):
                kind = type(value).__name__
                msg = f"--config: {token!r} is a JSON {kind}, not an object: give {{\"key\": value, ...}}"
                raise UsageError(msg)
            config.update(value)
        elif "=" in token:
            for pair in token.split(","):
                key, sep, raw = pair.partition("=")
                if not sep or not key.strip().isidentifier():
                    raise UsageError(f"--config: {pair!r} is not key=value")
                config[key.strip()] = _scalar(raw.strip())
        elif token.isidentifier():
            value = _variable(namespace, token, "--config")
            if not isinstance(value, Mapping):
                raise UsageError(f"--config: {token!r} is a {type(value).__name__}, not a dict")
            config.update(value)
        else:
            raise UsageError(f"--config: {token!r} is not JSON, key=value or a variable name")
    return config


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


def _unquote(text: str) -> str:
    """IPython splits magic arguments without removing quotes: `'{"a": 1}'` keeps them."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def _scalar(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text
