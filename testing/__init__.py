"""Data for tests and benchmarks: synthetic dialogue stores with a known answer."""
