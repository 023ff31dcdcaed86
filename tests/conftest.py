"""Shared fixtures: one real Dask LocalCluster (2 worker processes) for every Dask test."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[Any]:
    import dask
    from distributed import LocalCluster

    main = sys.modules["__main__"]
    if not hasattr(main, "__spec__"):  # IPython's test shell replaces __main__; spawning needs it
        main.__spec__ = None
    # one retry after a worker dies (the default is 3): the "always dies" test stays short
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                               dashboard_address=None, silence_logs=logging.CRITICAL)
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def dask_client(dask_cluster: Any) -> Iterator[Any]:
    from distributed import Client

    with Client(dask_cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client
