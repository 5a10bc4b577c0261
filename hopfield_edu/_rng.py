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

# The Numba side (next_u64, bounded, next_double, shuffle) lives in _kernels.py, next to
# the kernels that inline it: Numba's on-disk cache is keyed on the source file of the
# cached function only, so helpers inlined from another file could go stale in it.
from ._kernels import bounded, next_double, next_u64, shuffle  # noqa: E402,F401


def draw_seed63(gen: np.random.Generator) -> int:
    """A 63-bit stream seed from a Generator (fits Numba's int64 without a copy)."""
    # random_raw advances the Generator's own bit generator: cheap and reproducible.
    return gen.bit_generator.random_raw() >> 1


def draw_seed(gen: np.random.Generator) -> np.ndarray:
    """A fresh kernel stream state from a Generator.

    The state is a uint64 array ``[splitmix state, spare 32 bits, has_spare]``:
    each 64-bit output serves two bounded draws (neuron indices need 32 bits). It
    starts from the same seed as :func:`draw_seed63`, so kernels that take either
    form produce the same stream.
    """
    state = np.zeros(3, dtype=np.uint64)
    state[0] = draw_seed63(gen)
    return state
