"""Analysis of trajectories: sample entropy of an energy trace.

Sample entropy (SampEn), Richman & Moorman (2000), *Physiological time-series
analysis using approximate entropy and sample entropy*, Am. J. Physiol. Heart
Circ. Physiol. 278(6):H2039-H2049.
"""
from __future__ import annotations

import numbers

import numpy as np
from numba import njit
from numpy.lib.stride_tricks import sliding_window_view
from ._graded import graded_reference

__all__ = ["sample_entropy"]


@njit(cache=True)
def _count_matches(templates, counts, tol, m):
    """Ordered pairs (i != j) of templates matching within ``tol`` (Chebyshev).

    ``templates`` are the *distinct* (m+1)-templates sorted lexicographically
    (so by their first value) with their multiplicities ``counts``. Returns
    ``(A, B)``: B counts matches of the first m values, A of all m+1 values.
    Identical templates match each other (c (c - 1) ordered pairs); distinct
    ones are scanned only while their first values are within ``tol``.
    """
    u = templates.shape[0]
    a_count = 0
    b_count = 0
    for p in range(u):
        cp = counts[p]
        a_count += cp * (cp - 1)
        b_count += cp * (cp - 1)
        x0 = templates[p, 0]
        for q in range(p + 1, u):
            if templates[q, 0] - x0 > tol:
                break
            ok = True
            for k in range(1, m):
                if abs(templates[p, k] - templates[q, k]) > tol:
                    ok = False
                    break
            if ok:
                w = 2 * cp * counts[q]
                b_count += w
                if abs(templates[p, m] - templates[q, m]) <= tol:
                    a_count += w
    return a_count, b_count


@njit(cache=True)
def _merge_identical(rows):
    """Collapse runs of identical rows (already sorted) into (distinct rows, counts)."""
    n, k = rows.shape
    keep = np.empty(n, dtype=np.int64)
    counts = np.zeros(n, dtype=np.int64)
    u = -1
    for p in range(n):
        same = u >= 0
        if same:
            last = keep[u]
            for c in range(k):
                if rows[p, c] != rows[last, c]:
                    same = False
                    break
        if not same:
            u += 1
            keep[u] = p
        counts[u] += 1
    out = np.empty((u + 1, k), dtype=rows.dtype)
    for q in range(u + 1):  # element by element: a slice assignment compiles for seconds
        r = keep[q]
        for c in range(k):
            out[q, c] = rows[r, c]
    return out, counts[:u + 1]


def _validate(x, m, r, undefined):
    if isinstance(x, (str, bytes)):
        raise TypeError("x must be a 1-D numeric sequence")
    arr = np.asarray(x)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"x must be a 1-D numeric sequence, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError("x must be real")
    if arr.ndim != 1:
        raise ValueError(f"x must be 1-D (a time series), got shape {arr.shape}")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise ValueError("x must be finite (found NaN or inf)")
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
        raise ValueError(f"m (template length) must be an integer >= 1, got {m!r}")
    if isinstance(r, bool) or not isinstance(r, numbers.Real) or not np.isfinite(r) or r < 0:
        raise ValueError(f"r (tolerance as a fraction of the SD) must be a finite number >= 0, got {r!r}")
    if undefined not in ("zero", "nan"):
        raise ValueError(f"undefined must be 'zero' (research notebook) or 'nan', got {undefined!r}")
    return arr, int(m), float(r)


@graded_reference("sample_entropy")
def sample_entropy(x, m=2, r=0.2, *, undefined="zero") -> float:
    r"""Sample entropy of a time series (Richman & Moorman, 2000).

    .. math:: \mathrm{SampEn}(m, r) = -\ln \frac{A}{B}

    where B is the number of ordered pairs of distinct templates
    :math:`(x_i, \dots, x_{i+m-1})` that match within tolerance and A the same for
    templates of length m + 1. Two templates match when their Chebyshev distance
    (largest absolute difference) is :math:`\le r\,\sigma`, with σ the population
    standard deviation of ``x`` (``np.std``). As in Richman & Moorman, both counts
    use the same first n - m starting points, and self-matches are excluded.
    Low SampEn means a regular, predictable trace; a Hopfield energy trace is a
    staircase (flat between flips), so its SampEn is small.

    Parameters
    ----------
    x : 1-D array of float
    m : int, default 2
        Template length.
    r : float, default 0.2
        Tolerance as a fraction of the standard deviation.
    undefined : {"zero", "nan"}, default "zero"
        What to return where the definition gives no finite number. ``"zero"``
        reproduces the research notebook: 0 when A = 0 or B = 0, when σ = 0, or
        when the series is shorter than m + 1. ``"nan"`` is the honest answer:
        ``inf`` when A = 0 < B (no (m+1)-match at all, maximal irregularity),
        ``nan`` when B = 0 or the series is too short. (With σ = 0 every template
        matches every other, A = B, and SampEn = 0 by the definition itself.)

    Returns
    -------
    float

    Notes
    -----
    Memory is O(n): identical templates are merged with their counts and the
    distinct ones are compared in order of their first value, stopping as soon as
    that value is out of tolerance. A staircase has few distinct templates, so
    a 1500-step energy trace costs microseconds, not the n^2 of a pairwise matrix.
    """
    arr, m, r = _validate(x, m, r, undefined)
    n = arr.size
    honest = undefined == "nan"
    if n < m + 1:
        return float("nan") if honest else 0.0
    sd = float(np.std(arr))
    if sd == 0 and not honest:
        return 0.0
    tol = r * sd
    windows = sliding_window_view(arr, m + 1)  # the first n - m templates of length m + 1
    # lexicographic order (last key first for lexsort); 25x faster than np.unique(axis=0)
    order = np.lexsort(windows.T[::-1])
    uniq, counts = _merge_identical(np.ascontiguousarray(windows[order]))
    a_count, b_count = _count_matches(uniq, counts, tol, m)
    if a_count > 0 and b_count > 0:
        return float(-np.log(a_count / b_count))
    if not honest:
        return 0.0
    return float("inf") if b_count > 0 else float("nan")
