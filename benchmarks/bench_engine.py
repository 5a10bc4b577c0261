"""Engine and sample entropy against the research notebook's algorithms, side by side.

Workload = seed 000's CONFIG: N = 784; Experiment 1+2 stores digits 0, 1, 2, 8 and
recalls at 11 noise levels (0..0.5) x 20 runs x inhibitory fractions {0, 0.2}, 1500
steps with the energy recorded and its sample entropy; Experiment 3 stores 1..10 digits
and recalls each at 10 % noise (no energy). For every trial the baseline (seed's O(N)
Numba loop + numpy-broadcasting SampEn) and ours (HopfieldNetwork + sample_entropy) run
back to back on the same machine, so noise hits both alike. Both get the same noisy
input and the same neuron sequence, so their statistics must agree exactly.

    python benchmarks/bench_engine.py            # full workload (~1-2 min, the baseline's SampEn dominates)
    python benchmarks/bench_engine.py --runs 3   # fewer runs per condition

Needs only the package's own dependencies (numpy, numba); ``pip install -e ".[dev]"`` (what
``.ci/setup`` runs) has them, and scipy too for the tests. The baseline's dense products
go through BLAS, whose threads would use every core and inflate the ratio against our
single-threaded kernels: BLAS is pinned to one thread below, before NumPy is imported
(``--blas-threads N`` to change it).
"""
from __future__ import annotations

import os
import sys


def _blas_threads(argv) -> str:
    # read --blas-threads before argparse and NumPy: the thread count is fixed at NumPy's import
    for i, arg in enumerate(argv):
        if arg == "--blas-threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--blas-threads="):
            return arg.split("=", 1)[1]
    return "1"


BLAS_THREADS = _blas_threads(sys.argv[1:])
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = BLAS_THREADS

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _seed_baselines import seed_recall_loop, seed_sampen, seed_weights  # noqa: E402

import hopfield_edu as he  # noqa: E402

N = 784
STEPS = 1500


def prototypes():
    with np.load(Path(he.__file__).parent / "data" / "mnist_train_head1000.npz") as d:
        x = np.where(d["images"].reshape(len(d["labels"]), -1) > 127, 1, -1)
        y = d["labels"]
    return {k: x[np.flatnonzero(y == k)[0]] for k in range(10)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20, help="runs per condition (seed: 20)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--blas-threads", default="1", help="BLAS threads of the baseline (default 1; read at start-up)")
    args = ap.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    protos = prototypes()
    t = {"seed_recall": 0.0, "our_recall": 0.0, "seed_sampen": 0.0, "our_sampen": 0.0,
         "seed_total": 0.0, "our_total": 0.0}
    per_call_seed, per_call_ours = [], []
    max_entropy_diff = 0.0
    same = [0, 0]
    n_calls = {"exp1": 0, "exp3": 0}
    t.update(seed_exp1=0.0, our_exp1=0.0, seed_exp3=0.0, our_exp3=0.0)
    acc_seed, acc_ours = [], []

    # warm up both (JIT compile or load from cache) outside the timings
    warm = he.HopfieldNetwork(N, rng=0).train([protos[0]])
    warm.recall(protos[0], max_steps=10)
    warm.run(protos[0], sequence=np.zeros(3, dtype=np.int64))
    seed_recall_loop(protos[0].astype(float), seed_weights([protos[0]]), np.zeros(3, dtype=np.int64), True)
    he.sample_entropy(np.arange(10.0))

    def block(net, w, targets, noise, record):
        """One condition: the seed's recalls as a block, then ours as a block (timed),
        then ours again on the seed's exact neuron sequences (untimed) to compare."""
        noisy = [he.add_noise(p, noise, rng=rng) for p in targets]
        seqs = [rng.integers(0, N, STEPS) for _ in targets]
        floats = [x.astype(np.float64) for x in noisy]
        # One untimed call each first: alternating with the baseline's 4.9 MB matrix leaves
        # the caches cold (our first call after it takes ~130 us instead of ~23 us); both
        # sides are timed warm, as they run in practice.
        seed_recall_loop(floats[0].copy(), w, seqs[0], record)
        t0 = time.perf_counter()
        seed_out = [seed_recall_loop(x, w, q, record) for x, q in zip(floats, seqs)]
        t_seed = time.perf_counter() - t0
        net.run(noisy[0], max_steps=STEPS, record_energy=record, rng=0)
        t1 = time.perf_counter()
        for x in noisy:
            net.recall(x, max_steps=STEPS, record_energy=record)
        t2 = time.perf_counter()
        k = len(targets)
        t["seed_recall"] += t_seed
        t["our_recall"] += t2 - t1
        per_call_seed.append(t_seed / k)
        per_call_ours.append((t2 - t1) / k)
        exp = "exp1" if record else "exp3"
        t[f"seed_{exp}"] += t_seed
        t[f"our_{exp}"] += t2 - t1
        n_calls[exp] += k
        ours = [net.run(x, sequence=q, record_energy=record) for x, q in zip(noisy, seqs)]
        for (s_seed, _), r in zip(seed_out, ours):
            # They can differ only where the seed's float sums of k/M miss an exact tie
            same[0] += int(np.array_equal(s_seed, r.state))
            same[1] += 1
        return seed_out, ours, t_seed, t2 - t1

    # Experiment 1 + 2
    stored = [protos[d] for d in (0, 1, 2, 8)]
    for frac in (0.0, 0.2):
        net = he.HopfieldNetwork(N, inhibitory_fraction=frac, rng=rng).train(stored)
        w = seed_weights(stored, net.inhibitory_neurons)
        for noise in np.linspace(0.0, 0.5, 11):
            targets = [stored[rng.integers(len(stored))] for _ in range(args.runs)]
            seed_out, ours, tr_seed, tr_ours = block(net, w, targets, noise, True)
            t0 = time.perf_counter()
            h_seed = [seed_sampen(e, 2, 0.2) for _, e in seed_out]
            t1 = time.perf_counter()
            h_ours = [he.sample_entropy(r.energy, 2, 0.2) for r in ours]
            t2 = time.perf_counter()
            t["seed_sampen"] += t1 - t0
            t["our_sampen"] += t2 - t1
            t["seed_total"] += tr_seed + t1 - t0
            t["our_total"] += tr_ours + t2 - t1
            for (s_seed, _), r, a, b, p in zip(seed_out, ours, h_seed, h_ours, targets):
                if np.array_equal(s_seed, r.state):
                    max_entropy_diff = max(max_entropy_diff, abs(a - b))
                acc_seed.append((frac, noise, he.overlap(r.state, p)))
    # Experiment 3
    for frac in (0.0, 0.2):
        for m in range(1, 11):
            stored = [protos[d] for d in range(m)]
            net = he.HopfieldNetwork(N, inhibitory_fraction=frac, rng=rng).train(stored)
            w = seed_weights(stored, net.inhibitory_neurons)
            _, _, tr_seed, tr_ours = block(net, w, stored, 0.1, False)
            t["seed_total"] += tr_seed
            t["our_total"] += tr_ours

    calls = same[1]
    print(f"hopfield-edu {he.__version__}, numpy {np.__version__}, BLAS threads {BLAS_THREADS}; {calls} recalls of {STEPS} steps, "
          f"N = {N}, {args.runs} runs per condition")
    print(f"{'what':38s} {'seed algorithm':>16s} {'hopfield-edu':>14s} {'ratio':>8s}")
    rows = [
        ("recall, per call (median of blocks)", np.median(per_call_seed), np.median(per_call_ours)),
        ("recall, per call, Exp 1 (energy on)", t["seed_exp1"] / n_calls["exp1"],
         t["our_exp1"] / n_calls["exp1"]),
        ("recall, per call, Exp 3 (M = 1..10)", t["seed_exp3"] / n_calls["exp3"],
         t["our_exp3"] / n_calls["exp3"]),
        ("recall, all calls", t["seed_recall"], t["our_recall"]),
        ("sample entropy, all traces", t["seed_sampen"], t["our_sampen"]),
        ("whole workload (Exp 1-3 + SampEn)", t["seed_total"], t["our_total"]),
    ]
    for name, a, b in rows:
        unit, k = ("us", 1e6) if a < 0.01 else ("s", 1.0)
        print(f"{name:38s} {a * k:13.3f} {unit:2s} {b * k:11.3f} {unit:2s} {a / b:7.1f}x")
    print(f"same statistics: identical final states on identical inputs and neuron sequences in "
          f"{same[0]} of {same[1]} recalls (the others differ only through the seed's float ties); "
          f"max |SampEn difference| = {max_entropy_diff:.2e}")
    acc = np.array(acc_seed)
    for frac in (0.0, 0.2):
        sel = acc[acc[:, 0] == frac]
        means = [sel[np.isclose(sel[:, 1], nz), 2].mean() for nz in np.linspace(0, 0.5, 11)]
        print(f"  mean accuracy, f = {frac}: " + " ".join(f"{m:+.2f}" for m in means))


if __name__ == "__main__":
    main()
