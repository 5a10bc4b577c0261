"""Finite-size capacity study (N = 500 ... 4000) and the cost of the capacity sweep.

Part 1 -- physics. For N in {500, 1000, 2000, 4000} and alpha = 0.10 ... 0.20, run
:func:`hopfield_edu.physics.capacity_curve` (start at a stored pattern, T = 0 sweeps
until stable) and print, per N: the fraction retrieved, the load where it crosses 1/2
(:func:`hopfield_edu.physics.crossing_load`) and the mean overlap of the retrieved runs
at alpha = 0.12 next to the replica-symmetric m = 0.9932 (Amit, Gutfreund & Sompolinsky
1987). The crossing lies above alpha_c = 0.138 and decreases slowly with N.

Part 2 -- speed, measured side by side on the same trials:
- the engine's Hebbian storage (O(M) per update, exact integer fields) against the same
  dynamics on the dense N x N matrix (``set_weights``), same seeds;
- ``n_jobs=1`` against all cores (joblib).

    python benchmarks/bench_capacity.py                 # full study, 100 trials (~10-20 min on 2 cores)
    python benchmarks/bench_capacity.py --quick         # N <= 2000, 20 trials (~1 min)
    python benchmarks/bench_capacity.py --out cap.csv   # also save every trial (refuses to overwrite)

To send the sweep to a cluster instead, wrap the call in ``joblib.parallel_backend("dask")``
(see docs/physics.md); the rows are identical because seeds do not depend on the worker.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from hopfield_edu import HopfieldNetwork, random_patterns
from hopfield_edu import physics, theory


def finite_size_study(sizes, alphas, trials, seed, n_jobs):
    t0 = time.perf_counter()
    df = physics.capacity_curve(sizes, alphas, trials=trials, seed=seed, n_jobs=n_jobs)
    elapsed = time.perf_counter() - t0
    summary = physics.retrieval_summary(df)
    print(f"\n== Finite-size study: {len(df)} trials in {elapsed:.1f} s ==")
    table = summary.pivot(index="alpha", columns="N", values="fraction_retrieved")
    print("fraction retrieved (overlap > 0.9); binomial SE <= "
          f"{0.5 / np.sqrt(trials):.3f}")
    print(table.round(3).to_string())
    print(f"\n{'N':>6} {'crossing of 1/2':>16} {'<m> retrieved @0.12':>20} {'SE':>8} {'AGS m(0.12)':>12}")
    ags = theory.ags_retrieval_overlap(0.12)
    for n in sizes:
        g = summary[summary.N == n]
        cross = physics.crossing_load(g.alpha, g.fraction_retrieved)
        d = df[(df.N == n) & np.isclose(df.alpha, 0.12) & df.retrieved]
        m = d.overlap.mean() if len(d) else float("nan")
        se = d.overlap.std() / np.sqrt(len(d)) if len(d) > 1 else float("nan")
        print(f"{n:>6} {cross:>16.4f} {m:>20.5f} {se:>8.5f} {ags:>12.5f}")
    print(f"AGS alpha_c (N -> infinity) = {theory.ags_critical_load():.4f}; "
          f"unconverged trials: {int((~df.converged).sum())}")
    return df


def _one(net, start, seed):
    return net.run(start, mode="stable", max_sweeps=1000, record_energy=False, rng=seed)


def engine_ratio(n, alpha, trials, seed):
    """Hebbian storage vs dense weights, same networks, same starting pattern, same seeds."""
    m = int(round(alpha * n))
    t_hebb = t_dense = 0.0
    agree = 0
    for k in range(trials):
        xi = random_patterns(m, n, rng=seed + k)
        hebb = HopfieldNetwork(n).train(xi, normalization="neurons")
        dense = HopfieldNetwork(n).set_weights(hebb.weights)
        _one(hebb, xi[0], 0), _one(dense, xi[0], 0)  # compile / warm caches
        t = time.perf_counter()
        a = _one(hebb, xi[0], k)
        t_hebb += time.perf_counter() - t
        t = time.perf_counter()
        b = _one(dense, xi[0], k)
        t_dense += time.perf_counter() - t
        agree += int(np.array_equal(a.state, b.state))
    print(f"N = {n}, alpha = {alpha} (M = {m}), {trials} recalls: Hebbian storage "
          f"{1e3 * t_hebb / trials:.2f} ms, dense W {1e3 * t_dense / trials:.2f} ms, "
          f"ratio dense/Hebbian = {t_dense / t_hebb:.2f}; identical final states {agree}/{trials}")


def parallel_ratio(n, alphas, trials, seed):
    times = {}
    frames = {}
    for jobs in (1, -1):
        physics.capacity_curve(n, alphas[:2], trials=20, seed=seed + 1, n_jobs=jobs)  # start + warm workers
        t = time.perf_counter()
        frames[jobs] = physics.capacity_curve(n, alphas, trials=trials, seed=seed, n_jobs=jobs)
        times[jobs] = time.perf_counter() - t
    same = frames[1].equals(frames[-1])
    print(f"capacity_curve N = {n}, {len(frames[1])} trials: n_jobs=1 {times[1]:.2f} s, "
          f"n_jobs=-1 {times[-1]:.2f} s, speed-up {times[1] / times[-1]:.2f}x; identical rows: {same}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="N <= 2000 and 20 trials")
    p.add_argument("--trials", type=int, default=None)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--n-jobs", type=int, default=-1)
    p.add_argument("--out", type=Path, default=None, help="CSV of every trial (must not exist)")
    args = p.parse_args(argv)
    if args.out is not None and args.out.exists():
        print(f"{args.out} exists; not overwriting it (choose another --out)", file=sys.stderr)
        return 2
    sizes = [500, 1000, 2000] if args.quick else [500, 1000, 2000, 4000]
    trials = args.trials or (20 if args.quick else 100)
    alphas = np.round(np.arange(0.10, 0.2001, 0.01), 2)

    print("== Speed, side by side ==")
    engine_ratio(2000, 0.12, 5 if args.quick else 20, args.seed)
    parallel_ratio(2000, alphas, 10 if args.quick else 40, args.seed)

    df = finite_size_study(sizes, alphas, trials, args.seed, args.n_jobs)
    if args.out is not None:
        df.to_csv(args.out, index=False)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
