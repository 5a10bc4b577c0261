"""Progress bars that stay honest while Numba compiles, and a joblib map with a bar.

The first recall in a process compiles (or loads) the Numba kernels: several seconds on
a cold cache, during which a plain tqdm bar extrapolates an ETA of hours from one slow
step. :func:`progress_bar` shows a "compiling Numba kernels" phase first (or, with the
kernels in the cache, "loading": :func:`hopfield_edu.warmup.warm_up`) and restarts the
bar's clock after it.
"""
from __future__ import annotations

import functools

__all__ = ["SilentBar", "simple_bar", "progress_bar", "parallel_map", "warm_up_note"]

COMPILING = "compiling Numba kernels (first run only)"
LOADING = "loading the compiled Numba kernels"


def warm_up_note() -> str:
    """What the warm-up is about to do: compile the kernels, or load them from the cache."""
    from .warmup import needs_compiling

    return COMPILING if needs_compiling() else LOADING


class SilentBar:
    """What a bar does when progress is off: nothing, and without tqdm.

    Even a disabled tqdm bar takes tqdm's class-wide lock and starts its monitor thread.
    ``reproduce``'s forked child shows no bars, and with this it never touches that lock,
    which the parent's monitor thread could have held at the moment of the fork.
    """

    disable = True

    def __init__(self, total=None):
        self.total, self.n = total, 0

    def update(self, n=1):
        self.n += n

    def set_postfix_str(self, *args, **kwargs):
        pass

    def reset(self, total=None):
        self.n = 0
        if total is not None:
            self.total = total

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@functools.cache
def _tqdm_class():
    from tqdm.auto import tqdm

    class Bar(tqdm):
        # No monitor thread: it only retunes the refresh rate of stalled bars, and a thread
        # alive at ``reproduce``'s fork is what Python 3.12+ warns about (a lock it holds
        # at that moment would stay held in the child)
        monitor_interval = 0

    return Bar


def simple_bar(total, desc, enabled=True, **kwargs):
    """A tqdm bar (``leave=False``, no monitor thread), or a :class:`SilentBar` when not ``enabled``."""
    if not enabled:
        return SilentBar(total)
    return _tqdm_class()(total=total, desc=desc, leave=False, **kwargs)


def progress_bar(total, desc, enabled=True):
    """A tqdm bar of ``total`` steps; warms the Numba kernels up first, visibly.

    With ``enabled=False`` the bar is a :class:`SilentBar`, and the kernels compile on
    first use as usual.
    """
    from .warmup import is_warm, warm_up

    bar_ = simple_bar(total, desc, enabled)
    if enabled and not is_warm():
        bar_.set_postfix_str(warm_up_note(), refresh=True)
        warm_up()
        bar_.set_postfix_str("", refresh=False)
        bar_.reset(total=total)  # the rate and ETA count from here, not from the compilation
    return bar_


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
