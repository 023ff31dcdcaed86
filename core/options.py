"""Parse `key=value` / JSON option values: one set of rules for `%dataflow -c` and the CLI."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any


class OptionError(ValueError):
    """An option's value is malformed; the message names the option and the bad text."""


def parse_config(
    tokens: Iterable[str], namespace: Mapping[str, Any] | None = None, option: str = "--config"
) -> dict[str, Any]:
    """Each token is JSON (`{"region": "US"}`), `key=value[,key=value]` or, given a
    namespace (a notebook's), a variable's name. Values parse as JSON, else stay strings."""
    config: dict[str, Any] = {}
    for token in tokens:
        token = unquote(token.strip())
        if token.startswith(("{", "[")):
            try:
                value = json.loads(token)
            except json.JSONDecodeError as exc:
                raise OptionError(f"{option}: bad JSON {token!r}: {exc.msg} at column {exc.colno}") from None
            if not isinstance(value, dict):
                kind = type(value).__name__
                raise OptionError(f"{option}: {token!r} is a JSON {kind}, not an object: "
                                  'give {"key": value, ...}')
            config.update(value)
        elif "=" in token:
            for pair in token.split(","):
                key, sep, raw = pair.partition("=")
                if not sep or not key.strip().isidentifier():
                    raise OptionError(f"{option}: {pair!r} is not key=value")
                config[key.strip()] = parse_scalar(raw.strip())
        elif namespace is not None and token.isidentifier():
            if token not in namespace:
                raise OptionError(f"{option}: no variable named {token!r} in the notebook")
            value = namespace[token]
            if not isinstance(value, Mapping):
                raise OptionError(f"{option}: {token!r} is a {type(value).__name__}, not a dict")
            config.update(value)
        else:
            what = "JSON, key=value or a variable name" if namespace is not None else "key=value or JSON"
            raise OptionError(f"{option}: {token!r} is not {what}")
    return config


def parse_scalar(text: str) -> Any:
    """`3` -> 3, `true` -> True, `[1, 2]` -> [1, 2]; anything that is not JSON stays a string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def unquote(text: str) -> str:
    """IPython splits magic arguments without removing quotes: `'{"a": 1}'` keeps them."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
