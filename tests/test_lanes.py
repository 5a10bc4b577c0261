"""hopfield_edu._lanes: the second lane of `reproduce` in a forked child, and the paused collector."""
import os

import pytest

from hopfield_edu._lanes import can_fork, collector_paused, run_two

needs_fork = pytest.mark.skipif(not can_fork(), reason="run_two forks only on Linux; elsewhere it runs serially")


def test_serial_runs_both_here_in_order():
    calls = []
    first, second = run_two(lambda: calls.append("main") or os.getpid(),
                            lambda: calls.append("side") or os.getpid(), parallel=False)
    assert calls == ["main", "side"]
    assert first == second == os.getpid()


@needs_fork
def test_the_side_lane_runs_in_another_process_and_its_result_comes_back():
    first, (pid, payload) = run_two(lambda: os.getpid(), lambda: (os.getpid(), {"x": [1, 2, 3]}))
    assert first == os.getpid()
    assert pid != os.getpid()
    assert payload == {"x": [1, 2, 3]}


@needs_fork
def test_an_exception_in_the_child_is_raised_here_with_its_traceback():
    def side():
        raise ValueError("bad capacity")

    with pytest.raises(RuntimeError, match="second process failed: ValueError: bad capacity") as info:
        run_two(lambda: 1, side)
    assert "in side" in str(info.value)  # the child's traceback names the function


@needs_fork
def test_a_child_that_dies_is_reported_with_its_exit_code():
    with pytest.raises(RuntimeError, match=r"died without a result \(exit code 3\)"):
        run_two(lambda: 1, lambda: os._exit(3))


@needs_fork
def test_an_unpicklable_result_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="cannot be sent back"):
        run_two(lambda: 1, lambda: (lambda: 0))


@needs_fork
def test_a_failing_main_lane_stops_the_child(tmp_path):
    marker = tmp_path / "late"

    def side():
        import time

        time.sleep(5)
        marker.write_text("the child outlived the parent's failure")

    with pytest.raises(KeyError):
        run_two(lambda: {}["missing"], side)
    import time

    time.sleep(0.2)
    assert not marker.exists()
    import multiprocessing

    # (other tests may leave joblib's worker processes running: only ours must be gone)
    assert not [p for p in multiprocessing.active_children() if p.name == "hopfield-edu-lane"]


class _Cycle:
    def __init__(self):
        self.me = self


def test_the_collector_is_off_in_the_block_and_on_again_with_what_was_made_frozen():
    import gc

    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    with collector_paused() as loaded:
        assert not gc.isenabled()
        kept = [_Cycle() for _ in range(1000)]  # long-lived objects, made while paused
        loaded()
        assert gc.isenabled()
        if frozen_before == 0:
            assert gc.get_freeze_count() >= 1000
        else:  # Python 3.12 freezes objects at start-up: then nothing is frozen here
            assert gc.get_freeze_count() == frozen_before
        garbage = _Cycle()  # made after loaded(): collectable again
        del garbage
        assert gc.collect() >= 1
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen_before  # as before the block
    del kept


def test_objects_frozen_before_the_block_stay_frozen_and_nothing_is_added():
    import subprocess
    import sys

    code = """
import gc
from hopfield_edu._lanes import collector_paused
mine = [[i] for i in range(500)]
gc.freeze()                      # the application's own
n = gc.get_freeze_count()
assert n >= 500
with collector_paused() as loaded:
    kept = [[i] for i in range(300)]
    loaded()
    assert gc.get_freeze_count() == n and gc.isenabled()  # paused, not frozen
assert gc.get_freeze_count() == n, (n, gc.get_freeze_count())
assert gc.isenabled()
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_the_collector_is_restored_after_an_error_and_stays_off_if_it_was():
    import gc

    frozen_before = gc.get_freeze_count()
    with pytest.raises(KeyError):
        with collector_paused() as loaded:
            loaded()
            raise KeyError("x")
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen_before
    gc.disable()
    try:
        with collector_paused() as loaded:
            loaded()
            assert not gc.isenabled()  # loaded() does not turn on a collector that was off
        assert not gc.isenabled()
    finally:
        gc.enable()
