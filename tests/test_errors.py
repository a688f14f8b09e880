"""Argument validation: every public function refuses bad input with a ValueError whose message
starts with the parameter's name, and no input crashes or hangs the
interpreter. (isingvi.analysis is covered in test_analysis.py.)
"""

from __future__ import annotations

import math
import subprocess
import sys
import textwrap

import isingvi as iv
import numpy as np
import pytest
from isingvi import _core
from isingvi.sweep import describe_model

NAN, INF = math.nan, math.inf
SQ = iv.SquareLattice(4)
G3 = iv.Graph(3, [(0, 1), (1, 2)], 1.0)
E1 = [(0, 1)]

BAD_T = {
    "zero": 0.0,
    "negative": -1.0,
    "nan": NAN,
    "inf": INF,
    "-inf": -INF,
    "one bad in a list": [1.0, 2.0, -0.5],
    "nan in a list": [1.0, NAN],
    "empty list": [],
    "empty array": np.array([]),
    "2-D": [[1.0, 2.0]],
    "2-D column": np.ones((2, 1)),
    "string": "hot",
    "None in a list": [1.0, None],
}
T_USERS = {
    "enumerate": lambda T: iv.exact.enumerate(G3, T),
    "kaufman": lambda T: iv.exact.kaufman(4, T),
    "onsager": lambda T: iv.exact.onsager(T),
    "mc.run": lambda T: iv.mc.run(SQ, T, n_therm=0, n_measure=2),
    "sweep": lambda T: iv.sweep(SQ, T, n_therm=0, n_measure=4),
}


@pytest.mark.parametrize("bad", list(BAD_T), ids=list(BAD_T))
@pytest.mark.parametrize("fn", list(T_USERS))
def test_bad_temperatures(fn, bad):
    with pytest.raises(ValueError, match=r"^T\b"):
        T_USERS[fn](BAD_T[bad])


# (id, call, parameter the message must start with)
CASES = [
    # --- lattices
    ("square L=0", lambda: iv.SquareLattice(0), "L"),
    ("square L<0", lambda: iv.SquareLattice(-4), "L"),
    ("square L=1", lambda: iv.SquareLattice(1), "L"),
    ("square L=2.5", lambda: iv.SquareLattice(2.5), "L"),
    ("square L str", lambda: iv.SquareLattice("4"), "L"),
    ("square L None", lambda: iv.SquareLattice(None), "L"),
    ("square L bool", lambda: iv.SquareLattice(True), "L"),
    ("square L nan", lambda: iv.SquareLattice(NAN), "L"),
    ("square L too large", lambda: iv.SquareLattice(46341), "L"),
    ("square J nan", lambda: iv.SquareLattice(4, J=NAN), "J"),
    ("square J inf", lambda: iv.SquareLattice(4, J=INF), "J"),
    ("square J str", lambda: iv.SquareLattice(4, J="x"), "J"),
    ("square h nan", lambda: iv.SquareLattice(4, h=NAN), "h"),
    ("square h -inf", lambda: iv.SquareLattice(4, h=-INF), "h"),
    ("cubic L=0", lambda: iv.CubicLattice(0), "L"),
    ("cubic L=1", lambda: iv.CubicLattice(1), "L"),
    ("cubic L=3.5", lambda: iv.CubicLattice(3.5), "L"),
    ("cubic L too large", lambda: iv.CubicLattice(1291), "L"),
    ("cubic J nan", lambda: iv.CubicLattice(4, J=NAN), "J"),
    ("cubic h inf", lambda: iv.CubicLattice(4, h=INF), "h"),
    ("core lattice dim", lambda: _core.Lattice(4, 4), "dim"),
    ("core lattice L=1", lambda: _core.Lattice(2, 1), "L"),
    # --- graphs
    ("graph n=0", lambda: iv.Graph(0, [], []), "n"),
    ("graph n<0", lambda: iv.Graph(-3, [], []), "n"),
    ("graph n=2.5", lambda: iv.Graph(2.5, [], []), "n"),
    ("edges 1-D", lambda: iv.Graph(3, [0, 1], [1.0]), "edges"),
    ("edges (m, 3)", lambda: iv.Graph(3, [(0, 1, 2)], [1.0]), "edges"),
    ("edges 3-D", lambda: iv.Graph(3, np.zeros((1, 1, 2), int), [1.0]), "edges"),
    ("edges non-integer", lambda: iv.Graph(3, [(0, 1.5)], [1.0]), "edges"),
    ("edges strings", lambda: iv.Graph(3, [("a", "b")], [1.0]), "edges"),
    ("edges nan", lambda: iv.Graph(3, [(0, NAN)], [1.0]), "edges"),
    ("edge index = n", lambda: iv.Graph(3, [(0, 3)], [1.0]), "edges"),
    ("edge index < 0", lambda: iv.Graph(3, [(-1, 2)], [1.0]), "edges"),
    ("edge index huge", lambda: iv.Graph(3, [(0, 2**40)], [1.0]), "edges"),
    ("self-loop", lambda: iv.Graph(3, [(1, 1)], [1.0]), "edges"),
    ("duplicate edge", lambda: iv.Graph(3, [(0, 1), (0, 1)], [1.0, 1.0]), "edges"),
    ("duplicate reversed", lambda: iv.Graph(3, [(0, 1), (2, 0), (1, 0)], [1.0, 1.0, 1.0]), "edges"),
    ("couplings too few", lambda: iv.Graph(3, [(0, 1), (1, 2)], [1.0]), "couplings"),
    ("couplings too many", lambda: iv.Graph(3, E1, [1.0, 2.0]), "couplings"),
    ("couplings 2-D", lambda: iv.Graph(3, E1, [[1.0]]), "couplings"),
    ("couplings nan", lambda: iv.Graph(3, E1, [NAN]), "couplings"),
    ("couplings inf", lambda: iv.Graph(3, E1, INF), "couplings"),
    ("couplings str", lambda: iv.Graph(3, E1, "strong"), "couplings"),
    ("couplings None", lambda: iv.Graph(3, E1, None), "couplings"),
    ("fields too few", lambda: iv.Graph(3, E1, 1.0, [0.1, 0.2]), "fields"),
    ("fields too many", lambda: iv.Graph(3, E1, 1.0, np.zeros(4)), "fields"),
    ("fields nan", lambda: iv.Graph(3, E1, 1.0, [0.0, NAN, 0.0]), "fields"),
    ("fields inf", lambda: iv.Graph(3, E1, 1.0, INF), "fields"),
    ("core graph lengths", lambda: _core.Graph(3, [0], [], [], []), "edges"),
    ("core graph couplings", lambda: _core.Graph(3, [0], [1], [], []), "couplings"),
    ("core graph fields", lambda: _core.Graph(3, [0], [1], [1.0], [1.0]), "fields"),
    ("core graph index", lambda: _core.Graph(3, [0], [7], [1.0], []), "edges"),
    ("core graph self-loop", lambda: _core.Graph(3, [2], [2], [1.0], []), "edges"),
    ("core graph duplicate", lambda: _core.Graph(3, [0, 1], [1, 0], [1.0, 1.0], []), "edges"),
    ("core graph nan coupling", lambda: _core.Graph(3, [0], [1], [NAN], []), "couplings"),
    ("energy shape", lambda: G3.energy(np.ones(2, np.int8)), "spins"),
    # --- generators
    ("sk N=1", lambda: iv.models.sk(1, 0), "N"),
    ("sk N=0", lambda: iv.models.sk(0, 0), "N"),
    ("sk N=2.5", lambda: iv.models.sk(2.5, 0), "N"),
    ("sk N too large", lambda: iv.models.sk(20001, 0), "N"),
    ("sk seed<0", lambda: iv.models.sk(5, -1), "seed"),
    ("sk seed 2**64", lambda: iv.models.sk(5, 2**64), "seed"),
    ("sk seed 1.5", lambda: iv.models.sk(5, 1.5), "seed"),
    ("sk seed None", lambda: iv.models.sk(5, None), "seed"),
    ("ea L=2", lambda: iv.models.edwards_anderson(2, 0), "L"),
    ("ea L=0", lambda: iv.models.edwards_anderson(0, 0), "L"),
    ("ea L=3.5", lambda: iv.models.edwards_anderson(3.5, 0), "L"),
    ("ea seed<0", lambda: iv.models.edwards_anderson(4, -2), "seed"),
    ("rf sigma<0", lambda: iv.models.random_field(G3, -0.1, 0), "sigma"),
    ("rf sigma nan", lambda: iv.models.random_field(G3, NAN, 0), "sigma"),
    ("rf sigma inf", lambda: iv.models.random_field(G3, INF, 0), "sigma"),
    ("rf model", lambda: iv.models.random_field("graph", 1.0, 0), "model"),
    ("rf seed<0", lambda: iv.models.random_field(G3, 1.0, -1), "seed"),
    ("core rf sigma<0", lambda: _core.random_field(G3, -1.0, 0), "sigma"),
    ("rrg N=1", lambda: iv.models.random_regular(1, 1, 0), "N"),
    ("rrg k=0", lambda: iv.models.random_regular(6, 0, 0), "k"),
    ("rrg k<0", lambda: iv.models.random_regular(6, -2, 0), "k"),
    ("rrg k=N", lambda: iv.models.random_regular(6, 6, 0), "k"),
    ("rrg k>N", lambda: iv.models.random_regular(6, 9, 0), "k"),
    ("rrg N*k odd", lambda: iv.models.random_regular(5, 3, 0), "k"),
    ("rrg k=1.5", lambda: iv.models.random_regular(6, 1.5, 0), "k"),
    ("rrg J nan", lambda: iv.models.random_regular(6, 2, 0, J=NAN), "J"),
    ("rrg seed<0", lambda: iv.models.random_regular(6, 2, -1), "seed"),
    ("core rrg N*k odd", lambda: _core.random_regular(7, 3, 0), "k"),
    ("tree N=1", lambda: iv.models.random_tree(1, 0), "N"),
    ("tree N=0", lambda: iv.models.random_tree(0, 0), "N"),
    ("tree J inf", lambda: iv.models.random_tree(5, 0, J=INF), "J"),
    ("tree seed<0", lambda: iv.models.random_tree(5, -1), "seed"),
    ("core tree N=1", lambda: _core.random_tree(1, 0), "N"),
    ("core sk N=1", lambda: _core.sherrington_kirkpatrick(1, 0), "N"),
    ("core ea L=2", lambda: _core.edwards_anderson(2, 0), "L"),
    ("core random_uniform n<0", lambda: _core.random_uniform(0, 0, -1), "n"),
    # --- exact
    ("enumerate N>30", lambda: iv.exact.enumerate(iv.Graph(31, [], []), 1.0), "model"),
    ("enumerate lattice N>30", lambda: iv.exact.enumerate(iv.SquareLattice(6), 1.0), "model"),
    (
        "core enumerate N>30",
        lambda: _core.enumerate(_core.Graph(31, [], [], [], []), [1.0]),
        "model",
    ),
    ("enumerate model", lambda: iv.exact.enumerate("G3", 1.0), "model"),
    ("enumerate threads=0", lambda: iv.exact.enumerate(G3, 1.0, threads=0), "threads"),
    ("enumerate threads=1.5", lambda: iv.exact.enumerate(G3, 1.0, threads=1.5), "threads"),
    ("core enumerate threads=0", lambda: _core.enumerate(G3, [1.0], threads=0), "threads"),
    ("core enumerate T<0", lambda: _core.enumerate(G3, [-1.0]), "T"),
    ("kaufman L=0", lambda: iv.exact.kaufman(0, 1.0), "L"),
    ("kaufman L=1", lambda: iv.exact.kaufman(1, 1.0), "L"),
    ("kaufman L<0", lambda: iv.exact.kaufman(-8, 1.0), "L"),
    ("kaufman L=4.5", lambda: iv.exact.kaufman(4.5, 1.0), "L"),
    ("kaufman L too large", lambda: iv.exact.kaufman(70000, 1.0), "L"),
    ("kaufman J=0", lambda: iv.exact.kaufman(4, 1.0, J=0.0), "J"),
    ("kaufman J<0", lambda: iv.exact.kaufman(4, 1.0, J=-1.0), "J"),
    ("kaufman J nan", lambda: iv.exact.kaufman(4, 1.0, J=NAN), "J"),
    ("core kaufman J<0", lambda: _core.kaufman(4, [1.0], -1.0), "J"),
    ("core kaufman T empty", lambda: _core.kaufman(4, []), "T"),
    ("onsager J=0", lambda: iv.exact.onsager(1.0, J=0.0), "J"),
    ("onsager J<0", lambda: iv.exact.onsager(1.0, J=-2.0), "J"),
    ("onsager J inf", lambda: iv.exact.onsager(1.0, J=INF), "J"),
    ("core onsager J<0", lambda: _core.onsager([1.0], -1.0), "J"),
    ("core onsager T nan", lambda: _core.onsager([NAN]), "T"),
]


def _mc(model=SQ, T=2.0, **kw):
    args = dict(n_therm=0, n_measure=4)
    args.update(kw)
    return iv.mc.run(model, T, **args)


MC_CASES = [
    ("model str", lambda: _mc("square"), "model"),
    ("model None", lambda: _mc(None), "model"),
    ("odd L metropolis", lambda: _mc(iv.SquareLattice(5), algorithm="metropolis"), "L"),
    ("odd L heatbath", lambda: _mc(iv.SquareLattice(3), algorithm="heatbath"), "L"),
    ("odd cubic metropolis", lambda: _mc(iv.CubicLattice(3), algorithm="metropolis"), "L"),
    ("odd cubic heatbath", lambda: _mc(iv.CubicLattice(5), algorithm="heatbath"), "L"),
    ("algorithm unknown", lambda: _mc(algorithm="glauber"), "algorithm"),
    ("algorithm case", lambda: _mc(algorithm="Metropolis"), "algorithm"),
    ("algorithm empty", lambda: _mc(algorithm=""), "algorithm"),
    ("algorithm None", lambda: _mc(algorithm=None), "algorithm"),
    ("init unknown", lambda: _mc(init="hot"), "init"),
    ("init None", lambda: _mc(init=None), "init"),
    ("n_measure=0", lambda: _mc(n_measure=0), "n_measure"),
    ("n_measure<0", lambda: _mc(n_measure=-5), "n_measure"),
    ("n_measure=2.5", lambda: _mc(n_measure=2.5), "n_measure"),
    ("n_measure too large", lambda: _mc(iv.SquareLattice(8), n_measure=2 * 10**9), "n_measure"),
    ("every=0", lambda: _mc(every=0), "every"),
    ("every<0", lambda: _mc(every=-1), "every"),
    ("every>n_measure", lambda: _mc(n_measure=4, every=5), "every"),
    ("every=1.5", lambda: _mc(every=1.5), "every"),
    ("n_therm<0", lambda: _mc(n_therm=-1), "n_therm"),
    ("n_therm=0.5", lambda: _mc(n_therm=0.5), "n_therm"),
    ("threads=0", lambda: _mc(threads=0), "threads"),
    ("threads<0", lambda: _mc(threads=-2), "threads"),
    ("seed<0", lambda: _mc(seed=-1), "seed"),
    ("seed 2**64", lambda: _mc(seed=2**64), "seed"),
    ("seed float", lambda: _mc(seed=0.5), "seed"),
    ("seed str", lambda: _mc(seed="0"), "seed"),
    (
        "save_configs too large",
        lambda: _mc(iv.SquareLattice(64), n_measure=10**7, save_configs=True),
        "save_configs",
    ),
    ("wolff h lattice", lambda: _mc(iv.SquareLattice(4, h=0.1), algorithm="wolff"), "h"),
    ("wolff h cubic", lambda: _mc(iv.CubicLattice(3, h=-0.1), algorithm="wolff"), "h"),
    ("wolff afm lattice", lambda: _mc(iv.SquareLattice(4, J=-1.0), algorithm="wolff"), "J"),
    (
        "wolff fields graph",
        lambda: _mc(iv.Graph(3, E1, 1.0, [0, 0, 1e-9]), algorithm="wolff"),
        "fields",
    ),
    (
        "wolff afm graph",
        lambda: _mc(iv.Graph(3, [(0, 1), (1, 2)], [1.0, -0.1]), algorithm="wolff"),
        "couplings",
    ),
    ("wolff sk", lambda: _mc(iv.models.sk(6, 0), algorithm="wolff"), "couplings"),
    (
        "wolff rfim",
        lambda: _mc(iv.models.random_field(iv.SquareLattice(4), 0.5, 0), algorithm="wolff"),
        "fields",
    ),
    ("core mc every>n_measure", lambda: _core.mc_sweep(SQ, "metropolis", [1.0], 0, 2, 3), "every"),
    ("core mc algorithm", lambda: _core.mc_sweep(G3, "sw", [1.0], 0, 2), "algorithm"),
    ("core mc init", lambda: _core.mc_sweep(G3, "heatbath", [1.0], 0, 2, init="cold"), "init"),
    ("core mc threads", lambda: _core.mc_sweep(G3, "heatbath", [1.0], 0, 2, threads=0), "threads"),
    ("core mc T", lambda: _core.mc_sweep(G3, "heatbath", [0.0], 0, 2), "T"),
    ("core mc odd L", lambda: _core.mc_sweep(_core.Lattice(2, 3), "heatbath", [1.0], 0, 2), "L"),
    # --- sweep
    ("sweep model", lambda: iv.sweep("square", 2.0, n_therm=0, n_measure=4), "model"),
    (
        "sweep algorithm",
        lambda: iv.sweep(SQ, 2.0, algorithms=["wolff", "x"], n_therm=0, n_measure=4),
        "algorithm",
    ),
    ("sweep seed", lambda: iv.sweep(SQ, 2.0, seeds=[0, -1], n_therm=0, n_measure=4), "seed"),
    ("sweep n_blocks", lambda: iv.sweep(SQ, 2.0, n_blocks=1, n_therm=0, n_measure=4), "n_blocks"),
    ("sweep every", lambda: iv.sweep(SQ, 2.0, every=0, n_therm=0, n_measure=4), "every"),
]


@pytest.mark.parametrize(
    "call,param", [(c, p) for _, c, p in CASES + MC_CASES], ids=[i for i, _, _ in CASES + MC_CASES]
)
def test_bad_argument_raises_value_error_naming_it(call, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call()


# --------------------------------------------------------------------------- edges that must be accepted


def test_wolff_allows_odd_L_and_limits_that_are_valid():
    for model in (iv.SquareLattice(3), iv.SquareLattice(5), iv.CubicLattice(3)):
        res = _mc(model, algorithm="wolff", n_measure=3)
        assert res.E.shape == (1, 3)
    assert _mc(every=4, n_measure=4).E.shape == (1, 1)  # every == n_measure: one sample
    assert _mc(seed=0).E.shape == _mc(seed=2**64 - 1).E.shape
    assert _mc(T=[2.0, 2.0]).E.shape == (2, 4)  # duplicate temperatures: same stream, same series
    assert np.array_equal(_mc(T=[2.0, 2.0]).E[0], _mc(T=[2.0, 2.0]).E[1])
    assert _mc(iv.SquareLattice(4, J=0.0), algorithm="wolff").E.shape == (
        1,
        4,
    )  # J = 0 is a ferromagnet
    assert _mc(iv.Graph(3, [], []), algorithm="wolff").E.shape == (1, 4)  # no edges
    assert _mc(iv.Graph(1, [], [], 0.5), algorithm="heatbath").E.shape == (1, 4)  # one spin
    assert _mc(T=np.float64(2.0), n_measure=np.int64(4), seed=np.uint64(3)).E.shape == (1, 4)
    assert _mc(threads=64, T=[1.0, 2.0]).E.shape == (2, 4)  # more threads than temperatures
    assert len(iv.exact.enumerate(iv.Graph(1, [], [], 0.3), [1.0, 2.0])) == 2
    assert len(iv.exact.kaufman(3, np.array([1.0, 2.0]))) == 2  # odd L is fine for Kaufman


# --------------------------------------------------------------------------- regressions: bugs found and fixed


@pytest.mark.parametrize(
    "call,param",
    [
        (lambda: iv.SquareLattice(10**10), "L"),
        (lambda: iv.exact.kaufman(10**10, 1.0), "L"),
        (lambda: _mc(threads=10**10), "threads"),
        (lambda: _mc(n_measure=10**20), "n_measure"),
        (lambda: _mc(n_therm=10**20), "n_therm"),
        (lambda: iv.exact.enumerate(G3, 1.0, threads=2**40), "threads"),
    ],
    ids=[
        "SquareLattice L",
        "kaufman L",
        "run threads",
        "run n_measure",
        "run n_therm",
        "enumerate threads",
    ],
)
def test_huge_integers_raise_value_error(call, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call()


@pytest.mark.parametrize(
    "kw,param",
    [({"models": []}, "models"), ({"algorithms": []}, "algorithms"), ({"seeds": []}, "seeds")],
    ids=["models", "algorithms", "seeds"],
)
def test_sweep_rejects_empty_lists(kw, param):
    args = dict(models=SQ, T=2.0, n_therm=0, n_measure=4)
    args.update(kw)
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        iv.sweep(**args)


def test_sweep_with_too_few_samples_names_the_parameter():
    with pytest.raises(ValueError, match=r"^(n_measure|every)\b"):
        iv.sweep(SQ, 2.0, n_therm=0, n_measure=1)


@pytest.mark.parametrize(
    "spins",
    [np.array([0, 1, 1], np.int8), np.array([2, 1, -1], np.int8), np.array([0.5, 1.0, 1.0])],
    ids=["zero", "two", "float"],
)
def test_energy_rejects_spins_that_are_not_plus_minus_one(spins):
    with pytest.raises(ValueError, match=r"^spins\b"):
        G3.energy(spins)


# --------------------------------------------------------------------------- no crash, no hang

NASTY = textwrap.dedent(
    """
    import math, numpy as np, isingvi as iv
    from isingvi import _core
    calls = [
        lambda: _core.Graph(3, [0, 0], [1], [1.0], []),
        lambda: _core.Graph(3, [2**31 - 1], [0], [1.0], []),
        lambda: _core.Graph(3, [-2**31], [0], [1.0], []),
        lambda: _core.Graph(3, [], [], [], [1.0, 2.0, 3.0, 4.0]),
        lambda: _core.Lattice(2, 46341),
        lambda: _core.Lattice(3, 2**31 - 1),
        lambda: _core.Lattice(2, -2**31),
        lambda: _core.enumerate(_core.Graph(40, [], [], [], []), [1.0]),
        lambda: _core.enumerate(_core.Graph(3, [0], [1], [1.0], []), [1.0], True, True, 64),
        lambda: _core.kaufman(2**16 + 1, [1.0]),
        lambda: _core.kaufman(2, [1e-300, 1e300]),
        lambda: _core.kaufman(4, [1e-3]),
        lambda: _core.onsager([1e-320, 1e-300, 1e300, 1.7e308]),
        lambda: _core.mc_sweep(_core.Lattice(2, 4), "metropolis", [1.0], 0, 2, 3),
        lambda: _core.mc_sweep(_core.Lattice(2, 4), "wolff", [1e-300, 1e300], 2, 2),
        lambda: _core.mc_sweep(_core.Lattice(3, 2), "heatbath", [1e-300, 1e300], 2, 2, 1, 2**64 - 1, 3, "up", True),
        lambda: _core.mc_sweep(_core.Graph(1, [], [], [], []), "wolff", [1.0], 5, 5, 1, 0, 1, "down", True),
        lambda: _core.mc_sweep(_core.Graph(2, [0], [1], [0.0], []), "wolff", [1.0], 0, 3),
        lambda: _core.mc_sweep(_core.Graph(2, [0], [1], [1e300], [1e300, -1e300]), "metropolis", [1e-300], 2, 2),
        lambda: _core.mc_sweep(_core.Lattice(2, 2, 1e300, -1e300), "heatbath", [1e-300, 1.0, 1e300], 2, 2),
        lambda: _core.mc_sweep(_core.Lattice(2, 4, 1e300, 0.0), "wolff", [1e-300, 1e300], 2, 2),
        lambda: _core.mc_sweep(_core.Lattice(2, 64), "metropolis", [1.0], 0, 2**62, 1),
        lambda: _core.mc_sweep(_core.Lattice(2, 64), "metropolis", [1.0] * 1000, 0, 2**40, 2**25, 0, 1, "random", True),
        lambda: _core.random_uniform(0, 2**64 - 1, 0),
        lambda: _core.random_field(_core.Graph(2, [], [], [], []), 1e308, 0),
        lambda: _core.sherrington_kirkpatrick(2, 2**64 - 1),
        lambda: _core.random_regular(2**31 - 1, 2**31 - 1, 0),
        lambda: _core.random_regular(4, 3, 0, math.nan),
        lambda: _core.random_tree(2, 0, math.inf),
        lambda: _core.Graph(3, [0], [1], [1.0], []).energy(np.ones(0, np.int8)),
        lambda: _core.Graph(3, [0], [1], [1.0], []).energy(np.ones((3, 3), np.int8)),
        lambda: iv.mc.run(iv.SquareLattice(4), np.full(3, 2.0), "wolff", n_therm=0, n_measure=1, save_configs=True),
        lambda: iv.exact.enumerate(iv.Graph(2, [(0, 1)], 1e300, [1e300, -1e300]), [1e-300, 1.0, 1e300]),
    ]
    for k, call in enumerate(calls):
        try:
            call()
        except (ValueError, TypeError, OverflowError, MemoryError) as exc:
            pass
    print("survived", len(calls))
    """
)


def test_no_input_crashes_or_hangs_the_interpreter():
    """Nasty calls, many straight into _core, in a child process: it must exit normally in time."""
    proc = subprocess.run(
        [sys.executable, "-c", NASTY], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "survived" in proc.stdout


# --------------------------------------------------------------------------- reliability: reported defects
# Each was reproduced before the fix: a crash on a half-built model, a silent inf/NaN from finite
# input, bad input accepted, an unbounded allocation, or an error that named no parameter.

HALF_SQ = iv.SquareLattice.__new__(iv.SquareLattice)
HALF_G = iv.Graph.__new__(iv.Graph)
CORE_HUGE_J = _core.Lattice(2, 8, 1e308, 0.0)  # the core lattice does not check the energy bound
CORE_HUGE_H = _core.Lattice(2, 4, 1.0, 1e308)
C = np.array([2.0 + 1.0j, 3.0])  # complex values, which NumPy would cast to real with a warning


@pytest.fixture
def small_memory_limit():
    iv.set_memory_limit("1G")
    yield
    iv.set_memory_limit(None)


REPORTED = [
    # half-built models (Cls.__new__(Cls)): every function taking a model refuses them
    ("bp half-built", lambda: iv.bp.solve(HALF_G, 2.0), "model"),
    ("mc half-built", lambda: iv.mc.run(HALF_SQ, 2.0, n_measure=10), "model"),
    ("meanfield half-built", lambda: iv.meanfield.solve(HALF_SQ, 2.0), "model"),
    ("free_energy half-built", lambda: iv.meanfield.free_energy(HALF_G, 2.0, [0.0]), "model"),
    ("enumerate half-built", lambda: iv.exact.enumerate(HALF_G, 2.0), "model"),
    ("ais half-built", lambda: iv.freeenergy.ais(HALF_SQ, 2.0), "model"),
    ("ti half-built", lambda: iv.freeenergy.thermodynamic_integration(HALF_SQ, 2.0), "model"),
    ("ti_grid half-built", lambda: iv.freeenergy.ti_grid(HALF_SQ, 2.0), "model"),
    ("as_graph half-built", lambda: iv.models.as_graph(HALF_SQ), "model"),
    ("random_field half-built", lambda: iv.models.random_field(HALF_G, 1.0, 0), "model"),
    ("sweep half-built", lambda: iv.sweep(HALF_SQ, 2.0, n_therm=0, n_measure=4), "model"),
    ("describe_model half-built", lambda: describe_model(HALF_G), "model"),
    ("to_graph half-built", lambda: HALF_SQ.to_graph(), "self"),
    ("energy half-built", lambda: HALF_G.energy([1]), "self"),
    ("edges half-built", lambda: HALF_G.edges, "self"),
    # finite input whose results overflowed: refused, naming the parameter
    ("SquareLattice J=1e308", lambda: iv.SquareLattice(8, J=1e308), "J"),
    ("SquareLattice h=1e308", lambda: iv.SquareLattice(8, h=1e308), "h"),
    ("Graph couplings sum overflows", lambda: iv.Graph(3, [(0, 1), (1, 2)], 1e308), "couplings"),
    ("Graph fields sum overflows", lambda: iv.Graph(2, [], [], [1e308, 1e308]), "fields"),
    (
        "enumerate J=1e308",
        lambda: iv.exact.enumerate(_core.Lattice(2, 4, 1e308, 0.0), 2.0),
        "model",
    ),
    ("enumerate h=1e308", lambda: iv.exact.enumerate(CORE_HUGE_H, 2.0), "model"),
    ("enumerate T=5e-324", lambda: iv.exact.enumerate(SQ, 5e-324), "T"),
    (
        "enumerate squares E",
        lambda: iv.exact.enumerate(iv.Graph(2, [(0, 1)], 1e152), 1e300),
        "model",
    ),
    ("onsager T=5e-324", lambda: iv.exact.onsager(5e-324), "T"),
    ("onsager J=1e308", lambda: iv.exact.onsager(2.0, J=1e308), "J"),
    ("onsager J/T underflows", lambda: iv.exact.onsager(1e300, J=1e-300), "T"),
    ("mc J=1e308", lambda: iv.mc.run(CORE_HUGE_J, 2.5, n_measure=10), "model"),
    (
        "mc beta E overflows",
        lambda: iv.mc.run(iv.SquareLattice(4, J=1e300), 1e-10, n_measure=10),
        "T",
    ),
    ("meanfield T=1e308", lambda: iv.meanfield.solve(SQ, 1e308), "T"),
    ("meanfield J=1e308", lambda: iv.meanfield.solve(CORE_HUGE_J, 2.0), "model"),
    (
        "tap J^2 overflows",
        lambda: iv.meanfield.solve(iv.Graph(2, [(0, 1)], 1e152), 1.0, method="tap"),
        "model",
    ),
    ("bp T=1e308", lambda: iv.bp.solve(SQ, 1e308), "T"),
    ("bp J=1e308", lambda: iv.bp.solve(CORE_HUGE_J, 2.0), "model"),
    ("bp h=1e308", lambda: iv.bp.solve(CORE_HUGE_H, 2.0), "model"),
    ("ais beta E overflows", lambda: iv.freeenergy.ais(iv.SquareLattice(4, J=1e300), 1e-10), "T"),
    (
        "ti_integrate overflows",
        lambda: iv.freeenergy.ti_integrate([0.0, 1e300, 2e300, 3e300], [0.0, 1e10, 1e10, 1e10]),
        "u",
    ),
    ("uniform h=1e308", lambda: iv.meanfield.uniform(2.0, h=1e308), "h"),
    ("critical_temperature J=1e308", lambda: iv.meanfield.critical_temperature(4, J=1e308), "J"),
    ("random_field sigma=1e308", lambda: iv.models.random_field(SQ, 1e308, 1), "sigma"),
    # complex values, once cast to real with only a NumPy warning
    ("mc T complex", lambda: iv.mc.run(SQ, C, n_measure=4), "T"),
    ("enumerate T complex", lambda: iv.exact.enumerate(G3, C), "T"),
    ("kaufman T complex", lambda: iv.exact.kaufman(4, C), "T"),
    ("onsager J complex", lambda: iv.exact.onsager(2.0, J=1 + 1j), "J"),
    ("SquareLattice J complex", lambda: iv.SquareLattice(4, J=np.complex128(1.0)), "J"),
    ("Graph couplings complex", lambda: iv.Graph(3, E1, [1 + 1j]), "couplings"),
    ("Graph fields complex", lambda: iv.Graph(2, [], [], C), "fields"),
    ("energy spins complex", lambda: G3.energy(np.ones(3, complex)), "spins"),
    (
        "meanfield init complex",
        lambda: iv.meanfield.solve(G3, 2.0, init=np.full(3, 0.5 + 0j)),
        "init",
    ),
    ("free_energy m complex", lambda: iv.meanfield.free_energy(G3, 2.0, np.full(3, 0.5 + 0j)), "m"),
    ("binned_mean complex", lambda: iv.analysis.binned_mean(np.ones(8, complex)), "x"),
    ("tau_int complex", lambda: iv.analysis.tau_int(np.ones(8, complex)), "x"),
    (
        "jackknife complex",
        lambda: iv.analysis.jackknife(lambda a: a, np.ones(8, complex)),
        "series",
    ),
    (
        "ti_integrate complex",
        lambda: iv.freeenergy.ti_integrate(np.arange(5.0), np.ones(5, complex)),
        "u",
    ),
    ("gm fit complex", lambda: iv.em.GaussianMixture(1).fit(np.ones((4, 2), complex)), "X"),
    (
        "gm means_init complex",
        lambda: iv.em.GaussianMixture(1, means_init=[[1j, 0]]).fit(np.eye(2)),
        "means_init",
    ),
    ("bm fit complex", lambda: iv.em.BernoulliMixture(1).fit(np.ones((4, 2), complex)), "X"),
    # other bad input that was accepted or failed with a message naming nothing
    ("ti_grid model None", lambda: iv.freeenergy.ti_grid(None, 2.0), "model"),
    ("mc init array", lambda: iv.mc.run(SQ, 2.0, init=np.ones(16)), "init"),
    ("mc save_configs array", lambda: iv.mc.run(SQ, 2.0, save_configs=np.ones(2)), "save_configs"),
    ("enumerate marginals str", lambda: iv.exact.enumerate(G3, 2.0, marginals="yes"), "marginals"),
    ("uniform dim=2**30", lambda: iv.meanfield.uniform(2.0, dim=2**30), "dim"),
    ("T as a string", lambda: iv.exact.onsager("2.0"), "T"),
    ("J as a string", lambda: iv.SquareLattice(4, J="1.0"), "J"),
    ("edges ragged", lambda: iv.Graph(3, [[0, 1], [1]], 1.0), "edges"),
    (
        "alpha ragged",
        lambda: iv.em.BernoulliMixture(1, alpha=[[1.0, 2.0], [3.0]]).fit(np.eye(2)),
        "alpha",
    ),
    (
        "gm half-built",
        lambda: iv.em.GaussianMixture.__new__(iv.em.GaussianMixture).fit(np.eye(2)),
        "n_components",
    ),
    ("table half-built", lambda: iv.bp.BPResult.__new__(iv.bp.BPResult).table(), "result"),
    ("tau_int c str", lambda: iv.analysis.tau_int(np.arange(8.0), c="6"), "c"),
    (
        "jackknife estimator returns str",
        lambda: iv.analysis.jackknife(lambda a: "x", np.arange(8.0)),
        "estimator",
    ),
    ("combine_replicates df", lambda: iv.analysis.combine_replicates(None, ["T"], ["a"]), "df"),
    ("set_memory_limit", lambda: iv.set_memory_limit("lots"), "limit"),
    (
        "fss_extrapolate equal sizes",
        lambda: iv.analysis.fss_extrapolate([4, 4], [1.0, 1.1], [0.1, 0.1], 1.0),
        "L",
    ),
]


@pytest.mark.parametrize(
    "call,param", [(c, p) for _, c, p in REPORTED], ids=[i for i, _, _ in REPORTED]
)
def test_reported_defect_raises_value_error_naming_the_parameter(call, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call()


@pytest.mark.parametrize(
    "call,param",
    [
        (lambda: iv.mc.run(iv.SquareLattice(4), 2.5, n_measure=10**9), "n_measure"),
        (
            lambda: iv.mc.run(iv.SquareLattice(16), 2.5, n_measure=10**7, save_configs=True),
            "save_configs",
        ),
        (lambda: iv.exact.enumerate(G3, np.linspace(1.0, 2.0, 10**6)), "T"),
        (lambda: iv.freeenergy.ais(iv.SquareLattice(4), 2.0, n_chains=10**8), "n_chains"),
        (
            lambda: iv.em.GaussianMixture(2000).fit(
                np.random.default_rng(0).standard_normal((10**5, 2))
            ),
            "n_components",
        ),
        (lambda: iv.em.GaussianMixture(1).fit(np.ones((2, 1))).sample(10**9), "n_samples"),
        (lambda: iv.Graph(2**31 - 1, [], []), "n"),
        (lambda: iv.models.sk(20000, 0), "N"),
    ],
    ids=[
        "mc series",
        "mc configs",
        "enumerate",
        "ais",
        "gm responsibilities",
        "gm sample",
        "graph",
        "sk",
    ],
)
def test_memory_estimate_refuses_before_allocating(small_memory_limit, call, param):
    with pytest.raises(ValueError, match=rf"^{param}: .* GiB, more than the memory limit of 1 GiB"):
        call()


def test_half_built_models_print_without_reading_their_fields():
    assert (
        repr(HALF_G) == "Graph(<never constructed>)"
        and repr(HALF_SQ) == "SquareLattice(<never constructed>)"
    )


def test_memory_limit_is_settable(monkeypatch):
    monkeypatch.setenv("ISINGVI_MEMORY_LIMIT", "2G")
    assert iv.memory_limit() == 2 * 2**30
    monkeypatch.setenv("ISINGVI_MEMORY_LIMIT", "512MiB")
    assert iv.memory_limit() == 512 * 2**20
    iv.set_memory_limit(10**6)
    try:
        assert iv.memory_limit() == 10**6  # the function wins over the environment
    finally:
        iv.set_memory_limit(None)
    monkeypatch.setenv("ISINGVI_MEMORY_LIMIT", "a lot")
    with pytest.raises(ValueError, match=r"^ISINGVI_MEMORY_LIMIT\b"):
        iv.memory_limit()
    monkeypatch.delenv("ISINGVI_MEMORY_LIMIT")
    assert 0 < iv.memory_limit() < 2**60  # half the physical memory


def test_statistics_are_finite_where_the_answer_is():
    # zero variance at a temperature where beta^2 overflows: c = (beta sigma_E)^2 = 0, not NaN
    row = iv.mc.run(SQ, 1e-300, init="up", n_measure=64).summary().iloc[0]
    assert row.c == 0.0 and row.c_err == 0.0 and row.chi == 0.0 and row.u == -2.0
    assert iv.analysis.binned_mean(np.full(64, 1e308)) == (1e308, 0.0)
    x = np.r_[np.full(32, 1.7e308), np.full(32, -1.7e308)]
    assert np.isfinite(iv.analysis.tau_int(x))
    assert np.all(np.isfinite(iv.analysis.jackknife(lambda a: a, x)))
    assert np.isfinite(iv.analysis.binned_mean(x)).all()
    # at the edge of the supported range every exact column is finite
    for df in (
        iv.exact.enumerate(SQ, 1e-300),
        iv.exact.onsager([1e-300, 1e300]),
        iv.meanfield.solve(SQ, 1e300).table(),
        iv.bp.solve(iv.SquareLattice(4, J=1e300), 1e-3).table(),
    ):
        assert np.isfinite(df.select_dtypes("number").to_numpy(float)).all(), df


def test_mc_accepts_the_largest_supported_couplings():
    res = iv.mc.run(iv.SquareLattice(8, J=1e300), 2.5, n_measure=8, init="up")
    assert np.isfinite(res.E).all() and res.E[0, -1] == -2 * 64 * 1e300


def test_save_figure_takes_one_format_as_a_string(tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot")
    from isingvi import plots

    fig = plt.figure(figsize=(1, 1))
    try:
        written = plots.save_figure(fig, tmp_path / "a.pdf", formats="png", dpi=20)
        assert [p.name for p in written] == ["a.pdf", "a.png"] and all(p.exists() for p in written)
        with pytest.raises(ValueError, match=r"^formats\b"):
            plots.save_figure(fig, tmp_path / "a.pdf", formats=["png", "nope"])
        for kw, param in (({"context": "big"}, "context"), ({"font_scale": -1}, "font_scale")):
            with pytest.raises(ValueError, match=rf"^{param}\b"):
                plots.set_style(**kw)
    finally:
        plt.close(fig)


def test_derive_seed_rejects_a_non_integer_seed():
    with pytest.raises(ValueError, match=r"^master_seed\b"):
        iv.results.derive_seed(1.7, "f1")
