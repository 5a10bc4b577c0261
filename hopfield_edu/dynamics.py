"""Reference dynamics on a dense weight matrix: energy, asynchronous and
synchronous updates, noise and overlap.

These are the functions students write in assignment 1, done right. They are
short and plain on purpose: they define the model. The fast engine
(:mod:`hopfield_edu.engine`) is tested against them.
"""
from __future__ import annotations

import numpy as np

from ._validation import (
    as_generator,
    as_spin_vector,
    as_theta,
    as_weights,
    check_fraction,
)
from ._graded import graded_reference

__all__ = [
    "local_field",
    "update_state",
    "update_synchronous",
    "compute_energy",
    "add_noise",
    "overlap",
]


def _sign(h):
    # Tie rule of the whole package: a zero field sets the neuron to +1.
    return np.where(h >= 0, 1, -1)


def local_field(state, weights, theta=None) -> np.ndarray:
    r"""All local fields :math:`h_i = \sum_j w_{ij} s_j - \theta_i` (row i of W)."""
    s = as_spin_vector(state)
    w = as_weights(weights, n=s.size)
    th = as_theta(theta, s.size)
    return w @ s.astype(np.float64) - th


@graded_reference("update_state")
def update_state(state, weights, rng=None, theta=None) -> np.ndarray:
    r"""One asynchronous update: pick one neuron uniformly at random and set

    .. math:: s_i \leftarrow \operatorname{sign}\Big(\sum_j w_{ij} s_j - \theta_i\Big),

    with :math:`\operatorname{sign}(0) = +1`.

    Parameters
    ----------
    state : 1-D array of ±1, length N
    weights : (N, N) array
        Row i holds the inputs of neuron i.
    rng : None, int or numpy.random.Generator
        Chooses the neuron; pass a seed or Generator for reproducible runs.
    theta : None, float or length-N array
        Thresholds (biases); ``None`` means zero.

    Returns
    -------
    numpy.ndarray
        A new state vector; the input is never modified.
    """
    s = as_spin_vector(state)
    w = as_weights(weights, n=s.size)
    th = as_theta(theta, s.size)
    gen = as_generator(rng)
    new_state = np.array(state, copy=True)
    i = int(gen.integers(s.size))
    h = w[i] @ s.astype(np.float64) - th[i]
    new_state[i] = 1 if h >= 0 else -1
    return new_state


def update_synchronous(state, weights, theta=None) -> np.ndarray:
    r"""One synchronous update: every neuron at once, :math:`s \leftarrow \operatorname{sign}(Ws - \theta)`.

    Unlike asynchronous updates this does not always lower the energy: with
    symmetric weights it can end in a 2-cycle that flips back and forth.
    Returns a new array; the input is never modified.
    """
    s = as_spin_vector(state)
    w = as_weights(weights, n=s.size)
    th = as_theta(theta, s.size)
    out = np.array(state, copy=True)
    out[...] = _sign(w @ s.astype(np.float64) - th)
    return out


@graded_reference("compute_energy")
def compute_energy(state, weights, theta=None) -> float:
    r"""Energy of a state,

    .. math:: E(\mathbf s) = -\tfrac12 \sum_{i,j} w_{ij} s_i s_j + \sum_i \theta_i s_i
              = -\tfrac12\, \mathbf s^\top W \mathbf s + \boldsymbol\theta^\top \mathbf s .

    This is the Ising Hamiltonian :math:`H = -\sum_{i<j} J_{ij} s_i s_j - \sum_i h_i s_i`
    with couplings :math:`J_{ij} = w_{ij}` and external fields :math:`h_i = -\theta_i`.
    The sign of the threshold term is fixed by the update rule
    :math:`s_i \leftarrow \operatorname{sign}(\sum_j w_{ij} s_j - \theta_i)`: flipping
    neuron i changes the energy by
    :math:`\Delta E = -\Delta s_i \big(\sum_j w_{ij} s_j - \theta_i\big) \le 0`
    (symmetric W, zero diagonal), so asynchronous updates never raise it (Hopfield 1982;
    Hertz, Krogh & Palmer 1991, ch. 2). The teaching notebook this course grew from wrote
    :math:`-\sum_i \theta_i s_i` next to the same update rule; with a non-zero threshold
    its energy can rise.
    """
    s = as_spin_vector(state).astype(np.float64)
    w = as_weights(weights, n=s.size)
    th = as_theta(theta, s.size)
    return float(-0.5 * s @ w @ s + th @ s)


@graded_reference("add_noise")
def add_noise(pattern, noise_level, rng=None) -> np.ndarray:
    """Flip exactly ``int(noise_level * N)`` distinct, uniformly chosen bits.

    Parameters
    ----------
    pattern : 1-D array of ±1
    noise_level : float in [0, 1]
        Fraction of bits to flip. The count is rounded down, as in the
        research notebook (``int(0.15 * 25) == 3``).
    rng : None, int or numpy.random.Generator

    Returns
    -------
    numpy.ndarray
        A noisy copy; the input is never modified. With noise 0.5 the copy is
        uncorrelated with the pattern on average, with noise 1 it is the
        anti-pattern ``-pattern``.
    """
    as_spin_vector(pattern, name="pattern")
    level = check_fraction(noise_level, "noise_level")
    gen = as_generator(rng)
    noisy = np.array(pattern, copy=True)
    n = noisy.size
    flip = gen.choice(n, size=int(level * n), replace=False)
    noisy[flip] *= -1
    return noisy


@graded_reference("overlap")
def overlap(a, b) -> float:
    r"""Overlap :math:`m = \frac1N \sum_i a_i b_i` of two ±1 vectors, in [-1, 1].

    m = 1 means identical, m = -1 means ``a`` is the anti-pattern of ``b``,
    m ≈ 0 means unrelated. Same as 1 - 2 x (fraction of differing bits).
    """
    x = as_spin_vector(a, name="a")
    y = as_spin_vector(b, name="b", n=x.size)
    return float(x.astype(np.int64) @ y.astype(np.int64)) / x.size
