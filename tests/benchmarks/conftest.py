"""Benchmarks are not tests: ``make bench`` runs them (tests/benchmarks/run.py); pytest skips this folder."""

collect_ignore_glob = ["*"]
