"""Order features for 07-dask.ipynb, written for pandas and collection-agnostic: the same
functions run on pandas Series and, unchanged, on dask.dataframe Series.

Inputs are the columns of an orders table: `order_date`, `region`, `unit_price`,
`quantity`, `discount_pct` and `returned`. The two `*_score` nodes are pure-Python and
CPU-bound: on a cluster they run at the same time, on two workers.
"""

import pandas as pd

LARGE_ORDER = 100.0  # net revenue above which an order counts as large


def gross_revenue(unit_price: pd.Series, quantity: pd.Series) -> pd.Series:
    """List price times quantity."""
    return unit_price * quantity


def discount_amount(gross_revenue: pd.Series, discount_pct: pd.Series) -> pd.Series:
    """What the discount took off."""
    return gross_revenue * discount_pct


def net_revenue(gross_revenue: pd.Series, discount_amount: pd.Series) -> pd.Series:
    """Revenue after discount."""
    return gross_revenue - discount_amount


def kept_revenue(net_revenue: pd.Series, returned: pd.Series) -> pd.Series:
    """Net revenue of the orders that were not returned."""
    return net_revenue.where(~returned, 0.0)


def is_large_order(net_revenue: pd.Series) -> pd.Series:
    """Orders above LARGE_ORDER."""
    return net_revenue > LARGE_ORDER


def order_month(order_date: pd.Series) -> pd.Series:
    """Month number of the order (1-12)."""
    return order_date.dt.month


def revenue_by_region(kept_revenue: pd.Series, region: pd.Series) -> pd.Series:
    """Kept revenue per region (a small output from the large columns)."""
    return kept_revenue.groupby(region).sum()


def large_orders_by_month(is_large_order: pd.Series, order_month: pd.Series) -> pd.Series:
    """How many large orders each month."""
    return is_large_order.astype(int).groupby(order_month).sum()


def price_score(rounds: int) -> int:
    """A deterministic pure-Python workload (a stand-in for a slow model fit)."""
    return _mix(rounds, 17)


def quantity_score(rounds: int) -> int:
    """The same workload with another seed: independent of `price_score`."""
    return _mix(rounds, 29)


def _mix(rounds: int, seed: int) -> int:
    value = seed
    for i in range(rounds):
        value = (value * 1_103_515_245 + 12_345 + i) % 2_147_483_648
    return value
