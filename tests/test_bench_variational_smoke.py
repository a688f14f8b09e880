"""Smoke test of bench/bench_variational.py: it runs and prints its table. No timing is asserted."""

import csv
import pathlib
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).parents[1] / "bench" / "bench_variational.py"

pytest.importorskip("isingvi._core", reason="the compiled isingvi package is not built")


def test_bench_quick_runs_and_prints_table(tmp_path):
    out = tmp_path / "bench.csv"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    header = next((line for line in proc.stdout.splitlines() if line.startswith("section ")), None)
    assert header is not None, proc.stdout
    for column in ("impl", "variant", "ms/iter (median)", "ms/iter (best)", "spins/ns (best)", "core/numpy"):
        assert column in header
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {(r["section"], r["impl"], r["variant"]) for r in rows} == {
        ("meanfield", "core", "sequential"), ("meanfield", "core", "parallel"), ("meanfield", "core-graph", "parallel"),
        ("meanfield", "numpy+F", "parallel"), ("meanfield", "numpy", "parallel"),
        ("bp", "core", "parallel"), ("ais", "core", "heatbath 50 steps")}
    for r in rows:
        assert float(r["ms_per_iter_best"]) > 0
        if r["impl"].startswith("core") and r["section"] != "ais":
            assert float(r["vs_numpy"]) > 0
    assert "chains/s" in proc.stdout
