"""Smoke test of bench/bench_vecmath.py: it runs and prints its table. No timing is asserted."""

import isingvi._core as core


def test_bench_vecmath_quick_runs(tmp_path, helpers):
    stdout, rows = helpers.run_quick_bench("bench_vecmath.py", tmp_path)
    assert "numpy_over_core" in stdout
    assert {r["function"] for r in rows} == {"exp", "log", "tanh"}
    assert {r["simd"] for r in rows} == set(core.simd_supported())
    assert all(float(r["max_rel_error"]) < 1e-14 for r in rows)
