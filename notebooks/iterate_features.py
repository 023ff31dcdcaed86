"""Order features for 02-iterate.ipynb: its first cell rewrites this file, later cells edit it."""

import pandas as pd


def revenue(price: pd.Series, quantity: pd.Series) -> pd.Series:
    """What each order brought in before discounts."""
    return price * quantity


def discount(revenue: pd.Series) -> pd.Series:
    """15% off orders of 80 or more."""
    return revenue.where(revenue >= 80, 0) * 0.15


def net_revenue(revenue: pd.Series, discount: pd.Series) -> pd.Series:
    """What each order brought in after its discount."""
    return revenue - discount


def items_per_order(quantity: pd.Series) -> float:
    """Average number of items in one order."""
    return float(quantity.mean())


def total_net_revenue(net_revenue: pd.Series) -> float:
    """Net revenue over all orders."""
    return float(net_revenue.sum())


def discount_share(discount: pd.Series, revenue: pd.Series) -> float:
    """Share of revenue given away as discounts."""
    return float(discount.sum() / revenue.sum())


def average_order(net_revenue: pd.Series) -> float:
    """Net revenue of the average order."""
    return float(net_revenue.mean())
