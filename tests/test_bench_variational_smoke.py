"""Smoke test of bench/bench_variational.py: it runs and prints its table. No timing is asserted."""

import pytest

pytest.importorskip("isingvi._core", reason="the compiled isingvi package is not built")


def test_bench_quick_runs_and_prints_table(tmp_path, helpers):
    stdout, rows = helpers.run_quick_bench("bench_variational.py", tmp_path)
    header = next((line for line in stdout.splitlines() if line.startswith("section ")), None)
    assert header is not None, stdout
    for column in (
        "impl",
        "variant",
        "ms/iter (median)",
        "ms/iter (best)",
        "spins/ns (best)",
        "core/numpy",
    ):
        assert column in header
    assert {(r["section"], r["impl"], r["variant"]) for r in rows if r["section"] != "ais"} == {
        ("meanfield", "core", "sequential"),
        ("meanfield", "core", "parallel"),
        ("meanfield", "core-graph", "parallel"),
        ("meanfield", "numpy+F", "parallel"),
        ("meanfield", "numpy", "parallel"),
        ("bp", "core", "parallel"),
        ("bp", "core-graph", "parallel"),
        ("bp", "numpy+F", "parallel"),
        ("bp", "core", "parallel 1thr wall"),
        ("bp", "core", "parallel 2thr wall"),
    }
    # AIS at L = 8 and 128: the lattice kernels (multi-spin at 128) and the graph paths
    assert sorted((int(r["L"]), r["impl"]) for r in rows if r["section"] == "ais") == sorted(
        [
            (8, "lattice-plain"),
            (8, "graph-table"),
            (8, "graph-exp"),
            (128, "lattice-plain"),
            (128, "lattice-multispin"),
            (128, "graph-table"),
            (128, "graph-exp"),
        ]
    )
    for r in rows:
        assert float(r["ms_per_iter_best"]) > 0
        if (
            r["impl"].startswith("core")
            and r["section"] != "ais"
            and not r["variant"].endswith("wall")
        ):
            assert float(r["vs_numpy"]) > 0
        if r["section"] == "ais":
            assert float(r["vs_baseline"]) > 0
    assert "chains/s" in stdout and "x graph-exp" in stdout
