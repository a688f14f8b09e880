"""Smoke test of bench/bench_em.py: it runs, prints its table and agrees with scikit-learn.
No timing is asserted."""

import csv
import pathlib
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).parents[1] / "bench" / "bench_em.py"

pytest.importorskip("sklearn", reason="the benchmark compares with scikit-learn")


def test_bench_em_quick_runs_and_matches_sklearn(tmp_path):
    out = tmp_path / "em.csv"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sklearn_over_core" in proc.stdout
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["covariance_type"] for r in rows] == ["full", "diag"]
    for r in rows:
        assert float(r["core_s"]) > 0 and float(r["sklearn_s"]) > 0
        assert float(r["max_abs_dmeans"]) < 1e-8 and float(r["abs_dscore"]) < 1e-8
