"""Pricing for a small catalog: revenue and profit per product under a discount policy.

Inputs: `list_price`, `unit_cost` and `units` (expected units sold), one row per product.
Config: `policy` picks how discounts are set, "flat" or "tiered"; `flat_rate` (optional)
sets the flat policy's discount.
"""

import numpy as np
import pandas as pd

import sideflow

TIERS = [0, 100, 500, np.inf]  # units: [0, 100) no discount, [100, 500) 5%, 500 and up 12%
TIER_RATES = [0.0, 0.05, 0.12]


@sideflow.config.when(policy="flat")
def discount_rate__flat(units: pd.Series, flat_rate: float = 0.10) -> pd.Series:
    """Every product gets the same discount (10% unless the config sets `flat_rate`)."""
    return pd.Series(flat_rate, index=units.index)


@sideflow.config.when(policy="tiered")
def discount_rate__tiered(units: pd.Series) -> pd.Series:
    """Volume discounts: none under 100 units, 5% from 100, 12% from 500."""
    tier = pd.cut(units, TIERS, right=False, labels=False)
    return pd.Series(np.take(TIER_RATES, tier), index=units.index)


def net_price(list_price: pd.Series, discount_rate: pd.Series) -> pd.Series:
    """Price after the discount."""
    return list_price * (1 - discount_rate)


def revenue(net_price: pd.Series, units: pd.Series) -> pd.Series:
    """Expected revenue per product."""
    return net_price * units


def unit_margin(net_price: pd.Series, unit_cost: pd.Series) -> pd.Series:
    """What one unit earns after its cost."""
    return net_price - unit_cost


def profit(unit_margin: pd.Series, units: pd.Series) -> pd.Series:
    """Expected profit per product."""
    return unit_margin * units


def total_revenue(revenue: pd.Series) -> float:
    """Expected revenue of the whole catalog."""
    return float(revenue.sum())


def total_profit(profit: pd.Series) -> float:
    """Expected profit of the whole catalog."""
    return float(profit.sum())
