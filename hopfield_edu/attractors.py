r"""Which attractor did a recall reach? Labels, mixture states and chance baselines.

An overlap of 0.8 with the target digit is no evidence of recall when a blank
image already scores 0.7 with it and the network may have fallen into a
mixture of several stored digits. This module names the state a recall ended
in, by comparing it with the states it could be:

- ``"target"``       the stored pattern the probe was made from,
- ``"other digit"``  another stored pattern,
- ``"anti-pattern"`` the negative of a stored pattern (E(−s) = E(s) for a symmetric W),
- ``"mixture"``      the majority :math:`\operatorname{sgn}(\sum_{\mu \in S} \xi^\mu)` of a
  subset S of at least three stored patterns (the spurious "mixture states" of
  Amit, Gutfreund & Sompolinsky, Phys. Rev. A 32, 1007 (1985)),
- ``"other"``        none of these (a spurious state, or a state still on its way).

**Tolerance rule.** A state carries the name of the state above that it
overlaps most, provided that overlap is at least ``tol`` (default 0.95: at most
2.5 % of the pixels differ); otherwise it is ``"other"``. On equal overlaps the
earlier name wins (the target first). Two states within 0.95 of one state
overlap by at least 0.9 with each other (Hamming distances add), so a choice
between names only arises for candidates that similar: e.g. a stored digit
with a few unstable pixels whose attractor is a mixture 16 pixels away from it
is labelled ``"mixture"`` (overlap 1 with the mixture, 0.96 with the digit).

**Ties.** For an even number of patterns the sum is 0 on some pixels. The
course's rule sign(0) = +1 gives one majority state; the asynchronous dynamics
of a probe of digit t also lands in the majority whose ties go to t's pixel,
:math:`\operatorname{sgn}(\sum_{\mu \in S} \xi^\mu + \tfrac12 \xi^t)`. Both count as mixtures.

**Inhibitory "rows" networks.** Negating row i of W makes neuron i follow the
opposite of its field, so their attractors are the states above with the
inhibitory bits negated, :math:`D\xi` with :math:`D = \operatorname{diag}(\pm1)`.
Pass ``flip`` (the ±1 diagonal of D) and the labels are taken relative to
those: a state is ``"target"`` when it is :math:`D\xi^t` within ``tol``.
"""
from __future__ import annotations

import functools
import itertools

import numpy as np
import pandas as pd

from ._validation import as_generator, as_spin_matrix, check_positive_int

__all__ = [
    "ATTRACTOR_LABELS",
    "DEFAULT_TOL",
    "majority_state",
    "mixture_candidates",
    "classify_states",
    "chance_baselines",
]

#: The labels of :func:`classify_states`, in the order they are tried.
ATTRACTOR_LABELS = ("target", "other digit", "anti-pattern", "mixture", "other")
#: Overlap at or above which a state counts as "the same" as a named state.
DEFAULT_TOL = 0.95
# With more patterns the 2^M subsets are too many; only the full set's majority is tried.
_MAX_SUBSET_PATTERNS = 12


def majority_state(patterns, tie_break=None) -> np.ndarray:
    r"""The majority (mixture) state :math:`\operatorname{sgn}(\sum_\mu \xi^\mu)` of the rows of ``patterns``.

    Ties (sum 0, only possible for an even number of patterns) go to +1, the
    course's rule sign(0) = +1, or to the pixel of ``tie_break`` (a ±1 vector,
    e.g. the target pattern) when given. For an odd number of patterns this is
    :func:`hopfield_edu.physics.symmetric_mixture`.

    Returns
    -------
    ndarray of int64, shape (N,)
    """
    xi = as_spin_matrix(patterns, name="patterns").astype(np.int64)
    total = xi.sum(axis=0)
    if tie_break is None:
        return np.where(total >= 0, 1, -1)
    tb = as_spin_matrix([tie_break], name="tie_break", n=xi.shape[1])[0].astype(np.int64)
    return np.where(total > 0, 1, np.where(total < 0, -1, tb))


def _subsets(m):
    """Subsets of range(m) with at least 3 members (only the full set when m is large)."""
    if m > _MAX_SUBSET_PATTERNS:
        return [tuple(range(m))] if m >= 3 else []
    return [c for k in range(3, m + 1) for c in itertools.combinations(range(m), k)]


@functools.lru_cache(maxsize=32)
def _mixture_table(xi_bytes, shape):
    """Majorities (ties → +1) of every subset of the stored patterns, computed once per stored set."""
    xi = np.frombuffer(xi_bytes, dtype=np.int8).reshape(shape).astype(np.int64)
    subs = _subsets(shape[0])
    member = np.zeros((len(subs), shape[0]), dtype=bool)
    for k, sub in enumerate(subs):
        member[k, list(sub)] = True
    sums = member.astype(np.int64) @ xi
    plain = np.where(sums >= 0, 1, -1).astype(np.int8)
    tie_rows = (member.sum(axis=1) % 2 == 0) & np.any(sums == 0, axis=1)
    names = ["+".join(map(str, sub)) for sub in subs]
    return member, sums == 0, plain, _pack(plain), tie_rows, names


# Bits set in each byte value: popcount for NumPy < 2.0, which lacks np.bitwise_count.
_POPCOUNT = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _int_dot(a, b):
    """``a @ b`` for arrays of ±1 (and products of them) in exact int64 arithmetic, without BLAS.

    A float product gives the same numbers (every partial sum is a small integer), but
    OpenBLAS's worker threads keep spinning for a while after each call: on 2 shared cores
    the few dozen small products of ``reproduce`` cost about a CPU second that way.
    """
    return np.matmul(np.asarray(a).astype(np.int64), np.asarray(b).astype(np.int64))


def _check_flip(flip):
    d = np.asarray(flip, dtype=np.float64)
    if not np.all(np.abs(d) == 1):
        raise ValueError("flip must hold only +1 and -1 (the diagonal of D)")
    return d


def _pack(spins):
    """±1 rows as packed bits (+1 → 1) in 64-bit words, for Hamming distances by XOR.

    Each row is zero-padded to a whole number of words (the padding bits are 0 in
    every row, so they never differ): the XOR and popcount then run on N/64 words
    instead of N/8 bytes.
    """
    bits = np.packbits(np.asarray(spins) > 0, axis=1)
    pad = -bits.shape[1] % 8
    if pad:
        bits = np.pad(bits, ((0, 0), (0, pad)))
    return np.ascontiguousarray(bits).view(np.uint64)


def _packed_overlaps(a, b, n):
    r"""Overlaps :math:`1 - 2 d_H / N` between every packed row of ``a`` and of ``b``.

    Exact integer arithmetic without a BLAS call: on a shared machine a float
    matrix product of a few hundred states with a thousand mixtures was the slowest
    step of ``reproduce`` (its threads wait for cores), XOR and popcount are not.
    The Hamming distances are summed one 64-bit word at a time into a (rows of a,
    rows of b) table: contiguous additions, half the time of a reduction over the
    short word axis.
    """
    b_words = np.ascontiguousarray(b.T)                 # (words, rows of b)
    dist = np.zeros((len(a), len(b)), dtype=np.uint16)  # N < 65536 bits
    for w in range(a.shape[1]):
        dist += _popcount(a[:, w, None] ^ b_words[w][None, :])
    return 1.0 - 2.0 * dist / n


def _popcount(x):
    """Bits set in each uint64 of ``x`` (uint8)."""
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(x)
    # NumPy < 2.0: count the bytes of each word
    return _POPCOUNT[np.ascontiguousarray(x)[..., None].view(np.uint8)].sum(axis=-1, dtype=np.uint8)


def mixture_candidates(patterns, target=None):
    """The mixture states of :func:`classify_states` for a probe of pattern ``target``.

    For every subset S of at least three rows: the majority with sign(0) = +1,
    and for even |S| containing ``target`` also the majority with ties → target.
    With more than 12 patterns only the full set is used.

    Returns
    -------
    states : ndarray of int8, shape (K, N)
    names : list of str
        e.g. ``"0+1+2"`` or ``"0+1+2+3 (ties→0)"`` (row indices of ``patterns``).
    """
    xi = as_spin_matrix(patterns, name="patterns")
    member, tied, plain, _, tie_rows, names = _mixture_table(xi.tobytes(), xi.shape)
    if target is None:
        return plain, list(names)
    rows = np.flatnonzero(tie_rows & member[:, target])
    broken = np.where(tied[rows], xi[target], plain[rows]).astype(np.int8)
    return (np.concatenate([plain, broken]),
            list(names) + [f"{names[k]} (ties→{target})" for k in rows])


def classify_states(states, patterns, targets, *, tol=DEFAULT_TOL, flip=None, labels=None) -> pd.DataFrame:
    r"""Name the attractor each final state reached (see the module docstring for the rule).

    Parameters
    ----------
    states : array (K, N) of ±1
        Final states, one per probe.
    patterns : array (M, N) of ±1
        The stored patterns.
    targets : sequence of int, length K
        Row of ``patterns`` each probe was made from.
    tol : float
        Overlap needed to carry a name (default 0.95).
    flip : array (N,) of ±1, or (K, N), optional
        Diagonal of D for inhibitory "rows" networks: states are compared with
        :math:`D\xi` instead of :math:`\xi` (equivalently :math:`Ds` with :math:`\xi`).
    labels : sequence, optional
        Names of the patterns (e.g. the digits) for the ``nearest`` and
        ``mixture_of`` columns; default the row numbers.

    Returns
    -------
    pandas.DataFrame
        One row per state: ``attractor`` (one of :data:`ATTRACTOR_LABELS`),
        ``m_target``, ``nearest`` (label of the stored pattern with the largest
        overlap), ``m_nearest``, ``m_majority`` (overlap with the majority of
        all stored patterns, ties → +1), ``m_majority_ties`` (the same majority
        with ties → the target's pixel), ``mixture_of`` and ``m_mixture`` (the
        best-matching mixture state and its overlap; NaN with fewer than 3 patterns).
    """
    # the int8 patterns go to majority_state: its ±1 check then needs no float64 kernel
    # signature (compiled on a cold cache by nothing else the experiments run)
    xi8 = as_spin_matrix(patterns, name="patterns")
    xi = xi8.astype(np.float64)
    s = np.atleast_2d(as_spin_matrix(states, name="states", n=xi.shape[1])).astype(np.float64)
    targets = np.asarray(targets, dtype=np.int64).reshape(-1)
    if targets.size != len(s):
        raise ValueError(f"targets must have one entry per state ({len(s)}), got {targets.size}")
    if np.any((targets < 0) | (targets >= len(xi))):
        raise ValueError(f"targets must be rows of patterns (0..{len(xi) - 1}), got {targets.tolist()}")
    if not 0 < tol <= 1:
        raise ValueError(f"tol must be in (0, 1], got {tol!r}")
    names = list(range(len(xi))) if labels is None else list(labels)
    if flip is not None:
        s = s * np.broadcast_to(_check_flip(flip), s.shape)
    n = xi.shape[1]
    m = _int_dot(s, xi8.T) / n                         # (K, M) overlaps with the stored patterns
    rows = np.arange(len(s))
    m_target = m[rows, targets]
    others = m.copy()
    others[rows, targets] = -np.inf
    m_major = _int_dot(s, majority_state(xi8)) / n
    m_major_ties = np.empty(len(s))
    for t in np.unique(targets):
        idx = targets == t
        m_major_ties[idx] = _int_dot(s[idx], majority_state(xi8, tie_break=xi8[t])) / n
    m_mix, mix_of = _best_mixture(s, xi8, targets, names)
    # The named state the final state is closest to, among those within tol; on equal
    # overlaps the earlier name of ATTRACTOR_LABELS wins (target first).
    scores = np.column_stack([m_target, others.max(axis=1), -m.min(axis=1),
                              np.nan_to_num(m_mix, nan=-np.inf)])
    best = scores.argmax(axis=1)                       # argmax takes the first of equal maxima
    hit = scores[rows, best] >= tol
    label = np.where(hit, np.array(ATTRACTOR_LABELS[:4], dtype=object)[best], "other").astype(object)
    nearest = m.argmax(axis=1)
    return pd.DataFrame({
        "attractor": label,
        "m_target": m_target,
        "nearest": [names[k] for k in nearest],
        "m_nearest": m[rows, nearest],
        "m_majority": m_major,
        "m_majority_ties": m_major_ties,
        "mixture_of": mix_of,
        "m_mixture": m_mix,
    })


def _best_mixture(s, xi, targets, names):
    """Overlap with, and name of, the best-matching mixture state of each row of ``s``."""
    n = xi.shape[1]
    m_mix = np.full(len(s), np.nan)
    mix_of = [""] * len(s)
    member, tied, plain, packed, tie_rows, cnames = _mixture_table(xi.tobytes(), xi.shape)
    if not len(cnames):
        return m_mix, mix_of
    sp = _pack(s)
    ov = _packed_overlaps(sp, packed, n)               # every state against every plain majority
    best = ov.argmax(axis=1)
    m_mix = ov[np.arange(len(s)), best]
    chosen = [cnames[b] for b in best]
    for t in np.unique(targets):                       # majorities with ties → the probe's target
        rows = np.flatnonzero(tie_rows & member[:, t])
        if not rows.size:
            continue
        idx = np.flatnonzero(targets == t)
        broken = np.where(tied[rows], xi[t], plain[rows])
        ovt = _packed_overlaps(sp[idx], _pack(broken), n)
        bt = ovt.argmax(axis=1)
        for i, b, v in zip(idx, bt, ovt[np.arange(len(idx)), bt]):
            if v > m_mix[i]:
                m_mix[i], chosen[i] = v, f"{cnames[rows[b]]} (ties→{t})"
    return m_mix, [_relabel(c, names) for c in chosen]


def _relabel(name, labels):
    """'0+2 (ties→0)' with row numbers → the same with the patterns' labels."""
    head, _, tail = name.partition(" (ties→")
    out = "+".join(str(labels[int(k)]) for k in head.split("+"))
    return out + (f" (ties→{labels[int(tail[:-1])]})" if tail else "")


def chance_baselines(patterns, *, num_random=1000, flip=None, rng=None) -> pd.DataFrame:
    r"""Overlaps that owe nothing to memory: a blank image and random images against each pattern.

    - ``blank``: the all-black image :math:`s = (-1, \dots, -1)`; its overlap with
      :math:`\xi` is :math:`1 - 2 f_+` (:math:`f_+` = fraction of white pixels),
      large for sparse digit images.
    - ``random``: ``num_random`` images of independent fair ±1 pixels; mean 0 and
      SD :math:`1/\sqrt N` in theory; the table gives the measured mean and SD.
    - ``majority``: the majority state of all patterns (ties → +1): what a recall
      that falls into the mixture scores.

    With ``flip`` (inhibitory "rows" networks, see the module docstring) the
    blank and majority images are compared after negating the flipped bits, and
    ``ceiling`` is the overlap of :math:`D\xi` with :math:`\xi`, the best such a
    network can show.

    Returns
    -------
    pandas.DataFrame
        One row per pattern: ``pattern`` (row), ``blank``, ``random_mean``,
        ``random_sd``, ``majority``, ``ceiling``.
    """
    xi8 = as_spin_matrix(patterns, name="patterns")
    xi = xi8.astype(np.float64)
    n = xi.shape[1]
    k = check_positive_int(num_random, "num_random")
    d = np.ones(n) if flip is None else _check_flip(flip).reshape(n)
    rand = as_generator(rng).choice([-1.0, 1.0], size=(k, n))
    ov_rand = _int_dot(rand, xi8.T) / n
    blank = -d
    major = d * majority_state(xi8)
    return pd.DataFrame({
        "pattern": np.arange(len(xi)),
        "blank": _int_dot(xi8, blank) / n,
        "random_mean": ov_rand.mean(axis=0),
        "random_sd": ov_rand.std(axis=0, ddof=1) if k > 1 else np.full(len(xi), np.nan),
        "majority": _int_dot(xi8, major) / n,
        "ceiling": np.full(len(xi), d.mean()),
    })
