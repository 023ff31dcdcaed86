"""Two variants of `rate` both match region="US"."""

from sideflow import config


@config.when(region="US")
def rate__domestic() -> float:
    return 1.0


@config.when_in(region=["US", "CA"])
def rate__north_america() -> float:
    return 2.0


def doubled(rate: float) -> float:
    return 2 * rate
