"""dense_recall (Numba, O(M) per update) against a plain NumPy loop, side by side.

Workload = assignment 4's experiment 1: the ten MNIST prototypes stored (M = 10,
N = 784), each recalled from 20 % noise, for n = 2, 3, 8, 12 and "exp". For every n the
plain reference (asynchronous sweeps in random order, the overlaps kept incrementally,
the field of neuron i as NumPy operations on the M rests) and ``dense_recall`` run back
to back on the same probes, so machine noise hits both alike. The figure of merit is
wall time per single-neuron update per stored pattern (the issue asks for <= 20 ns),
counted from the whole ``dense_recall`` call (validation and result object included).
Both must end in the same attractor (target digit or not) for every probe.

    python benchmarks/bench_dense.py             # 10 runs x 10 digits per n (10-25 s)
    python benchmarks/bench_dense.py --runs 3
"""
from __future__ import annotations

import argparse
import time

import numpy as np

import hopfield_edu as he
from hopfield_edu import dense

ORDERS = (2, 3, 8, 12, "exp")


def plain_recall(probe, xi, n, rng, max_sweeps=100):
    """Plain NumPy reference; returns (state, number of updates)."""
    s = np.array(probe, dtype=np.int64)
    m = xi @ s
    steps = 0
    for _ in range(max_sweeps):
        flipped = False
        for i in rng.permutation(s.size):
            col = xi[:, i]
            rest = (m - col * s[i]).astype(np.float64)
            if n == "exp":
                field = np.sum(col * np.exp(rest - rest.max()))
            else:
                field = np.sum((rest + col) ** n - (rest - col) ** n)
            new = 1 if field >= 0 else -1
            steps += 1
            if new != s[i]:
                m += col * (new - s[i])
                s[i] = new
                flipped = True
        if not flipped:
            break
    return s, steps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10, help="noisy probes per digit and n")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    xi = np.array(list(he.mnist_prototypes(range(10)).values()), dtype=np.int64)
    m_pat = xi.shape[0]
    rng = np.random.default_rng(args.seed)
    print(f"ten MNIST prototypes (M = {m_pat}, N = {xi.shape[1]}), 20 % noise, "
          f"{args.runs} x 10 probes per n")
    print(f"{'n':>4} | {'plain ns/upd/pat':>16} | {'ours ns/upd/pat':>15} | {'ratio':>6} | "
          f"{'ours us/call':>12} | {'sweeps':>6} | same attractor | recalled (ours)")
    for n in ORDERS:
        probes = [he.add_noise(xi[d], 0.2, rng) for _ in range(args.runs) for d in range(10)]
        targets = [d for _ in range(args.runs) for d in range(10)]
        dense.dense_recall(probes[0], xi, n, rng=0)  # compile / load the cache, build tables
        t0 = time.perf_counter()
        plain = [plain_recall(p, xi, n, rng) for p in probes]
        t_plain = time.perf_counter() - t0
        t1 = time.perf_counter()
        ours = [dense.dense_recall(p, xi, n, rng=rng) for p in probes]
        t_ours = time.perf_counter() - t1
        steps_plain = sum(k for _, k in plain)
        steps_ours = sum(r.steps for r in ours)
        ok_plain = [np.array_equal(s, xi[d]) for (s, _), d in zip(plain, targets)]
        ok_ours = [np.array_equal(r.state, xi[d]) for r, d in zip(ours, targets)]
        per_plain = t_plain / (steps_plain * m_pat) * 1e9
        per_ours = t_ours / (steps_ours * m_pat) * 1e9
        print(f"{n!s:>4} | {per_plain:16.0f} | {per_ours:15.1f} | {per_plain / per_ours:5.0f}x | "
              f"{t_ours / len(probes) * 1e6:12.0f} | {steps_ours / len(probes) / xi.shape[1]:6.2f} | "
              f"{sum(a == b for a, b in zip(ok_plain, ok_ours)):>6}/{len(probes):<7} | "
              f"{sum(ok_ours)}/{len(probes)}")


if __name__ == "__main__":
    main()
