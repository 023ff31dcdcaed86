"""Benchmarks: sideflow vs Hamilton vs plain-Python floors (not part of the package)."""
