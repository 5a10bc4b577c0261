"""Reference functions against their definitions (written out independently here)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import hopfield_edu as he

spins = st.integers(1, 30).flatmap(
    lambda n: arrays(np.int64, n, elements=st.sampled_from([-1, 1])))


@st.composite
def pattern_sets(draw):
    n = draw(st.integers(2, 30))
    p = draw(st.integers(1, 6))
    return draw(arrays(np.int64, (p, n), elements=st.sampled_from([-1, 1])))


@given(pattern_sets())
def test_hebb_is_the_sum_of_outer_products_over_n(pats):
    p, n = pats.shape
    w = he.train_hopfield(list(pats))
    for i in range(n):
        for j in range(n):
            expect = 0.0 if i == j else sum(pats[mu, i] * pats[mu, j] for mu in range(p)) / n
            assert w[i, j] == pytest.approx(expect)
    assert w.dtype == np.float64 and np.array_equal(w, w.T)
    assert np.array_equal(he.train_hopfield(pats), w)  # list or array


@given(spins, st.integers(0, 2**32 - 1))
def test_update_state_changes_at_most_the_chosen_neuron(s, seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(s.size, s.size))
    theta = rng.normal(size=s.size)
    before = s.copy()
    i = int(np.random.default_rng(seed).integers(s.size))  # the neuron update_state will draw
    new = he.update_state(s, w, rng=np.random.default_rng(seed), theta=theta)
    assert np.array_equal(s, before), "input mutated"
    h = sum(w[i, j] * s[j] for j in range(s.size)) - theta[i]
    expect = s.copy()
    expect[i] = 1 if h >= 0 else -1
    assert np.array_equal(new, expect)


def test_update_state_picks_neurons_uniformly():
    n = 5
    w = np.zeros((n, n))  # zero field: the chosen neuron becomes +1, revealing which one it was
    s = -np.ones(n, dtype=int)
    rng = np.random.default_rng(0)
    counts = np.zeros(n)
    for _ in range(5000):
        counts += he.update_state(s, w, rng=rng) == 1
    assert counts.sum() == 5000
    # chi-square with 4 dof; 18.5 is the 0.999 quantile
    chi2 = ((counts - 1000) ** 2 / 1000).sum()
    assert chi2 < 18.5


def test_tie_goes_to_plus_one_and_rows_are_inputs():
    w = np.array([[0.0, 1.0], [0.0, 0.0]])  # neuron 0 listens to neuron 1; neuron 1 to nobody
    s = np.array([-1, -1])
    for seed in range(20):
        new = he.update_state(s, w, rng=seed)
        i = int(np.random.default_rng(seed).integers(2))
        assert new[i] == (1 if i == 1 else -1)  # h_1 = 0 -> +1, h_0 = -1 -> -1


@given(spins, st.integers(0, 1000))
def test_energy_matches_the_double_sum(s, seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(s.size, s.size))
    theta = rng.normal(size=s.size)
    # E = -1/2 sum_ij w_ij s_i s_j + sum_i theta_i s_i (theta is a threshold: h_i = ... - theta_i)
    expect = -0.5 * sum(w[i, j] * s[i] * s[j] for i in range(s.size) for j in range(s.size)) \
        + sum(theta[i] * s[i] for i in range(s.size))
    assert he.compute_energy(s, w, theta) == pytest.approx(expect, rel=1e-9, abs=1e-9)
    assert he.compute_energy(s, w) == pytest.approx(expect - float(theta @ s), rel=1e-9, abs=1e-9)


@given(spins, st.floats(0, 1), st.integers(0, 1000))
def test_add_noise_flips_exactly_int_level_n_distinct_bits(s, level, seed):
    before = s.copy()
    noisy = he.add_noise(s, level, rng=seed)
    assert np.array_equal(s, before)
    assert np.count_nonzero(noisy != s) == int(level * s.size)
    assert np.array_equal(noisy, he.add_noise(s, level, rng=seed))


def test_add_noise_flips_uniformly():
    p = np.ones(10, dtype=int)
    rng = np.random.default_rng(3)
    counts = sum((he.add_noise(p, 0.3, rng=rng) == -1).astype(int) for _ in range(3000))
    # each bit flipped with probability 0.3: 900 expected, SD 25
    assert np.all(np.abs(counts - 900) < 5 * 25)


def test_overlap_definition_and_synchronous_update():
    a = np.array([1, 1, -1, -1])
    assert he.overlap(a, a) == 1.0 and he.overlap(a, -a) == -1.0
    assert he.overlap(a, np.array([1, -1, -1, 1])) == 0.0
    w = np.array([[0.0, 1.0], [1.0, 0.0]])
    s = np.array([1, -1])
    s1 = he.update_synchronous(s, w)
    assert s1.tolist() == [-1, 1] and he.update_synchronous(s1, w).tolist() == [1, -1]  # a 2-cycle
    assert s.tolist() == [1, -1]


@settings(max_examples=30)
@given(pattern_sets(), st.integers(0, 10_000))
def test_asynchronous_energy_never_rises(pats, seed):
    w = he.train_hopfield(pats)
    rng = np.random.default_rng(seed)
    s = np.where(rng.random(pats.shape[1]) < 0.5, 1, -1)
    e = he.compute_energy(s, w)
    for _ in range(60):
        s = he.update_state(s, w, rng=rng)
        e_new = he.compute_energy(s, w)
        assert e_new <= e + 1e-12
        e = e_new


@settings(max_examples=40)
@given(st.integers(2, 25), st.integers(0, 10_000))
def test_energy_with_thresholds_never_rises(n, seed):
    """The threshold sign is what makes E a Lyapunov function of update_state."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n, n))
    w = (w + w.T) / 2
    np.fill_diagonal(w, 0)
    theta = rng.normal(size=n)
    s = np.where(rng.random(n) < 0.5, 1, -1)
    e = he.compute_energy(s, w, theta)
    for _ in range(4 * n):
        s = he.update_state(s, w, rng=rng, theta=theta)
        e_new = he.compute_energy(s, w, theta)
        assert e_new <= e + 1e-12
        e = e_new


def test_the_seed_sign_would_let_the_energy_rise():
    # One neuron, no weights, threshold 0.5: the update sets s = -1 (h = -0.5 < 0).
    s = he.update_state([1], np.zeros((1, 1)), rng=0, theta=[0.5])
    assert s.tolist() == [-1]
    assert he.compute_energy([-1], np.zeros((1, 1)), [0.5]) < he.compute_energy([1], np.zeros((1, 1)), [0.5])
    seed_energy = lambda x: -0.5 * 0 - 0.5 * x  # noqa: E731  seed 001's -theta^T s
    assert seed_energy(-1) > seed_energy(1)
