"""Start-up and ``reproduce`` times: the package before issue 11 against this tree, side by side.

The old package is ``git archive``-d from ``--base`` (default: the commit before the
speed work) into a temporary folder; each measurement runs the old and the new tree in
fresh subprocesses, alternating, with ``PYTHONPATH`` pointing at the tree (it wins over
an editable install). Reported: the median wall time and the median CPU time (user + sys
of the child, including a forked child's) of ``--repeat`` runs, and their ratios old / new.
The new ``reproduce`` runs in two processes by default (``--jobs 2`` on Linux): its wall
time is what a user waits, its CPU time the work done on both cores; the ``--jobs 1`` rows
show it in one process. Measure on an otherwise idle machine: with the second core busy
the two-process rows lose their advantage.

- ``import hopfield_edu``; ``hopfield-edu --help`` (``python -m hopfield_edu.cli --help``).
- One capacity trial at N = 8000, alpha = 0.14 (M = 1120): CPU time in-process, median of 5
  after one warm-up trial (``physics._capacity_trial``, the unit of ``capacity_curve``),
  median of 3 alternating processes per tree.
- ``hopfield-edu reproduce --out DIR [--quick] --no-progress``, warm (each tree's Numba
  cache filled by an untimed run) and cold (an empty ``NUMBA_CACHE_DIR``: every kernel
  compiles); old, new and new ``--jobs 1`` alternate, ``--repeat-reproduce`` runs each
  (median shown). Afterwards the CSV tables of old and new are compared byte for byte,
  and every file of new ``--jobs 1`` with new's default but ``report.md`` (timings).

    python benchmarks/bench_startup.py                 # ~8 min on 2 cores
    python benchmarks/bench_startup.py --quick         # no full (20-run) reproduce
    python benchmarks/bench_startup.py --base 542802d --repeat 5

Needs git and the package's own dependencies, nothing else.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = "542802d"  # main before issue 11 (lazy imports, Pillow GIFs, int8 patterns)

TRIAL = """
import time
import numpy as np
from hopfield_edu.physics import _capacity_trial, _root_entropy
e = _root_entropy(1)
_capacity_trial(8000, 1120, 0.14, 0, e, 1000, 0.9)
ts = []
for k in range(1, 6):
    t = time.process_time(); _capacity_trial(8000, 1120, 0.14, k, e, 1000, 0.9)
    ts.append(time.process_time() - t)
print(sorted(ts)[2])
"""


def _timed(cmd, env, cwd):
    """(wall seconds, CPU seconds of the child, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


class Tree:
    def __init__(self, name, path, work):
        self.name, self.path = name, Path(path)
        self.cache = Path(work) / f"numba-{name}"
        self.work = Path(work)

    def env(self, cache=None):
        env = dict(os.environ, PYTHONPATH=str(self.path), NUMBA_CACHE_DIR=str(cache or self.cache))
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # both trees import from their .pyc files
        return env

    def run(self, args, cache=None):
        return _timed([sys.executable, *args], self.env(cache), self.work)


def _row(label, old, new, unit="s"):
    ow, oc = statistics.median(x[0] for x in old), statistics.median(x[1] for x in old)
    nw, nc = statistics.median(x[0] for x in new), statistics.median(x[1] for x in new)
    scale = 1000 if unit == "ms" else 1
    print(f"| {label} | {ow * scale:.2f} {unit} | {nw * scale:.2f} {unit} | {ow / nw:.1f}× "
          f"| {oc:.2f} s | {nc:.2f} s | {oc / nc:.1f}× |", flush=True)


def _shared_columns(old_csv, new_csv):
    """Whether the columns both tables have hold the same text, row by row (new columns may be added)."""
    import csv

    with open(old_csv, newline="") as f:
        old = list(csv.DictReader(f))
    with open(new_csv, newline="") as f:
        new = list(csv.DictReader(f))
    if not old or len(old) != len(new):
        return f"{len(old)} rows old, {len(new)} new"
    cols = [c for c in old[0] if c in new[0]]
    same = all(o[c] == n[c] for o, n in zip(old, new) for c in cols)
    added = [c for c in new[0] if c not in old[0]]
    return (f"the {len(cols)} columns of the old table are {'identical' if same else 'DIFFERENT'}; "
            f"{len(added)} columns added")


def _reproduce(tree, out, quick, cache=None, extra=()):
    args = ["-m", "hopfield_edu.cli", "reproduce", "--out", str(out), "--no-progress", *extra]
    return tree.run(args + (["--quick"] if quick else []), cache)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default=BASE, help=f"git revision of the old package (default {BASE})")
    ap.add_argument("--repeat", type=int, default=5, help="runs of the short measurements (default 5)")
    ap.add_argument("--repeat-reproduce", type=int, default=3,
                    help="runs of each reproduce row, per tree (default 3; the median is shown)")
    ap.add_argument("--quick", action="store_true", help="skip the full 20-run reproduce")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as work:
        work = Path(work)
        (work / "old").mkdir()
        archive = subprocess.run(["git", "archive", args.base, "hopfield_edu"], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(work / "old")], input=archive, check=True)
        old, new = Tree("old", work / "old", work), Tree("new", ROOT, work)
        print(f"old = {args.base}, new = {ROOT} (working tree); python {sys.version.split()[0]}, "
              f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}\n")
        print("| what | old wall | new wall | ratio | old CPU | new CPU | ratio |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for tree in (old, new):  # fill each tree's Numba cache and the OS file cache
            tree.run(["-c", "import hopfield_edu.experiments, hopfield_edu.physics"])
            _reproduce(tree, work / f"warm-{tree.name}", quick=True)
        for label, cmd in [("`import hopfield_edu`", ["-c", "import hopfield_edu"]),
                           ("`hopfield-edu --help`", ["-m", "hopfield_edu.cli", "--help"])]:
            res = {"old": [], "new": []}
            for _ in range(args.repeat):
                for tree in (old, new):
                    res[tree.name].append(tree.run(cmd)[:2])
            _row(label, res["old"], res["new"])
        trial = {"old": [], "new": []}
        for _ in range(3):  # alternating; each run: the median CPU time of 5 trials after a warm-up
            for tree in (old, new):
                trial[tree.name].append(float(tree.run(["-c", TRIAL])[2].strip().splitlines()[-1]))
        t_old, t_new = statistics.median(trial["old"]), statistics.median(trial["new"])
        print(f"| capacity trial N = 8000, α = 0.14 (CPU, in-process) | | | | {t_old * 1e3:.0f} ms "
              f"| {t_new * 1e3:.0f} ms | {t_old / t_new:.1f}× |", flush=True)
        modes = [("--quick", True)] + ([] if args.quick else [("full (20 runs)", False)])
        for label, quick in modes:
            for state in ("warm", "cold"):
                res = {"old": [], "new": [], "new1": []}
                for k in range(args.repeat_reproduce):  # alternating old, new, new --jobs 1
                    for tree, key, extra in ((old, "old", []), (new, "new", []), (new, "new1", ["--jobs", "1"])):
                        out = work / f"{key}-{state}-{int(quick)}-{k}"
                        cache = work / f"cold-{key}-{int(quick)}-{k}" if state == "cold" else None
                        res[key].append(_reproduce(tree, out, quick, cache, extra)[:2])
                _row(f"`reproduce {label}`, {state} Numba cache", res["old"], res["new"])
                _row(f"`reproduce {label} --jobs 1`, {state} Numba cache", res["old"], res["new1"])
        print()
        for label, quick in modes:
            a, b = work / f"old-warm-{int(quick)}-0", work / f"new-warm-{int(quick)}-0"
            for name in ("noise_robustness.csv", "capacity.csv", "centroids.csv"):
                same = filecmp.cmp(a / name, b / name, shallow=False)
                print(f"{label}: {name} old == new: {same}" + ("" if same else f" ({_shared_columns(a / name, b / name)})"))
            c = work / f"new-cold-{int(quick)}-0"
            one = work / f"new1-warm-{int(quick)}-0"
            print(f"{label}: --jobs 1 == default (two processes), every file but report.md: "
                  f"{all(filecmp.cmp(b / p.name, one / p.name, shallow=False) for p in b.iterdir() if p.name != 'report.md')}")
            print(f"{label}: new warm == new cold (same seed): "
                  f"{all(filecmp.cmp(b / n, c / n, shallow=False) for n in ('noise_robustness.csv', 'capacity.csv'))}")
            for name in ("recall_animation_standard.gif",):
                print(f"{label}: {name} {os.path.getsize(a / name) / 1e3:.0f} kB -> "
                      f"{os.path.getsize(b / name) / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
