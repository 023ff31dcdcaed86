"""A diamond: base feeds left and right, which meet in joined; `CALLS` records each run."""

from os.path import basename  # an imported function: not a node

CALLS: list[str] = []


def _record(name: str) -> None:  # a private helper: not a node
    CALLS.append(name)


def base(x: int) -> int:
    """Twice the input."""
    _record("base")
    return 2 * x


def left(base: int) -> int:
    _record("left")
    return base + 1


def right(base: int) -> int:
    _record("right")
    return base * 10


def joined(left: int, right: int) -> int:
    """Left and right together."""
    _record("joined")
    return left + right


def unrelated(y: int) -> str:
    _record("unrelated")
    return basename(f"/tmp/{y}")
