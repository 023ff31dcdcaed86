"""Three inputs, several consumers each: for missing-input messages and overrides."""

CALLS: list[str] = []


def revenue(price: float, units: int) -> float:
    CALLS.append("revenue")
    return price * units


def cost(units: int, unit_cost: float) -> float:
    CALLS.append("cost")
    return units * unit_cost


def profit(revenue: float, cost: float) -> float:
    CALLS.append("profit")
    return revenue - cost
