"""Type stubs for ``isingvi._core``, the compiled core (pybind11).

Use the :mod:`isingvi` package rather than this module: it validates arguments, accepts
NumPy arrays and returns tidy DataFrames. Argument errors raised here arrive as ValueError
whose message starts with the parameter's name.

Conventions: spins s_i in {-1, +1}; E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i;
k_B = 1; every thermodynamic quantity is per spin.
"""

from collections.abc import Callable, Sequence
from typing import Any, SupportsFloat, SupportsIndex, SupportsInt, overload

import numpy as np
import numpy.typing as npt

_Int = SupportsInt | SupportsIndex
_Float = SupportsFloat | SupportsIndex

__version__: str

class Lattice:
    """Periodic hypercubic lattice L^dim (dim = 2: square, 3: cubic) with uniform J and h.

    Site index x + L*y (+ L*L*z); each nearest-neighbour bond counted once (dim * N bonds).
    """

    def __init__(self, dim: _Int, L: _Int, J: _Float = 1.0, h: _Float = 0.0) -> None: ...
    @property
    def dim(self) -> int: ...
    @property
    def L(self) -> int: ...
    @property
    def J(self) -> float: ...
    @property
    def h(self) -> float: ...
    @property
    def n(self) -> int:
        """Number of spins L^dim."""
    def to_graph(self) -> Graph:
        """The same model as a Graph; for L = 2 the two bonds of a pair merge into one of 2J."""

class Graph:
    """Ising model on a general graph: edges (i, j), couplings J_ij, fields h_i."""

    def __init__(
        self,
        n: _Int,
        edge_i: Sequence[_Int],
        edge_j: Sequence[_Int],
        couplings: Sequence[_Float],
        fields: Sequence[_Float],
    ) -> None: ...
    @property
    def n(self) -> int: ...
    @property
    def n_edges(self) -> int: ...
    @property
    def edge_i(self) -> npt.NDArray[np.int32]: ...
    @property
    def edge_j(self) -> npt.NDArray[np.int32]: ...
    @property
    def couplings(self) -> npt.NDArray[np.float64]: ...
    @property
    def fields(self) -> npt.NDArray[np.float64]: ...
    def energy(self, spins: npt.ArrayLike) -> float:
        """Energy of one configuration of +-1 spins, shape (n,)."""

@overload
def mc_sweep(
    model: Lattice,
    algorithm: str,
    T: Sequence[_Float],
    n_therm: _Int,
    n_measure: _Int,
    every: _Int = 1,
    seed: _Int = 0,
    threads: _Int = 1,
    init: str = "random",
    save_configs: bool = False,
    simd: str = "auto",
    kernel: str = "auto",
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]:
    """Monte Carlo over a list of temperatures.

    ``algorithm``: "metropolis", "heatbath", "wolff" or "swendsen-wang" (the cluster
    algorithms need J_ij >= 0 and zero fields). Returns a dict with E, M of shape
    (n_T, n_samples) (totals), acceptance, cluster_size, flips_per_sweep (spins flipped per
    measuring sweep / N), sampler, n_spins and, if asked, configs (n_T, n_samples, N) int8. ``simd`` picks the instruction set of the lattice
    checkerboard kernels ("auto", or one of simd_supported()); ``kernel`` the lattice
    implementation ("auto", "multispin" or "plain").
    """

@overload
def mc_sweep(
    model: Graph,
    algorithm: str,
    T: Sequence[_Float],
    n_therm: _Int,
    n_measure: _Int,
    every: _Int = 1,
    seed: _Int = 0,
    threads: _Int = 1,
    init: str = "random",
    save_configs: bool = False,
    simd: str = "auto",
    kernel: str = "auto",
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]: ...
@overload
def parallel_tempering(
    model: Lattice,
    T: Sequence[_Float],
    algorithm: str = "metropolis",
    n_therm: _Int = 1000,
    n_measure: _Int = 10000,
    every: _Int = 1,
    swap_every: _Int = 1,
    seed: _Int = 0,
    threads: _Int = 1,
    init: str = "random",
    save_configs: bool = False,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]:
    """Parallel tempering (replica exchange) over a ladder T: any order, >= 2 distinct values.

    ``algorithm``: "metropolis" or "heatbath" (sequential sweeps; lattices run as their Graph).
    Returns a dict with E, M of shape (n_T, n_samples) (totals, rows in the given order of T),
    acceptance (n_T,), marginals (n_T, N), ladder (T sorted), swap_attempts and swap_accepted
    (n_T - 1,) per adjacent ladder pair, round_trips (n_T,) per replica, sampler, n_spins and,
    if asked, configs (n_T, n_samples, N) int8.
    """

@overload
def parallel_tempering(
    model: Graph,
    T: Sequence[_Float],
    algorithm: str = "metropolis",
    n_therm: _Int = 1000,
    n_measure: _Int = 10000,
    every: _Int = 1,
    swap_every: _Int = 1,
    seed: _Int = 0,
    threads: _Int = 1,
    init: str = "random",
    save_configs: bool = False,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]: ...
def is_constructed(obj: object) -> bool:
    """Whether obj is a Lattice or Graph whose constructor ran (a bare __new__ gives one that is not)."""

def simd_supported() -> list[str]:
    """Instruction sets of the vector kernels this CPU and build support, slowest first."""

def vec_exp(x: npt.ArrayLike, simd: str = "auto") -> npt.NDArray[np.float64]:
    """Elementwise exp of a float64 array (vectorised core; bit-identical for every simd)."""

def vec_log(x: npt.ArrayLike, simd: str = "auto") -> npt.NDArray[np.float64]:
    """Elementwise natural log of a float64 array (vectorised core; bit-identical for every simd)."""

def vec_tanh(x: npt.ArrayLike, simd: str = "auto") -> npt.NDArray[np.float64]:
    """Elementwise tanh of a float64 array (vectorised core; bit-identical for every simd)."""

def vec_tanh_entropy(
    y: npt.ArrayLike, simd: str = "auto"
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(tanh(y), H2((1 + tanh y)/2)) elementwise, as the mean field computes them."""

def enumerate(
    graph: Graph,
    T: Sequence[_Float],
    marginals: bool = False,
    correlations: bool = False,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, npt.NDArray[np.float64]]:
    """Exact per-spin thermodynamics by enumeration of all 2^N states (N <= 30).

    Keys: T, beta, ln_z, f, u, c, s, abs_m, m2, m4 (n_T,), and marginals (n_T, N),
    correlations (n_T, n_edges) when asked for.
    """

def kaufman(L: _Int, T: Sequence[_Float], J: _Float = 1.0) -> dict[str, npt.NDArray[np.float64]]:
    """Kaufman's exact per-spin ln Z, u, c of the periodic L x L lattice at h = 0.

    Keys: T, beta, ln_z, f, u, c, s.
    """

def onsager(T: Sequence[_Float], J: _Float = 1.0) -> dict[str, npt.NDArray[np.float64]]:
    """Onsager's per-spin f, u, c, s and Yang's m of the infinite square lattice.

    Keys: T, beta, ln_z, f, u, c, s, abs_m (Yang's spontaneous magnetisation).
    """

def onsager_tc(J: _Float = 1.0) -> float:
    """T_c = 2J / ln(1 + sqrt 2)."""

def random_uniform(seed: _Int, stream: _Int, n: _Int) -> npt.NDArray[np.float64]:
    """n uniform doubles in [0, 1) from the core's RNG stream (seed, stream)."""

def sherrington_kirkpatrick(N: _Int, seed: _Int) -> Graph:
    """All pairs, J_ij ~ N(0, 1/N), no fields."""

def edwards_anderson(L: _Int, seed: _Int) -> Graph:
    """+-J couplings on the periodic L x L square lattice (L >= 3), no fields."""

def random_field(graph: Graph, sigma: _Float, seed: _Int) -> Graph:
    """The graph's couplings with fields h_i + sigma * xi_i, xi_i ~ N(0, 1)."""

def random_regular(N: _Int, k: _Int, seed: _Int, J: _Float = 1.0) -> Graph:
    """Random simple k-regular graph on N vertices with uniform coupling J."""

def random_tree(N: _Int, seed: _Int, J: _Float = 1.0) -> Graph:
    """Random recursive tree on N vertices with uniform coupling J."""

@overload
def belief_propagation(
    model: Lattice,
    T: Sequence[_Float],
    damping: _Float = 0.0,
    init: str = "paramagnetic",
    schedule: str = "parallel",
    seed: _Int = 0,
    tol: _Float = 1e-12,
    max_iter: _Int = 10000,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """Loopy belief propagation over a list of temperatures (parallel schedule on lattices: a
    vectorised stencil split over `threads`; otherwise the generic graph path).

    Keys: T, f, u (per spin), converged, n_iter (n_T,); m (n_T, N); correlations
    (n_T, n_edges); the per-iteration trace trace_T, trace_iter, trace_f, trace_max_du; and
    the edges edge_i, edge_j.
    """

@overload
def belief_propagation(
    model: Graph,
    T: Sequence[_Float],
    damping: _Float = 0.0,
    init: str = "paramagnetic",
    schedule: str = "parallel",
    seed: _Int = 0,
    tol: _Float = 1e-12,
    max_iter: _Int = 10000,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, npt.NDArray[Any]]: ...
def bp_message(beta: _Float, J: _Float, c: _Float) -> float:
    """The BP cavity-field message atanh(tanh(beta J) tanh(beta c)) / beta, overflow-free."""

@overload
def ais(
    model: Graph,
    T: Sequence[_Float],
    n_steps: _Int = 1000,
    n_sweeps: _Int = 1,
    n_chains: _Int = 64,
    algorithm: str = "heatbath",
    seed: _Int = 0,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
    simd: str = "auto",
    kernel: str = "auto",
    tables: bool = True,
) -> dict[str, Any]:
    """Annealed importance sampling from beta = 0 to every 1/T.

    Returns a dict with per-spin ln_z, ln_z_err, ess (n_T,), log_weights (n_T, n_chains)
    (total ln w), schedule, T, beta, n_spins, sampler. ``simd`` and ``kernel`` as for
    mc_sweep (lattices: the checkerboard kernels; odd L and graphs: sequential sweeps);
    ``tables``: graphs look the flip probabilities up where that is exact (False: computed
    per spin, the reference; the same results).
    """

@overload
def ais(
    model: Lattice,
    T: Sequence[_Float],
    n_steps: _Int = 1000,
    n_sweeps: _Int = 1,
    n_chains: _Int = 64,
    algorithm: str = "heatbath",
    seed: _Int = 0,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
    simd: str = "auto",
    kernel: str = "auto",
    tables: bool = True,
) -> dict[str, Any]: ...
def pinned_schedule(targets: Sequence[_Float], n_steps: _Int) -> npt.NDArray[np.float64]:
    """n_steps increasing values in (0, max target], linear between consecutive targets,
    containing every target exactly; the largest step is as small as it can be."""

@overload
def mean_field_solve(
    model: Lattice,
    T: Sequence[_Float],
    method: str = "mf",
    update: str = "sequential",
    damping: _Float = 0.0,
    init: str = "up",
    m0: Sequence[_Float] = [],
    seed: _Int = 0,
    tol: _Float = 1e-10,
    max_iter: _Int = 10000,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]:
    """Naive mean-field ("mf") or TAP ("tap") fixed point at each temperature.

    Keys: m (n_T, N), f, u (n_T,) per spin, converged (n_T,) uint8, n_iter (n_T,) int64, and the
    traces of all temperatures end to end: trace_f, trace_dm, with trace_len (n_T,) = n_iter + 1.
    init: "up" | "down" | "random" | "given" (then m0 holds N values in [-1, 1]).
    """

@overload
def mean_field_solve(
    model: Graph,
    T: Sequence[_Float],
    method: str = "mf",
    update: str = "sequential",
    damping: _Float = 0.0,
    init: str = "up",
    m0: Sequence[_Float] = [],
    seed: _Int = 0,
    tol: _Float = 1e-10,
    max_iter: _Int = 10000,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]: ...
def mean_field_free_energy(
    graph: Graph, T: _Float, m: npt.ArrayLike, method: str = "mf"
) -> npt.NDArray[np.float64]:
    """Per-spin F_MF (or F_TAP) at magnetisations m of shape (N,) or (k, N); returns shape (k,)."""

def uniform_lattice(
    T: Sequence[_Float],
    z: _Int,
    J: _Float = 1.0,
    h: _Float = 0.0,
    method: str = "mf",
    branch: str = "ordered",
) -> dict[str, npt.NDArray[np.float64]]:
    """Uniform mean-field ("mf") or Bethe ("bethe") solution of the infinite lattice with coordination z.

    Keys: T, beta, m, f, u (per spin). branch: "ordered" | "paramagnetic" (h = 0 only).
    """

def uniform_critical_temperature(z: _Int, J: _Float = 1.0, method: str = "mf") -> float:
    """T_c of the uniform solution: z J (mean field), 2 J / ln(z / (z - 2)) (Bethe; 0 for z <= 2)."""

def gaussian_mixture_fit(
    X: npt.ArrayLike,
    n_components: _Int,
    covariance_type: str = "full",
    tol: _Float = 1e-3,
    reg_covar: _Float = 1e-6,
    max_iter: _Int = 100,
    n_init: _Int = 1,
    seed: _Int = 0,
    threads: _Int = 1,
    weights_init: npt.ArrayLike | None = None,
    means_init: npt.ArrayLike | None = None,
    precisions_init: npt.ArrayLike | None = None,
    progress: Callable[[int, int], object] | None = None,
    initial_lower_bound: _Float = ...,
) -> dict[str, Any]:
    """EM for a Gaussian mixture; returns a dict of parameters, convergence summary and the
    per-iteration trace (all per data point).

    Keys: weights (K,), means (K, d), covariances and precisions_cholesky ((K, d, d) full,
    (K, d) diag, (d, d) tied, (K,) spherical), converged, n_iter, best_restart, lower_bound,
    lower_bounds (the kept restart's, per iteration), restart_n_iter, restart_converged (per
    restart), log_likelihood, log_prior, trace (dict of arrays: restart, iteration,
    log_likelihood, log_prior, elbo_e, elbo_m, kl_gap). initial_lower_bound (default −inf) is
    what the first iteration's change is measured from (a warm start's previous bound).
    """

def gaussian_mixture_posterior(
    X: npt.ArrayLike,
    weights: npt.ArrayLike,
    means: npt.ArrayLike,
    precisions_cholesky: npt.ArrayLike,
    covariance_type: str = "full",
    threads: _Int = 1,
) -> dict[str, npt.NDArray[np.float64]]:
    """ln p(x) (n,) and ln p(z | x) (n, K) of a Gaussian mixture, as a dict with log_prob, log_resp."""

def bernoulli_mixture_fit(
    X: npt.ArrayLike,
    n_components: _Int,
    alpha_one: _Float = 1.0,
    alpha_zero: _Float = 1.0,
    weight_alpha: _Float = 1.0,
    tol: _Float = 1e-3,
    max_iter: _Int = 100,
    n_init: _Int = 1,
    seed: _Int = 0,
    threads: _Int = 1,
    progress: Callable[[int, int], object] | None = None,
    weights_init: npt.ArrayLike | None = None,
    probs_init: npt.ArrayLike | None = None,
    initial_lower_bound: _Float = ...,
) -> dict[str, Any]:
    """MAP EM for a Bernoulli mixture on 0/1 data (uint8, shape (n, D)).

    Pseudo-counts alpha_one, alpha_zero per probability, weight_alpha per weight; optional
    start weights_init (K,) and probs_init (K, D) (both or neither). Keys: weights (K,),
    probs (K, D) and the summary and trace keys of gaussian_mixture_fit.
    """

def bernoulli_mixture_posterior(
    X: npt.ArrayLike,
    weights: npt.ArrayLike,
    probs: npt.ArrayLike,
    threads: _Int = 1,
) -> dict[str, npt.NDArray[np.float64]]:
    """ln p(x) (n,) and ln p(z | x) (n, K) of a Bernoulli mixture on 0/1 data, as a dict with log_prob, log_resp."""
