"""Order-level features for 03-feature-engineering.ipynb.

Inputs are the columns of an orders table (one row per order): `order_date`, `customer_id`,
`region`, `channel`, `category`, `unit_price`, `quantity`, `discount_pct` and `returned`.
Every public function returns one feature, aligned on the orders' index, or one number.
"""

import numpy as np
import pandas as pd

# -- helpers (private: not nodes) --------------------------------------------------------


def _per_group(values: pd.Series, keys: pd.Series, how: str) -> pd.Series:
    """`how` ("sum", "mean", "count", ...) of `values` within each group of `keys`, per row."""
    return values.groupby(keys, observed=True).transform(how)


def _share_of_group(values: pd.Series, keys: pd.Series) -> pd.Series:
    """Each row's share of its group's total."""
    return values / _per_group(values, keys, "sum")


# -- calendar ----------------------------------------------------------------------------


def order_month(order_date: pd.Series) -> pd.Series:
    """Month number of the order (1-12), for seasonality."""
    return order_date.dt.month


def order_weekday(order_date: pd.Series) -> pd.Series:
    """Day of the week of the order (0 = Monday)."""
    return order_date.dt.dayofweek


def is_weekend(order_weekday: pd.Series) -> pd.Series:
    """True for orders placed on a Saturday or Sunday."""
    return order_weekday >= 5


def order_quarter(order_date: pd.Series) -> pd.Series:
    """Calendar quarter of the order, as "Q1".."Q4"."""
    return "Q" + order_date.dt.quarter.astype(str)


def days_into_year(order_date: pd.Series) -> pd.Series:
    """Days since the first order of the table: a trend feature."""
    return (order_date - order_date.min()).dt.days


# -- money -------------------------------------------------------------------------------


def gross_revenue(unit_price: pd.Series, quantity: pd.Series) -> pd.Series:
    """Revenue before discounts: price times quantity."""
    return unit_price * quantity


def discount_amount(gross_revenue: pd.Series, discount_pct: pd.Series) -> pd.Series:
    """Money given away by the order's discount."""
    return gross_revenue * discount_pct


def net_revenue(gross_revenue: pd.Series, discount_amount: pd.Series) -> pd.Series:
    """Revenue after the discount."""
    return gross_revenue - discount_amount


def kept_revenue(net_revenue: pd.Series, returned: pd.Series) -> pd.Series:
    """Net revenue that stayed: zero for returned orders."""
    return net_revenue.where(~returned, 0.0)


def log_net_revenue(net_revenue: pd.Series) -> pd.Series:
    """log(1 + net revenue): tames the long tail of big orders for linear models."""
    return np.log1p(net_revenue)


def is_large_order(net_revenue: pd.Series) -> pd.Series:
    """True for the top 10% of orders by net revenue."""
    return net_revenue > net_revenue.quantile(0.9)


def price_band(unit_price: pd.Series) -> pd.Series:
    """Unit price in three bands: "low" (under 20), "mid" (20-100) and "high" (100 and up)."""
    bands = pd.cut(unit_price, [0, 20, 100, np.inf], right=False, labels=["low", "mid", "high"])
    return bands.astype(str)


def is_discounted(discount_pct: pd.Series) -> pd.Series:
    """True when the order had any discount."""
    return discount_pct > 0


# -- customers ---------------------------------------------------------------------------


def customer_order_count(customer_id: pd.Series) -> pd.Series:
    """How many orders the order's customer placed in the whole table."""
    return _per_group(customer_id, customer_id, "count")


def is_repeat_customer(customer_order_count: pd.Series) -> pd.Series:
    """True when the customer ordered more than once."""
    return customer_order_count > 1


def customer_net_revenue(net_revenue: pd.Series, customer_id: pd.Series) -> pd.Series:
    """The customer's net revenue over all their orders."""
    return _per_group(net_revenue, customer_id, "sum")


def customer_avg_order(customer_net_revenue: pd.Series, customer_order_count: pd.Series) -> pd.Series:
    """The customer's average net revenue per order."""
    return customer_net_revenue / customer_order_count


def order_number(order_date: pd.Series, customer_id: pd.Series) -> pd.Series:
    """1 for the customer's first order, 2 for the second, and so on (by date)."""
    ranked = order_date.groupby(customer_id).rank(method="first")
    return ranked.astype(int)


def days_since_previous_order(order_date: pd.Series, customer_id: pd.Series) -> pd.Series:
    """Days since the same customer's previous order (NaN for a first order)."""
    ordered = order_date.sort_values(kind="stable")
    gaps = ordered.groupby(customer_id.loc[ordered.index]).diff().dt.days
    return gaps.reindex(order_date.index)


def customer_return_rate(returned: pd.Series, customer_id: pd.Series) -> pd.Series:
    """Share of the customer's orders that came back."""
    return _per_group(returned.astype(float), customer_id, "mean")


# -- categories, regions, channels -------------------------------------------------------


def share_of_category_revenue(net_revenue: pd.Series, category: pd.Series) -> pd.Series:
    """The order's share of its category's net revenue."""
    return _share_of_group(net_revenue, category)


def revenue_vs_category_mean(net_revenue: pd.Series, category: pd.Series) -> pd.Series:
    """Net revenue relative to the category's average order (1.0 = a typical order)."""
    return net_revenue / _per_group(net_revenue, category, "mean")


def region_return_rate(returned: pd.Series, region: pd.Series) -> pd.Series:
    """Share of orders returned in the order's region."""
    return _per_group(returned.astype(float), region, "mean")


def channel_avg_discount(discount_pct: pd.Series, channel: pd.Series) -> pd.Series:
    """Average discount in the order's sales channel."""
    return _per_group(discount_pct, channel, "mean")


def channel_flags(channel: pd.Series) -> pd.DataFrame:
    """One 0/1 column per sales channel (`channel_web`, `channel_store`, ...), for models."""
    return pd.get_dummies(channel, prefix="channel", dtype=int)


def month_share_of_revenue(net_revenue: pd.Series, order_month: pd.Series) -> pd.Series:
    """The order's share of its month's net revenue."""
    return _share_of_group(net_revenue, order_month)


# -- whole-table numbers -----------------------------------------------------------------


def total_net_revenue(net_revenue: pd.Series) -> float:
    """Net revenue of all orders."""
    return float(net_revenue.sum())


def return_rate(returned: pd.Series) -> float:
    """Share of all orders that were returned."""
    return float(returned.mean())


def customers(customer_id: pd.Series) -> int:
    """Number of distinct customers."""
    return int(customer_id.nunique())
