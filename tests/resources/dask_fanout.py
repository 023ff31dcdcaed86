"""A fan-out (Parallel/Collect) flow for the Dask tests."""

from sideflow import Collect, Parallel


def pages(count: int) -> Parallel[int]:
    yield from range(count)


def squared(pages: int) -> int:
    return pages * pages


def total(squared: Collect[int]) -> int:
    return sum(squared)
