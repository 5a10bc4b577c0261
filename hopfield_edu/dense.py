r"""Dense associative memory and modern (continuous) Hopfield networks.

From the classical energy to attention, in three steps:

1. **Dense associative memory** (Krotov & Hopfield 2016). With the integer overlaps
   :math:`m_\mu = \boldsymbol\xi^\mu \cdot \boldsymbol\sigma` of a ±1 state with the M
   stored patterns, the energy is

   .. math:: E(\boldsymbol\sigma) = -\sum_{\mu=1}^{M} F(m_\mu),\qquad F(x) = x^n .

   n = 2 is the classical Hebbian energy :math:`-\tfrac12\sigma^\top W\sigma` with
   :math:`W = \tfrac1N\sum_\mu \xi^\mu\xi^{\mu\top}` up to the factor 2N and the constant
   M N from the diagonal. Higher n suppresses the crosstalk of the other patterns, and
   the number of random patterns stored grows as :math:`N^{n-1}` (error-free storage
   :math:`\approx N^{n-1} / (2(2n-3)!!\,\ln N)`).
2. **Exponential interaction** (Demircigil, Heusel, Löwe, Upgang & Vermet 2017):
   :math:`F(x) = e^{x}` stores exponentially many patterns, :math:`\sim 2^{N/2}`.
3. **Modern Hopfield network** (Ramsauer et al. 2020): continuous states
   :math:`\boldsymbol\xi \in \mathbb R^d`, patterns as the rows of X, the update
   :math:`\boldsymbol\xi \leftarrow X^\top \operatorname{softmax}(\beta X\boldsymbol\xi)`,
   and transformer attention :math:`\operatorname{softmax}(QK^\top/\sqrt d)\,V` as the
   case :math:`\beta = 1/\sqrt d`, K = V = X.

Which F
-------
This module uses :math:`F(x) = x^n` on the whole real line, as the issue and
Krotov & Hopfield's eq. (2) write it. For **even** n, F is even: a pattern and its
negative are equally deep minima (as in the classical network). For **odd** n, F is
odd: an anti-pattern has the *highest* energy and is never an attractor. The paper's
*rectified polynomial* :math:`F(x) = x^n` for :math:`x > 0`, 0 otherwise, is not
implemented; it differs from :math:`x^n` only through patterns with negative overlap.

Ties
----
:math:`\operatorname{sign}(0) = +1` everywhere in the package. For integer n the fields
are exact integers whenever they fit in int64 (and always in the plain
:func:`dense_update`), so ties are exact. For large n (:math:`M (N+1)^n \gtrsim 2^{62}`)
and for ``"exp"`` the Numba engine sums float64 terms; a sum within a rounding bound
(:math:`4 (M+1)\,\epsilon \sum_\mu |\text{term}_\mu|`) of zero is then a tie.

References
----------
- D. Krotov and J. J. Hopfield, "Dense Associative Memory for Pattern Recognition",
  NeurIPS 29 (2016), arXiv:1606.01164.
- M. Demircigil, J. Heusel, M. Löwe, S. Upgang and F. Vermet, "On a Model of Associative
  Memory with Huge Storage Capacity", J. Stat. Phys. 168, 288–299 (2017), arXiv:1702.01929.
- H. Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021, arXiv:2008.02217.
- A. Vaswani et al., "Attention Is All You Need", NeurIPS 30 (2017), arXiv:1706.03762.
"""
from __future__ import annotations

import math
import numbers
from functools import lru_cache

import numpy as np

from . import _kernels as K
from ._rng import draw_seed
from ._validation import (
    as_generator,
    as_spin_matrix,
    as_spin_vector,
    check_fraction,
    check_positive_int,
)
from .engine import RecallResult
from ._graded import graded_reference

__all__ = [
    "dense_energy",
    "dense_update",
    "dense_recall",
    "modern_retrieve",
    "modern_energy",
    "retrieval_weights",
    "attention",
    "softmax",
    "name_attractor",
    "recall_fraction",
    "storage_capacity",
]

_INT64_SAFE = 2 ** 62


# ----------------------------------------------------------------------------- validation
def _check_order(n):
    """The interaction: an int >= 2 or the string "exp"."""
    if isinstance(n, str):
        if n == "exp":
            return n
        raise ValueError(f"n must be an integer >= 2 or 'exp', got {n!r}")
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be an integer >= 2 or 'exp', got {type(n).__name__}")
    if n < 2:
        raise ValueError(f"n must be an integer >= 2 or 'exp', got {n}")
    return int(n)


def _spins(state, patterns, state_name="state"):
    xi = as_spin_matrix(patterns, name="patterns")
    s = as_spin_vector(state, name=state_name, n=xi.shape[1])
    return s, xi


def _check_range(n, num_neurons, num_patterns):
    """Refuse an n whose sums of F overflow float64 (energies and fields would be inf)."""
    if n != "exp" and num_patterns * (num_neurons + 1) ** n > 1e300:
        raise ValueError(f"n = {n} is too large for N = {num_neurons} and M = {num_patterns}: "
                         "M (N+1)**n overflows float64; use a smaller n or n='exp'")


def _real_array(x, name, ndims):
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be a real numeric array, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got a complex array")
    if arr.ndim not in ndims:
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (found NaN or inf)")
    return arr


def _check_beta(beta):
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise TypeError(f"beta must be a positive real number, got {type(beta).__name__}")
    beta = float(beta)
    if not (np.isfinite(beta) and beta > 0):
        raise ValueError(f"beta must be a positive finite number, got {beta}")
    return beta


def _query_and_patterns(query, patterns):
    x = _real_array(patterns, "patterns", (2,))
    q = _real_array(query, "query", (1, 2))
    if q.shape[-1] != x.shape[1]:
        raise ValueError(f"query has dimension {q.shape[-1]} but the patterns (rows of an (M, d) "
                         f"array) have d = {x.shape[1]}; store patterns as rows")
    return q, x


# ----------------------------------------------------------------------------- helpers
def softmax(z, axis=-1):
    r"""Numerically stable softmax :math:`p_k = e^{z_k - \max z} / \sum_l e^{z_l - \max z}`.

    Subtracting the maximum changes nothing mathematically and keeps every exponent
    ≤ 0, so no overflow for any finite input.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def _logsumexp(z, axis=-1):
    zmax = np.max(z, axis=axis, keepdims=True)
    return np.squeeze(zmax, axis=axis) + np.log(np.sum(np.exp(z - zmax), axis=axis))


# ----------------------------------------------------------------------------- dense (±1)
@graded_reference("dense_energy")
def dense_energy(state, patterns, n=3, *, log=False) -> float:
    r"""Energy of a dense associative memory (Krotov & Hopfield 2016, eq. 2),

    .. math:: E(\boldsymbol\sigma) = -\sum_{\mu=1}^{M} F\big(\boldsymbol\xi^\mu\cdot\boldsymbol\sigma\big),
              \qquad F(x) = x^n \ \text{or}\ F(x) = e^{x}\ \text{(Demircigil et al. 2017)}.

    Parameters
    ----------
    state : 1-D array of ±1, length N
    patterns : (M, N) array of ±1
        The stored patterns, one per row.
    n : int >= 2 or "exp", default 3
        The interaction. ``n = 2`` is the classical energy up to a factor and a
        constant: :math:`-\sum_\mu m_\mu^2 = 2N\,E_{\rm Hebb} - MN` with
        :math:`W = \frac1N\sum_\mu\xi^\mu\xi^{\mu\top}`, :math:`w_{ii}=0`.
    log : bool, default False
        ``n="exp"`` only: return :math:`-\ln(-E) = -\operatorname{lse}(m)`, which orders
        states exactly as E does and stays finite when :math:`e^{m_\mu}` overflows
        float64 (overlaps above ~709, e.g. MNIST's N = 784).

    Returns
    -------
    float
        For ``"exp"`` computed as :math:`-e^{\operatorname{lse}(m)}` with the maximum
        subtracted inside the log-sum-exp; it is ``-inf`` once that exceeds float64.
    """
    n = _check_order(n)
    s, xi = _spins(state, patterns)
    _check_range(n, s.size, xi.shape[0])
    m = xi.astype(np.int64) @ s.astype(np.int64)
    if n == "exp":
        lse = float(_logsumexp(m.astype(np.float64)))
        if log:
            return -lse
        return -math.exp(lse) if lse < 709.78 else -math.inf
    if log:
        raise ValueError("log=True is only defined for n='exp' (-E can be negative for odd n)")
    return -float(sum(int(v) ** n for v in m))  # exact integers, then one rounding


def _field_sign(xi_i, rest, n):
    """+1 or -1: sign(sum_mu [F(rest + xi_i) - F(rest - xi_i)]), sign(0) = +1."""
    if n == "exp":
        # F(r+x) - F(r-x) = x (e - 1/e) e^r; drop the positive factor, subtract max(r)
        w = np.exp(rest - rest.max())
        terms = xi_i * w
        total = float(terms.sum())
        tol = 4.0 * (rest.size + 1) * np.finfo(float).eps * float(w.sum())
        return 1 if total >= -tol else -1
    total = sum((int(r) + int(x)) ** n - (int(r) - int(x)) ** n for r, x in zip(rest, xi_i))
    return 1 if total >= 0 else -1


@graded_reference("dense_update")
def dense_update(state, patterns, n=3, rng=None, *, i=None) -> np.ndarray:
    r"""One asynchronous update of a dense associative memory: pick one neuron i
    uniformly at random and set it to the value of lower energy,

    .. math:: \sigma_i \leftarrow \operatorname{sign}\Big(\sum_{\mu}\Big[
              F\big(\xi_i^\mu + \textstyle\sum_{j\ne i}\xi_j^\mu\sigma_j\big)
              - F\big(-\xi_i^\mu + \textstyle\sum_{j\ne i}\xi_j^\mu\sigma_j\big)\Big]\Big),

    with :math:`\operatorname{sign}(0) = +1` (Krotov & Hopfield 2016, eq. 3). The
    bracket is :math:`E(\sigma_i=-1) - E(\sigma_i=+1)`, so the energy never rises.
    For n = 2 the bracket is :math:`4 \xi_i^\mu \sum_{j\ne i}\xi_j^\mu\sigma_j`: the
    classical rule with Hebbian weights, ties included.

    Parameters
    ----------
    state : 1-D array of ±1, length N
    patterns : (M, N) array of ±1, one pattern per row
    n : int >= 2 or "exp", default 3
    rng : None, int or numpy.random.Generator
        Chooses the neuron (``rng.integers(N)``, as :func:`hopfield_edu.update_state`).
    i : int, optional
        Update this neuron instead of a random one (``rng`` is then not used).

    Returns
    -------
    numpy.ndarray
        A new state; the input is never modified. Integer n is computed in exact
        integers; ``"exp"`` with the maximum overlap subtracted before ``exp``.
    """
    n = _check_order(n)
    s, xi = _spins(state, patterns)
    _check_range(n, s.size, xi.shape[0])
    if i is None:
        i = int(as_generator(rng).integers(s.size))
    else:
        i = check_positive_int(i, "i", minimum=0)
        if i >= s.size:
            raise ValueError(f"i must be a neuron index in [0, {s.size - 1}], got {i}")
    x = xi.astype(np.int64)
    rest = x @ s.astype(np.int64) - x[:, i] * int(s[i])
    new_state = np.array(state, copy=True)
    new_state[i] = _field_sign(x[:, i], rest, n)
    return new_state


@lru_cache(maxsize=64)
def _tables(n, num_neurons, num_patterns):
    """Lookup tables for the engine: (kind, G int64, G float64, F float64, exp(-k))."""
    offs = range(-num_neurons, num_neurons + 1)
    empty_i, empty_f = np.zeros(1, dtype=np.int64), np.zeros(1)
    if n == "exp":
        etab = np.exp(-np.arange(2 * num_neurons + 1, dtype=np.float64))
        return K.DENSE_EXP, empty_i, empty_f, empty_f, etab
    g = [(r + 1) ** n - (r - 1) ** n for r in offs]   # exact Python integers
    f = np.array([float(v ** n) for v in offs])
    if num_patterns * max(abs(v) for v in g) < _INT64_SAFE:
        return K.DENSE_INT, np.array(g, dtype=np.int64), empty_f, f, empty_f
    return K.DENSE_FLOAT, empty_i, np.array([float(v) for v in g]), f, empty_f


def dense_recall(probe, patterns, n=3, *, max_sweeps=100, rng=None, record_energy=True,
                 record_overlaps=False) -> RecallResult:
    r"""Recall in a dense associative memory: asynchronous sweeps of :func:`dense_update`'s
    rule, each in a fresh random order, until a whole sweep flips nothing.

    A Numba engine keeps the M integer overlaps :math:`m_\mu` and updates them after a
    flip, so an update costs O(M) (one table lookup of
    :math:`G(r) = F(r+1) - F(r-1)` per pattern), as the classical engine does.

    Parameters
    ----------
    probe : 1-D array of ±1, length N
    patterns : (M, N) array of ±1, one pattern per row
    n : int >= 2 or "exp", default 3
    max_sweeps : int, default 100
    rng : None, int or numpy.random.Generator
    record_energy : bool, default True
        Energy after every update (for ``"exp"`` the log-energy
        :math:`-\operatorname{lse}(m)`, see :func:`dense_energy` with ``log=True``).
    record_overlaps : bool, default False
        The overlaps :math:`m_\mu/N` after every update (row 0: the probe).

    Returns
    -------
    hopfield_edu.engine.RecallResult
        ``mode="stable"``, ``temperature=0.0``; ``converged`` is True when the last
        sweep flipped nothing.
    """
    n = _check_order(n)
    s, xi = _spins(probe, patterns, state_name="probe")
    num_pat, num_neurons = xi.shape
    _check_range(n, num_neurons, num_pat)
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    gen = as_generator(rng)
    kind, g_i, g_f, ftab, etab = _tables(n, num_neurons, num_pat)
    steps, sweeps, conv, flips, en, ov, e0 = K.dense_am_run(
        np.ascontiguousarray(xi.T), kind, g_i, g_f, ftab, etab, s, max_sweeps, draw_seed(gen),
        bool(record_energy), bool(record_overlaps))
    return RecallResult(
        state=s.astype(np.int64), energy=en, initial_energy=float(e0), steps=int(steps),
        sweeps=int(sweeps), converged=bool(conv), flips=int(flips), mode="stable",
        temperature=0.0, overlaps=(ov / num_neurons) if record_overlaps else None)


ATTRACTORS = ("target", "other pattern", "mixture", "spurious")


def name_attractor(state, patterns, target, *, mixture_threshold=0.9) -> str:
    r"""Name the state a recall ended in, relative to the pattern it started from.

    - ``"target"``: the stored pattern ``patterns[target]`` exactly (overlap 1);
    - ``"other pattern"``: exactly another stored pattern;
    - ``"mixture"``: overlap at least ``mixture_threshold`` with the symmetric mixture of
      all stored patterns, :math:`\operatorname{sign}(\sum_\mu \xi^\mu)` (ties +1), the
      state the classical network falls into with correlated patterns;
    - ``"spurious"``: anything else.

    Overlap 1 is demanded for a recall on purpose: correlated patterns such as the MNIST
    prototypes overlap each other (and the mixture) by 0.6-0.9, so "overlap above 0.9"
    would call a blend a recall.
    """
    xi = as_spin_matrix(patterns, name="patterns")
    s = as_spin_vector(state, n=xi.shape[1]).astype(np.int64)
    target = check_positive_int(target, "target", minimum=0)
    mixture_threshold = check_fraction(mixture_threshold, "mixture_threshold")
    if target >= xi.shape[0]:
        raise ValueError(f"target must be a pattern index in [0, {xi.shape[0] - 1}], got {target}")
    ov = xi.astype(np.int64) @ s
    if ov[target] == s.size:
        return "target"
    if ov.max() == s.size:
        return "other pattern"
    from .attractors import majority_state  # the one definition of the mixture (ties +1)

    if majority_state(xi) @ s >= mixture_threshold * s.size:
        return "mixture"
    return "spurious"


# ----------------------------------------------------------------------------- continuous
def retrieval_weights(query, patterns, beta) -> np.ndarray:
    r"""The softmax weights :math:`\mathbf p = \operatorname{softmax}(\beta X\boldsymbol\xi)`
    of a modern Hopfield update (Ramsauer et al. 2020, eq. 3).

    They say which fixed point the query is heading to: one weight near 1 — a single
    stored pattern; a few comparable weights — a metastable average of that subset;
    all weights near 1/M — the global average.

    Parameters
    ----------
    query : (d,) or (B, d) array
    patterns : (M, d) array, one pattern per row
    beta : float > 0

    Returns
    -------
    ndarray, shape (M,) or (B, M)
    """
    q, x = _query_and_patterns(query, patterns)
    beta = _check_beta(beta)
    return softmax(beta * (q @ x.T), axis=-1)


@graded_reference("modern_retrieve")
def modern_retrieve(query, patterns, beta, steps=1) -> np.ndarray:
    r"""Modern Hopfield retrieval (Ramsauer et al. 2020, eq. 3), ``steps`` times:

    .. math:: \boldsymbol\xi^{\rm new} = X^\top \operatorname{softmax}(\beta X \boldsymbol\xi),

    with the stored patterns as the rows of X (M × d). For well-separated patterns
    one step lands within an exponentially small distance of the nearest one
    (their Theorem 4); at small β the fixed points are averages of several patterns.

    Parameters
    ----------
    query : (d,) or (B, d) array
        One state, or B states as rows (each retrieved independently).
    patterns : (M, d) array, one pattern per row
    beta : float > 0
        Inverse temperature.
    steps : int >= 1, default 1

    Returns
    -------
    ndarray, same shape as ``query``
    """
    q, x = _query_and_patterns(query, patterns)
    beta = _check_beta(beta)
    steps = check_positive_int(steps, "steps")
    for _ in range(steps):
        q = softmax(beta * (q @ x.T), axis=-1) @ x
    return q


def modern_energy(query, patterns, beta):
    r"""Energy of the modern Hopfield network (Ramsauer et al. 2020, eq. 2),

    .. math:: E(\boldsymbol\xi) = -\operatorname{lse}(\beta, X\boldsymbol\xi)
              + \tfrac12\boldsymbol\xi^\top\boldsymbol\xi + \beta^{-1}\ln M
              + \tfrac12 \max_\mu \lVert\mathbf x_\mu\rVert^2,
       \qquad \operatorname{lse}(\beta, \mathbf z) = \beta^{-1}\ln\sum_\mu e^{\beta z_\mu},

    computed with the maximum subtracted inside the log-sum-exp. The last two terms
    make :math:`0 \le E \le 2\max_\mu\lVert\mathbf x_\mu\rVert^2`; the update of
    :func:`modern_retrieve` never raises E (their Theorem 1, via the concave-convex
    procedure).

    Returns
    -------
    float for a (d,) query, ndarray of shape (B,) for (B, d) queries.
    """
    q, x = _query_and_patterns(query, patterns)
    beta = _check_beta(beta)
    lse = _logsumexp(beta * (q @ x.T), axis=-1) / beta
    e = (-lse + 0.5 * np.sum(q * q, axis=-1) + math.log(x.shape[0]) / beta
         + 0.5 * float(np.max(np.sum(x * x, axis=1))))
    return float(e) if q.ndim == 1 else e


@graded_reference("attention")
def attention(Q, K, V) -> np.ndarray:
    r"""Scaled dot-product attention (Vaswani et al. 2017, eq. 1),

    .. math:: \operatorname{Attention}(Q, K, V) = \operatorname{softmax}\Big(\frac{QK^\top}{\sqrt{d}}\Big) V,

    softmax over the keys (each row of the weights sums to 1), d the key dimension.
    With K = V = X this is :func:`modern_retrieve` of the rows of Q with
    :math:`\beta = 1/\sqrt d`: attention is one step of modern Hopfield retrieval
    (Ramsauer et al. 2020, sec. 3).

    Parameters
    ----------
    Q : (L_q, d) or (d,) array — queries (states)
    K : (L_k, d) array — keys (stored patterns)
    V : (L_k, d_v) array — values (what each key returns)

    Returns
    -------
    ndarray, shape (L_q, d_v) (or (d_v,) for a 1-D Q)
    """
    q = _real_array(Q, "Q", (1, 2))
    k = _real_array(K, "K", (2,))
    v = _real_array(V, "V", (2,))
    if q.shape[-1] != k.shape[1]:
        raise ValueError(f"Q and K must share the key dimension d: Q has {q.shape[-1]}, "
                         f"K has shape {k.shape}")
    if v.shape[0] != k.shape[0]:
        raise ValueError(f"K and V need one row per key: K has {k.shape[0]} rows, V has {v.shape[0]}")
    return softmax((q @ k.T) / math.sqrt(k.shape[1]), axis=-1) @ v


# ----------------------------------------------------------------------------- capacity
def recall_fraction(patterns, n=3, *, probes=None, noise=0.0, rng=None, max_sweeps=100) -> float:
    r"""Mean fraction of bits correct after :func:`dense_recall` started at stored patterns.

    Each of the first ``probes`` patterns (all by default) is recalled from itself
    (``noise = 0``: is it a fixed point, and how far does it drift if not) or from a
    copy with ``int(noise * N)`` bits flipped; the score is
    :math:`\frac{1}{2}(1 + m)` averaged over probes, m the final overlap with the
    pattern started from. Chance level is 0.5.
    """
    from .dynamics import add_noise

    xi = as_spin_matrix(patterns, name="patterns")
    gen = as_generator(rng)
    count = xi.shape[0] if probes is None else min(check_positive_int(probes, "probes"), xi.shape[0])
    n = _check_order(n)
    total = 0.0
    for mu in range(count):
        probe = xi[mu] if noise == 0 else add_noise(xi[mu], noise, gen)
        res = dense_recall(probe, xi, n, max_sweeps=max_sweeps, rng=gen, record_energy=False)
        total += np.count_nonzero(res.state == xi[mu]) / xi.shape[1]
    return total / count


def storage_capacity(num_neurons, n=3, *, threshold=0.99, probes=20, noise=0.0, rng=None,
                     max_patterns=None) -> int:
    r"""Largest number M of random ±1 patterns a dense memory stores with at least
    ``threshold`` of the bits correct (:func:`recall_fraction`).

    M is doubled from 1 until the score falls below ``threshold``, then bisected
    between the last good and the first bad M on one fixed pool of patterns (the
    first M of the pool are stored), so the search is reproducible from ``rng``.
    Krotov & Hopfield (2016) predict :math:`M \propto N^{n-1}` (error-free:
    :math:`N^{n-1} / (2 (2n-3)!!\,\ln N)`).

    Returns
    -------
    int
        The largest M that passed (``max_patterns`` if the search hit that cap).
    """
    from .patterns import random_patterns

    num_neurons = check_positive_int(num_neurons, "num_neurons", minimum=2)
    gen = as_generator(rng)
    cap = max_patterns if max_patterns is not None else 2 ** 20
    cap = check_positive_int(cap, "max_patterns")
    seed = int(gen.integers(2 ** 63))

    def score(m, pool):
        return recall_fraction(pool[:m], n, probes=probes, noise=noise,
                               rng=np.random.default_rng([seed, m]))

    lo, hi = 0, 1
    pool = random_patterns(min(2, cap), num_neurons, rng=np.random.default_rng([seed, 0]))
    while True:
        if hi > pool.shape[0]:
            extra = random_patterns(min(2 * hi, cap) - pool.shape[0], num_neurons,
                                    rng=np.random.default_rng([seed, pool.shape[0]]))
            pool = np.vstack([pool, extra])
        if score(hi, pool) < threshold:
            break
        if hi == cap:
            return cap
        lo, hi = hi, min(2 * hi, cap)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if score(mid, pool) >= threshold else (lo, mid)
    return lo
