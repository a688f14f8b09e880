"""Smoke test of bench/bench_mc.py: it runs and prints its table. No timing is asserted."""

import pytest

pytest.importorskip("isingvi._core", reason="the compiled isingvi package is not built")
import isingvi as iv


def test_bench_quick_runs_and_prints_table(tmp_path, helpers):
    stdout, rows = helpers.run_quick_bench("bench_mc.py", tmp_path)
    header = next((line for line in stdout.splitlines() if line.startswith("impl ")), None)
    assert header is not None, stdout
    for column in (
        "algorithm",
        "simd",
        "spins/ns (median)",
        "spins/ns (best)",
        "clusters/s (best)",
        "core/numpy",
    ):
        assert column in header
    assert "Targets" in stdout
    assert {r["impl"] for r in rows} == {"core", "numpy-sublattice", "numpy-masked"}
    assert {r["algorithm"] for r in rows if r["impl"] == "core"} == {
        "metropolis",
        "heatbath",
        "wolff",
    }
    # one core row per instruction set of the checkerboard kernel that this CPU has
    assert {r["simd"] for r in rows if r["algorithm"] == "heatbath"} == set(iv.mc.available_simd())
    # both lattice kernels (multispin at L = 128), one and two threads, two temperatures
    assert {r["kernel"] for r in rows if r["impl"] == "core" and r["algorithm"] != "wolff"} == {
        "plain",
        "multispin",
    }
    assert {r["threads"] for r in rows if r["impl"] == "core"} == {"1", "2"}
    assert {r["simd"] for r in rows if r["kernel"] == "multispin"} == set(iv.mc.available_simd())
    assert {float(r["T"]) for r in rows if r["impl"].startswith("numpy")} == {2.269, 1.5}
