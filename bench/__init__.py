"""Benchmarks for Juece, run on PostgreSQL in a database of their own (`juece_bench`).

`python -m bench` discovers every module `bench/bench_*.py`, runs the benchmarks it defines (subclasses of
`bench.harness.Benchmark`) and prints one table. See docs/benchmarks.md.

Nothing here may import Django models at module level except the `bench_*` modules, which the runner imports
only after it has pointed Django at the benchmark database and called `django.setup()`.
"""
