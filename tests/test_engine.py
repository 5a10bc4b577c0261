"""The Numba engine against straightforward O(N)-per-step loops fed the same neurons."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hopfield_edu as he
from hopfield_edu import _rng

MASK = (1 << 64) - 1


class SplitMix64:
    """Textbook SplitMix64 (Steele et al. 2014), written independently of the engine."""

    def __init__(self, seed):
        self.s = seed & MASK

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & MASK
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def test_splitmix_reference_matches_published_vectors():
    # First outputs for seed 1234567, as listed with the reference C code.
    g = SplitMix64(1234567)
    assert [g.next() for _ in range(3)] == [6457827717110365317, 3203168211198807973,
                                            9817491932198370423]


def test_kernel_stream_is_splitmix64():
    from numba import njit

    @njit
    def draws(state, k):
        out = np.empty(k, dtype=np.uint64)
        for i in range(k):
            out[i] = _rng.next_u64(state)
        return out

    state = np.array([1234567, 0, 0], dtype=np.uint64)
    ref = SplitMix64(1234567)
    assert draws(state, 50).tolist() == [ref.next() for _ in range(50)]


def reference_recall(patterns, s, sequence, inhibitory=(), inh_mode="rows", scale=None):
    """O(N) per step on an explicit integer matrix; exact ties; energy -1/2 s^T W s."""
    xi = np.asarray(patterns, dtype=np.int64)
    m, n = xi.shape
    w = xi.T @ xi
    np.fill_diagonal(w, 0)
    d = np.ones(n, dtype=np.int64)
    d[list(inhibitory)] = -1
    w = d[:, None] * w if inh_mode == "rows" else w * d[None, :]
    scale = m if scale is None else scale
    s = np.array(s, dtype=np.int64)
    energies = []
    for i in sequence:
        h = int(w[i] @ s)
        s[i] = 1 if h >= 0 else -1
        energies.append(-int(s @ w @ s) / (2 * scale))
    return s, np.array(energies)


@st.composite
def setups(draw):
    n = draw(st.integers(3, 40))
    m = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    pats = np.where(rng.random((m, n)) < 0.5, 1, -1)
    s0 = np.where(rng.random(n) < 0.5, 1, -1)
    seq = rng.integers(0, n, size=draw(st.integers(1, 200)))
    frac = draw(st.sampled_from([0.0, 0.2, 0.5]))
    mode = draw(st.sampled_from(["rows", "columns"]))
    return pats, s0, seq, frac, mode, seed


@settings(max_examples=150, deadline=None)
@given(setups())
def test_engine_equals_reference_loop(setup):
    pats, s0, seq, frac, inh_mode, seed = setup
    net = he.HopfieldNetwork(pats.shape[1], inhibitory_fraction=frac, inhibitory_mode=inh_mode, rng=seed)
    net.train(pats)
    res = net.run(s0, sequence=seq)
    ref_s, ref_e = reference_recall(pats, s0, seq, net.inhibitory_neurons, inh_mode)
    assert np.array_equal(res.state, ref_s)
    np.testing.assert_allclose(res.energy, ref_e, rtol=1e-12, atol=1e-12)
    # the energy is exactly -1/2 s^T W s of the dense matrix too
    assert res.energy[-1] == pytest.approx(he.compute_energy(res.state, net.weights), abs=1e-9)
    assert res.initial_energy == pytest.approx(net.calculate_energy(s0), abs=1e-12)


def test_fast_path_and_general_kernel_agree():
    """Steps mode without inhibition takes a specialised kernel; it must equal the general one."""
    rng = np.random.default_rng(5)
    pats = np.where(rng.random((7, 300)) < 0.5, 1, -1)
    s0 = he.add_noise(pats[0], 0.3, rng=1)
    fast = he.HopfieldNetwork(300, rng=9).train(pats).run(s0, max_steps=2000)
    # record_every forces the general kernel; same seed -> same neuron stream
    slow = he.HopfieldNetwork(300, rng=9).train(pats).run(s0, max_steps=2000, record_every=100)
    assert np.array_equal(fast.state, slow.state) and np.array_equal(fast.energy, slow.energy)
    assert fast.flips == slow.flips > 0
    # recall() has its own lean path into the same kernel: same stream, same result
    for frac in (0.0, 0.2):
        via_recall = he.HopfieldNetwork(300, inhibitory_fraction=frac, rng=9).train(pats)
        via_run = he.HopfieldNetwork(300, inhibitory_fraction=frac, rng=9).train(pats)
        s1, e1 = via_recall.recall(s0, max_steps=2000)
        r2 = via_run.run(s0, max_steps=2000, record_every=100)
        assert np.array_equal(s1, r2.state) and np.array_equal(e1, r2.energy)


def test_ties_are_exact_where_float_sums_are_not():
    # Found by search: the seed's float loop sums thirds to -5.6e-17 for neuron 3, whose
    # exact field is 0, and so sets it to -1; the tie rule says +1.
    pats = np.array([[-1, -1, -1, 1, 1, 1, -1], [1, -1, 1, -1, 1, 1, -1], [-1, 1, -1, 1, -1, 1, 1]])
    s = np.array([-1, 1, 1, -1, 1, -1, 1])
    exact = pats.T @ pats
    np.fill_diagonal(exact, 0)
    assert int(exact[3] @ s) == 0
    w = np.sum([np.outer(p, p) for p in pats], axis=0).astype(float) / 3
    np.fill_diagonal(w, 0)
    seed_style = 0.0
    for j in range(7):
        seed_style += w[3, j] * s[j]
    assert seed_style < 0  # the float sum misses the tie
    res = he.HopfieldNetwork(7).train(pats).run(s, sequence=np.array([3]))
    assert res.state[3] == 1


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 30), st.integers(0, 2**31), st.booleans())
def test_dense_weights_equal_reference_loop(n, seed, symmetric):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(n, n))
    if symmetric:
        w = (w + w.T) / 2
    theta = rng.normal(size=n) * 0.3
    s0 = np.where(rng.random(n) < 0.5, 1, -1)
    seq = rng.integers(0, n, size=100)
    net = he.HopfieldNetwork(n, rng=0).set_weights(w, theta)
    res = net.run(s0, sequence=seq)
    s = s0.astype(float)
    for k, i in enumerate(seq):
        s[i] = 1.0 if w[i] @ s - theta[i] >= 0 else -1.0
        assert res.energy[k] == pytest.approx(-0.5 * s @ w @ s + theta @ s, abs=1e-9)
    assert np.array_equal(res.state, s)


@settings(max_examples=60, deadline=None)
@given(st.integers(5, 60), st.integers(1, 8), st.integers(0, 2**31), st.sampled_from(["steps", "stable"]))
def test_energy_never_rises_at_zero_temperature(n, m, seed, mode):
    rng = np.random.default_rng(seed)
    pats = np.where(rng.random((m, n)) < 0.5, 1, -1)
    s0 = np.where(rng.random(n) < 0.5, 1, -1)
    res = he.HopfieldNetwork(n, rng=seed).train(pats).run(s0, mode=mode, max_steps=5 * n)
    e = np.r_[res.initial_energy, res.energy]
    assert np.all(np.diff(e) <= 0)  # exact integer arithmetic: not even rounding noise
    # dense symmetric weights with zero diagonal too (float: allow rounding)
    w = rng.normal(size=(n, n))
    w = (w + w.T) / 2
    np.fill_diagonal(w, 0)
    res = he.HopfieldNetwork(n, rng=seed).set_weights(w).run(s0, mode=mode, max_steps=5 * n)
    assert np.all(np.diff(np.r_[res.initial_energy, res.energy]) <= 1e-9)
    # and with thresholds, whose sign in E makes it a Lyapunov function of h_i - theta_i
    theta = rng.normal(size=n)
    res = he.HopfieldNetwork(n, rng=seed).set_weights(w, theta).run(s0, mode=mode, max_steps=5 * n)
    assert np.all(np.diff(np.r_[res.initial_energy, res.energy]) <= 1e-9)
    assert res.energy[-1] == pytest.approx(he.compute_energy(res.state, w, theta), abs=1e-9)


def test_stable_mode_ends_at_a_fixed_point():
    rng = np.random.default_rng(2)
    pats = np.where(rng.random((10, 200)) < 0.5, 1, -1)
    net = he.HopfieldNetwork(200, rng=3).train(pats)
    res = net.run(he.add_noise(pats[0], 0.2, rng=4), mode="stable")
    assert res.converged and res.sweeps >= 1 and res.steps == res.sweeps * 200
    h = net.local_field(res.state)
    assert np.array_equal(np.where(h >= 0, 1, -1), res.state)
    assert he.overlap(res.state, pats[0]) == 1.0  # alpha = 0.05 at 20 % noise: perfect recall


def test_stable_mode_reports_non_convergence_at_the_cap():
    w = np.array([[0.0, 1.0], [-1.0, 0.0]])  # antisymmetric: no fixed point for (1,-1)... cycles
    net = he.HopfieldNetwork(2, rng=0).set_weights(w)
    res = net.run(np.array([1, 1]), mode="stable", max_sweeps=7)
    fields_agree = np.array_equal(np.where(net.local_field(res.state) >= 0, 1, -1), res.state)
    assert res.converged == fields_agree
    assert res.sweeps <= 7


def test_synchronous_two_cycle_and_fixed_point():
    net = he.HopfieldNetwork(2, rng=0).set_weights([[0.0, 1.0], [1.0, 0.0]])
    res = net.run(np.array([1, -1]), mode="sync", max_steps=50)
    assert res.cycle and not res.converged and res.steps == 2
    assert res.state.tolist() == [1, -1]
    res = net.run(np.array([1, 1]), mode="sync", max_steps=50)
    assert res.converged and not res.cycle and res.steps == 1


def test_synchronous_matches_reference_iteration():
    rng = np.random.default_rng(7)
    pats = np.where(rng.random((5, 60)) < 0.5, 1, -1)
    net = he.HopfieldNetwork(60, rng=0).train(pats, normalization="neurons")
    s = he.add_noise(pats[1], 0.3, rng=1)
    res = net.run(s, mode="sync", max_steps=20)
    w = he.train_hopfield(pats)
    ref = s.copy()
    for k in range(res.steps):
        ref = he.update_synchronous(ref, w)
        assert res.energy[k] == pytest.approx(he.compute_energy(ref, w))
    assert np.array_equal(ref, res.state)


def test_normalisations_give_the_same_dynamics():
    rng = np.random.default_rng(11)
    pats = np.where(rng.random((4, 50)) < 0.5, 1, -1)
    s0 = he.add_noise(pats[0], 0.3, rng=2)
    seq = rng.integers(0, 50, 400)
    a = he.HopfieldNetwork(50).train(pats).run(s0, sequence=seq)
    b = he.HopfieldNetwork(50).train(pats, normalization="neurons").run(s0, sequence=seq)
    assert np.array_equal(a.state, b.state)
    np.testing.assert_allclose(a.energy * 4 / 50, b.energy, rtol=1e-12)
    assert np.allclose(he.HopfieldNetwork(50).train(pats, normalization="neurons").weights,
                       he.train_hopfield(pats))


def test_inhibitory_rows_flip_the_inhibitory_bits_columns_do_not():
    rng = np.random.default_rng(0)
    p = np.where(rng.random(500) < 0.5, 1, -1)
    rows = he.HopfieldNetwork(500, inhibitory_fraction=0.2, inhibitory_mode="rows", rng=1).train([p])
    res = rows.run(p, mode="stable")
    assert he.overlap(res.state, p) == pytest.approx(1 - 2 * 0.2)
    assert np.array_equal(res.state != p, np.isin(np.arange(500), rows.inhibitory_neurons))
    cols = he.HopfieldNetwork(500, inhibitory_fraction=0.2, inhibitory_mode="columns", rng=1).train([p])
    assert he.overlap(cols.run(p, mode="stable").state, p) == 1.0
    # the dense matrices are the row-/column-negated Hebbian matrix
    w = np.outer(p, p).astype(float)
    np.fill_diagonal(w, 0)
    inh = rows.inhibitory_neurons
    assert np.array_equal(rows.weights[inh], -w[inh]) and np.array_equal(cols.weights[:, inh], -w[:, inh])
    assert inh.size == 100


def test_glauber_equals_reference_with_the_same_uniforms():
    rng = np.random.default_rng(4)
    pats = np.where(rng.random((3, 40)) < 0.5, 1, -1)
    s0 = np.where(rng.random(40) < 0.5, 1, -1)
    seq = rng.integers(0, 40, 300)
    T = 0.7
    gen = np.random.default_rng(99)
    res = he.HopfieldNetwork(40).train(pats).run(s0, sequence=seq, temperature=T, rng=gen)
    # the kernel's stream: one 63-bit SplitMix64 seed drawn from the generator's bit generator
    stream = SplitMix64(int(np.random.default_rng(99).bit_generator.random_raw()) >> 1)
    w = (pats.T @ pats).astype(float) / 3
    np.fill_diagonal(w, 0)
    s = s0.astype(float)
    for i in seq:
        u = (stream.next() >> 11) * 2.0**-53
        h = w[i] @ s
        s[i] = 1.0 if u < 1.0 / (1.0 + np.exp(-2.0 * h / T)) else -1.0
    assert np.array_equal(res.state, s)


@pytest.mark.parametrize("kwargs", [
    dict(mode="steps"), dict(mode="stable"), dict(mode="sync"),
    dict(mode="steps", temperature=0.5), dict(mode="stable", temperature=0.5, max_sweeps=3),
    dict(mode="sync", temperature=0.5, max_steps=5),
])
@pytest.mark.parametrize("frac", [0.0, 0.2])
def test_every_mode_is_reproducible_under_a_seed(kwargs, frac):
    pats = he.random_patterns(5, 120, rng=0)
    s0 = he.add_noise(pats[0], 0.3, rng=1)

    def go(seed):
        # 1/N normalisation puts fields at O(1), so T = 0.5 is a real temperature (with the
        # research notebook's 1/M, fields are N/M = 24 times larger and T = 0.5 is frozen)
        net = he.HopfieldNetwork(120, inhibitory_fraction=frac, rng=seed).train(pats, normalization="neurons")
        r = net.run(s0, **kwargs)
        return r.state, r.energy, net.inhibitory_neurons

    a, b = go(42), go(42)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    runs = [go(s) for s in range(6)]
    if kwargs.get("temperature") or kwargs["mode"] != "sync" or frac:
        assert any(not np.array_equal(r[1], runs[0][1]) for r in runs[1:]), "seed has no effect"


def test_batch_equals_sequential_runs():
    pats = he.random_patterns(4, 100, rng=0)
    starts = np.array([he.add_noise(p, 0.3, rng=i) for i, p in enumerate(pats)])
    net = he.HopfieldNetwork(100, rng=1).train(pats)
    batch = net.recall_batch(starts, max_steps=300, rng=5)
    gen = np.random.default_rng(5)
    for k, s0 in enumerate(starts):
        r = net.run(s0, max_steps=300, rng=gen)
        assert np.array_equal(batch.states[k], r.state) and np.array_equal(batch.energies[k], r.energy)
    assert batch.energy_array.shape == (4, 300)
    stable = net.recall_batch(starts, mode="stable", rng=5)
    assert stable.converged.all() and len(stable.energies) == 4


def test_recorded_overlaps_and_snapshots():
    pats = he.random_patterns(3, 80, rng=0)
    net = he.HopfieldNetwork(80, rng=1).train(pats)
    s0 = he.add_noise(pats[2], 0.25, rng=2)
    res = net.run(s0, max_steps=200, record_overlaps=True, record_every=50)
    assert res.overlaps.shape == (201, 3) and res.snapshots.shape == (5, 80)
    assert np.allclose(res.overlaps[0], pats @ s0 / 80)
    assert np.allclose(res.overlaps[-1], pats @ res.state / 80)
    assert np.array_equal(res.snapshots[0], s0) and np.array_equal(res.snapshots[-1], res.state)


def test_seed_notebook_interface_runs():
    pats = he.random_patterns(4, 784, rng=0)
    net = he.HopfieldNetwork(784, inhibitory_fraction=0.2, rng=0)
    net.train(pats)
    final_state, energy_history = net.recall(pats[0], max_steps=1500)
    assert final_state.shape == (784,) and energy_history.shape == (1500,)
    _, no_energy = net.recall(pats[0], max_steps=1500, record_energy=False)
    assert no_energy.size == 0
    assert isinstance(net.calculate_energy(final_state), float)
    assert net.weights.shape == (784, 784)
