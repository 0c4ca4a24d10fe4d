"""Benchmarks: `python -m bench` (or `--quick`). See README, Performance."""
