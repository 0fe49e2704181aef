"""Benchmarks: run one with `python -m bench.<name> [--quick]` (see docs/benchmarks.md)."""
