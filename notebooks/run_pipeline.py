"""Compute marketing.py's weekly features from a plain Python script: no Jupyter, no IPython.

    python run_pipeline.py [--weeks N] [--csv PATH]

The module is the same one 01-quickstart.ipynb attaches with `%dataflow`; nothing in it changes.
"""

import argparse
import sys

import marketing
from marketing_data import weekly_marketing

import sideflow

FEATURES = ["spend", "signups", "avg_3wk_spend", "spend_per_signup", "spend_zscore"]
SUMMARY = ["total_spend", "blended_cost_per_signup"]
LATEST = 4  # weeks of features to print


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=12, help="weeks of data to generate")
    parser.add_argument("--csv", help="also write the features to this CSV file")
    args = parser.parse_args(argv)

    data = weekly_marketing(weeks=args.weeks)
    inputs = {"spend": data["spend"], "signups": data["signups"]}
    flow = sideflow.Dataflow(marketing)
    print(flow)

    features = flow.frame(FEATURES, inputs=inputs)
    summary = flow.run(SUMMARY, inputs=inputs)
    print(f"latest weeks of {len(features)}:")
    print(features.tail(LATEST).round(2).to_string())
    print(f"total spend: ${summary['total_spend']:,.0f}")
    print(f"cost per signup over {args.weeks} weeks: ${summary['blended_cost_per_signup']:.2f}")
    if args.csv:
        features.to_csv(args.csv)
        print(f"wrote {args.csv}")

    loaded = sorted(name for name in ("IPython", "ipykernel", "ipywidgets") if name in sys.modules)
    print(f"Jupyter modules loaded: {', '.join(loaded) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
