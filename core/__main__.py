"""`python -m sideflow ...`: the same as the `sideflow` command."""

from .cli import main

raise SystemExit(main())
