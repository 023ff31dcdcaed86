"""Config variants: `tax` has one variant per region; `report` is off in fast mode."""

from sideflow import config


@config.when(region="US")
def tax__us() -> float:
    return 0.07


@config.when(region="EU")
def tax__eu() -> float:
    return 0.2


@config.when_in(region=["JP", "KR"])
def tax__asia() -> float:
    return 0.1


def price_with_tax(price: float, tax: float) -> float:
    return round(price * (1 + tax), 2)


@config.when_not(mode="fast")
def report__full(price_with_tax: float) -> str:
    return f"total {price_with_tax}"
