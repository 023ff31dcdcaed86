"""A mark a newer sideflow would understand: this one must refuse it."""


def later(x: int) -> int:
    return x


later.__sideflow_retry__ = 3  # type: ignore[attr-defined]
