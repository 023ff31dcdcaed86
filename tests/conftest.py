"""Shared fixtures: one real Dask LocalCluster (2 worker processes) for every Dask test."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

# sys.path before any test: worker processes spawned later (a nanny restarting one) import
# with the parent's sys.path, where folders other tests left (a tmp `json.py`) would shadow
_STARTUP_PATH = frozenset(sys.path)


@contextmanager
def _startup_sys_path() -> Iterator[None]:
    saved = list(sys.path)
    sys.path[:] = [p for p in saved if p in _STARTUP_PATH]
    try:
        yield
    finally:
        sys.path[:] = saved


@pytest.fixture(scope="session")
def dask_cluster() -> Iterator[Any]:
    import dask
    from distributed import LocalCluster

    main = sys.modules["__main__"]
    if not hasattr(main, "__spec__"):  # IPython's test shell replaces __main__; spawning needs it
        main.__spec__ = None
    # one retry after a worker dies (the default is 3): the "always dies" test stays short
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}), _startup_sys_path():
        cluster = LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                               dashboard_address=None, silence_logs=logging.CRITICAL)
    try:
        yield cluster
    finally:
        cluster.close()


@pytest.fixture
def dask_client(dask_cluster: Any) -> Iterator[Any]:
    from distributed import Client

    with _startup_sys_path(), Client(dask_cluster) as client:
        client.wait_for_workers(2, timeout=60)
        yield client
