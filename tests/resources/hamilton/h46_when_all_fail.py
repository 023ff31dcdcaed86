"""Every variant of `tax` declines this config: both engines refuse a run that needs it."""

from hamilton.function_modifiers import config

CASES = [{"config": {"region": "JP"}, "inputs": {"price": 1.0}, "outputs": ["total"], "error": True},
         {"config": {"region": "US"}, "inputs": {"price": 1.0}, "outputs": ["total"]}]


@config.when(region="US")
def tax__us() -> float:
    return 0.07


@config.when(region="EU")
def tax__eu() -> float:
    return 0.2


def total(price: float, tax: float) -> float:
    return price * (1 + tax)
