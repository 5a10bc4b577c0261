"""Patterns to store: the three 5x5 letters of the teaching notebook, random and
structured patterns, and helpers to move between vectors and grids.

All patterns are bipolar: +1 is an "on" (black/up-spin) pixel, -1 "off".
"""
from __future__ import annotations

import numpy as np

from ._validation import as_generator, as_spin_vector, check_fraction, check_positive_int

__all__ = [
    "PATTERN_NAMES",
    "letter_patterns",
    "pattern_T",
    "pattern_L",
    "pattern_plus",
    "random_patterns",
    "checkerboard",
    "to_grid",
    "from_grid",
]

_T = [
    [1, 1, 1, 1, 1],
    [-1, -1, 1, -1, -1],
    [-1, -1, 1, -1, -1],
    [-1, -1, 1, -1, -1],
    [-1, -1, 1, -1, -1],
]
_L = [
    [1, -1, -1, -1, -1],
    [1, -1, -1, -1, -1],
    [1, -1, -1, -1, -1],
    [1, -1, -1, -1, -1],
    [1, 1, 1, 1, 1],
]
_PLUS = [
    [-1, -1, 1, -1, -1],
    [-1, -1, 1, -1, -1],
    [1, 1, 1, 1, 1],
    [-1, -1, 1, -1, -1],
    [-1, -1, 1, -1, -1],
]

#: Names of the three 5x5 patterns of the teaching notebook, in its order (p1, p2, p3).
PATTERN_NAMES = ("T", "L", "+")


def pattern_T() -> np.ndarray:
    """The letter T on a 5x5 grid, flattened to 25 values (the notebook's ``p1``)."""
    return np.array(_T, dtype=np.int64).ravel()


def pattern_L() -> np.ndarray:
    """The letter L on a 5x5 grid, flattened to 25 values (the notebook's ``p2``)."""
    return np.array(_L, dtype=np.int64).ravel()


def pattern_plus() -> np.ndarray:
    """A plus sign on a 5x5 grid, flattened to 25 values (the notebook's ``p3``)."""
    return np.array(_PLUS, dtype=np.int64).ravel()


def letter_patterns() -> dict[str, np.ndarray]:
    """The three 5x5 patterns of the teaching notebook as ``{"T": p1, "L": p2, "+": p3}``.

    Each value is a fresh length-25 int array of ±1, so callers may modify it freely.
    The dict keeps the notebook's order: ``list(letter_patterns().values())`` is
    ``[p1, p2, p3]``.
    """
    return {"T": pattern_T(), "L": pattern_L(), "+": pattern_plus()}


def random_patterns(num_patterns, num_neurons, p_on=0.5, rng=None, *, dtype=np.int64) -> np.ndarray:
    """Random bipolar patterns, each pixel +1 with probability ``p_on``.

    Parameters
    ----------
    num_patterns : int
        M, the number of patterns (rows).
    num_neurons : int
        N, the length of each pattern.
    p_on : float, default 0.5
        Probability of +1. 0.5 gives the unbiased patterns of capacity theory
        (mean activity a = 2 p_on - 1 = 0); other values give biased patterns,
        which the Hebb rule stores much worse.
    rng : None, int or numpy.random.Generator
        Source of randomness (seed for reproducibility).
    dtype : numpy integer or float dtype, default int64
        ``np.int8`` is a quarter of the memory and what the engine stores anyway (the
        physics sweeps use it); the values are the same for the same draws. Beware
        that NumPy sums int8 in int8: ``xi @ xi.T`` overflows for N > 127, so cast
        (``xi.astype(int)``) before such products. int64 is the safe default.

    Returns
    -------
    numpy.ndarray
        Array of shape (M, N) with values ±1: pattern entry is +1 where the uniform
        draw ``rng.random((M, N))`` is below ``p_on``.
    """
    m = check_positive_int(num_patterns, "num_patterns", minimum=0)
    n = check_positive_int(num_neurons, "num_neurons")
    p = check_fraction(p_on, "p_on")
    dt = np.dtype(dtype)
    if dt.kind not in "if":
        raise TypeError(f"dtype must be a signed integer or float dtype (e.g. np.int8), got {dt}")
    gen = as_generator(rng)
    # Built in int8 (bool viewed as 0/1, then 2b - 1 in place): ten times cheaper than
    # np.where(...).astype(np.int64) for the same draws, which the large sweeps notice.
    out = (gen.random((m, n)) < p).view(np.int8)
    out *= 2
    out -= 1
    return out if dt == np.int8 else out.astype(dt)


def checkerboard(shape=(5, 5), first=1) -> np.ndarray:
    """A checkerboard pattern flattened to a vector; pixel (0, 0) is ``first`` (±1)."""
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape), int(shape))
    if len(shape) != 2:
        raise ValueError(f"shape must be (rows, cols), got {shape!r}")
    rows = check_positive_int(shape[0], "rows")
    cols = check_positive_int(shape[1], "cols")
    if first not in (1, -1):
        raise ValueError(f"first must be +1 or -1, got {first!r}")
    i, j = np.indices((rows, cols))
    return np.where((i + j) % 2 == 0, first, -first).astype(np.int64).ravel()


def _infer_shape(n, shape):
    if shape is None:
        side = int(round(np.sqrt(n)))
        if side * side != n:
            raise ValueError(f"a vector of length {n} is not a square grid; pass shape=(rows, cols)")
        return side, side
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape), int(shape))
    rows, cols = (int(s) for s in shape)
    if rows * cols != n:
        raise ValueError(f"cannot reshape a vector of length {n} to a {rows}x{cols} grid")
    return rows, cols


def to_grid(vector, shape=None) -> np.ndarray:
    """Reshape a flattened ±1 pattern to a 2-D grid (square by default: 25 → 5x5, 784 → 28x28)."""
    v = as_spin_vector(vector, name="vector").astype(np.int64)
    return v.reshape(_infer_shape(v.size, shape))


def from_grid(grid) -> np.ndarray:
    """Flatten a 2-D ±1 grid (row by row) to the vector the network uses."""
    g = np.asarray(grid)
    if g.ndim != 2:
        raise ValueError(f"grid must be 2-D, got shape {g.shape}")
    return as_spin_vector(g.ravel(), name="grid").astype(np.int64)
