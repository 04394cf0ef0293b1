"""Benchmarks of the performance budgets of DESIGN.md, on `demo --families 6000`."""
