"""Progress bars that stay honest while Numba compiles, and a joblib map with a bar.

The first recall in a process compiles (or loads) the Numba kernels: several seconds on
a cold cache, during which a plain tqdm bar extrapolates an ETA of hours from one slow
step. :func:`progress_bar` shows a "compiling Numba kernels" phase first (or, with the
kernels in the cache, "loading": :func:`hopfield_edu.warmup.warm_up`) and restarts the
bar's clock after it.
"""
from __future__ import annotations

__all__ = ["progress_bar", "parallel_map", "warm_up_note"]

COMPILING = "compiling Numba kernels (first run only)"
LOADING = "loading the compiled Numba kernels"


def warm_up_note() -> str:
    """What the warm-up is about to do: compile the kernels, or load them from the cache."""
    from .warmup import needs_compiling

    return COMPILING if needs_compiling() else LOADING


def progress_bar(total, desc, enabled=True):
    """A tqdm bar of ``total`` steps; warms the Numba kernels up first, visibly.

    With ``enabled=False`` the bar is silent, and the kernels compile on first use
    as usual.
    """
    from tqdm.auto import tqdm

    from .warmup import is_warm, warm_up

    bar = tqdm(total=total, desc=desc, disable=not enabled, leave=False)
    if enabled and not is_warm():
        bar.set_postfix_str(warm_up_note(), refresh=True)
        warm_up()
        bar.set_postfix_str("", refresh=False)
        bar.reset(total=total)  # the rate and ETA count from here, not from the compilation
    return bar


def parallel_map(n_jobs, tasks, *, desc="trials", progress=True):
    """Run joblib ``delayed`` tasks with :class:`joblib.Parallel`; return their results in order.

    No backend is named, so an enclosing ``joblib.parallel_backend("dask")`` applies. With
    ``progress`` a bar advances as results arrive (``return_as="generator"``: results
    come back in order as they finish, under any backend, Dask included).
    """
    from joblib import Parallel

    tasks = list(tasks)
    if not progress:
        return Parallel(n_jobs=n_jobs)(tasks)
    out = []
    with progress_bar(len(tasks), desc, enabled=True) as bar:
        for result in Parallel(n_jobs=n_jobs, return_as="generator")(tasks):
            out.append(result)
            bar.update()
    return out
