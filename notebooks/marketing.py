"""Weekly marketing features: from `spend` and `signups` (one row per week) to what a week cost.

Every public function is a node; its parameters name the nodes or inputs it needs.
"""

import pandas as pd


def avg_3wk_spend(spend: pd.Series) -> pd.Series:
    """Rolling 3-week average of spend: smooths out one-off campaigns (NaN for weeks 1 and 2)."""
    return spend.rolling(3).mean()


def spend_per_signup(spend: pd.Series, signups: pd.Series) -> pd.Series:
    """What one new signup cost that week, in dollars."""
    return spend / signups


def spend_zscore(spend: pd.Series) -> pd.Series:
    """How unusual each week's spend is, in standard deviations from the mean week."""
    return (spend - spend.mean()) / spend.std()


def signups_per_1k(spend: pd.Series, signups: pd.Series) -> pd.Series:
    """Signups bought by each 1,000 dollars of spend: the inverse view of spend_per_signup."""
    return 1000 * signups / spend


def total_spend(spend: pd.Series) -> float:
    """All the money spent over the period."""
    return float(spend.sum())


def blended_cost_per_signup(total_spend: float, signups: pd.Series) -> float:
    """Cost of one signup over the whole period (total spend over total signups)."""
    return total_spend / float(signups.sum())
