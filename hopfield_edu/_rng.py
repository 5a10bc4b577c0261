"""A tiny counter-based random stream for the Numba kernels (SplitMix64).

Why not pass the ``numpy.random.Generator`` into Numba? Numba supports it, but
unboxing a Generator costs about 8 µs per call, more than a whole 1500-step
recall of the engine. Instead each kernel call receives one 64-bit seed drawn
from the user's Generator, so results stay reproducible from the user's seed
and no global random state is touched.

SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
generators", OOPSLA 2014; the seeding generator of xoshiro) passes BigCrush.
Bounded integers use Lemire's unbiased multiply-and-reject method ("Fast
random integer generation in an interval", ACM TOMACS 29(1), 2019).
"""
from __future__ import annotations

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK32 = np.uint64(0xFFFFFFFF)
_TWO32 = np.uint64(1 << 32)


def draw_seed(gen: np.random.Generator) -> np.ndarray:
    """A fresh kernel stream state from a Generator.

    The state is a uint64 array ``[splitmix state, spare 32 bits, has_spare]``:
    each 64-bit output serves two bounded draws (neuron indices need 32 bits).
    """
    state = np.zeros(3, dtype=np.uint64)
    # random_raw advances the Generator's own bit generator: cheap (0.5 µs) and reproducible.
    state[0] = gen.bit_generator.random_raw()
    return state


@njit(cache=True, inline="always")
def next_u64(state):
    state[0] += _GOLDEN
    z = state[0]
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


@njit(cache=True, inline="always")
def next_double(state):
    """Uniform float in [0, 1) with 53 random bits."""
    return np.float64(next_u64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def next_u32(state):
    """32 random bits: the high half of a 64-bit output, then its low half."""
    if state[2] != 0:
        state[2] = np.uint64(0)
        return state[1]
    z = next_u64(state)
    state[1] = z & _MASK32
    state[2] = np.uint64(1)
    return z >> np.uint64(32)


@njit(cache=True, inline="always")
def bounded(state, n):
    """Uniform integer in [0, n) for 0 < n < 2**32 (Lemire, exact)."""
    nn = np.uint64(n)
    m = next_u32(state) * nn
    low = m & _MASK32
    if low < nn:
        threshold = (_TWO32 - nn) % nn
        while low < threshold:
            m = next_u32(state) * nn
            low = m & _MASK32
    return np.int64(m >> np.uint64(32))


@njit(cache=True)
def shuffle(state, arr):
    """Fisher–Yates shuffle in place."""
    for i in range(arr.shape[0] - 1, 0, -1):
        j = bounded(state, i + 1)
        tmp = arr[i]
        arr[i] = arr[j]
        arr[j] = tmp
