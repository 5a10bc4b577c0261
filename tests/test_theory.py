"""hopfield_edu.theory against published numbers and against SciPy solving the same physics.

SciPy solves the *unreduced* AGS saddle-point system (m, C, r) with a different algorithm,
so it checks the algebra of the reduction to one equation as well as the root finding.
"""
import math

import numpy as np
import pytest

from hopfield_edu import random_patterns, train_hopfield
from hopfield_edu import theory

scipy = pytest.importorskip("scipy", reason="scipy is the independent reference (dev dependency)")
from scipy import optimize, special, stats  # noqa: E402


# --------------------------------------------------------------------------- mean field
@pytest.mark.parametrize("T", [0.1, 0.3, 0.5, 0.8, 0.9, 0.99, 0.999])
def test_mean_field_overlap_solves_tanh_equation_like_brentq(T):
    m = theory.mean_field_overlap(T)
    assert abs(m - math.tanh(m / T)) < 1e-12  # it is a root
    ref = optimize.brentq(lambda x: x - np.tanh(x / T), 1e-12, 1.0, xtol=1e-15)
    assert m == pytest.approx(ref, abs=1e-10)
    assert 0 < m <= 1


def test_mean_field_overlap_limits_and_vectorisation():
    assert theory.mean_field_overlap(0.0) == 1.0
    for T in (1.0, 1.5, 10.0):  # no ordered solution at or above T_c = 1
        assert theory.mean_field_overlap(T) == 0.0
    # near T_c: m ~ sqrt(3 (1 - T)) (expansion of tanh to third order)
    T = 0.999
    assert theory.mean_field_overlap(T) == pytest.approx(math.sqrt(3 * (1 - T)), rel=2e-3)
    arr = theory.mean_field_overlap([0.5, 0.9, 1.2])
    assert arr.shape == (3,) and arr[2] == 0.0
    assert arr[0] == theory.mean_field_overlap(0.5)


def test_paramagnetic_abs_overlap_formula():
    # E|X| for X ~ N(0, chi/N), chi = 1/(1 - 1/T), computed by scipy's folded normal
    T, N = 1.5, 4000
    sd = math.sqrt(1.0 / ((1 - 1 / T) * N))
    assert theory.paramagnetic_abs_overlap(T, N) == pytest.approx(stats.foldnorm(0, scale=sd).mean(), rel=1e-12)
    with pytest.raises(ValueError):
        theory.paramagnetic_abs_overlap(1.0, 100)  # diverges at T_c


# --------------------------------------------------------------------------- AGS
def _ags_full_system(alpha, guess=(1.0, 0.0, 1.0)):
    """Solve m = erf(m/sqrt(2 alpha r)), C = sqrt(2/(pi alpha r)) exp(-m^2/(2 alpha r)),
    r = 1/(1-C)^2 with scipy.optimize.fsolve (AGS 1987, T -> 0)."""
    def eqs(v):
        m, c, r = v
        y = m / math.sqrt(2 * alpha * r)
        return [m - special.erf(y),
                c - math.sqrt(2 / (math.pi * alpha * r)) * math.exp(-y * y),
                r - 1 / (1 - c) ** 2]
    sol = optimize.fsolve(eqs, guess, xtol=1e-13)
    # judge convergence by the residual (fsolve's status flags 'no further improvement'
    # once it is at machine precision)
    assert np.max(np.abs(eqs(sol))) < 1e-10, (alpha, sol, eqs(sol))
    return sol


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1, 0.12, 0.13, 0.137])
def test_ags_overlap_matches_scipy_on_unreduced_equations(alpha):
    m_ref = _ags_full_system(alpha)[0]
    assert theory.ags_retrieval_overlap(alpha) == pytest.approx(m_ref, abs=1e-9)


def test_ags_published_numbers():
    # Amit, Gutfreund & Sompolinsky (1987) / Hertz, Krogh & Palmer (1991):
    # alpha_c = 0.138, m(alpha_c) = 0.967, i.e. ~1.6 % wrong bits; m(0.12) = 0.9932.
    # Tolerances are half a unit in the last published digit.
    a_c = theory.ags_critical_load()
    assert a_c == pytest.approx(0.138, abs=5e-4)
    assert theory.ags_retrieval_overlap(a_c) == pytest.approx(0.967, abs=5e-4)
    assert theory.ags_error_fraction(a_c) == pytest.approx(0.016, abs=5e-4)
    assert theory.ags_retrieval_overlap(0.12) == pytest.approx(0.9932, abs=5e-5)
    # No retrieval state above alpha_c, perfect recall at alpha = 0.
    assert theory.ags_retrieval_overlap(a_c + 1e-6) == 0.0
    assert theory.ags_retrieval_overlap(0.0) == 1.0


def test_ags_critical_load_is_the_maximum_found_by_scipy():
    # sqrt(2 alpha) = F(y); alpha_c = max F^2 / 2, located here by Brent's bounded minimiser.
    def F(y):
        return special.erf(y) / y - 2 / math.sqrt(math.pi) * math.exp(-y * y)
    res = optimize.minimize_scalar(lambda y: -F(y), bounds=(0.5, 5), method="bounded",
                                   options={"xatol": 1e-12})
    assert theory.ags_critical_load() == pytest.approx(F(res.x) ** 2 / 2, abs=1e-10)
    # and the retrieval solution disappears there: fsolve just below alpha_c still converges
    m_below = _ags_full_system(theory.ags_critical_load() - 1e-5)[0]
    assert m_below == pytest.approx(0.967, abs=2e-3)


def test_ags_overlap_decreases_with_load():
    # (below alpha ~ 0.03, 1 - m < 1e-16 and m is 1.0 in double precision: hence <=)
    alphas = np.linspace(0.01, theory.ags_critical_load() - 1e-6, 50)
    m = theory.ags_retrieval_overlap(alphas)
    assert np.all(np.diff(m) <= 0)
    assert np.all(np.diff(m[alphas > 0.05]) < 0)


# --------------------------------------------------------------------------- crosstalk / McEliece
def test_crosstalk_probability_matches_gaussian_tail_and_simulation():
    for a in (0.05, 0.138, 0.3):
        assert theory.crosstalk_error_probability(a) == pytest.approx(stats.norm.sf(1 / math.sqrt(a)), rel=1e-12)
    # Simulation: fraction of stored bits whose Hebbian field disagrees with them.
    # N = 2000, M = 600 -> 1.2e6 bits; expected 0.0339, binomial SD 1.7e-4 (0.5 %); the
    # Gaussian approximation of the crosstalk is good to a few % at this N, so rel=0.1.
    N, M = 2000, 600
    xi = random_patterns(M, N, rng=11)
    W = train_hopfield(xi)
    unstable = np.mean((xi @ W) * xi <= 0)
    assert unstable == pytest.approx(theory.crosstalk_error_probability(M / N), rel=0.1)


def test_mceliece_capacity():
    N = 1000
    assert theory.mceliece_capacity(N) == pytest.approx(N / (2 * math.log(N)))
    assert theory.mceliece_capacity(N, all_patterns=True) == pytest.approx(N / (4 * math.log(N)))
    # 72 patterns for N = 1000, far below 0.138 N = 138: perfect recall is much stricter.
    assert 72 < theory.mceliece_capacity(N) < 73


@pytest.mark.parametrize("bad, exc", [(-0.1, ValueError), (float("nan"), ValueError), ("0.1", TypeError)])
def test_bad_inputs(bad, exc):
    with pytest.raises(exc):
        theory.ags_retrieval_overlap(bad)
    with pytest.raises(exc):
        theory.mean_field_overlap(bad)
