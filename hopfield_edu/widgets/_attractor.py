r"""Naming where a playground's recall ended: a stored pattern, its anti-pattern, a mixture, or a
spurious state; and the energies of the states one flip away (the neighbour panel).

(The experiments label their recalls relative to a target digit and with a tolerance,
in their own module; the names here are exact, for any state and no target.)

At T = 0 the asynchronous dynamics end in a fixed point of
:math:`s_i = \operatorname{sign}(h_i)`. Besides the stored patterns
:math:`\xi^\mu`, the Hebbian energy has minima at the anti-patterns
:math:`-\xi^\mu` (E is even in s) and at mixture states such as
:math:`\operatorname{sgn}(\pm\xi^{\mu_1} \pm \xi^{\mu_2} \pm \xi^{\mu_3})`
(Amit, Gutfreund & Sompolinsky, Phys. Rev. A 32, 1007, 1985; Hertz, Krogh &
Palmer, *Introduction to the Theory of Neural Computation*, 1991, sec. 2.2).
:func:`classify_attractor` compares a state with these candidates bit for bit.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

import numpy as np

from .._validation import as_spin_matrix, as_spin_vector

__all__ = ["Attractor", "classify_attractor", "neighbour_energies"]

#: Kinds returned by :func:`classify_attractor`.
KINDS = ("pattern", "anti-pattern", "mixture", "spurious", "nothing stored")


@dataclass(frozen=True)
class Attractor:
    r"""The name of a state relative to the stored patterns.

    Attributes
    ----------
    kind : str
        One of ``pattern``, ``anti-pattern``, ``mixture``, ``spurious``, ``nothing stored``.
    detail : str
        Human-readable: which pattern, which mixture (e.g. ``sgn(+A +B -C)``), or the
        closest pattern and its overlap for a spurious state.
    indices : tuple of int
        The patterns involved (the closest one for a spurious state).
    signs : tuple of int
        Their signs in the mixture (+1 / -1); for a pattern (+1,), anti-pattern (-1,).
    overlaps : numpy.ndarray
        :math:`m_\mu = \xi^\mu\cdot s / N` for every stored pattern.
    """

    kind: str
    detail: str
    indices: tuple
    signs: tuple
    overlaps: np.ndarray

    def __iter__(self):  # ``kind, detail = classify_attractor(...)``
        return iter((self.kind, self.detail))


def _name(names, i):
    return str(names[i]) if names is not None else f"pattern {i}"


def classify_attractor(state, patterns, names=None, *, max_mixture=3) -> Attractor:
    r"""Name the state ``state`` relative to the stored ``patterns``.

    Checks, in this order and bit for bit: a stored pattern :math:`\xi^\mu`; an
    anti-pattern :math:`-\xi^\mu`; a mixture
    :math:`\operatorname{sgn}(\sum_{\mu\in S}\epsilon_\mu\xi^\mu)` over every subset S of
    odd size 3 .. ``max_mixture`` and every sign choice :math:`\epsilon_\mu=\pm1`
    (odd sizes only, so no bit sums to 0). Anything else is ``spurious``, described by
    its closest pattern (largest :math:`|m_\mu|`).

    Parameters
    ----------
    state : array of ±1, shape (N,)
    patterns : array of ±1, shape (M, N)
        M may be 0 (then the kind is ``nothing stored``).
    names : sequence of str, optional
        Names of the patterns (default ``pattern 0``, ``pattern 1``, ...).
    max_mixture : odd int >= 3, default 3
        Largest mixture to try; the candidates number :math:`\binom{M}{k}2^k`.

    Returns
    -------
    Attractor
        Unpacks as ``kind, detail``.

    Examples
    --------
    >>> xi = np.array([[1, 1, 1, -1, -1], [1, -1, 1, 1, -1], [-1, 1, 1, 1, 1]])
    >>> kind, detail = classify_attractor(-xi[1], xi, ["A", "B", "C"])
    >>> kind, detail
    ('anti-pattern', 'anti-pattern of B')
    """
    s = as_spin_vector(state, name="state").astype(np.int64)
    xi = np.asarray(patterns)
    if xi.size == 0:
        return Attractor("nothing stored", "nothing is stored", (), (), np.zeros(0))
    xi = as_spin_matrix(xi, name="patterns", n=s.size).astype(np.int64)
    if names is not None and len(names) != xi.shape[0]:
        raise ValueError(f"names must have one entry per pattern ({xi.shape[0]}), got {len(names)}")
    if not (isinstance(max_mixture, int) and max_mixture >= 1 and max_mixture % 2 == 1):
        raise ValueError(f"max_mixture must be an odd int >= 1, got {max_mixture!r}")
    m = xi @ s / s.size
    for mu in range(xi.shape[0]):
        if np.array_equal(xi[mu], s):
            return Attractor("pattern", _name(names, mu), (mu,), (1,), m)
    for mu in range(xi.shape[0]):
        if np.array_equal(-xi[mu], s):
            return Attractor("anti-pattern", f"anti-pattern of {_name(names, mu)}", (mu,), (-1,), m)
    for k in range(3, min(max_mixture, xi.shape[0]) + 1, 2):
        for subset in combinations(range(xi.shape[0]), k):
            part = xi[list(subset)]
            for signs in product((1, -1), repeat=k):
                if np.array_equal(np.sign(np.asarray(signs) @ part), s):
                    terms = " ".join(f"{'+' if e > 0 else '-'}{_name(names, mu)}"
                                     for e, mu in zip(signs, subset))
                    return Attractor("mixture", f"mixture sgn({terms})", subset, signs, m)
    best = int(np.argmax(np.abs(m)))
    return Attractor("spurious",
                     f"spurious state; closest: {_name(names, best)} (m = {m[best]:+.2f})",
                     (best,), (int(np.sign(m[best]) or 1),), m)


def neighbour_energies(state, weights, theta=None) -> np.ndarray:
    r"""Energy of each state one flip away: entry i is E(s with :math:`s_i \to -s_i`).

    For :math:`E(\mathbf s) = -\tfrac12\mathbf s^\top W\mathbf s + \theta^\top\mathbf s`
    with W symmetric and :math:`w_{ii}=0`, flipping neuron i changes the energy by
    :math:`\Delta E_i = 2 s_i (h_i - \theta_i)`, :math:`h_i = \sum_j w_{ij}s_j`; a
    state is a fixed point of the T = 0 dynamics exactly when no flip lowers E
    (ties aside). The playground's neighbour panel draws these values.
    """
    s = as_spin_vector(state, name="state").astype(float)
    w = np.asarray(weights, dtype=float)
    if w.shape != (s.size, s.size):
        raise ValueError(f"weights must be ({s.size}, {s.size}), got {w.shape}")
    th = np.zeros(s.size) if theta is None else np.asarray(theta, dtype=float)
    h = w @ s
    e = -0.5 * s @ h + th @ s
    return e + 2 * s * (h - th)
