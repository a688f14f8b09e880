"""Every public model and result object survives pickle (and so copy, joblib, multiprocessing).

A model comes back as the same class, with the same parameters, the same energies and the
same Monte Carlo chains for the same seed; a result comes back with equal content. The
neural models' round trip is in tests/test_neural.py, next to their trained fixtures.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import isingvi as iv
import isingvi._core as core
import numpy as np
import pandas as pd
import pytest
from isingvi import reweighting

PROTOCOLS = [pickle.DEFAULT_PROTOCOL, 5]
ALL_PROTOCOLS = range(pickle.HIGHEST_PROTOCOL + 1)


def roundtrip(obj, protocol: int):
    return pickle.loads(pickle.dumps(obj, protocol=protocol))


def assert_same(a, b, where: str = "") -> None:
    """Equal content, recursively: arrays by value, dtype and shape (NaN equal to NaN)."""
    assert type(a) is type(b), f"{where}: {type(a)} != {type(b)}"
    if isinstance(a, np.ndarray):
        assert a.dtype == b.dtype, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=where)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}")
    elif isinstance(a, tuple):  # NamedTuples too: the type was checked above
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{k}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b), where
    elif hasattr(a, "__dict__") and not isinstance(a, type):  # estimators: every attribute
        assert_same(vars(a), vars(b), f"{where}.__dict__")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


# ----------------------------------------------------------------------------------- models


def _models():
    return {
        "square": iv.SquareLattice(4, J=0.7, h=0.2),
        "cubic": iv.CubicLattice(3, J=-1.1, h=0.0),
        "graph": iv.Graph(
            4,
            [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]],
            [1.0, -0.5, 2.0, 0.25, 1e-3],
            [0.1, 0.0, -0.3, 0.7],
        ),
        "sk": iv.models.sk(6, seed=3),
        "edwards_anderson": iv.models.edwards_anderson(3, seed=1),
        "random_field": iv.models.random_field(iv.SquareLattice(3), 0.5, seed=2),
        "empty_graph": iv.Graph(3, np.empty((0, 2), int), []),
        "core_lattice": core.Lattice(2, 4, 1.5, -0.25),
        "core_graph": iv.SquareLattice(3, J=0.5).to_graph(),
    }


MODELS = _models()


def _params(model) -> dict:
    """What defines a model: its constructor arguments."""
    if isinstance(model, core.Lattice):
        return {"dim": model.dim, "L": model.L, "J": model.J, "h": model.h}
    return {
        "n": model.n,
        "edge_i": model.edge_i,
        "edge_j": model.edge_j,
        "couplings": model.couplings,
        "fields": model.fields,
    }


@pytest.mark.parametrize("protocol", ALL_PROTOCOLS)  # 0 and 1 once aborted the interpreter
@pytest.mark.parametrize("name", MODELS)
def test_model_roundtrip_keeps_class_and_parameters(name, protocol):
    model = MODELS[name]
    back = roundtrip(model, protocol)
    assert type(back) is type(model)
    assert_same(_params(back), _params(model), name)
    if type(model).__module__ == "isingvi.models":  # the core types have no repr of their own
        assert repr(back) == repr(model)


def test_subclasses_come_back_as_themselves():
    lat = iv.SquareLattice(3)
    assert type(pickle.loads(pickle.dumps(lat))) is iv.SquareLattice
    assert type(pickle.loads(pickle.dumps(iv.CubicLattice(2)))) is iv.CubicLattice
    assert type(pickle.loads(pickle.dumps(iv.models.sk(4, seed=0)))) is iv.Graph
    assert type(pickle.loads(pickle.dumps(lat.to_graph()))) is core.Graph


@pytest.mark.parametrize("name", ["square", "cubic", "graph", "edwards_anderson", "core_graph"])
def test_model_roundtrip_keeps_energies(name):
    model = MODELS[name]
    back = roundtrip(model, 5)
    g, gb = iv.models.as_graph(model), iv.models.as_graph(back)
    spins = np.random.default_rng(0).choice([-1.0, 1.0], size=(20, model.n))
    assert [gb.energy(s) for s in spins] == [g.energy(s) for s in spins]


@pytest.mark.parametrize("name", ["square", "graph", "core_lattice"])
def test_model_roundtrip_keeps_mc_chains(name):
    model = MODELS[name]
    kw = {"n_therm": 5, "n_measure": 20, "seed": 11}
    assert_same(
        iv.mc.run(roundtrip(model, 5), [1.5, 3.0], **kw), iv.mc.run(model, [1.5, 3.0], **kw)
    )


def test_copy_and_deepcopy():
    for name, model in MODELS.items():
        for dup in (copy.copy(model), copy.deepcopy(model)):
            assert type(dup) is type(model) and dup is not model, name
            assert_same(_params(dup), _params(model), name)


def test_graph_pickle_is_compact():
    """The edge arrays travel as arrays, not as Python lists of numbers."""
    g = iv.SquareLattice(64).to_graph()
    assert len(pickle.dumps(g, protocol=5)) < 2 * (8 + 8 + 4 + 4) * g.n_edges


def test_never_constructed_model_refuses_to_pickle():
    for cls in (iv.SquareLattice, iv.Graph, core.Lattice):
        with pytest.raises(ValueError, match="never constructed"):
            pickle.dumps(cls.__new__(cls))


def test_tampered_state_is_checked():
    lat = iv.SquareLattice.__new__(iv.SquareLattice)
    with pytest.raises(ValueError, match="L: the linear size must be >= 2"):
        lat.__setstate__((2, 1, 1.0, 0.0))
    with pytest.raises(ValueError, match="state"):
        lat.__setstate__((2, 3))
    g = iv.Graph.__new__(iv.Graph)
    with pytest.raises(ValueError, match="edges"):
        g.__setstate__((2, np.array([0]), np.array([5]), np.array([1.0]), np.zeros(2)))


# ---------------------------------------------------------------------------------- results

SQUARE = iv.SquareLattice(4)
SMALL_GRAPH = iv.models.random_regular(8, 3, seed=1)


def _results():
    mc = iv.mc.run(SQUARE, [2.0, 2.5], n_therm=10, n_measure=64, seed=1, save_configs=True)
    mc6 = iv.mc.run(iv.SquareLattice(6), [2.0, 2.5], n_therm=10, n_measure=64, seed=2)
    u4 = float(reweighting.reweight(mc, [2.25], n_blocks=4)["u4"].iloc[0])
    gauss = iv.em.GaussianMixture(2, max_iter=5, random_state=0)
    bern = iv.em.BernoulliMixture(2, max_iter=5, random_state=0)
    X = np.random.default_rng(0).normal(size=(40, 2))
    B = (np.random.default_rng(1).random((40, 5)) < 0.5).astype(float)
    return {
        "MCResult": mc,
        "TemperingResult": iv.mc.parallel_tempering(
            SMALL_GRAPH, [1.5, 2.0, 3.0], n_therm=5, n_measure=20, seed=1, save_configs=True
        ),
        "BPResult": iv.bp.solve(SMALL_GRAPH, [1.0, 4.0], max_iter=50),
        "MeanFieldResult": iv.meanfield.solve(SQUARE, [1.0, 5.0], method="tap", max_iter=50),
        "ais": iv.freeenergy.ais(SQUARE, [2.0, 3.0], n_steps=20, n_chains=4, log_weights=True),
        "thermodynamic_integration": iv.freeenergy.thermodynamic_integration(
            SQUARE, [3.0], n_grid=4, n_therm=5, n_measure=32
        ),
        "exact": iv.exact.enumerate(iv.SquareLattice(3), [1.0, 2.0], marginals=True),
        "summary": mc.summary(n_blocks=4),
        "reweight": reweighting.reweight(mc, [2.1, 2.2], n_blocks=4),
        # against a flat curve through the run's own U4 at T = 2.25: a crossing there
        "Crossing": reweighting.binder_crossing(mc, lambda T: np.full(np.shape(T), u4), n_blocks=4),
        "Peak": reweighting.peak(mc6, "c", n_blocks=4),
        "Extrapolation": reweighting.fss_extrapolate(
            [4, 8, 16], [1.0, 0.5, 0.3], [0.1, 0.1, 0.1], 1.0, replicates=np.ones((3, 4))
        ),
        "GaussianMixture_unfitted": copy.deepcopy(gauss),
        "GaussianMixture": gauss.fit(X),
        "BernoulliMixture_unfitted": copy.deepcopy(bern),
        "BernoulliMixture": bern.fit(B),
    }


@pytest.fixture(scope="module")
def results():
    return _results()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_results_roundtrip(results, protocol):
    for name, result in results.items():
        assert_same(roundtrip(result, protocol), result, name)


def test_fitted_estimators_predict_alike_after_pickle(results):
    X = np.random.default_rng(5).normal(size=(7, 2))
    gm = results["GaussianMixture"]
    back = roundtrip(gm, 5)
    np.testing.assert_array_equal(back.score_samples(X), gm.score_samples(X))
    np.testing.assert_array_equal(back.sample(5)[0], gm.sample(5)[0])
    unfitted = roundtrip(results["BernoulliMixture_unfitted"], 5)
    assert unfitted.get_params() == results["BernoulliMixture_unfitted"].get_params()


# ----------------------------------------------------------------------------------- joblib


def _small_computation(model) -> tuple[np.ndarray, iv.mc.MCResult]:
    u = iv.exact.enumerate(model, [1.5, 3.0])["u"].to_numpy()
    return u, iv.mc.run(model, [2.0], n_therm=5, n_measure=16, seed=3)


def test_joblib_workers_get_equal_models():
    joblib = pytest.importorskip("joblib")
    models = [
        iv.SquareLattice(4, J=0.5),
        iv.models.edwards_anderson(3, seed=4),
        iv.Graph(3, [[0, 1], [1, 2]], [1.0, -2.0], [0.5, 0, 0]),
    ]
    got = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_small_computation)(m) for m in models
    )
    for m, (u, run) in zip(models, got):
        want_u, want_run = _small_computation(m)
        np.testing.assert_array_equal(u, want_u)
        assert_same(run, want_run)
