"""Simulations (hopfield_edu.physics) against the literature.

Every tolerance is justified next to the assertion. Seeds are fixed, so each test is
deterministic; the sizes are chosen so that the statistical margin is several standard
errors (a different seed would pass too; seeds 7-9, 1-2 and 31-32 were tried). Measured run
time of this file: ~14 s on the shared 2-core machine (capacity fixture ~5 s, parallel
reproducibility ~1-4 s, temperature fixture ~3 s, mixtures ~1.5 s).
"""
import math

import numpy as np
import pandas as pd
import pytest

from hopfield_edu import HopfieldNetwork, random_patterns
from hopfield_edu import physics, theory


# --------------------------------------------------------------------------- temperature
@pytest.fixture(scope="module")
def temperature_curve():
    # N = 4000, one pattern, 200 burn-in sweeps (relaxation from m = 1 takes ~10 sweeps
    # even at T = 0.9, where the relaxation time is ~1/(1 - (1 - m^2)/T) ~ 5 sweeps),
    # then 2000 recorded sweeps. Cost: ~0.3 s per temperature.
    temps = [0.5, 0.8, 0.9, 1.2, 1.5, 2.0]
    return physics.overlap_vs_temperature(4000, temps, sweeps=2000, burn_in=200, seed=2024)


@pytest.mark.parametrize("T", [0.5, 0.8, 0.9])
def test_glauber_overlap_below_tc_matches_mean_field(temperature_curve, T):
    row = temperature_curve.set_index("T").loc[T]
    # Tolerance 0.03 (the issue's). Justification: the batch-means standard error of the
    # time average is <= 0.002 here (row.m_se, checked below), and the finite-size bias of
    # Curie-Weiss below T_c is O(1/N) ~ 1e-3; 0.03 is > 10 SE, so the test cannot pass by
    # luck if the engine's temperature were off by a few percent (a 5 % error in T at
    # T = 0.9 moves m by ~0.06).
    assert row.m_se < 0.003
    assert abs(row.m_sim - theory.mean_field_overlap(T)) < 0.03


@pytest.mark.parametrize("T", [1.2, 1.5, 2.0])
def test_glauber_overlap_above_tc_is_zero_up_to_finite_size(temperature_curve, T):
    row = temperature_curve.set_index("T").loc[T]
    N = 4000
    # Above T_c, m is Gaussian with variance chi/N, chi = 1/(1 - 1/T) (Ellis & Newman 1978),
    # so <|m|> = sqrt(2/pi) sqrt(chi/N): 0.031 at T = 1.2, 0.018 at T = 2 for N = 4000.
    expected = theory.paramagnetic_abs_overlap(T, N)
    # "approximately 0": within twice the finite-size value (< 0.062 = 3.9/sqrt(N)),
    # an order of magnitude below the ordered m(0.9) = 0.525.
    assert row.m_sim < 2 * expected
    if T >= 1.5:
        # Away from T_c the Gaussian theory is accurate; SE of m_sim is ~3 % of it
        # (row.m_se), so a 15 % band is ~5 SE.
        assert row.m_sim == pytest.approx(expected, rel=0.15)


def test_glauber_single_site_probability_is_heat_bath():
    # Resample one neuron many times with the others fixed (zero self-coupling, so its
    # field does not depend on its own value) and compare the frequency of +1 with
    # 1 / (1 + exp(-2 h / T)).
    N, K, T = 50, 20000, 0.7
    rng = np.random.default_rng(5)
    xi = random_patterns(3, N, rng=rng)
    net = HopfieldNetwork(N, rng=rng).train(xi, normalization="neurons")
    s = xi[0].copy()
    i = 7
    h = net.local_field(s)[i]
    res = net.run(s, mode="steps", temperature=T, sequence=np.full(K, i), record_every=1,
                  record_energy=False, rng=rng)
    freq = np.mean(res.snapshots[1:, i] == 1)
    p = 1 / (1 + math.exp(-2 * h / T))
    # binomial SD sqrt(p(1-p)/K) <= 0.0036; 5 SD
    assert abs(freq - p) < 5 * math.sqrt(p * (1 - p) / K)
    # the other neurons never moved
    assert np.array_equal(np.delete(res.snapshots[-1], i), np.delete(s, i).astype(np.int8))


# --------------------------------------------------------------------------- capacity
@pytest.fixture(scope="module")
def capacity_n2000():
    # 200 independent networks per load, N = 2000 (M = 240 and 320); ~4 s on one core.
    return physics.capacity_curve(2000, [0.12, 0.16], trials=200, seed=7, n_jobs=1)


@pytest.mark.slow  # the shared fixture runs 400 networks of N = 2000 (~4 s)
def test_capacity_fraction_retrieved(capacity_n2000):
    frac = capacity_n2000.groupby("alpha")["retrieved"].mean()
    assert capacity_n2000["converged"].all()
    # Measured ~0.995-1.0 at alpha = 0.12 and ~0.4 at 0.16 (N = 2000). With 200 trials the
    # binomial SE is <= 0.035, so the bounds (>= 0.95, <= 0.6) are >= 5 SE away.
    assert frac[0.12] >= 0.95
    assert frac[0.16] <= 0.6


@pytest.mark.slow
def test_capacity_mean_overlap_matches_replica_symmetric_theory(capacity_n2000):
    d = capacity_n2000[capacity_n2000.alpha == 0.12]
    ags = theory.ags_retrieval_overlap(0.12)
    assert ags == pytest.approx(0.9932, abs=5e-5)  # the published RS number
    # The RS value is the overlap of the *retrieval state*; the (rare, ~0.5 %) finite-size
    # failures that land in a spin-glass state are counted by the fraction test above.
    retrieved = d[d.retrieved]
    se = retrieved.overlap.std() / math.sqrt(len(retrieved))
    # per-trial SD ~0.007 -> SE ~0.0005; tolerance 0.005 (the issue's) is ~10 SE and leaves
    # room for the O(1/sqrt(N)) finite-size shift (measured |diff| ~ 0.001).
    assert se < 0.001
    assert abs(retrieved.overlap.mean() - ags) < 0.005


def test_capacity_curve_frame_and_reproducibility():
    df = physics.capacity_curve([100, 200], [0.05, 0.3], trials=3, seed=3, n_jobs=1)
    assert list(df.columns) == ["N", "alpha", "M", "load", "trial", "overlap", "sweeps",
                                "converged", "retrieved"]
    assert len(df) == 2 * 2 * 3
    assert set(df.M) == {5, 30, 10, 60}
    assert np.array_equal(df.retrieved, df.overlap > 0.9)
    assert df.overlap.between(-1, 1).all()
    again = physics.capacity_curve([100, 200], [0.05, 0.3], trials=3, seed=3, n_jobs=1)
    pd.testing.assert_frame_equal(df, again)
    # a trial's row does not depend on which other loads are in the call
    sub = physics.capacity_curve(200, [0.3], trials=3, seed=3, n_jobs=1)
    pd.testing.assert_frame_equal(sub.reset_index(drop=True),
                                  df[(df.N == 200) & (df.alpha == 0.3)].reset_index(drop=True))


@pytest.mark.slow  # starts joblib worker processes (~1-5 s)
def test_capacity_curve_same_rows_in_parallel():
    kwargs = dict(N=300, alphas=[0.1, 0.2], trials=4, seed=9)
    serial = physics.capacity_curve(**kwargs, n_jobs=1)
    parallel = physics.capacity_curve(**kwargs, n_jobs=2)
    pd.testing.assert_frame_equal(serial, parallel)


def test_capacity_curve_honours_an_enclosing_joblib_backend():
    # The Dask route of docs/physics.md is `with joblib.parallel_backend("dask"): ...`; dask is
    # not a dependency, so check the mechanism with a backend that records that it was used.
    import joblib
    from joblib._parallel_backends import ThreadingBackend

    calls = []

    class Recording(ThreadingBackend):
        def configure(self, *args, **kwargs):
            calls.append("configure")
            return super().configure(*args, **kwargs)

    joblib.register_parallel_backend("recording", Recording)
    with joblib.parallel_backend("recording", n_jobs=2):
        df = physics.capacity_curve(100, [0.1], trials=3, seed=5)
    assert calls, "capacity_curve ignored the enclosing joblib backend"
    pd.testing.assert_frame_equal(df, physics.capacity_curve(100, [0.1], trials=3, seed=5, n_jobs=1))


def test_retrieval_summary():
    df = physics.capacity_curve(200, [0.05, 0.25], trials=10, seed=1, n_jobs=1)
    s = physics.retrieval_summary(df)
    assert list(s.alpha) == [0.05, 0.25]
    assert s.trials.tolist() == [10, 10]
    assert s.fraction_retrieved.tolist() == df.groupby("alpha").retrieved.mean().tolist()
    assert s.ags_overlap.iloc[1] == 0.0  # 0.25 > alpha_c


@pytest.mark.parametrize("kwargs, exc", [
    (dict(N=0, alphas=[0.1]), ValueError),
    (dict(N=100, alphas=[-0.1]), ValueError),
    (dict(N=100, alphas=[0.1], trials=0), ValueError),
    (dict(N=100, alphas=[0.1], seed=-1), ValueError),
    (dict(N=100, alphas=[0.1], seed="a"), TypeError),
])
def test_capacity_curve_bad_input(kwargs, exc):
    with pytest.raises(exc):
        physics.capacity_curve(**kwargs, n_jobs=1)


@pytest.mark.parametrize("call, exc", [
    (lambda: physics.capacity_curve("100", [0.1], n_jobs=1), TypeError),
    (lambda: physics.capacity_curve(100, "0.1", n_jobs=1), TypeError),
    (lambda: physics.overlap_vs_temperature(100, [0.0, 0.5]), ValueError),
    (lambda: physics.overlap_vs_temperature(100, ["0.5"]), TypeError),
    (lambda: physics.overlap_vs_temperature(100, []), ValueError),
    (lambda: physics.mixture_stability(100, [0.0], n_jobs=1), ValueError),
    (lambda: physics.glauber_probability(0.3, 0.0), ValueError),
    (lambda: physics.glauber_probability("0.3", 1.0), TypeError),
    (lambda: physics.crossing_load([0.1], [1.0]), ValueError),
    (lambda: physics.crossing_load([0.1, 0.2], [1.0, np.nan]), ValueError),
])
def test_bad_input_is_a_clear_error(call, exc):
    with pytest.raises(exc):
        call()


def test_glauber_probability_definition():
    h = np.array([-3.0, -0.2, 0.0, 0.4, 2.5])
    for T in (0.3, 1.0, 4.0):
        np.testing.assert_allclose(physics.glauber_probability(h, T), 1 / (1 + np.exp(-2 * h / T)),
                                   rtol=1e-12)
    assert physics.glauber_probability(-1e6, 0.01) == 0.0  # no overflow, no nan
    assert isinstance(physics.glauber_probability(0.1, 1.0), float)


def test_crossing_load_definition():
    # linear interpolation at the first downward crossing; unsorted input is sorted first
    assert physics.crossing_load([0.1, 0.12, 0.14], [1.0, 0.8, 0.4]) == pytest.approx(0.135)
    assert physics.crossing_load([0.14, 0.1, 0.12], [0.4, 1.0, 0.8]) == pytest.approx(0.135)
    assert physics.crossing_load([0.1, 0.2, 0.3, 0.4], [0.9, 0.4, 0.6, 0.1]) == pytest.approx(0.18)
    assert physics.crossing_load([0.1, 0.2], [0.8, 0.5]) == pytest.approx(0.2)
    assert np.isnan(physics.crossing_load([0.1, 0.2], [0.9, 0.6]))
    assert np.isnan(physics.crossing_load([0.1, 0.2], [0.5, 0.0]))


# --------------------------------------------------------------------------- mixtures
def test_symmetric_mixture_definition():
    xi = random_patterns(5, 1001, rng=4)
    mix = physics.symmetric_mixture(xi, (1, 3, 4))
    assert np.array_equal(mix, np.where(xi[1] + xi[3] + xi[4] > 0, 1, -1))
    # overlap with each component: 1/2 in expectation (binomial SD 1/sqrt(N) ~ 0.03)
    assert np.allclose(xi[[1, 3, 4]] @ mix / 1001, 0.5, atol=0.1)
    with pytest.raises(ValueError, match="odd"):
        physics.symmetric_mixture(xi, (0, 1))
    with pytest.raises(ValueError):
        physics.symmetric_mixture(xi, (0, 1, 9))


def test_three_mixture_stable_at_low_load_unstable_at_high_load():
    # Amit, Gutfreund & Sompolinsky (1987): the symmetric 3-mixture is a T = 0 minimum up
    # to alpha ~ 0.03. "stable" = the final overlap with the mixture after T = 0 dynamics
    # started at it stays > 0.9 (see mixture_stability). Measured at N = 4000: overlap 1.0
    # in every trial at alpha = 0.01; <= 0.55 in every trial at 0.05, so the threshold
    # is far from both. 40 trials per load (~1.5 s): if the true stable fraction were
    # 0.9 (resp. 0.1), seeing >= 0.975 (resp. <= 0.025) would have probability < 0.1.
    df = physics.mixture_stability(4000, [0.01, 0.05], trials=40, seed=31, n_jobs=1)
    assert df.converged.all()
    frac = df.groupby("alpha").stable.mean()
    assert frac[0.01] >= 0.975
    assert frac[0.05] <= 0.025
    # the unstable mixture runs far away (measured overlap with it <= 0.55 over 120 trials
    # and 3 seeds), mostly to spin-glass-like states: in a 100-trial run only 2 % ended
    # in one of the three components, so the median component overlap is small.
    high = df[df.alpha == 0.05]
    assert high.overlap_mixture.max() < 0.7
    assert high.max_overlap_component.median() < 0.6
