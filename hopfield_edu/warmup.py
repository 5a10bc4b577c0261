"""Compile (or load from the cache) every Numba kernel once, before timed or parallel work.

Numba compiles a kernel the first time it is called with new argument types, which takes
about 2.5 s for this package on a cold cache (the compiled code is then cached in
``hopfield_edu/__pycache__`` and loads in about 0.3 s, most of it Numba's own set-up,
including SciPy's import where SciPy is installed). :func:`warm_up` runs
every kernel once on a tiny network, so that this cost is paid at a known moment:

- the progress bars of the experiments show a "compiling Numba kernels" phase and start
  their clock (and ETA) afterwards (:func:`hopfield_edu._progress.progress_bar`);
- on a Dask cluster every worker warms up once, before any task, with
  ``client.run(warm_up)``; workers on the same machine share the on-disk cache, so only
  the first compiles (see docs/physics.md).
"""
from __future__ import annotations

__all__ = ["warm_up", "is_warm", "needs_compiling"]

_WARM = False


def is_warm() -> bool:
    """Whether :func:`warm_up` has run in this process."""
    return _WARM


def _cached(dispatcher) -> bool:
    """Whether Numba's on-disk cache holds compiled code for ``dispatcher``'s current source.

    Reads Numba's private cache index; any surprise (another Numba version) answers False.
    """
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except Exception:  # noqa: BLE001 - a guess about internals must never break the warm-up
        return False


def needs_compiling() -> bool:
    """Whether :func:`warm_up` will compile: a kernel it calls has no code in the on-disk cache.

    (A kernel cached for some argument types but not for the ones the warm-up uses also
    compiles; that happens only after a change of the package's types.)
    """
    from . import _kernels, analysis

    kernels = (_kernels.all_pm1, _kernels.hebb_run, _kernels.hebb_steps_fast,
               analysis._merge_identical, analysis._count_matches)
    return not all(_cached(k) for k in kernels)


def _network_and_probe():
    import numpy as np

    from .engine import HopfieldNetwork

    rng = np.random.default_rng(0)
    xi = np.where(rng.random((3, 16)) < 0.5, 1, -1).astype(np.int8)
    probe = xi[0].copy()
    probe[:3] *= -1
    nets = [HopfieldNetwork(16, frac, inh, rng=1).train(xi)
            for frac, inh in ((0.0, "rows"), (0.25, "rows"), (0.25, "columns"))]
    return nets, probe


def _warm_general_runs():
    """``hebb_run``: sweeps to a fixed point, recordings, Glauber dynamics."""
    nets, probe = _network_and_probe()
    for net in nets:
        for record_energy in (True, False):
            net.run(probe, mode="stable", max_sweeps=5, record_energy=record_energy, rng=3)
        net.run(probe, mode="steps", max_steps=20, record_every=5, rng=4)
        net.run(probe, mode="steps", max_steps=20, record_overlaps=True, rng=4)
        net.run(probe, mode="stable", max_sweeps=1, temperature=0.5, record_energy=False, rng=5)


def _warm_the_rest():
    """The ±1 input checks, ``hebb_steps_fast`` (the research workload) and sample entropy."""
    import numpy as np

    from ._kernels import all_pm1
    from .analysis import sample_entropy

    for dtype in (np.int8, np.int64):  # the ±1 check of the inputs the experiments pass
        all_pm1(np.ones(4, dtype))  # (matrices are checked flattened)
    nets, probe = _network_and_probe()
    for net in nets:
        for record_energy in (True, False):
            res = net.run(probe, mode="steps", max_steps=20, record_energy=record_energy, rng=2)
    rng = np.random.default_rng(0)
    sample_entropy(np.r_[res.initial_energy, res.energy, rng.standard_normal(20)])


def warm_up(processes=1) -> float:
    """Call every kernel the experiments and the physics sweeps use, once.

    With ``processes=2`` on a cold cache (Linux), a forked child compiles the largest
    kernel, ``hebb_run``, while this process compiles the others; this process then loads
    ``hebb_run`` from the cache the child wrote: about 40 % less waiting on a first run
    (docs/benchmarks.md). On a warm cache, or where the cache cannot be written, it is
    the same as ``processes=1``.

    Returns the seconds it took (about 0.3 s from the cache; when compiling, about 2.5 s,
    or 1.5 s with ``processes=2``).
    """
    global _WARM
    import time

    from ._kernels import hebb_run
    from ._lanes import can_fork, run_two

    t0 = time.perf_counter()
    if processes >= 2 and can_fork() and not _cached(hebb_run):
        run_two(_warm_the_rest, _warm_general_runs)
    # Not here: synchronous runs and dense weights (set_weights), which the experiments and
    # sweeps do not use; compiling them would add seconds to a cold first run.
    _warm_the_rest()
    _warm_general_runs()
    _WARM = True
    return time.perf_counter() - t0
