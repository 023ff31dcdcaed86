from hamilton.htypes import Collect, Parallelizable

DYNAMIC = True
CASES = [{"inputs": {"n": 5}, "outputs": ["total"]}, {"inputs": {"n": 0}, "outputs": ["total"]}]


def items(n: int) -> Parallelizable[int]:
    yield from range(n)


def squared(items: int) -> int:
    return items * items


def total(squared: Collect[int]) -> int:
    return sum(squared)
