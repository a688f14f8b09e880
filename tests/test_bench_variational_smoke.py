"""Smoke test of bench/bench_variational.py: it runs and prints its table. No timing is asserted."""

import pytest

pytest.importorskip("isingvi._core", reason="the compiled isingvi package is not built")


def test_bench_quick_runs_and_prints_table(tmp_path, helpers):
    stdout, rows = helpers.run_quick_bench("bench_variational.py", tmp_path)
    header = next((line for line in stdout.splitlines() if line.startswith("section ")), None)
    assert header is not None, stdout
    for column in ("impl", "variant", "ms/iter (median)", "ms/iter (best)", "spins/ns (best)", "core/numpy"):
        assert column in header
    assert {(r["section"], r["impl"], r["variant"]) for r in rows} == {
        ("meanfield", "core", "sequential"), ("meanfield", "core", "parallel"), ("meanfield", "core-graph", "parallel"),
        ("meanfield", "numpy+F", "parallel"), ("meanfield", "numpy", "parallel"),
        ("bp", "core", "parallel"), ("ais", "core", "heatbath 50 steps")}
    for r in rows:
        assert float(r["ms_per_iter_best"]) > 0
        if r["impl"].startswith("core") and r["section"] != "ais":
            assert float(r["vs_numpy"]) > 0
    assert "chains/s" in stdout
