"""Smoke test of bench/bench_mc.py: it runs and prints its table. No timing is asserted."""

import csv
import pathlib
import subprocess
import sys

import pytest

BENCH = pathlib.Path(__file__).parents[1] / "bench" / "bench_mc.py"

pytest.importorskip("isingvi._core", reason="the compiled isingvi package is not built")
import isingvi as iv  # noqa: E402


def test_bench_quick_runs_and_prints_table(tmp_path):
    out = tmp_path / "bench.csv"
    proc = subprocess.run([sys.executable, str(BENCH), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    header = next((line for line in proc.stdout.splitlines() if line.startswith("impl ")), None)
    assert header is not None, proc.stdout
    for column in ("algorithm", "simd", "spins/ns (median)", "spins/ns (best)", "clusters/s (best)", "core/numpy"):
        assert column in header
    assert "Targets" in proc.stdout
    with out.open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["impl"] for r in rows} == {"core", "numpy-sublattice", "numpy-masked"}
    assert {r["algorithm"] for r in rows if r["impl"] == "core"} == {"metropolis", "heatbath", "wolff"}
    # one core row per instruction set of the checkerboard kernel that this CPU has
    assert {r["simd"] for r in rows if r["algorithm"] == "heatbath"} == set(iv.mc.available_simd())
    # both lattice kernels (multispin at L = 128), one and two threads, two temperatures
    assert {r["kernel"] for r in rows if r["impl"] == "core" and r["algorithm"] != "wolff"} == {"plain", "multispin"}
    assert {r["threads"] for r in rows if r["impl"] == "core"} == {"1", "2"}
    assert {r["simd"] for r in rows if r["kernel"] == "multispin"} == set(iv.mc.available_simd())
    assert {float(r["T"]) for r in rows if r["impl"].startswith("numpy")} == {2.269, 1.5}
