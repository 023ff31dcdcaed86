"""Recognize Dask without importing it: a `Client` as executor, cluster futures as values.

`import sideflow` must stay light, so these look only at modules already imported.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any


def is_dask_client(executor: object) -> bool:
    """A `distributed.Client` (then the run is one Dask graph, see `dask_run`)."""
    distributed = sys.modules.get("distributed")
    return distributed is not None and isinstance(executor, distributed.Client)


def fetch_futures(values: dict[str, Any], names: Iterable[str]) -> None:
    """Replace cluster futures among `names` (a notebook session keeps a Dask run's
    intermediate values on the workers) by their values, for a run outside the cluster."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return
    futures = {n: values[n] for n in names if isinstance(values.get(n), distributed.Future)}
    if futures:
        client = next(iter(futures.values())).client
        values.update(client.gather(futures))


UNCHECKED: Any = object()  # `checked_value` of a value that cannot be checked here


def checked_value(value: Any) -> Any:
    """What an input's type check looks at: for a Dask collection, its partitions' type
    (its `_meta`: a dask DataFrame passes where pandas code declares `pd.DataFrame`);
    UNCHECKED for a cluster future (`client.scatter(df)`): fetching it to check is no check."""
    dask = sys.modules.get("dask")
    if dask is not None and dask.is_dask_collection(value) and hasattr(value, "_meta"):
        return value._meta
    distributed = sys.modules.get("distributed")
    if distributed is not None and isinstance(value, distributed.Future):
        return UNCHECKED
    return value


def lost_futures(values: Mapping[str, Any]) -> list[str]:
    """Names whose value is a cluster future whose data is gone (its client closed, the
    cluster restarted or lost it): a notebook session forgets them and recomputes."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return []
    return [
        name for name, value in values.items()
        if isinstance(value, distributed.Future)
        and (value.status != "finished" or value.client.status not in ("running", "connecting"))
    ]
