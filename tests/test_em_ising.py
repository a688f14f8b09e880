"""The data-level chain of bounds on Monte Carlo samples of the 4 x 4 Ising model, where the
entropy is known exactly: s(T) = H[p]/N ≤ H(p, p_model)/N ≤ E[−ELBO_hard]/N.

The held-out cross-entropy of a Bernoulli mixture fitted on MC samples is compared with
(a) the exact entropy per spin from enumeration (one-sided: it may not be lower) and
(b) the exact cross-entropy −Σ_σ p(σ) ln p_model(σ) / N of the same fitted model, summed
over all 2^16 configurations with Boltzmann weights (two-sided |z| test).
"""

from __future__ import annotations

import isingvi as iv
import numpy as np
import pytest
from conftest import all_states, assert_z, boltzmann, energies, lattice_bonds

L = 4
N = L * L
N_TRAIN = N_TEST = 4000


@pytest.fixture(scope="module")
def samples():
    """Wolff samples, 5 sweeps apart: T -> (train, test) ±1 configurations."""
    T = [2.0, 3.0]
    res = iv.mc.run(
        iv.SquareLattice(L),
        T,
        algorithm="wolff",
        n_therm=1000,
        n_measure=5 * (N_TRAIN + N_TEST),
        every=5,
        seed=2024,
        save_configs=True,
    )
    return {t: (res.configs[k, :N_TRAIN], res.configs[k, N_TRAIN:]) for k, t in enumerate(T)}


def exact_boltzmann(T: float) -> tuple[np.ndarray, np.ndarray]:
    """All 2^16 configurations and their Boltzmann probabilities (plain NumPy)."""
    bonds = lattice_bonds(2, L)
    states = all_states(N)
    p, _ = boltzmann(energies(states, list(bonds), list(bonds.values()), np.zeros(N)), T)
    return states, p


@pytest.mark.parametrize("T", [2.0, 3.0])
def test_heldout_cross_entropy_bounds_the_exact_entropy(samples, T):
    train, test = samples[T]
    bm = iv.em.BernoulliMixture(8, n_init=2, random_state=1).fit(train)
    per_sample = -bm.score_samples(test) / N
    ce, err = iv.analysis.binned_mean(per_sample, n_blocks=32)
    assert ce == pytest.approx(bm.cross_entropy(test), abs=1e-12)
    s = iv.exact.enumerate(iv.SquareLattice(L), T)["s"].item()
    z = (ce - s) / err
    assert z > -4, (
        f"T={T}: held-out cross-entropy {ce:.5f} +- {err:.1e} below the exact entropy {s:.5f}"
    )
    # the same fitted model, exactly: H(p, p_model)/N over all configurations ...
    states, p = exact_boltzmann(T)
    exact_ce = -(p @ bm.score_samples(states)) / N
    assert exact_ce >= s - 1e-12  # Gibbs' inequality (p_model normalised)
    # ... agrees with the held-out estimate within its error bar
    assert_z(ce, err, exact_ce, f"held-out cross-entropy at T={T}")
    # and the hard-assignment family is a looser bound
    hard = -bm.elbo(test, "hard")
    assert hard >= ce
    assert -(p @ (bm.elbo(states, "hard", per_sample=True))) >= exact_ce - 1e-12
