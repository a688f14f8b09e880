"""Shared helpers, independent of the library: a plain-NumPy brute force over all 2^N states,
random small graphs, the periodic-lattice bond list built from the conventions (site
x + L y (+ L^2 z), each nearest-neighbour bond once), and the |z| check used by every
statistical test.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import numpy as np
import pytest

# One JAX compilation cache for the session, shared with the subprocesses (doc examples,
# workflow jobs): the tests compile the same small networks many times, and compiling is most
# of their cost. A cached executable is the one XLA would build again, so results are unchanged.
if "JAX_COMPILATION_CACHE_DIR" not in os.environ:
    _jax_cache = tempfile.mkdtemp(prefix="isingvi-test-jax-cache-")
    atexit.register(shutil.rmtree, _jax_cache, ignore_errors=True)
    os.environ["JAX_COMPILATION_CACHE_DIR"] = _jax_cache
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")


def all_states(n: int) -> np.ndarray:
    """All 2^n configurations, shape (2^n, n), int8; state k has s_i = -1 iff bit i of k is set."""
    k = np.arange(2**n, dtype=np.int64)[:, None]
    return (1 - 2 * ((k >> np.arange(n)) & 1)).astype(np.int8)


def state_index(configs: np.ndarray) -> np.ndarray:
    """Inverse of :func:`all_states`: the index of each configuration (last axis = spins)."""
    bits = (1 - configs.astype(np.int64)) // 2
    return (bits << np.arange(configs.shape[-1])).sum(axis=-1)


def energies(states: np.ndarray, edges, J, h) -> np.ndarray:
    """E(s) = -sum_e J_e s_i s_j - sum_i h_i s_i for every row of ``states``."""
    s = states.astype(float)
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    return -(s[:, edges[:, 0]] * s[:, edges[:, 1]]) @ np.asarray(J, float) - s @ np.asarray(
        h, float
    )


def boltzmann(E: np.ndarray, T: float) -> tuple[np.ndarray, float]:
    """Probabilities exp(-E/T)/Z and ln Z, by log-sum-exp."""
    a = -E / T
    amax = a.max()
    w = np.exp(a - amax)
    z = w.sum()
    return w / z, amax + np.log(z)


def brute_force(n: int, edges, J, h, T: float) -> dict:
    """Exact per-spin thermodynamics from the full state list (no library code)."""
    edges = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    S = all_states(n)
    E = energies(S, edges, J, h)
    M = S.sum(axis=1).astype(float)
    p, ln_z = boltzmann(E, T)
    U = p @ E
    out = {
        "ln_z": ln_z / n,
        "f": -T * ln_z / n,
        "u": U / n,
        "c": (p @ (E - U) ** 2) / T**2 / n,
        "abs_m": p @ np.abs(M) / n,
        "m2": p @ (M / n) ** 2,
        "m4": p @ (M / n) ** 4,
        "marginals": p @ S.astype(float),
        "correlations": p @ (S[:, edges[:, 0]].astype(float) * S[:, edges[:, 1]]),
    }
    out["s"] = (out["u"] - out["f"]) / T
    return out


def random_instance(n: int, seed: int, p_edge: float = 0.5, field_scale: float = 0.7):
    """A random graph on n spins: each pair with probability p_edge (at least one edge),
    J_ij ~ N(0, 1), h_i ~ N(0, field_scale^2)."""
    rng = np.random.default_rng(seed)
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    keep = rng.random(len(pairs)) < p_edge
    if not keep.any():
        keep[0] = True
    edges = np.array(pairs)[keep]
    J = rng.standard_normal(len(edges))
    h = field_scale * rng.standard_normal(n)
    return edges, J, h


def lattice_bonds(dim: int, L: int, J: float = 1.0) -> dict[tuple[int, int], float]:
    """Periodic L^dim lattice, site x + L*y (+ L*L*z), one bond to the +1 neighbour in each
    direction (dim * N bonds); a pair met twice (L = 2) gets the summed coupling."""
    N = L**dim
    bonds: dict[tuple[int, int], float] = {}
    for i in range(N):
        coords = [(i // L**d) % L for d in range(dim)]
        for d in range(dim):
            c = list(coords)
            c[d] = (c[d] + 1) % L
            j = sum(c[k] * L**k for k in range(dim))
            key = (min(i, j), max(i, j))
            bonds[key] = bonds.get(key, 0.0) + J
    return bonds


def assert_z(
    estimate: float, error: float, exact: float, what: str = "", bound: float = 4.0
) -> float:
    """|estimate - exact| < bound * error, with a positive, finite error bar."""
    assert np.isfinite(estimate) and np.isfinite(error) and error > 0, (
        f"{what}: {estimate} +- {error}"
    )
    z = (estimate - exact) / error
    assert abs(z) < bound, (
        f"{what}: {estimate:.6g} +- {error:.2g} vs exact {exact:.6g}, z = {z:.2f}"
    )
    return z


def run_quick_bench(script: str, tmp_path) -> tuple[str, list[dict]]:
    """Run ``bench/<script> --quick --out <csv>``; assert it succeeded; its stdout and CSV rows."""
    import csv
    import pathlib
    import subprocess
    import sys

    out = tmp_path / "bench.csv"
    bench = pathlib.Path(__file__).parents[1] / "bench" / script
    proc = subprocess.run(
        [sys.executable, str(bench), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with out.open(newline="") as f:
        return proc.stdout, list(csv.DictReader(f))


@pytest.fixture
def helpers():
    """The helpers of this file, for tests that prefer a fixture to an import."""
    import types

    return types.SimpleNamespace(
        all_states=all_states,
        state_index=state_index,
        energies=energies,
        boltzmann=boltzmann,
        brute_force=brute_force,
        random_instance=random_instance,
        lattice_bonds=lattice_bonds,
        assert_z=assert_z,
        run_quick_bench=run_quick_bench,
    )
