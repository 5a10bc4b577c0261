"""Two lanes of work at once: one here, one in a forked child process.

``hopfield-edu reproduce`` has two independent halves (the noise experiments with their
figures, and the capacity experiment with its figures), each about half of its time once
the imports and the Numba kernels are loaded. :func:`run_two` forks after that point,
so the child starts with everything loaded (no second import, no second kernel load)
and the halves run on two cores. The child's result comes back pickled through a pipe;
an exception in the child is raised here, with the child's traceback as its message.

Forking is used only on Linux: a spawned child would import and load everything again,
and macOS's fork is unsafe with some system libraries. Elsewhere, and with
``parallel=False``, the lanes run one after the other in this process, with the same
results. The child shows no progress bars (two processes writing to one terminal would
garble them) and ends with :func:`os._exit`, as :mod:`multiprocessing` children do.
At the fork the ``hopfield-edu reproduce`` command runs no Python thread but the main
one (its progress bars have no tqdm monitor thread), so no lock a thread holds is copied
into the child locked, and Python 3.12+ has nothing to warn about; the child makes no
tqdm bar at all. (A notebook kernel has threads of its own: ``reproduce()`` called from
Python runs in one process unless asked for two.)
"""
from __future__ import annotations

import gc
import multiprocessing
import sys
from contextlib import contextmanager

__all__ = ["SharedCounter", "can_fork", "collector_paused", "run_two"]


def can_fork() -> bool:
    """Whether :func:`run_two` can run its second lane in a forked child here."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


@contextmanager
def collector_paused():
    """Keep Python's cyclic garbage collector off while long-lived objects are made.

    Importing pandas, matplotlib and Numba and loading the kernels makes several hundred
    thousand objects that live until the program ends, and every automatic collection on
    the way scans the ones made so far again: about 0.1 s of ``reproduce --quick``
    (docs/benchmarks.md). Inside the block the collector is off. The block gets a
    function to call once those objects exist: it moves them to the permanent generation
    (:func:`gc.freeze`: no later collection scans them, here or in a forked child, whose
    memory pages a scan would otherwise copy) and turns the collector back on. This is
    the order the :mod:`gc` documentation recommends before a fork: disable early,
    freeze just before forking, enable again. On leaving, the collector is on or off as
    it was before and the frozen objects are unfrozen, so nothing of this outlasts the
    block. :func:`gc.unfreeze` thaws every frozen object, so where objects were frozen
    before the block (Python 3.12 freezes a few hundred at start-up; an application
    may freeze its own) nothing is frozen here: the collector is only paused.
    """
    was_enabled = gc.isenabled()
    may_freeze = gc.get_freeze_count() == 0
    frozen = False

    def loaded():
        nonlocal frozen
        if may_freeze and not frozen:
            gc.freeze()
            frozen = True
        if was_enabled:
            gc.enable()

    gc.disable()
    try:
        yield loaded
    finally:
        if frozen:
            gc.unfreeze()
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


class SharedCounter:
    """0, 1, 2, ... handed out once each, across this process and the children it forks.

    Make it before :func:`run_two`; both lanes then :meth:`take` numbers from it (a
    shared integer under a lock; a plain counter where :func:`run_two` will not fork).
    """

    def __init__(self):
        if can_fork():
            self._value = multiprocessing.get_context("fork").Value("q", 0)
        else:
            self._value = None
            self._next = 0

    def take(self) -> int:
        """The next number, never given out before."""
        if self._value is None:
            self._next += 1
            return self._next - 1
        with self._value.get_lock():
            n = self._value.value
            self._value.value = n + 1
        return n


def _child(side, conn):
    try:
        result = ("ok", side())
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
        import traceback

        result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
    try:
        conn.send(result)
    except Exception as exc:  # an unpicklable result: say so instead of hanging the parent
        conn.send(("error", f"the second process's result cannot be sent back: {exc!r}"))
    finally:
        conn.close()


def run_two(main, side, *, parallel=True):
    """Return ``(main(), side())``, running ``side`` in a forked child while ``main`` runs here.

    Parameters
    ----------
    main, side : callables without arguments
        ``side``'s result must be picklable. Neither may rely on changes the other
        makes to this process's state (in the parallel case they do not see them).
    parallel : bool
        False runs ``main`` and then ``side`` here.

    Raises
    ------
    RuntimeError
        The child raised (its traceback is in the message) or died without an answer.
    """
    if not (parallel and can_fork()):
        return main(), side()
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(side, send), name="hopfield-edu-lane", daemon=True)
    proc.start()
    send.close()  # the child holds the only writing end: its death ends recv() with EOFError
    answered = False
    try:
        first = main()
        try:
            status, payload = recv.recv()
            answered = True
        except EOFError:
            proc.join()
            raise RuntimeError(f"the second process died without a result (exit code {proc.exitcode})") from None
    finally:
        recv.close()
        if not answered and proc.is_alive():  # main() failed or was interrupted
            proc.terminate()
        proc.join()
    if status != "ok":
        raise RuntimeError(f"the second process failed: {payload}")
    return first, payload
