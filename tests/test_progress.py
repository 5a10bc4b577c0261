"""warm_up compiles every kernel the sweeps use; progress bars show a compiling phase first."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_SIGNATURES = '''
import numba
import hopfield_edu._kernels, hopfield_edu.analysis
def signatures():
    out = {}
    for mod in (hopfield_edu._kernels, hopfield_edu.analysis):
        for name, obj in vars(mod).items():
            if isinstance(obj, numba.core.registry.CPUDispatcher):
                out[f"{mod.__name__}.{name}"] = sorted(map(str, obj.signatures))
    return out
'''


def _run(code):
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_warm_up_compiles_what_the_experiments_and_sweeps_use():
    code = _SIGNATURES + '''
import json
from hopfield_edu.warmup import warm_up
from hopfield_edu import experiments as ex, physics
warm_up()
before = signatures()
cfg = ex.CONFIG.replace(NUM_RUNS_PER_CONDITION=1, NOISE_LEVELS_EXP1=(0.1,))
ex.run_all(cfg, animation_steps=40, record_every=20, progress=False)
physics.capacity_curve(50, [0.1], trials=2, seed=1, n_jobs=1, progress=False)
physics.mixture_stability(60, [0.05], trials=2, seed=1, n_jobs=1, progress=False)
physics.overlap_vs_temperature(40, [0.5], sweeps=20, burn_in=1, seed=1, progress=False)
print(json.dumps([before, signatures()]))
'''
    before, after = json.loads(_run(code).stdout.strip().splitlines()[-1])
    assert any(before.values()), "warm_up compiled nothing"
    new = {k: sorted(set(after[k]) - set(before.get(k, []))) for k in after}
    assert not any(new.values()), f"compiled after warm_up: {new}"


def test_progress_bar_shows_compiling_then_restarts_its_clock():
    code = '''
import sys, time
from hopfield_edu._progress import progress_bar, COMPILING, LOADING
from hopfield_edu.warmup import is_warm, needs_compiling
assert not is_warm()
print("NOTE:", COMPILING if needs_compiling() else LOADING, file=sys.stderr)
t0 = time.time()
bar = progress_bar(10, "trials", enabled=True)
t1 = time.time()
assert is_warm()
# the clock starts after the compilation: the rate (and ETA) ignore it
assert bar.start_t >= t0 and t1 - bar.start_t < 0.5 * (t1 - t0) + 0.05, (t0, bar.start_t, t1)
assert bar.n == 0 and bar.total == 10
bar.close()
silent = progress_bar(3, "x", enabled=False)
assert silent.disable
from hopfield_edu import physics
physics.capacity_curve(40, [0.1], trials=3, seed=1, n_jobs=1)           # a bar by default
physics.mixture_stability(40, [0.1], trials=2, seed=1, n_jobs=1, progress=False)
'''
    proc = _run(code)
    note = proc.stderr.split("NOTE: ", 1)[1].splitlines()[0]  # compiling or loading, by the cache
    assert note in ("compiling Numba kernels (first run only)", "loading the compiled Numba kernels")
    assert proc.stderr.count(note) >= 2  # the bar showed it
    assert "capacity trials" in proc.stderr and "0/3" in proc.stderr
    assert "mixture trials" not in proc.stderr


def test_warm_up_in_two_processes_compiles_hebb_run_in_the_child(tmp_path):
    # an empty Numba cache: the child compiles hebb_run and writes it to the cache, this
    # process compiles the others and then loads hebb_run from the cache
    code = _SIGNATURES + '''
import json, os
from numba.core import event
compiled = []
class Listener(event.Listener):
    def on_start(self, ev): pass
    def on_end(self, ev): compiled.append((os.getpid(), ev.data["dispatcher"].py_func.__name__))
event.register("numba:compile", Listener())
from hopfield_edu import warmup, _kernels
from hopfield_edu._progress import warm_up_note
assert not warmup._cached(_kernels.hebb_run)
assert warmup.needs_compiling() and warm_up_note().startswith("compiling")
warmup.warm_up(processes=2)
assert not warmup.needs_compiling() and warm_up_note().startswith("loading")
here = sorted({name for pid, name in compiled if pid == os.getpid()})
assert warmup._cached(_kernels.hebb_run)
before = signatures()
from hopfield_edu import experiments as ex
cfg = ex.CONFIG.replace(NUM_RUNS_PER_CONDITION=1, NOISE_LEVELS_EXP1=(0.1,))
ex.run_all(cfg, animation_steps=40, record_every=20, progress=False)
print(json.dumps([here, before, signatures()]))
'''
    import os

    env = dict(os.environ, NUMBA_CACHE_DIR=str(tmp_path / "numba"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    here, before, after = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "hebb_steps_fast" in here and "hebb_run" not in here, here
    assert before["hopfield_edu._kernels.hebb_run"], "hebb_run was not loaded here"
    assert before == after  # nothing compiled after the warm-up


def test_reproduce_forks_with_one_thread_and_the_child_makes_no_tqdm_bar(tmp_path):
    # Even a disabled tqdm bar takes tqdm's class-wide lock, which the parent's monitor
    # thread may hold at the moment of the fork: the child must not touch tqdm at all.
    code = f'''
import os
import tqdm.std
made = []
real_new = tqdm.std.tqdm.__new__
def recording_new(cls, *a, **k):
    with open({str(tmp_path / "pids")!r}, "a") as f:
        f.write(f"{{os.getpid()}}\\n")
    return real_new(cls, *a, **k)
tqdm.std.tqdm.__new__ = recording_new
import threading
import hopfield_edu._lanes as lanes
real_run_two = lanes.run_two
def run_two(main, side):
    # what Python 3.12+ counts before it warns about a fork: threads other than this one
    print("THREADS", [t.name for t in threading.enumerate()])
    return real_run_two(main, side)
lanes.run_two = run_two
from hopfield_edu.report import reproduce
reproduce({str(tmp_path / "out")!r}, quick=True, jobs=2, progress=True)
print(os.getpid())
'''
    proc = _run(code)
    assert "THREADS ['MainThread']" in proc.stdout, proc.stdout  # no tqdm monitor at the fork
    parent = proc.stdout.strip().splitlines()[-1]
    pids = (tmp_path / "pids").read_text().split()
    assert pids, "the parent made no bar: the test would prove nothing"
    assert set(pids) == {parent}, (parent, pids)
    from hopfield_edu._progress import SilentBar, progress_bar

    silent = progress_bar(3, "x", enabled=False)
    assert isinstance(silent, SilentBar) and silent.disable
    with silent as b:
        b.update()
        b.update(2)
    assert b.n == 3
