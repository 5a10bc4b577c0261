"""Compile (or load from the cache) every Numba kernel once, before timed or parallel work.

Numba compiles a kernel the first time it is called with new argument types, which takes
6-7 s for this package on a cold cache (the compiled code is then cached in
``hopfield_edu/__pycache__`` and loads in about half a second). :func:`warm_up` runs
every kernel once on a tiny network, so that this cost is paid at a known moment:

- the progress bars of the experiments show a "compiling Numba kernels" phase and start
  their clock (and ETA) afterwards (:func:`hopfield_edu._progress.progress_bar`);
- on a Dask cluster every worker warms up once, before any task, with
  ``client.run(warm_up)``; workers on the same machine share the on-disk cache, so only
  the first compiles (see docs/physics.md).
"""
from __future__ import annotations

__all__ = ["warm_up", "is_warm"]

_WARM = False


def is_warm() -> bool:
    """Whether :func:`warm_up` has run in this process."""
    return _WARM


def warm_up() -> float:
    """Call every kernel the experiments and the physics sweeps use, once.

    Returns the seconds it took (about 0.5 s from the cache, 6-7 s when compiling).
    """
    global _WARM
    import time

    import numpy as np

    from .analysis import sample_entropy
    from .engine import HopfieldNetwork

    from ._kernels import all_pm1

    t0 = time.perf_counter()
    for dtype in (np.int8, np.int64):  # the ±1 check of the inputs the experiments pass
        all_pm1(np.ones(4, dtype))  # (matrices are checked flattened)
    rng = np.random.default_rng(0)
    xi = np.where(rng.random((3, 16)) < 0.5, 1, -1).astype(np.int8)
    probe = xi[0].copy()
    probe[:3] *= -1
    for frac, inh in ((0.0, "rows"), (0.25, "rows"), (0.25, "columns")):
        net = HopfieldNetwork(16, frac, inh, rng=1).train(xi)
        for record_energy in (True, False):
            net.run(probe, mode="steps", max_steps=20, record_energy=record_energy, rng=2)
            res = net.run(probe, mode="stable", max_sweeps=5, record_energy=record_energy, rng=3)
        net.run(probe, mode="steps", max_steps=20, record_every=5, rng=4)
        net.run(probe, mode="steps", max_steps=20, record_overlaps=True, rng=4)
        net.run(probe, mode="stable", max_sweeps=1, temperature=0.5, record_energy=False, rng=5)
    # Not here: synchronous runs and dense weights (set_weights), which the experiments and
    # sweeps do not use; compiling them would add seconds to a cold first run.
    sample_entropy(np.r_[res.initial_energy, res.energy, rng.standard_normal(20)])
    _WARM = True
    return time.perf_counter() - t0
