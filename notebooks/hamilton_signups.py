"""An ordinary Hamilton module: weekly marketing data, split into columns, checked, per region.

Nothing here knows about sideflow: it runs unchanged under Hamilton's driver too.
"""

import pandas as pd
from hamilton.function_modifiers import check_output, config, extract_columns


@extract_columns("spend", "signups", "region")
def weekly(raw: pd.DataFrame) -> pd.DataFrame:
    """The raw weekly table, one row per week; each column becomes its own node."""
    return raw.sort_values("week").reset_index(drop=True)


@check_output(range=(0.0, 50.0), importance="fail")
def cost_per_signup(spend: pd.Series, signups: pd.Series) -> pd.Series:
    """Spend per signup; more than 50 per signup means the data is broken."""
    return spend / signups


@config.when(currency="usd")
def reported_cost__usd(cost_per_signup: pd.Series) -> pd.Series:
    """Cost per signup in dollars (the data is in dollars)."""
    return cost_per_signup.round(2)


@config.when(currency="eur")
def reported_cost__eur(cost_per_signup: pd.Series, eur_per_usd: float = 0.92) -> pd.Series:
    """Cost per signup converted to euros."""
    return (cost_per_signup * eur_per_usd).round(2)


def best_week(reported_cost: pd.Series) -> int:
    """The week (row) with the cheapest signups."""
    return int(reported_cost.idxmin())
