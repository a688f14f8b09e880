"""Variational autoregressive networks (VAN): a neural trial distribution for any Ising model.

q_θ(σ) = Π_i q(σ_i | σ_<i) is a MADE (:mod:`isingvi.neural._made`), normalised and sampled
exactly by construction. Training minimises the variational free energy

    F_q = E_q[E(σ) + T ln q(σ)]  ≥  F = −T ln Z     (Gibbs–Bogoliubov; the gap is T·KL(q‖p))

with the score-function (REINFORCE) gradient, ∇_θ βF_q = E_q[(βE + ln q − b) ∇_θ ln q], whose
baseline b (the batch mean of βE + ln q) removes most of its variance without bias, and Adam.
With ``z2`` the trial distribution is q_sym(σ) = [q(σ) + q(−σ)] / 2: at zero field the
Boltzmann distribution has this symmetry, and a plain q that picks one of the two ordered
states below T_c pays T ln 2 / N in F_q for it.

The trained q also gives neural importance sampling: with K samples σ_k ~ q,
Ẑ_K = (1/K) Σ_k e^{−βE(σ_k)} / q(σ_k) is unbiased for Z, so E[ln Ẑ_K] ≤ ln Z (the IWAE
bound of q), non-decreasing in K and reaching ln Z as K → ∞: f_K = −T ln Ẑ_K / N.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._progress import reporter
from .._validate import (
    INT64_MAX,
    as_bool,
    as_float,
    as_int,
    as_model,
    as_seed,
    as_temperatures,
    check_memory,
)
from ..models import as_graph
from . import _made
from ._jax import require_jax

__all__ = ["VANResult", "van"]

_LN2 = math.log(2.0)
_CHUNK = 4096  # samples drawn per call when evaluating (bounds the memory of one draw)


def _stream(T: float) -> int:
    """A 32-bit stream id from the bit pattern of T: each temperature has its own draws."""
    bits = int(np.float64(T).view(np.uint64))
    return (bits ^ (bits >> 32)) & 0xFFFFFFFF


class _Energy:
    """E(σ) = −Σ_{i<j} J_ij σ_i σ_j − Σ_i h_i σ_i for batches of ±1 configurations."""

    def __init__(self, model):
        g = as_graph(model)
        self.n = int(g.n)
        self.i = np.asarray(g.edge_i, dtype=np.int64)
        self.j = np.asarray(g.edge_j, dtype=np.int64)
        self.J = np.asarray(g.couplings, dtype=np.float64)
        self.h = np.asarray(g.fields, dtype=np.float64)

    def jax(self, x):
        """In JAX (float32), for training."""
        _, jnp, _ = require_jax()
        J, h = jnp.asarray(self.J, jnp.float32), jnp.asarray(self.h, jnp.float32)
        return -jnp.sum(J * x[:, self.i] * x[:, self.j], axis=1) - x @ h

    def numpy(self, x: np.ndarray) -> np.ndarray:
        """In float64, for the reported numbers."""
        x = np.asarray(x, dtype=np.float64)
        return -(x[:, self.i] * x[:, self.j]) @ self.J - x @ self.h


@dataclass
class _Trained:
    T: float
    params: dict
    key_index: int = 0  # draws made so far by sample(), so that repeated calls differ


@dataclass
class VANResult:
    """Trained variational autoregressive networks, one per temperature.

    Parameters
    ----------
    T, n_spins, trace, settings
        The attributes below; :func:`van` builds the result (with the trained networks).

    Attributes
    ----------
    T : ndarray, shape (n_T,)
        Temperatures.
    n_spins : int
        N.
    trace : pandas.DataFrame
        One row per training step: T, step, beta (the annealed inverse temperature of that
        step), f_q and f_q_err (per spin, at that beta, from the step's batch), u (energy per
        spin), s (entropy of q per spin, −E_q[ln q] / N).
    settings : dict
        The training arguments (depth, width, z2, n_steps, batch_size, lr, lr_end, anneal,
        seed).

    Examples
    --------
    >>> import isingvi as iv
    >>> from isingvi.neural import van
    >>> res = van(iv.SquareLattice(2), T=[2.0, 3.0], n_steps=20, batch_size=16, width=4,
    ...           n_eval=100)
    >>> res.n_spins, res.trace.columns.tolist()
    (4, ['T', 'step', 'beta', 'f_q', 'f_q_err', 'u', 's'])
    """

    T: np.ndarray
    n_spins: int
    trace: pd.DataFrame = field(repr=False)
    settings: dict
    _energy: _Energy = field(repr=False)
    _mask: dict = field(repr=False)
    _trained: list = field(repr=False)
    _final: pd.DataFrame = field(repr=False)

    def table(self) -> pd.DataFrame:
        """The variational bound per temperature, from ``n_eval`` fresh samples.

        Returns
        -------
        pandas.DataFrame
            One row per T: T, beta, f_q, f_q_err (the variational bound F_q / N and its
            standard error), u, u_err (energy per spin under q), s (entropy of q per spin),
            n_eval and the settings. f_q ≥ f holds in expectation: f_q − f = T·KL(q‖p) / N.

        Examples
        --------
        >>> import isingvi as iv
        >>> from isingvi.neural import van
        >>> res = van(iv.SquareLattice(2), T=[2.0, 3.0], n_steps=20, batch_size=16, width=4,
        ...           n_eval=100)
        >>> df = res.table()
        >>> exact = iv.exact.enumerate(iv.SquareLattice(2), [2.0, 3.0])
        >>> (df.f_q + 3 * df.f_q_err >= exact.f).tolist()
        [True, True]
        """
        return self._final.copy()

    def _at(self, T) -> _Trained:
        if T is None:
            if len(self._trained) != 1:
                raise ValueError(
                    f"T: this result holds {len(self._trained)} temperatures; name one of {list(self.T)}"
                )
            return self._trained[0]
        T = as_float(T, "T")
        for t in self._trained:
            if t.T == T:
                return t
        raise ValueError(f"T: not one of the trained temperatures {list(self.T)}, got {T!r}")

    def _draw(self, t: _Trained, n: int, seed: int | None):
        """n samples (float32 ±1) and ln q from q (or q_sym), in chunks."""
        jax, _jnp, _ = require_jax()
        if seed is None:
            t.key_index += 1
            key = jax.random.fold_in(jax.random.PRNGKey(self.settings["seed"]), 2**31 + t.key_index)
        else:
            key = jax.random.PRNGKey(as_seed(seed))
        key = jax.random.fold_in(key, _stream(t.T))
        xs, lqs = [], []
        for c, start in enumerate(range(0, n, _CHUNK)):
            size = min(_CHUNK, n - start)
            x, lq = _compiled("sample")(
                t.params, self._mask, jax.random.fold_in(key, c), size, self.settings["z2"]
            )
            xs.append(np.asarray(x))
            lqs.append(np.asarray(lq, dtype=np.float64))
        return np.concatenate(xs), np.concatenate(lqs)

    def sample(self, n: int, T=None, seed: int | None = None) -> np.ndarray:
        """Exact samples of q at temperature T.

        Parameters
        ----------
        n : int
            Number of samples, >= 1.
        T : float, optional
            One of the trained temperatures (optional with one temperature).
        seed : int, optional
            Seed; without it each call continues the result's own random stream.

        Returns
        -------
        ndarray of int8, shape (n, N)
            ±1 spins.

        Raises
        ------
        ValueError
            Naming ``n``, ``T`` (not trained, or missing with several) or ``seed``.

        Examples
        --------
        >>> import isingvi as iv
        >>> from isingvi.neural import van
        >>> res = van(iv.SquareLattice(2), T=[2.0, 3.0], n_steps=20, batch_size=16, width=4,
        ...           n_eval=100)
        >>> res.sample(3, T=2.0, seed=0).shape
        (3, 4)
        """
        n = as_int(n, "n", 1, INT64_MAX)
        check_memory(5.0 * n * self.n_spins, "n", f"{n} samples of {self.n_spins} spins")
        x, _ = self._draw(self._at(T), n, seed)
        return x.astype(np.int8)

    def log_prob(self, configs, T=None) -> np.ndarray:
        """ln q(σ) of configurations under the network at temperature T.

        Parameters
        ----------
        configs : array_like, shape (n, N) or (N,)
            ±1 spins.
        T : float, optional
            One of the trained temperatures (optional with one temperature).

        Returns
        -------
        ndarray
            Shape (n,), or a scalar for one configuration of shape (N,).

        Raises
        ------
        ValueError
            Naming ``configs`` (wrong shape, not ±1) or ``T``.

        Examples
        --------
        >>> import isingvi as iv
        >>> from isingvi.neural import van
        >>> res = van(iv.SquareLattice(2), T=[2.0, 3.0], n_steps=20, batch_size=16, width=4,
        ...           n_eval=100)
        >>> import numpy as np
        >>> x = res.sample(5, T=2.0, seed=0)
        >>> bool(np.all(res.log_prob(x, T=2.0) < 0))
        True
        """
        _, jnp, _ = require_jax()
        t = self._at(T)
        x = _as_spins(configs, self.n_spins, "configs")
        lq = np.asarray(
            _compiled("log_q")(
                t.params, self._mask, jnp.asarray(x.reshape(-1, self.n_spins)), self.settings["z2"]
            ),
            dtype=np.float64,
        )
        return lq if x.ndim == 2 else lq[0]

    def importance(
        self, K=(1, 10, 100, 1000), n_repeats: int = 16, seed: int | None = None
    ) -> pd.DataFrame:
        """Neural importance sampling with the trained q, for each K: one row per (T, K).

        For each of ``n_repeats`` independent groups of K samples, ln Ẑ_K = ln((1/K) Σ_k
        e^{−βE(σ_k)} / q(σ_k)); f_K = −T mean(ln Ẑ_K) / N, and f_K_err is T sd(ln Ẑ_K) /
        (√n_repeats N), the error of that mean from the spread of the groups themselves.
        E[ln Ẑ_K] ≤ ln Z (Jensen), so f_K ≥ f in expectation and decreases towards f as K
        grows. ``ess`` is the mean over groups of (Σ w)² / Σ w², the effective number of the
        K samples; ``ln_z`` = mean ln Ẑ_K / N.

        Parameters
        ----------
        K : int or sequence of int, default (1, 10, 100, 1000)
            Samples per estimate, each >= 1.
        n_repeats : int, default 16
            Independent groups per K, >= 2.
        seed : int, optional
            Seed; without it the draws continue the result's own random stream.

        Returns
        -------
        pandas.DataFrame
            One row per (T, K): T, beta, K, ln_z, f_K, f_K_err, ess, n_repeats.

        Raises
        ------
        ValueError
            Naming ``K``, ``n_repeats`` (or their memory) or ``seed``.

        Examples
        --------
        >>> import isingvi as iv
        >>> from isingvi.neural import van
        >>> res = van(iv.SquareLattice(2), T=[2.0, 3.0], n_steps=20, batch_size=16, width=4,
        ...           n_eval=100)
        >>> df = res.importance(K=(1, 100), n_repeats=4, seed=0)
        >>> df.columns.tolist()
        ['T', 'beta', 'K', 'ln_z', 'f_K', 'f_K_err', 'ess', 'n_repeats']
        """
        K_arr = np.atleast_1d(np.asarray(K))
        if K_arr.ndim != 1 or K_arr.size == 0:
            raise ValueError(f"K: must be a positive integer or a 1-D list of them, got {K!r}")
        Ks = [as_int(k, "K", 1, INT64_MAX) for k in K_arr]
        n_repeats = as_int(n_repeats, "n_repeats", 2)
        check_memory(
            12.0 * max(Ks) * n_repeats * self.n_spins,
            "K",
            f"{n_repeats} x {max(Ks)} samples of {self.n_spins} spins",
        )
        rows = []
        for t in self._trained:
            beta = 1.0 / t.T
            for k in Ks:
                x, lq = self._draw(t, k * n_repeats, None if seed is None else as_seed(seed) + k)
                log_w = (-beta * self._energy.numpy(x) - lq).reshape(n_repeats, k)
                top = log_w.max(axis=1, keepdims=True)
                w = np.exp(log_w - top)
                ln_z = (top[:, 0] + np.log(w.mean(axis=1))) / self.n_spins
                ess = w.sum(axis=1) ** 2 / (w**2).sum(axis=1)
                rows.append(
                    {
                        "T": t.T,
                        "beta": beta,
                        "K": k,
                        "ln_z": ln_z.mean(),
                        "f_K": -t.T * ln_z.mean(),
                        "f_K_err": t.T * ln_z.std(ddof=1) / math.sqrt(n_repeats),
                        "ess": ess.mean(),
                        "n_repeats": n_repeats,
                    }
                )
        return pd.DataFrame(rows)


def _as_spins(configs, n: int, name: str) -> np.ndarray:
    x = np.asarray(configs)
    if np.iscomplexobj(x) or x.dtype == object or x.ndim not in (1, 2) or x.shape[-1] != n:
        raise ValueError(
            f"{name}: must be real ±1 spins of shape (n, {n}) or ({n},), got shape {x.shape}"
        )
    if not np.all((x == 1) | (x == -1)):
        raise ValueError(f"{name}: every spin must be -1 or +1")
    return x.astype(np.float32)


def _log_q(params, mask, x, z2: bool):
    """ln q(x), or ln q_sym(x) = ln([q(x) + q(−x)] / 2) with z2."""
    _, jnp, _ = require_jax()
    lq = _made.log_prob(params, mask, x)
    return jnp.logaddexp(lq, _made.log_prob(params, mask, -x)) - _LN2 if z2 else lq


def _sample_batch(params, mask, key, size: int, z2: bool):
    """Samples of q (or q_sym: a sample of q with its sign flipped with probability 1/2) and ln q."""
    jax, _jnp, _ = require_jax()
    draw, flip = jax.random.split(key)
    x, lq = _made.sample(params, mask, draw, size)
    if not z2:
        return x, lq
    x = x * jax.random.rademacher(flip, (size, 1)).astype(x.dtype)
    return x, _log_q(params, mask, x, True)


_COMPILED: dict = {}


def _compiled(name: str):
    """Jitted sampling and ln q (compiled once per shape, shared by every result)."""
    if name not in _COMPILED:
        jax, _, _ = require_jax()
        _COMPILED["sample"] = jax.jit(_sample_batch, static_argnames=("size", "z2"))
        _COMPILED["log_q"] = jax.jit(_log_q, static_argnames=("z2",))
    return _COMPILED[name]


_STEPS: dict = {}


def _make_step(energy: _Energy, mask: dict, s: dict):
    """One jitted Adam step of the score-function gradient of βF_q at a given β; the same model
    and settings reuse the compiled step (JAX compiles a new closure every time)."""
    key = (
        energy.n,
        energy.i.tobytes(),
        energy.j.tobytes(),
        energy.J.tobytes(),
        energy.h.tobytes(),
        s["width"],
        s["depth"],
        s["z2"],
        s["batch_size"],
        s["lr"],
        s["lr_end"],
        s["n_steps"] if s["lr_end"] is not None else None,
        s["anneal"] if s["lr_end"] is not None else None,
    )
    if key not in _STEPS:
        if len(_STEPS) >= 16:
            _STEPS.pop(next(iter(_STEPS)))
        _STEPS[key] = _new_step(energy, mask, s)
    return _STEPS[key]


def _learning_rate(s: dict):
    """Adam's step size: ``lr`` throughout, or with ``lr_end`` held at ``lr`` while β rises and
    then decayed along a cosine to ``lr_end`` at the last step. The late small steps average
    out the gradient's sampling noise, which otherwise sets a floor on F_q − F."""
    _, _, optax = require_jax()
    if s["lr_end"] is None:
        return s["lr"]
    ramp = int(s["anneal"] * s["n_steps"])
    decay = optax.cosine_decay_schedule(
        s["lr"], max(1, s["n_steps"] - ramp), alpha=s["lr_end"] / s["lr"]
    )
    return optax.join_schedules([optax.constant_schedule(s["lr"]), decay], [ramp])


def _new_step(energy: _Energy, mask: dict, s: dict):
    jax, jnp, optax = require_jax()
    opt = optax.adam(_learning_rate(s))
    z2, batch = s["z2"], s["batch_size"]

    @jax.jit
    def step(params, state, key, beta):
        x, _ = _sample_batch(params, mask, key, batch, z2)
        x = jax.lax.stop_gradient(x)
        E = energy.jax(x)

        def objective(p):
            lq = _log_q(p, mask, x, z2)
            advantage = jax.lax.stop_gradient(beta * E + lq)
            return jnp.mean((advantage - advantage.mean()) * lq), lq

        (_, lq), grads = jax.value_and_grad(objective, has_aux=True)(params)
        updates, state = opt.update(grads, state, params)
        F = E + lq / beta
        stats = jnp.stack([F.mean(), F.std() / jnp.sqrt(batch), E.mean(), -lq.mean()])
        return optax.apply_updates(params, updates), state, stats

    return opt, step


def _train_one(
    energy: _Energy, T: float, s: dict, mask: dict, opt, step, tick
) -> tuple[_Trained, pd.DataFrame]:
    jax, jnp, _ = require_jax()
    n = energy.n
    key = jax.random.fold_in(jax.random.PRNGKey(s["seed"]), _stream(T))
    key, init_key = jax.random.split(key)
    params = _made.init(init_key, n, s["width"], s["depth"])
    state = opt.init(params)
    beta_final = 1.0 / T
    ramp = s["anneal"] * s["n_steps"]
    rows = np.empty((s["n_steps"], 5))
    for t in range(s["n_steps"]):
        beta = beta_final * min(1.0, (t + 1) / ramp) if ramp >= 1 else beta_final
        params, state, stats = step(params, state, jax.random.fold_in(key, t), jnp.float32(beta))
        rows[t, 0] = beta
        rows[t, 1:] = np.asarray(stats, dtype=np.float64)
        if tick is not None:
            tick(1)
    trace = pd.DataFrame(
        {
            "T": T,
            "step": np.arange(1, s["n_steps"] + 1),
            "beta": rows[:, 0],
            "f_q": rows[:, 1] / n,
            "f_q_err": rows[:, 2] / n,
            "u": rows[:, 3] / n,
            "s": rows[:, 4] / n,
        }
    )
    return _Trained(T, params), trace


def van(
    model,
    T,
    *,
    n_steps: int = 2000,
    batch_size: int = 256,
    depth: int = 1,
    width: int = 64,
    z2: bool | None = None,
    lr: float = 1e-3,
    lr_end: float | None = None,
    anneal: float = 0.5,
    n_eval: int = 10000,
    seed: int = 0,
    threads: int = 1,
    progress=False,
) -> VANResult:
    """Train a variational autoregressive network at every temperature of ``T``.

    Parameters
    ----------
    model : SquareLattice, CubicLattice or Graph
        The model (fields and disorder allowed).
    T : float or array_like, 1-D
        Temperatures (> 0); one network is trained per temperature.
    n_steps : int, default 2000
        Adam steps per temperature (0: the untrained network).
    batch_size : int, default 256
        Samples per step (>= 2: the baseline is the batch mean).
    depth, width : int
        Hidden layers of the MADE and units per layer (defaults 1 and 64; ``depth=1``
        samples with the incremental cache: O(N (width + N)) per sample; deeper: a full pass
        per spin).
    z2 : bool, optional
        Use q_sym(σ) = [q(σ) + q(−σ)] / 2; default: True exactly when every field is 0.
    lr : float, default 1e-3
        Adam learning rate.
    lr_end : float, optional
        If given, the learning rate stays ``lr`` while β rises (see ``anneal``) and then
        falls along a cosine to ``lr_end`` at the last step; None (default): constant ``lr``.
        Decaying it lets long runs settle instead of wandering with the gradient's noise; a
        short run still far from convergence does better at a constant rate (16 x 16 torus,
        β = 0.6, 1000 steps: relative error of F_q 2.5e-3 constant, 7e-2 decayed to 1e-5).
    anneal : float, default 0.5
        Fraction of the steps in [0, 1) over which β rises linearly to 1/T (step t of
        n trains at β min(1, t / (anneal n))); starting hot keeps the network from collapsing
        onto one ordered state early (0: every step at 1/T)
    n_eval : int, default 10000
        Fresh samples for the final F_q, u and s of :meth:`VANResult.table`.
    seed : int, default 0
        Seeds the initial weights and every draw; same seed and arguments, same numbers.
    threads : int, default 1
        Temperatures trained at the same time; results do not depend on it (each XLA
        operation runs on one thread, see :mod:`isingvi.neural`).
    progress : False (default), True or callable
        True shows a bar of training steps; a callable is called as ``progress(done, total)``.
        Ctrl-C stops training between two steps with KeyboardInterrupt.

    Returns
    -------
    VANResult
        ``table()`` (the bound f_q per T), ``trace`` (per step), ``sample``, ``log_prob`` and
        ``importance`` (neural importance sampling, f_K for a list of K).

    Raises
    ------
    ValueError
        Naming the parameter that is invalid (``lr`` <= 0, ``lr_end`` outside (0, lr],
        ``anneal`` outside [0, 1), ...), or ``width`` / ``n_eval`` when the network or the
        samples would not fit in :func:`isingvi.memory_limit`.
    ImportError
        Without JAX (the ``neural`` extra).
    KeyboardInterrupt
        On Ctrl-C, between two steps.

    Examples
    --------
    >>> import isingvi as iv
    >>> from isingvi.neural import van
    >>> res = van(iv.SquareLattice(2), T=[2.0, 3.0], n_steps=20, batch_size=16, width=4,
    ...           n_eval=100)
    >>> res.table()[["T", "f_q"]].shape
    (2, 2)
    """
    require_jax()
    model = as_model(model)
    temps = as_temperatures(T)
    energy = _Energy(model)
    zero_field = not np.any(energy.h)
    settings: dict[str, Any] = {
        "depth": as_int(depth, "depth", 1, 16),
        "width": as_int(width, "width", 1, 2**16),
        "z2": zero_field if z2 is None else as_bool(z2, "z2"),
        "n_steps": as_int(n_steps, "n_steps", 0, 10**9),
        "batch_size": as_int(batch_size, "batch_size", 2, 2**24),
        "lr": as_float(lr, "lr"),
        "lr_end": None if lr_end is None else as_float(lr_end, "lr_end"),
        "anneal": as_float(anneal, "anneal"),
        "seed": as_seed(seed),
    }
    if settings["lr"] <= 0:
        raise ValueError(f"lr: must be > 0, got {settings['lr']}")
    if settings["lr_end"] is not None and not 0.0 < settings["lr_end"] <= settings["lr"]:
        raise ValueError(f"lr_end: must be in (0, lr = {settings['lr']}], got {settings['lr_end']}")
    if not 0.0 <= settings["anneal"] < 1.0:
        raise ValueError(f"anneal: must be in [0, 1), got {settings['anneal']}")
    n_eval = as_int(n_eval, "n_eval", 2, INT64_MAX)
    threads = as_int(threads, "threads", 1)
    n = energy.n
    params_per_layer = settings["width"] * max(n, settings["width"])
    check_memory(
        4.0 * (n * n + (settings["depth"] + 1) * params_per_layer) * 8
        + 4.0 * settings["batch_size"] * (n + settings["width"]) * 8,
        "width",
        f"a MADE of depth {settings['depth']} and width {settings['width']} on {n} spins",
    )
    check_memory(12.0 * min(n_eval, _CHUNK) * n, "n_eval", f"{n_eval} samples of {n} spins")

    _, jnp, _ = require_jax()
    mask = {
        k: jnp.asarray(v) for k, v in _made.masks(n, settings["width"], settings["depth"]).items()
    }
    opt, step = _make_step(energy, mask, settings)
    with reporter(progress, "neural.van", "step") as report:
        done, total = [0], len(temps) * settings["n_steps"]

        def tick(k: int) -> None:  # passed to training only with a reporter
            done[0] += k
            if report is not None:
                report(done[0], total)

        def train(T):
            return _train_one(
                energy, float(T), settings, mask, opt, step, tick if report is not None else None
            )

        if threads > 1 and len(temps) > 1:
            with ThreadPoolExecutor(max_workers=min(threads, len(temps))) as pool:
                outcomes = list(pool.map(train, temps))
        else:
            outcomes = [train(T) for T in temps]

    trained = [o[0] for o in outcomes]
    result = VANResult(
        T=temps,
        n_spins=n,
        trace=pd.concat([o[1] for o in outcomes], ignore_index=True),
        settings=settings,
        _energy=energy,
        _mask=mask,
        _trained=trained,
        _final=pd.DataFrame(),
    )
    rows = []
    for t in trained:
        x, lq = result._draw(t, n_eval, settings["seed"])
        E = energy.numpy(x)
        F = E + t.T * lq
        rows.append(
            {
                "T": t.T,
                "beta": 1.0 / t.T,
                "f_q": F.mean() / n,
                "f_q_err": F.std(ddof=1) / math.sqrt(n_eval) / n,
                "u": E.mean() / n,
                "u_err": E.std(ddof=1) / math.sqrt(n_eval) / n,
                "s": -lq.mean() / n,
                "n_eval": n_eval,
                **settings,
            }
        )
    result._final = pd.DataFrame(rows)
    return result
