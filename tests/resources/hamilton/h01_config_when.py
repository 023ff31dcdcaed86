from hamilton.function_modifiers import config

CASES = [{"config": {"region": "US"}, "inputs": {"price": 10.0}},
         {"config": {"region": "EU"}, "inputs": {"price": 10.0}}]


@config.when(region="US")
def tax__us() -> float:
    return 0.07


@config.when(region="EU")
def tax__eu() -> float:
    return 0.2


def price_with_tax(price: float, tax: float) -> float:
    return round(price * (1 + tax), 2)
