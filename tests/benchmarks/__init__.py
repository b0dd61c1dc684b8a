"""Smoke tests of the benchmarks: tiny parameters, well-formed figures, budgets met, no timing."""
