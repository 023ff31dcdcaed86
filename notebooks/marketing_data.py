"""Synthetic weekly marketing data for the examples: seeded, so every run sees the same numbers."""

import numpy as np
import pandas as pd


def weekly_marketing(weeks: int = 12, seed: int = 7) -> pd.DataFrame:
    """`spend` (dollars, in steps of 50) and `signups` per week, indexed by the week's Sunday.

    Asking for more weeks adds weeks at the end; the earlier ones stay the same.
    """
    spend_rng, noise_rng = (np.random.default_rng([seed, stream]) for stream in (0, 1))
    index = pd.date_range("2024-01-07", periods=weeks, freq="W-SUN", name="week")
    spend = spend_rng.integers(20, 60, size=weeks) * 50
    signups = np.round(spend / 25 + noise_rng.normal(0, 8, size=weeks)).astype(int)
    return pd.DataFrame({"spend": spend.astype(float), "signups": signups}, index=index)
