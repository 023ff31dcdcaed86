"""`--executor threads:8 | processes:4 | dask://HOST:PORT` as a concurrent.futures Executor."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Any

from .failures import UsageError


@contextlib.contextmanager
def executor_from(spec: str | None) -> Iterator[Executor | None]:
    """The executor named by `spec` (None: run in this process, one node at a time); shut down after."""
    if spec is None:
        yield None
        return
    kind, _, rest = spec.partition(":")
    if kind in ("threads", "processes"):
        if not rest.isdigit() or int(rest) < 1:
            raise UsageError(f"--executor {spec}: expected {kind}:N with N >= 1, e.g. {kind}:4")
        pool: Executor
        if kind == "threads":
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(int(rest), thread_name_prefix="sideflow")
        else:
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(int(rest))
        with pool:
            yield pool
        return
    if kind in ("dask", "tcp", "tls"):
        with _dask(spec) as pool:
            yield pool
        return
    raise UsageError(f"--executor {spec}: unknown; use threads:N, processes:N or dask://HOST:PORT")


@contextlib.contextmanager
def _dask(spec: str) -> Iterator[Executor]:
    try:
        import distributed
    except ImportError:
        raise UsageError(f"--executor {spec}: needs Dask's distributed: pip install sideflow[dask]") from None
    address = spec.replace("dask://", "tcp://", 1)
    try:
        connect: Any = distributed.Client  # untyped constructor (distributed has no annotations there)
        client: Any = connect(address, timeout=10)
    except Exception as exc:  # OSError, TimeoutError: the scheduler is not there
        raise UsageError(f"--executor {spec}: cannot connect to the Dask scheduler: {exc}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
