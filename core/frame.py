"""Assemble results into a pandas DataFrame (pandas imported only when called)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def to_frame(results: Mapping[str, Any]) -> Any:
    """Series become columns (aligned on their index), DataFrames add their columns,
    scalars are broadcast; Hamilton's default result, as a plain function."""
    import pandas as pd

    columns: dict[str, Any] = {}
    has_index = False
    for name, value in results.items():
        if isinstance(value, pd.DataFrame):
            columns.update({column: value[column] for column in value.columns})
            has_index = True
        else:
            columns[name] = value
            has_index = has_index or isinstance(value, pd.Series)
    if not has_index:
        return pd.DataFrame({k: [v] for k, v in columns.items()})
    return pd.DataFrame(columns)
