"""Smoke test of bench/bench_em.py: it runs, prints its table and agrees with scikit-learn.
No timing is asserted."""

import pytest

pytest.importorskip("sklearn", reason="the benchmark compares with scikit-learn")


def test_bench_em_quick_runs_and_matches_sklearn(tmp_path, helpers):
    stdout, rows = helpers.run_quick_bench("bench_em.py", tmp_path)
    assert "sklearn_over_core" in stdout
    assert [r["covariance_type"] for r in rows] == ["full", "diag"]
    for r in rows:
        assert float(r["core_s"]) > 0 and float(r["sklearn_s"]) > 0
        assert float(r["max_abs_dmeans"]) < 1e-8 and float(r["abs_dscore"]) < 1e-8
