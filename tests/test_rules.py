"""Pseudo-inverse and Storkey rules: definitions, shapes, and what they store that Hebb cannot."""
import numpy as np
import pytest

from hopfield_edu import HopfieldNetwork, random_patterns, train_hopfield
from hopfield_edu.rules import RULES, pseudo_inverse, storkey

scipy = pytest.importorskip("scipy", reason="scipy.linalg.orth is the independent projector")
from scipy import linalg  # noqa: E402


def _unstable_bits(W, patterns):
    """Bits whose local field does not agree in sign with the stored bit (h_i xi_i <= 0)."""
    xi = np.asarray(patterns, dtype=float)
    return (xi @ W.T) * xi <= 0


@pytest.mark.parametrize("rule", [pseudo_inverse, storkey])
@pytest.mark.parametrize("as_list", [False, True])
def test_interface_like_train_hopfield(rule, as_list):
    xi = random_patterns(4, 30, rng=1)
    W = rule(list(xi) if as_list else xi)
    assert W.shape == (30, 30) and W.dtype == np.float64
    assert np.array_equal(W, W.T)
    assert np.all(np.diag(W) == 0)
    W_full = rule(xi, zero_diagonal=False)
    assert np.array_equal(W, W_full - np.diag(np.diag(W_full)))


@pytest.mark.parametrize("rule", [pseudo_inverse, storkey])
def test_bad_input(rule):
    with pytest.raises(ValueError, match=r"\+1 and -1"):
        rule(np.array([[0, 1, 1], [1, 0, 1]]))
    with pytest.raises(ValueError):
        rule(np.array([1, -1, 1]))  # one vector, not a list of patterns
    with pytest.raises(TypeError):
        rule("patterns")


def test_pseudo_inverse_is_the_projector_onto_the_patterns():
    # correlated patterns: 3 random ones plus 3 that copy them with 10 % flips, plus an
    # exact duplicate (linearly dependent -> the Moore-Penrose inverse is needed)
    rng = np.random.default_rng(2)
    base = random_patterns(3, 60, rng=rng)
    noisy = base * np.where(rng.random(base.shape) < 0.1, -1, 1)
    xi = np.vstack([base, noisy, base[:1]])
    P = pseudo_inverse(xi, zero_diagonal=False)
    Q = linalg.orth(xi.T.astype(float))  # orthonormal basis of span(patterns), independent SVD
    np.testing.assert_allclose(P, Q @ Q.T, atol=1e-10)
    np.testing.assert_allclose(P @ xi.T, xi.T, atol=1e-10)  # every pattern: h = xi exactly
    np.testing.assert_allclose(P @ P, P, atol=1e-10)


def test_pseudo_inverse_equals_hebb_for_orthogonal_patterns():
    # rows of a Hadamard matrix are orthogonal: Xi Xi^T = N I, so the projector is Hebb's 1/N rule
    H = linalg.hadamard(16)[:5]
    np.testing.assert_allclose(pseudo_inverse(H), train_hopfield(H), atol=1e-12)


def _storkey_loops(xi):
    """Storkey (1997) written out entry by entry, straight from the paper's formula."""
    m, n = xi.shape
    w = np.zeros((n, n))
    for x in xi.astype(float):
        new = w.copy()
        for i in range(n):
            for j in range(n):
                h_ij = sum(w[i, k] * x[k] for k in range(n) if k != i and k != j)
                h_ji = sum(w[j, k] * x[k] for k in range(n) if k != i and k != j)
                new[i, j] = w[i, j] + (x[i] * x[j] - x[i] * h_ji - h_ij * x[j]) / n
        w = new
    return w


def test_storkey_matches_the_formula_entry_by_entry():
    xi = random_patterns(4, 9, rng=3)
    np.testing.assert_allclose(storkey(xi, zero_diagonal=False), _storkey_loops(xi), atol=1e-12)


def test_storkey_of_one_pattern_is_hebb():
    xi = random_patterns(1, 20, rng=4)
    np.testing.assert_allclose(storkey(xi), train_hopfield(xi), atol=1e-15)


def test_rules_store_random_patterns_beyond_hebb():
    # N = 500, M = 75 (alpha = 0.15 > alpha_c): Hebb leaves ~0.5 % of the 37 500 bits
    # unstable (Gaussian crosstalk estimate 185 bits, measured 197), while both rules make
    # every pattern a fixed point (pseudo-inverse: exactly, up to M = N; Storkey: capacity
    # ~N / sqrt(2 ln N) ~ 200 for N = 500).
    xi = random_patterns(75, 500, rng=3)
    assert _unstable_bits(train_hopfield(xi), xi).sum() > 50
    for rule in (pseudo_inverse, storkey):
        assert not _unstable_bits(rule(xi), xi).any(), rule.__name__


@pytest.fixture(scope="module")
def prototypes():
    data = pytest.importorskip("hopfield_edu.data", reason="hopfield_edu.data not available yet")
    protos = data.mnist_prototypes()  # first image of each digit 0-9, binarized > 127
    return np.array([protos[d] for d in range(10)])


def test_pseudo_inverse_stores_mnist_prototypes_that_hebb_cannot(prototypes):
    xi = prototypes
    # They are strongly correlated (pairwise overlaps 0.57-0.78, mostly shared background),
    # which is why Hebb fails at M = 10 = 0.013 N, ten times below alpha_c.
    C = xi @ xi.T / xi.shape[1]
    assert C[~np.eye(10, dtype=bool)].min() > 0.5
    hebb_bad = _unstable_bits(train_hopfield(xi), xi)
    assert hebb_bad.any(axis=1).all()  # every prototype has bits Hebb's fields would flip
    W = pseudo_inverse(xi)
    assert not _unstable_bits(W, xi).any()  # every prototype is a fixed point
    # and the engine agrees: started at a prototype, nothing flips
    net = HopfieldNetwork(784, rng=0).set_weights(W)
    for p in xi:
        res = net.run(p, mode="stable", record_energy=False)
        assert res.converged and res.flips == 0 and res.sweeps == 1


def test_rules_registry():
    assert set(RULES) == {"pseudo_inverse", "storkey"}
    assert all(callable(r) for r in RULES.values())
