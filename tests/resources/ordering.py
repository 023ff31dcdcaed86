"""Definition order differs from both alphabetical and dependency order."""


def zeta() -> int:
    return 1


def consumer(late: int, zeta: int) -> int:  # defined before its parent `late`
    return late + zeta


def alpha(zeta: int) -> int:
    return zeta + 1


def late() -> int:
    return 10


def mid(alpha: int, zeta: int) -> int:
    return alpha * zeta
