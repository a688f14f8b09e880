"""Uniform mean-field and Bethe solutions of the infinite lattice (isingvi.meanfield.uniform).

References, all independent of the library's formulas: T_c located by bisection on the solver
itself; 60-digit Decimal solutions of the self-consistency equations; the exact 1D chain
(transfer matrix; Bethe is exact for z = 2) and the exact dimer (z = 1); Onsager's square
lattice at high T; the ground state at low T; and mean field on finite periodic lattices from
the graph solver.
"""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import isingvi as iv
import numpy as np
import pytest

mf = iv.meanfield


# --------------------------------------------------------------------------------------------
# Critical temperatures, found by bisection on the solver's ordered branch


def _vanishing_point(z: int, method: str) -> float:
    """The T where the ordered branch's m at h = 0 vanishes, by bisection on the solver."""

    def ordered(T: float) -> bool:
        return mf.uniform(T, z=z, method=method).m.iloc[0] > 0.0

    lo, hi = 0.5, 20.0
    assert ordered(lo) and not ordered(hi)
    while True:
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            return lo
        if ordered(mid):
            lo = mid
        else:
            hi = mid


@pytest.mark.parametrize(
    "z, method, expected",
    [
        (4, "mf", 4.0),
        (6, "mf", 6.0),
        (4, "bethe", 2 / math.log(2)),
        (6, "bethe", 2 / math.log(1.5)),
    ],
)
def test_critical_temperature_where_the_ordered_branch_vanishes(z, method, expected):
    Tc = _vanishing_point(z, method)
    assert Tc == pytest.approx(expected, rel=1e-12)
    assert mf.critical_temperature(z, method=method) == pytest.approx(expected, rel=1e-14)
    dim = z // 2
    assert mf.critical_temperature(dim=dim, method=method) == pytest.approx(expected, rel=1e-14)


def test_critical_temperature_scales_with_J_and_chains_do_not_order():
    assert mf.critical_temperature(4, J=2.5) == pytest.approx(10.0)
    assert mf.critical_temperature(4, J=2.5, method="bethe") == pytest.approx(5 / math.log(2))
    assert mf.critical_temperature(2, method="bethe") == 0.0
    assert mf.critical_temperature(1, method="bethe") == 0.0
    T = np.array([0.05, 0.3, 1.0])
    assert np.all(mf.uniform(T, z=2, method="bethe").m == 0.0)


# --------------------------------------------------------------------------------------------
# High-precision reference solutions (Decimal, 60 digits; bisection directly on m or the
# cavity field, a formulation different from the library's)

getcontext().prec = 60
D = Decimal


def _tanh(x: Decimal) -> Decimal:
    e = (2 * x).exp()
    return (e - 1) / (e + 1)


def _atanh(y: Decimal) -> Decimal:
    return ((1 + y) / (1 - y)).ln() / 2


def _bisect(g, lo: Decimal, hi: Decimal, steps: int = 240) -> Decimal:
    for _ in range(steps):
        mid = (lo + hi) / 2
        if g(mid) <= 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def mf_reference(T, z: int, h: float) -> Decimal:
    """Largest root of m = tanh((z m + h)/T) for h >= 0 (J = 1)."""
    T, h = D(T), D(h)
    tiny = D("1e-40")

    def g(m):
        return m - _tanh((z * m + h) / T)

    if h == 0 and g(tiny) > 0:
        return D(0)
    return _bisect(g, tiny, D(1))


def bethe_reference(T, z: int, h: float) -> Decimal:
    """Bethe m from the largest root x of x = b + (z - 1) atanh(tanh(1/T) tanh x), h >= 0 (J = 1)."""
    T, b = D(T), D(h) / D(T)
    t = _tanh(1 / T)
    tiny = D("1e-40")

    def g(x):
        return x - b - (z - 1) * _atanh(t * _tanh(x))

    x = D(0) if h == 0 and g(tiny) > 0 else _bisect(g, max(b, tiny), b + (z - 1) / T)
    return _tanh(b + z * _atanh(t * _tanh(x)))


EPSILONS = [0.5, 1e-2, 1e-6, 1e-10]


@pytest.mark.parametrize("z", [4, 6])
@pytest.mark.parametrize("h", [0.0, 1e-9, 0.1])
@pytest.mark.parametrize("eps", EPSILONS)
def test_mean_field_m_to_1e13_also_next_to_Tc(z, h, eps):
    T = z * (1 - eps)
    m = mf.uniform(T, z=z, h=h).m.iloc[0]
    ref = mf_reference(T, z, h)
    assert ref > 0
    assert abs(D(m) - ref) <= D("1e-13") * ref, (m, ref)


@pytest.mark.parametrize("z", [4, 6])
@pytest.mark.parametrize("h", [0.0, 1e-9, 0.1])
@pytest.mark.parametrize("eps", EPSILONS)
def test_bethe_m_is_exact_for_a_temperature_within_a_few_ulp(z, h, eps):
    """Near T_c, m ~ (T_c - T)^(1/2) magnifies the rounding of beta J: no double-precision
    method can do better than the exact m of a temperature a few ulp away. The test allows
    1e-14 plus that: 2 ulp of T times |dm/dT| (from the reference)."""
    T = 2 / math.log(z / (z - 2)) * (1 - eps)
    m = mf.uniform(T, z=z, h=h, method="bethe").m.iloc[0]
    ref = bethe_reference(T, z, h)
    dT = D(T) * D("1e-9") * D(eps)  # in Decimal: finer than the spacing of doubles
    slope = abs(bethe_reference(D(T) + dT, z, h) - bethe_reference(D(T) - dT, z, h)) / (2 * dT)
    allowed = D("1e-14") * ref + D(2 * 2.2e-16 * T) * slope
    assert abs(D(m) - ref) <= allowed, (m, ref, float(allowed))


# --------------------------------------------------------------------------------------------
# Exact limits


def _chain_beta_f(beta: float, J: float, h: float) -> float:
    """Exact beta f of the infinite 1D chain (largest transfer-matrix eigenvalue)."""
    K, b = beta * J, beta * h
    return -math.log(
        math.exp(K) * math.cosh(b)
        + math.sqrt(math.exp(2 * K) * math.sinh(b) ** 2 + math.exp(-2 * K))
    )


@pytest.mark.parametrize("h", [0.0, 0.3, -0.7])
@pytest.mark.parametrize("T", [0.4, 1.0, 2.5, 10.0])
def test_bethe_is_the_exact_chain_for_z_2(T, h):
    J = 1.3
    row = mf.uniform(T, z=2, J=J, h=h, method="bethe").iloc[0]
    beta = 1 / T
    assert row.f == pytest.approx(T * _chain_beta_f(beta, J, h), rel=1e-13, abs=1e-14)
    K, b = beta * J, beta * h
    assert row.m == pytest.approx(
        math.sinh(b) / math.sqrt(math.sinh(b) ** 2 + math.exp(-4 * K)), rel=1e-12, abs=1e-15
    )
    db = 1e-5 * beta
    u = (_chain_beta_f(beta + db, J, h) - _chain_beta_f(beta - db, J, h)) / (2 * db)
    assert row.u == pytest.approx(u, rel=1e-8, abs=1e-9)


@pytest.mark.parametrize("h", [0.0, 0.4])
@pytest.mark.parametrize("T", [0.3, 1.0, 4.0])
def test_bethe_is_the_exact_dimer_for_z_1(T, h):
    K, b = 1 / T, h / T
    Z = 2 * math.exp(K) * math.cosh(2 * b) + 2 * math.exp(-K)  # two spins, one bond
    row = mf.uniform(T, z=1, h=h, method="bethe").iloc[0]
    assert row.f == pytest.approx(-T * 0.5 * math.log(Z), rel=1e-13)
    assert row.m == pytest.approx(2 * math.exp(K) * math.sinh(2 * b) / Z, rel=1e-12, abs=1e-15)


def test_high_temperature_errors_against_onsager_scale_as_expected():
    """Square lattice, h = 0, T >> T_c: mean field misses -T 2 ln cosh(beta J) = O(beta);
    Bethe includes it and misses only the plaquettes, -T tanh(beta J)^4 = O(beta^3)."""
    T = np.array([10.0, 20.0, 40.0, 80.0])
    exact = iv.exact.onsager(T).f.to_numpy()
    err_mf = mf.uniform(T, z=4).f.to_numpy() - exact
    err_b = mf.uniform(T, z=4, method="bethe").f.to_numpy() - exact
    assert np.all(np.abs(err_b) < np.abs(err_mf))
    slope_mf = np.polyfit(np.log(1 / T), np.log(np.abs(err_mf)), 1)[0]
    slope_b = np.polyfit(np.log(1 / T), np.log(np.abs(err_b)), 1)[0]
    assert slope_mf == pytest.approx(1.0, abs=0.05)
    assert slope_b == pytest.approx(3.0, abs=0.15)


@pytest.mark.parametrize("method", ["mf", "bethe"])
@pytest.mark.parametrize("z", [4, 6])
def test_paramagnet_high_temperature_forms(method, z):
    """h = 0 above T_c: m = 0 and f = -T ln 2 (mean field), -T ln 2 - (z/2) T ln cosh(J/T) (Bethe)."""
    T = np.array([1.01, 2.0, 50.0]) * mf.critical_temperature(z, method=method)
    df = mf.uniform(T, z=z, method=method)
    assert np.all(df.m == 0.0)
    expected = -T * math.log(2) - (z / 2 * T * np.log(np.cosh(1 / T)) if method == "bethe" else 0.0)
    np.testing.assert_allclose(df.f, expected, rtol=1e-14)


@pytest.mark.parametrize("method", ["mf", "bethe"])
@pytest.mark.parametrize("h", [0.0, 0.5, -0.5])
def test_ground_state_at_low_temperature(method, h):
    """T -> 0: every spin along the field (or up at h = 0): f = u = -(z/2) J - |h|, |m| = 1."""
    z, J = 6, 1.5
    df = mf.uniform([1e-3, 1e-300], z=z, J=J, h=h, method=method)
    for row in df.itertuples():
        assert abs(row.m) == pytest.approx(1.0, abs=1e-12)
        assert row.f == pytest.approx(-(z / 2) * J - abs(h), rel=1e-12)
        assert row.u == pytest.approx(-(z / 2) * J - abs(h), rel=1e-12)
    assert np.all(
        np.isfinite(mf.uniform([1e-300, 1e300], z=4, h=h, method=method)[["m", "f", "u"]])
    )


# --------------------------------------------------------------------------------------------
# Internal consistency


@pytest.mark.parametrize("method", ["mf", "bethe"])
@pytest.mark.parametrize("branch, h", [("ordered", 0.0), ("ordered", 0.2), ("paramagnetic", 0.0)])
def test_energy_is_the_beta_derivative_of_beta_f(method, h, branch):
    for T in (1.0, 2.0, 3.5, 7.0):
        beta, db = 1 / T, 1e-5 / T
        row = mf.uniform(T, z=4, h=h, method=method, branch=branch).iloc[0]
        bf = [
            b * mf.uniform(1 / b, z=4, h=h, method=method, branch=branch).f.iloc[0]
            for b in (beta + db, beta - db)
        ]
        assert row.u == pytest.approx((bf[0] - bf[1]) / (2 * db), rel=1e-7, abs=1e-9), T


@pytest.mark.parametrize("z", [4, 6])
@pytest.mark.parametrize("h", [0.0, 0.1])
def test_bethe_free_energy_below_mean_field(z, h):
    T = np.linspace(0.2, 3.0, 29) * mf.critical_temperature(z)
    for branch in ["ordered", "paramagnetic"] if h == 0 else ["ordered"]:
        f_mf = mf.uniform(T, z=z, h=h, branch=branch).f.to_numpy()
        f_b = mf.uniform(T, z=z, h=h, method="bethe", branch=branch).f.to_numpy()
        assert np.all(f_b <= f_mf + 1e-13), branch
        assert np.all(f_b < f_mf)  # strictly: Bethe keeps the nearest-neighbour correlations


@pytest.mark.parametrize("method", ["mf", "bethe"])
def test_ordered_branch_below_paramagnetic_below_Tc(method):
    Tc = mf.critical_temperature(4, method=method)
    T = np.array([0.3, 0.7, 0.95, 0.999]) * Tc
    f_ord = mf.uniform(T, method=method).f.to_numpy()
    f_para = mf.uniform(T, method=method, branch="paramagnetic").f.to_numpy()
    assert np.all(f_ord < f_para)
    assert np.all(mf.uniform(T, method=method).m > 0)


@pytest.mark.parametrize("method", ["mf", "bethe"])
def test_field_reversal_symmetry(method):
    T = np.array([1.0, 3.0, 5.0])
    up = mf.uniform(T, h=0.3, method=method)
    down = mf.uniform(T, h=-0.3, method=method)
    np.testing.assert_array_equal(up.m, -down.m)
    np.testing.assert_array_equal(up.f, down.f)
    np.testing.assert_array_equal(up.u, down.u)


def test_mean_field_fixed_point_and_free_energy_formula():
    """m solves m = tanh(beta (z J m + h)); f = -(z/2) J m^2 - h m - T H2((1 + m)/2)."""
    z, J, h = 6, 0.7, 0.15
    T = np.array([0.5, 2.0, 4.1, 4.3, 9.0])
    df = mf.uniform(T, z=z, J=J, h=h)
    m = df.m.to_numpy()
    np.testing.assert_allclose(m, np.tanh((z * J * m + h) / T), rtol=0, atol=2e-16)
    p = (1 + m) / 2
    H2 = -p * np.log(p) - (1 - p) * np.log1p(-p)
    np.testing.assert_allclose(df.f, -(z / 2) * J * m**2 - h * m - T * H2, rtol=1e-13)
    np.testing.assert_allclose(df.u, -(z / 2) * J * m**2 - h * m, rtol=1e-14)


# --------------------------------------------------------------------------------------------
# Mean field on a finite periodic lattice is the uniform solution


@pytest.mark.parametrize(
    "model, z",
    [(iv.SquareLattice(16), 4), (iv.SquareLattice(12, h=0.3), 4), (iv.CubicLattice(6, J=0.8), 6)],
)
def test_lattice_mean_field_equals_the_uniform_solution(model, z):
    T = np.array([0.5, 0.8, 0.95, 1.2, 2.0]) * z * model.J
    res = mf.solve(model, T, init="up", tol=1e-14, max_iter=20_000)
    assert res.converged.all()
    ref = mf.uniform(T, z=z, J=model.J, h=model.h)
    np.testing.assert_allclose(res.f, ref.f, rtol=1e-12)
    np.testing.assert_allclose(res.u, ref.u, rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(
        res.m, np.repeat(ref.m.to_numpy()[:, None], model.n, axis=1), atol=1e-11
    )


# --------------------------------------------------------------------------------------------
# Output and bad input


def test_table_columns_and_coordination_from_dim():
    df = mf.uniform([1.0, 2.0], dim=3, method="bethe")
    assert list(df.columns) == ["T", "beta", "method", "branch", "m", "f", "u"]
    assert set(df.method) == {"bethe"} and set(df.branch) == {"ordered"}
    pd_z6 = mf.uniform([1.0, 2.0], z=6, method="bethe")
    np.testing.assert_array_equal(df.f, pd_z6.f)
    np.testing.assert_array_equal(mf.uniform(2.0).f, mf.uniform(2.0, z=4).f)


BAD = [
    ("z=0", lambda: mf.uniform(1.0, z=0), "z"),
    ("z=2.5", lambda: mf.uniform(1.0, z=2.5), "z"),
    ("z string", lambda: mf.uniform(1.0, z="four"), "z"),
    ("dim=0", lambda: mf.uniform(1.0, dim=0), "dim"),
    ("z conflicts with dim", lambda: mf.uniform(1.0, z=4, dim=3), "z"),
    ("J=0", lambda: mf.uniform(1.0, J=0.0), "J"),
    ("J<0", lambda: mf.uniform(1.0, J=-1.0), "J"),
    ("J nan", lambda: mf.uniform(1.0, J=math.nan), "J"),
    ("h inf", lambda: mf.uniform(1.0, h=math.inf), "h"),
    ("h nan", lambda: mf.uniform(1.0, h=math.nan), "h"),
    ("method", lambda: mf.uniform(1.0, method="tap"), "method"),
    ("branch", lambda: mf.uniform(1.0, branch="up"), "branch"),
    ("paramagnetic with a field", lambda: mf.uniform(1.0, h=0.1, branch="paramagnetic"), "branch"),
    ("T=0", lambda: mf.uniform(0.0), "T"),
    ("T nan", lambda: mf.uniform([1.0, math.nan]), "T"),
    ("T 2-D", lambda: mf.uniform([[1.0]]), "T"),
    ("T underflows beta", lambda: mf.uniform(1e-320), "T"),
    ("Tc z=0", lambda: mf.critical_temperature(0), "z"),
    ("Tc J<0", lambda: mf.critical_temperature(4, J=-1.0), "J"),
    ("Tc method", lambda: mf.critical_temperature(4, method="tap"), "method"),
    (
        "core paramagnetic with a field",
        lambda: iv._core.uniform_lattice([1.0], 4, 1.0, 0.1, "mf", "paramagnetic"),
        "branch",
    ),
    ("core z=0", lambda: iv._core.uniform_lattice([1.0], 0, 1.0, 0.0, "mf", "ordered"), "z"),
    ("core T<0", lambda: iv._core.uniform_lattice([-1.0], 4, 1.0, 0.0, "mf", "ordered"), "T"),
]


@pytest.mark.parametrize("name, call, param", BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_the_parameter(name, call, param):
    with pytest.raises(ValueError, match=rf"^{param}\b"):
        call()
