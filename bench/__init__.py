"""Benchmarks: each module has ``main() -> int`` and prints ratios measured in one run."""
