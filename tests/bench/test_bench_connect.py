"""The connect benchmark's figures: on SQLite there is no PostgreSQL CPU to measure, and `make bench`
stopped the SQLite half there (min over None)."""

from bench.bench_connect import _best


def test_the_best_of_runs_is_each_figures_minimum():
    runs = [{"total": 2.5, "queries": 3.0, "pg": 0.4}, {"total": 2.0, "queries": 3.0, "pg": 0.5}]
    assert _best(runs) == {"total": 2.0, "queries": 3.0, "pg": 0.4}


def test_a_figure_no_run_has_stays_none():
    runs = [{"total": 2.5, "pg": None}, {"total": 2.0, "pg": None}]
    assert _best(runs) == {"total": 2.0, "pg": None}
