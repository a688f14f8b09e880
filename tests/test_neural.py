"""isingvi.neural against exact answers: enumeration of every state, Kaufman-free small models.

Skipped without JAX (the optional extra ``neural``); CI installs it, so they run there.
"""

from __future__ import annotations

import importlib
import itertools
import math
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

jax = pytest.importorskip(
    "jax", reason="isingvi.neural needs the extra: pip install 'isingvi[neural]'"
)

import isingvi as iv  # noqa: E402
from isingvi import neural  # noqa: E402
from isingvi.neural import _made  # noqa: E402

van_module = importlib.import_module("isingvi.neural.van")


def all_states(n: int) -> np.ndarray:
    return np.array(list(itertools.product([-1, 1], repeat=n)), dtype=np.int8)


def logsumexp(a: np.ndarray) -> float:
    top = a.max()
    return float(top + np.log(np.exp(a - top).sum()))


# Small models with fields and disorder, N <= 12: every state can be listed.
RFIM = iv.models.random_field(iv.SquareLattice(3), sigma=0.5, seed=2)
SK = iv.models.random_field(iv.models.sk(10, seed=5), sigma=0.2, seed=5)
FERRO = iv.SquareLattice(3)


@pytest.fixture(scope="module")
def trained():
    """Briefly trained networks (with and without the Z2 symmetrisation)."""
    return {
        "rfim": neural.van(RFIM, 1.5, n_steps=300, batch_size=128, width=16, seed=1),
        "sk": neural.van(SK, [0.7, 1.5], n_steps=300, batch_size=128, width=16, seed=2),
        "ferro z2": neural.van(FERRO, 2.0, n_steps=300, batch_size=128, width=16, z2=True, seed=3),
        "ferro": neural.van(FERRO, 2.0, n_steps=300, batch_size=128, width=16, z2=False, seed=3),
    }


MODELS = {"rfim": RFIM, "sk": SK, "ferro z2": FERRO, "ferro": FERRO}


@pytest.mark.parametrize("name", list(MODELS))
def test_q_is_normalised(trained, name):
    r, g = trained[name], iv.models.as_graph(MODELS[name])
    for T in r.T:
        assert math.exp(logsumexp(r.log_prob(all_states(g.n), T=T))) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("name", list(MODELS))
def test_variational_free_energy_is_an_exact_upper_bound(trained, name):
    """F_q = sum_s q(s) (E(s) + T ln q(s)) >= F, both summed over every state."""
    r, g = trained[name], iv.models.as_graph(MODELS[name])
    states = all_states(g.n)
    E = np.array([g.energy(s.astype(float)) for s in states])
    exact = iv.exact.enumerate(g, r.T)
    for T, f in zip(r.T, exact["f"]):
        lq = r.log_prob(states, T=T)
        f_q = float(np.sum(np.exp(lq) * (E + T * lq))) / g.n
        assert f_q >= f - 1e-6
        row = r.table().set_index("T").loc[T]
        assert abs(row["f_q"] - f_q) < 4 * row["f_q_err"] + 1e-6, (
            "the sampled F_q must estimate the exact one"
        )


def test_z2_symmetrisation_helps_a_ferromagnet_below_tc(trained):
    assert trained["ferro z2"].table()["f_q"].iloc[0] < trained["ferro"].table()["f_q"].iloc[0]


def test_samples_follow_q(trained):
    """Frequencies of the 2^9 states in 20000 samples against q: chi-square, |z| < 4."""
    r = trained["rfim"]
    states = all_states(9)
    q = np.exp(r.log_prob(states))
    x = r.sample(20000, seed=7)
    index = ((x + 1) // 2).astype(int) @ (1 << np.arange(8, -1, -1))
    counts = np.bincount(index, minlength=512)
    expected = 20000 * q
    big = expected > 5
    chi2 = float(((counts[big] - expected[big]) ** 2 / expected[big]).sum())
    dof = int(big.sum()) - 1
    assert abs((chi2 - dof) / math.sqrt(2 * dof)) < 4


def test_cached_sampler_equals_the_naive_one():
    n, width = 12, 8
    mask = _made.masks(n, width, 1)
    params = _made.init(jax.random.PRNGKey(0), n, width, 1)
    params = jax.tree_util.tree_map(
        lambda a: a + 0.5 * jax.random.normal(jax.random.PRNGKey(1), a.shape), params
    )
    x1, l1 = _made.sample(params, mask, jax.random.PRNGKey(3), 64)
    x2, l2 = _made.sample_naive(params, mask, jax.random.PRNGKey(3), 64)
    assert np.array_equal(np.asarray(x1), np.asarray(x2))
    np.testing.assert_allclose(
        np.asarray(l1), np.asarray(_made.log_prob(params, mask, x1)), atol=1e-5
    )
    np.testing.assert_allclose(np.asarray(l1), np.asarray(l2), atol=1e-5)


def test_score_function_gradient_matches_a_finite_difference_of_the_exact_free_energy():
    """d/de F_q(theta + e v) at e = 0, by a central difference of F_q summed over all states,
    against the score-function estimate E_q[(beta E + ln q - b) grad ln q] . v / beta."""
    jnp = jax.numpy
    g = iv.models.as_graph(RFIM)
    T, beta = 1.5, 1.0 / 1.5
    energy = van_module._Energy(g)
    mask = {k: jnp.asarray(v) for k, v in _made.masks(g.n, 8, 1).items()}
    params = _made.init(jax.random.PRNGKey(0), g.n, 8, 1)
    params = jax.tree_util.tree_map(
        lambda a: a + 0.3 * jax.random.normal(jax.random.PRNGKey(1), a.shape), params
    )
    states = jnp.asarray(all_states(g.n), jnp.float32)
    E = np.asarray(energy.numpy(np.asarray(states)))

    def exact_free_energy_jax(p):
        lq = _made.log_prob(p, mask, states)
        return jnp.sum(jnp.exp(lq) * (jnp.asarray(E, jnp.float32) + T * lq))

    # Along the steepest direction (from autodiff of the exact sum; only the direction is used).
    grad = jax.grad(exact_free_energy_jax)(params)
    norm = math.sqrt(sum(float(jnp.sum(a**2)) for a in jax.tree_util.tree_leaves(grad)))
    v = jax.tree_util.tree_map(lambda a: a / norm, grad)

    def exact_free_energy(eps: float) -> float:
        p = jax.tree_util.tree_map(lambda a, d: a + eps * d, params, v)
        lq = np.asarray(_made.log_prob(p, mask, states), dtype=np.float64)
        return float(np.sum(np.exp(lq) * (E + T * lq)))

    eps = 1e-2
    finite_difference = (exact_free_energy(eps) - exact_free_energy(-eps)) / (2 * eps)

    x, _ = _made.sample(params, mask, jax.random.PRNGKey(4), 200000)
    E_x = jnp.asarray(energy.numpy(np.asarray(x)), jnp.float32)

    def per_sample_directional(p_eps):
        p = jax.tree_util.tree_map(lambda a, d: a + p_eps * d, params, v)
        return _made.log_prob(p, mask, x)

    grad_lq = jax.jvp(per_sample_directional, (0.0,), (1.0,))[1]  # d ln q(x_k) / de, per sample
    lq = _made.log_prob(params, mask, x)
    advantage = beta * E_x + lq
    terms = np.asarray((advantage - advantage.mean()) * grad_lq, dtype=np.float64) / beta
    estimate, error = terms.mean(), terms.std(ddof=1) / math.sqrt(len(terms))
    assert abs(estimate - finite_difference) < 4 * error + 1e-3 * abs(finite_difference), (
        estimate,
        error,
        finite_difference,
    )
    assert error < 0.1 * abs(finite_difference), (
        "the test must be able to tell the gradient from zero"
    )


def test_importance_sampling_tightens_with_k_and_reaches_the_exact_free_energy(trained):
    r = trained["sk"]
    exact = iv.exact.enumerate(SK, r.T).set_index("T")
    table = r.importance(K=[1, 4, 16, 64, 512], n_repeats=64, seed=11)
    for T, rows in table.groupby("T"):
        rows = rows.sort_values("K")
        f = exact.loc[T, "f"]
        ln_z, err = rows["ln_z"].to_numpy(), rows["f_K_err"].to_numpy() / T
        # E[ln Z_K] non-decreasing in K: each step up, within its error bar
        steps = np.diff(ln_z) / np.hypot(err[1:], err[:-1])
        assert np.all(steps > -4), steps
        # K = 1 is F_q's bound, well above f; the largest K agrees with f
        assert rows["f_K"].iloc[0] > f
        assert abs(rows["f_K"].iloc[-1] - f) < 4 * rows["f_K_err"].iloc[-1] + 1e-4
        assert np.all(rows["ess"] >= 1) and np.all(rows["ess"] <= rows["K"] + 1e-9)


def test_same_seed_same_numbers_whatever_the_threads():
    a = neural.van(RFIM, [1.0, 2.0], n_steps=20, batch_size=32, width=8, seed=9, threads=1)
    b = neural.van(RFIM, [1.0, 2.0], n_steps=20, batch_size=32, width=8, seed=9, threads=2)
    assert a.table().equals(b.table()) and a.trace.equals(b.trace)


def test_trace_records_each_step_and_the_annealed_beta(trained):
    tr = trained["rfim"].trace
    assert list(tr["step"]) == list(range(1, 301))
    assert tr["beta"].iloc[0] < tr["beta"].iloc[-1] == pytest.approx(1 / 1.5)
    assert np.all(np.diff(tr["beta"]) >= 0)


def test_learning_rate_holds_while_beta_rises_then_decays_to_lr_end():
    from isingvi.neural.van import _learning_rate

    s = {"lr": 1e-3, "lr_end": 1e-5, "n_steps": 1000, "anneal": 0.3}
    schedule = _learning_rate(s)
    assert [float(schedule(t)) for t in (0, 150, 299)] == pytest.approx([1e-3] * 3, rel=1e-6)
    rates = np.array([float(schedule(t)) for t in range(300, 1001)])
    assert np.all(np.diff(rates) <= 1e-12)  # never rises once the decay starts
    assert rates[-1] == pytest.approx(1e-5, rel=1e-4)
    assert _learning_rate({**s, "lr_end": None}) == 1e-3


# --------------------------------------------------------------------------- data-level models


@pytest.fixture(scope="module")
def ising_data():
    """Independent samples of the 3x3 torus at T = 2.5, drawn exactly from the enumerated
    Boltzmann distribution, with the exact entropy per spin."""
    g = iv.models.as_graph(iv.SquareLattice(3))
    states = all_states(g.n)
    E = np.array([g.energy(s.astype(float)) for s in states])
    p = np.exp(-(E - E.min()) / 2.5)
    p /= p.sum()
    rng = np.random.default_rng(0)
    X = states[rng.choice(len(states), size=6000, p=p)]
    s = float(-(p * np.log(p)).sum() / g.n)
    return X[:4000], X[4000:], states, p, s


@pytest.fixture(scope="module")
def made_fit(ising_data):
    train, *_ = ising_data
    return neural.MADE(16, n_epochs=20, random_state=1).fit(train)


def test_made_cross_entropy_is_above_the_exact_entropy(made_fit, ising_data):
    _, test, states, p, s = ising_data
    m = made_fit
    exact_ce = float(-(p * m.score_samples(states)).sum() / 9)  # H(p, q) over every state
    assert exact_ce >= s - 1e-9
    assert abs(m.cross_entropy(test) - exact_ce) < 0.02
    assert math.exp(logsumexp(m.score_samples(states))) == pytest.approx(1.0, abs=1e-5)
    assert set(np.unique(m.sample(50))) <= {-1, 1}


@pytest.fixture(scope="module")
def vae_1d(ising_data):
    train, *_ = ising_data
    return neural.VAE(n_latent=1, hidden=16, n_epochs=15, random_state=3).fit(train)


def test_vae_bounds_are_ordered_on_held_out_data(vae_1d, ising_data):
    _, test, *_ = ising_data
    elbo = vae_1d.elbo(test, n_samples=1, per_sample=True, seed=1)
    previous = elbo
    for k in (10, 100):
        current = vae_1d.iwae(test, k, per_sample=True, seed=k)
        d = current - previous
        assert d.mean() > -4 * d.std(ddof=1) / math.sqrt(len(d))
        previous = current
    assert vae_1d.iwae(test, 100, seed=2) > vae_1d.elbo(test, seed=2)


def test_exact_likelihood_of_a_1d_latent_vae_lies_above_every_bound(vae_1d, ising_data):
    """ln p(x) = ln integral p(x | z) N(z; 0, 1) dz by quadrature on a fine grid."""
    _, test, *_ = ising_data
    z = np.linspace(-8, 8, 4001)[:, None]
    log_joint = vae_1d.decoder_log_prob(test, z) - 0.5 * (z**2 + math.log(2 * math.pi))
    top = log_joint.max(axis=0)
    exact = (top + np.log(np.trapezoid(np.exp(log_joint - top), z[:, 0], axis=0))).mean() / 9
    for bound in (
        vae_1d.elbo(test, seed=4),
        vae_1d.iwae(test, 10, seed=4),
        vae_1d.iwae(test, 1000, seed=4),
    ):
        assert bound <= exact + 1e-4
    assert exact - vae_1d.iwae(test, 1000, seed=4) < exact - vae_1d.elbo(test, seed=4)


# --------------------------------------------------------------------------- bad input


def test_trained_models_survive_pickle(trained, made_fit, vae_1d, ising_data):
    """joblib and multiprocessing send models by pickle: the same numbers come back."""
    _, test, states, *_ = ising_data
    r = trained["sk"]
    back = pickle.loads(pickle.dumps(r, protocol=5))
    pd.testing.assert_frame_equal(back.table(), r.table())
    pd.testing.assert_frame_equal(back.trace, r.trace)
    x = all_states(10)[::97]
    np.testing.assert_array_equal(back.log_prob(x, T=0.7), r.log_prob(x, T=0.7))
    for model in (made_fit, vae_1d):
        clone = pickle.loads(pickle.dumps(model))
        assert type(clone) is type(model) and clone.get_params() == model.get_params()
        pd.testing.assert_frame_equal(clone.trace_, model.trace_)
    np.testing.assert_array_equal(
        pickle.loads(pickle.dumps(made_fit)).score_samples(states), made_fit.score_samples(states)
    )
    assert pickle.loads(pickle.dumps(vae_1d)).elbo(test, seed=2) == vae_1d.elbo(test, seed=2)


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: neural.van(FERRO, 0.0, n_steps=1), "T"),
        (lambda: neural.van(FERRO, -1.0, n_steps=1), "T"),
        (lambda: neural.van(FERRO, 1.0, n_steps=1, batch_size=1), "batch_size"),
        (lambda: neural.van(FERRO, 1.0, n_steps=1, width=0), "width"),
        (lambda: neural.van(FERRO, 1.0, n_steps=1, lr=-1), "lr"),
        (lambda: neural.van(FERRO, 1.0, n_steps=1, anneal=1.0), "anneal"),
        (lambda: neural.van(FERRO, 1.0, n_steps=1, lr=1e-3, lr_end=2e-3), "lr_end"),
        (lambda: neural.van(FERRO, 1.0, n_steps=1, lr_end=0.0), "lr_end"),
        (lambda: neural.van("lattice", 1.0), "model"),
        (lambda: neural.VAE().fit(np.full((10, 4), 0.5)), "X"),
        (lambda: neural.VAE().fit(np.ones(4)), "X"),
        (lambda: neural.MADE(hidden=0).fit(np.ones((10, 4))), "hidden"),
        (lambda: neural.MADE().cross_entropy(np.ones((10, 4))), "fit"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}"):
        call()


def test_bad_k_and_configs_name_the_parameter(trained):
    r = trained["rfim"]
    with pytest.raises(ValueError, match="^K"):
        r.importance(K=[0])
    with pytest.raises(ValueError, match="^configs"):
        r.log_prob(np.zeros((2, 9)))
    with pytest.raises(ValueError, match="^configs"):
        r.log_prob(np.ones((2, 5)))
    with pytest.raises(ValueError, match="^T"):
        r.sample(3, T=7.0)
    m = neural.MADE(8, n_epochs=1).fit(np.ones((8, 4)))
    with pytest.raises(ValueError, match="^X"):
        m.cross_entropy(np.ones((8, 5)))


def test_without_jax_the_error_names_the_extra():
    code = (
        "import sys; sys.modules['jax'] = None\n"
        "import isingvi as iv, isingvi.neural as nn\n"
        "try:\n    nn.van(iv.SquareLattice(2), 1.0)\nexcept ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert 'pip install "isingvi[neural]"' in out.stdout, out.stderr
