"""Checks for assignment 1 (Hopfield networks as energy-based models).

Graded functions and their reference implementations:

==================  ==================================================
``train_hopfield``  :func:`hopfield_edu.learning.train_hopfield`
``update_state``    :func:`hopfield_edu.dynamics.update_state`
``compute_energy``  :func:`hopfield_edu.dynamics.compute_energy`
``add_noise``       :func:`hopfield_edu.dynamics.add_noise`
==================  ==================================================

Each check compares the student's function with the reference on randomized and
edge cases and names the mistake students actually make (1/P instead of 1/N,
self-connections, in-place changes, updating every neuron, ties, the missing 1/2 or
theta term, the teaching seed's sign of the theta term, bits flipped twice, ...).
Functions that draw random numbers are judged statistically on seeded generators, so
they need not consume the generator exactly like the reference does, yet the verdict
is the same on every run.
"""
from __future__ import annotations

import numpy as np

from ... import dynamics as _ref_dyn
from ... import learning as _ref_learn
from ...patterns import letter_patterns
from ._core import (CheckFailure, as_float_array, call, call_repeated, counts_look_uniform, fail,
                    require_params,
                    seeded_global_random)

__all__ = ["CHECKS", "POINTS", "check_train_hopfield", "check_update_state",
           "check_compute_energy", "check_add_noise"]


def _rand_spins(gen, *shape):
    return np.where(gen.random(shape) < 0.5, -1, 1).astype(np.int64)


def _fmt(x):
    return np.array2string(np.asarray(x), precision=3, threshold=12, edgeitems=3)


# ============================================================================ train_hopfield


def check_train_hopfield(train_hopfield, *, seed=0):
    r"""Check ``train_hopfield(patterns) -> W`` against the Hebbian rule

    .. math:: w_{ij} = \frac1N \sum_\mu p_i^{(\mu)} p_j^{(\mu)}, \quad w_{ii} = 0 .
    """
    name = "train_hopfield"
    require_params(train_hopfield, name, ["patterns"])
    gen = np.random.default_rng([1, seed])
    letters = list(letter_patterns().values())
    # (P, N) with P != N (so 1/P and 1/N differ) and the edge cases P = 1, N = 2.
    cases = [("the three 5x5 letters T, L, +", [p.copy() for p in letters]),
             ("one pattern of length 6", [_rand_spins(gen, 6)]),
             ("two patterns of length 2", [np.array([1, -1]), np.array([1, 1])])]
    for p, n in [(2, 9), (5, 12), (4, 30), (7, 16)]:
        cases.append((f"{p} random patterns of length {n}", list(_rand_spins(gen, p, n))))
    for label, pats in cases:
        P, N = len(pats), pats[0].size
        W = as_float_array(call(train_hopfield, name, [pats], ["patterns"]), name, "matrix")
        ref = _ref_learn.train_hopfield(pats)
        if W.shape != (N, N):
            fail("wrong-shape", f"for {label} W should have shape (N, N) = ({N}, {N}), "
                                 f"got {W.shape}. Sum the outer products np.outer(p, p).")
        if np.allclose(W, ref):
            continue
        off = ~np.eye(N, dtype=bool)
        diag = np.diag(W)
        if np.allclose(W[off], ref[off]):
            fail("diagonal-not-zero", 
                f"the diagonal must be zero (no self-connections, w_ii = 0); for {label} your "
                f"diagonal is {_fmt(diag)}. Call np.fill_diagonal(W, 0) after summing."
            )
        if P != N and np.allclose(W[off], ref[off] * N / P):
            fail("normalised-by-P", 
                f"W is normalised by 1/P (the number of patterns, {P} for {label}) instead of 1/N "
                f"(the number of neurons, {N}). Divide by N = len(pattern), as in the equation."
            )
        if np.allclose(W[off], ref[off] * N):
            fail("missing-1/N", "W is missing the factor 1/N: divide the sum of outer products "
                                 "by N, the number of neurons.")
        if np.allclose(W[off], -ref[off]):
            fail("wrong-sign", "W has the wrong sign: the Hebbian rule adds +p_i p_j "
                                 "(neurons that fire together wire together).")
        if not np.allclose(W, W.T):
            fail("not-symmetric", f"W must be symmetric (w_ij = w_ji); for {label} it is not. "
                                 "Use np.outer(p, p), which is symmetric, for every pattern.")
        if P > 1 and np.allclose(W[off], _ref_learn.train_hopfield(pats[-1:])[off]):
            fail("only-last-pattern", f"W only contains the last pattern: add (+=) the outer product "
                                 f"of every pattern instead of overwriting W ({label}).")
        i, j = np.unravel_index(np.argmax(np.abs(W - ref)), W.shape)
        fail("wrong-value", 
            f"for {label}, W[{i}, {j}] = {W[i, j]:.4g} but the Hebbian rule gives "
            f"{ref[i, j]:.4g} = (1/N) * sum over patterns of p[{i}] * p[{j}]."
        )


# ============================================================================ update_state


def _all_flip_case(s):
    """Anti-Hebbian weights on s: every neuron's field opposes its state (all would flip)."""
    n = s.size
    w = -np.outer(s, s).astype(np.float64) / n
    np.fill_diagonal(w, 0.0)
    return w


def _changed(new, old, name):
    new = as_float_array(new, name, "array")
    if new.shape != old.shape:
        fail("wrong-shape", f"{name} should return a state of the same shape {old.shape} as its "
                             f"input, got shape {new.shape}.")
    if not np.all(np.isin(new, (-1, 1))):
        bad = new[~np.isin(new, (-1, 1))]
        hint = (" np.sign(0) is 0: handle a zero local field yourself (h >= 0 gives +1)."
                if np.any(bad == 0) else "")
        fail("not-plus-minus-one", f"{name} returned values other than +1/-1 (e.g. {float(bad.flat[0]):g}).{hint}")
    return np.flatnonzero(new != old)


def check_update_state(update_state, *, seed=0):
    r"""Check ``update_state(state, weights, rng=None, theta=None)``: one asynchronous update

    .. math:: s_i \leftarrow \operatorname{sign}\Big(\sum_j w_{ij} s_j - \theta_i\Big),
              \quad i \text{ uniform at random}, \ \operatorname{sign}(0) = +1 .
    """
    name = "update_state"
    require_params(update_state, name, ["state", "weights", "rng=None", "theta=None"])
    argn = ["state", "weights", "rng", "theta"]

    def upd(s, w, rng, theta=None):
        return call(update_state, name, [s, w, rng, theta], argn)

    with seeded_global_random(seed + 11, update_state):
        # 1. One neuron, and the right one, changes when every neuron "wants" to flip.
        gen = np.random.default_rng([2, seed])
        n = 7
        s = _rand_spins(gen, n)
        w = _all_flip_case(s)
        chosen = []
        for out in call_repeated(update_state, name, [s, w, gen, None], argn, 700):
            idx = _changed(out, s, name)
            if idx.size == 0:
                fail("no-neuron-changed", 
                    "no neuron changed although every neuron's local field h_i = sum_j w_ij s_j "
                    "has the opposite sign of s_i. Set new_state[i] = sign(h_i) for the chosen i "
                    "and return new_state.")
            if idx.size > 1:
                fail("synchronous-update", 
                    f"{idx.size} neurons changed in one call. An asynchronous update changes ONE "
                    "randomly chosen neuron i (updating all neurons at once is the synchronous "
                    "rule).")
            chosen.append(int(idx[0]))
        counts = np.bincount(chosen, minlength=n)
        if np.count_nonzero(counts) == 1:
            fail("same-neuron", 
                f"every call updated the same neuron ({chosen[0]}). Choose i at random in every "
                "call, from the rng argument: i = rng.integers(len(state)).")
        if counts[-1] == 0 and np.all(counts[:-1] > 0):
            fail("last-neuron-never", 
                "the last neuron is never chosen: rng.integers(0, N) already excludes N, so "
                "do not subtract 1 from the upper bound.")
        if not counts_look_uniform(counts):
            fail("not-uniform", 
                f"neurons are not chosen uniformly at random: over 700 calls neuron 0..{n - 1} "
                f"was updated {counts.tolist()} times. Draw i = rng.integers(len(state)) in "
                "every call.")
        if _is_round_robin(chosen, n):
            fail("fixed-order", "neurons are updated in a fixed order (0, 1, 2, ...); choose "
                                 "i at random in every call: i = rng.integers(len(state)).")

        # 2. The rng argument is used: the same seed gives the same update.
        differs = 0
        for k in range(20):
            a = _changed(upd(s, w, np.random.default_rng(1000 + k)), s, name)
            b = _changed(upd(s, w, np.random.default_rng(1000 + k)), s, name)
            differs += not np.array_equal(a, b)
        if differs:
            fail("rng-not-used", 
                "with the same seed (rng=np.random.default_rng(1000)) two calls updated different "
                "neurons, so the function does not draw from its `rng` argument (random.* or "
                "np.random.* use global state). Use rng.integers(len(state)), after "
                "`rng = np.random.default_rng(rng)` so that rng=None also works.")

        # 3. rng=None must work.
        _changed(upd(s, w, None), s, name)

        # 4. Tie: h_i = 0 must give +1.
        z = np.zeros((5, 5))
        minus = -np.ones(5, dtype=np.int64)
        for out in call_repeated(update_state, name, [minus, z, gen, None], argn, 10):
            idx = _changed(out, minus, name)
            if idx.size != 1:
                fail("tie-not-plus-one", 
                    "a neuron whose local field is exactly 0 must become +1 (sign(0) = +1 in this "
                    "course): with all weights 0 and state all -1 one neuron should turn +1. Use "
                    "`1 if h >= 0 else -1`.")

        # 5. Thresholds: h_i = sum_j w_ij s_j - theta_i.
        plus = np.ones(5, dtype=np.int64)
        theta = np.full(5, 0.5)
        for out in call_repeated(update_state, name, [plus, z, gen, theta], argn, 10):
            idx = _changed(out, plus, name)
            if idx.size != 1:
                fail("theta-ignored", 
                    "theta is ignored or has the wrong sign: with zero weights, state all +1 and "
                    "theta_i = 0.5 the field h_i = 0 - 0.5 < 0, so the chosen neuron must become "
                    "-1. Subtract theta[i] from the local field (theta=None means no threshold).")
        for out in call_repeated(update_state, name, [minus, z, gen, -theta], argn, 10):
            idx = _changed(out, minus, name)
            if idx.size != 1:
                fail("theta-sign", "theta has the wrong sign: use h_i = sum_j w_ij s_j - theta_i.")

        # 6. Random asymmetric weights and thresholds: exactly the neurons whose row field
        #    disagrees with their state can flip, and to sign(h_i).
        for trial in range(6):
            n = int(gen.integers(6, 14))
            s = _rand_spins(gen, n)
            w = gen.normal(size=(n, n))
            np.fill_diagonal(w, 0.0)
            theta = gen.normal(scale=0.5, size=n) if trial % 2 else None
            th = np.zeros(n) if theta is None else theta
            h_row = w @ s - th
            h_col = w.T @ s - th
            want = np.flatnonzero(np.where(h_row >= 0, 1, -1) != s)
            seen = set()
            for out in call_repeated(update_state, name, [s, w, gen, theta], argn, 40 * n):
                idx = _changed(out, s, name)
                if idx.size > 1:
                    fail("synchronous-update", f"{idx.size} neurons changed in one call; an asynchronous "
                                         "update changes at most one neuron.")
                seen.update(idx.tolist())
            seen = np.array(sorted(seen), dtype=int)
            if not np.array_equal(seen, want):
                col_want = np.flatnonzero(np.where(h_col >= 0, 1, -1) != s)
                if np.array_equal(seen, col_want):
                    fail("column-instead-of-row", 
                        "with non-symmetric weights the wrong neurons flipped: use ROW i of the "
                        "weight matrix, h_i = sum_j w_ij s_j = weights[i] @ state (you used "
                        "column i, weights[:, i]).")
                wrong = sorted(set(seen.tolist()) ^ set(want.tolist()))
                fail("wrong-neuron", 
                    f"for random weights (N={n}) neuron {wrong[0]} "
                    f"{'flipped although' if wrong[0] in seen else 'never flipped although'} "
                    f"its local field h = {h_row[wrong[0]]:+.3f} "
                    f"{'agrees' if wrong[0] in seen else 'disagrees'} with its state "
                    f"{s[wrong[0]]:+d}. Set s_i = sign(sum_j w_ij s_j - theta_i) for the chosen i "
                    "only.")


def _is_round_robin(chosen, n):
    d = np.diff(np.asarray(chosen)) % n
    return bool(d.size and np.all(d == d[0]))


# ============================================================================ compute_energy


def check_compute_energy(compute_energy, *, seed=0):
    r"""Check ``compute_energy(state, weights, theta=None)`` against

    .. math:: E = -\tfrac12 \sum_{ij} w_{ij} s_i s_j + \sum_i \theta_i s_i
              = -\tfrac12\, \mathbf s^\top W \mathbf s + \boldsymbol\theta^\top \mathbf s ,

    the energy that the threshold rule :math:`s_i \leftarrow \operatorname{sign}(\sum_j w_{ij}
    s_j - \theta_i)` never raises (Hertz, Krogh & Palmer 1991, ch. 2). The teaching seed
    wrote :math:`-\boldsymbol\theta^\top \mathbf s` next to the same rule; that variant gets
    its own hint, as do the missing 1/2, the missing theta term and the overall sign.
    """
    name = "compute_energy"
    require_params(compute_energy, name, ["state", "weights", "theta=None"])
    gen = np.random.default_rng([3, seed])
    cases = []
    for n, m in [(25, 3), (10, 2), (1, 1), (40, 5)]:
        pats = _rand_spins(gen, m, n)
        w = _ref_learn.train_hopfield(pats) if n > 1 else np.zeros((1, 1))
        s = _rand_spins(gen, n)
        cases.append((s, w, None))
        cases.append((s, w, gen.normal(size=n)))
    # a symmetric non-Hebbian matrix with a larger energy scale
    a = gen.normal(size=(12, 12))
    w = (a + a.T) / 2
    np.fill_diagonal(w, 0)
    cases.append((_rand_spins(gen, 12), w, None))
    cases.append((_rand_spins(gen, 12), w, gen.normal(size=12)))
    for s, w, theta in cases:
        out = call(compute_energy, name, [s, w, theta], ["state", "weights", "theta=None"])
        if out is None:
            fail("returns-none", f"{name} returned None: did you forget the `return` statement?")
        if np.ndim(out) != 0:
            fail("returns-array", f"{name} must return one number (the energy), got an array of "
                                 f"shape {np.shape(out)}. Use s @ W @ s (a scalar), not s * W.")
        try:
            e = float(out)
        except (TypeError, ValueError):
            raise CheckFailure("not-a-number", f"{name} must return a number, got {type(out).__name__}") from None
        ref = _ref_dyn.compute_energy(s, w, theta)
        if np.isclose(e, ref, rtol=1e-9, atol=1e-9):
            continue
        sf = s.astype(float)
        quad = -0.5 * sf @ w @ sf
        lin = 0.0 if theta is None else float(theta @ sf)  # the threshold term, +theta^T s
        if theta is not None and np.isclose(e, quad, atol=1e-9):
            fail("theta-term-missing", "the threshold term is missing: when theta is given, "
                                 "E = -1/2 s^T W s + sum_i theta_i s_i (theta=None means 0).")
        if theta is not None and np.isclose(e, quad - lin, atol=1e-9):
            # -theta^T s is the teaching seed's sign: with the subtracting update rule it
            # lets E rise (one neuron, w = 0, theta = 0.5: s = +1 -> -1 takes E from -0.5 to +0.5).
            fail("theta-term-sign", "the threshold term has the wrong sign: with s_i <- sign(sum_j "
                                 "w_ij s_j - theta_i) the energy that never rises is "
                                 "E = -1/2 s^T W s + sum_i theta_i s_i (PLUS theta @ state, "
                                 "not minus).")
        if np.isclose(e, 2 * quad + lin, atol=1e-9):
            fail("missing-half", "the factor 1/2 is missing: E = -1/2 sum_ij w_ij s_i s_j "
                                 "(each pair i, j appears twice in the double sum).")
        if np.isclose(e, -quad - lin, atol=1e-9) or np.isclose(e, -quad + lin, atol=1e-9):
            fail("energy-sign", "the energy has the wrong sign: E = -1/2 s^T W s + theta^T s, "
                                 "so stored patterns have LOW (negative) energy.")
        fail("wrong-value", 
            f"for a state of length {s.size} {'with' if theta is not None else 'without'} "
            f"thresholds the energy should be {ref:.6g}, got {e:.6g}. "
            "Use E = -0.5 * state @ weights @ state + theta @ state (no theta term if theta=None).")


# ============================================================================ add_noise


def check_add_noise(add_noise, *, seed=0):
    r"""Check ``add_noise(pattern, noise_level, rng=None)``: flip exactly
    ``int(noise_level * N)`` distinct bits chosen uniformly at random.
    """
    name = "add_noise"
    require_params(add_noise, name, ["pattern", "noise_level", "rng=None"])
    argn = ["pattern", "noise_level", "rng"]

    def flips(out, p):
        arr = as_float_array(out, name)
        if arr.shape != p.shape:
            fail("wrong-shape", f"{name} should return an array of the same shape {p.shape} as "
                                 f"the pattern, got {arr.shape}.")
        if not np.all(np.isin(arr, (-1, 1))):
            fail("not-plus-minus-one", f"{name} must return +1/-1 values; flip a bit by multiplying "
                                 "it by -1.")
        return np.flatnonzero(arr != p)

    def noisy(p, level, rng):
        return flips(call(add_noise, name, [p, level, rng], argn), p)

    def noisy_many(p, level, rng, times):
        return [flips(out, p) for out in call_repeated(add_noise, name, [p, level, rng], argn, times)]

    with seeded_global_random(seed + 17, add_noise):
        gen = np.random.default_rng([4, seed])
        # 1. The number of flipped bits: exactly int(level * N), all distinct.
        for n, level in [(25, 0.15), (25, 0.3), (10, 0.25), (7, 0.5), (40, 0.33), (25, 0.5),
                         (12, 0.05)]:
            k = int(level * n)
            p = _rand_spins(gen, n)
            got = [f.size for f in noisy_many(p, level, gen, 30)]
            if all(g == k for g in got):
                continue
            if all(g == round(level * n) for g in got):
                fail("round-instead-of-int", 
                    f"with N = {n} and noise_level = {level} exactly int({level} * {n}) = {k} bits "
                    f"must flip (round down), you flipped {round(level * n)}. Use "
                    "int(noise_level * N), not round().")
            if max(got) <= k and min(got) < k:
                fail("repeated-positions", 
                    f"with N = {n} and noise_level = {level}, {k} bits must flip but sometimes only "
                    f"{min(got)} did: some positions were chosen twice (a second flip undoes the "
                    "first). Choose distinct positions: rng.choice(N, size=k, replace=False).")
            if len(set(got)) > 1:
                fail("noise-count-varies",
                     f"with N = {n} and noise_level = {level} exactly int(noise_level * N) = {k} bits "
                     f"must flip in every call; over {len(got)} calls you flipped between {min(got)} "
                     f"and {max(got)} bits (mean {np.mean(got):.1f}): flipping each bit independently "
                     "with probability noise_level gives a random count. Choose exactly k distinct "
                     "positions: rng.choice(N, size=k, replace=False).")
            fail("wrong-flip-count", f"with N = {n} and noise_level = {level} exactly "
                                     f"int(noise_level * N) = {k} bits must flip; you flipped "
                                     f"{got[0]} every time.")
        # 2. Edge cases: 0 flips nothing, 1 flips everything.
        p = _rand_spins(gen, 9)
        if noisy(p, 0.0, gen).size != 0:
            fail("noise-zero", "noise_level = 0 must return an unchanged copy of the pattern.")
        if noisy(p, 1.0, gen).size != p.size:
            fail("noise-one", "noise_level = 1 must flip every bit (return -pattern).")
        # 3. Uniform choice of the flipped positions.
        n, level = 10, 0.3
        p = _rand_spins(gen, n)
        counts = np.zeros(n)
        for f in noisy_many(p, level, gen, 1000):
            counts[f] += 1
        if np.count_nonzero(counts) <= int(level * n):
            fail("same-positions", 
                f"the same positions {np.flatnonzero(counts).tolist()} are flipped every time; "
                "choose them at random in every call from the rng argument "
                "(rng.choice(N, size=k, replace=False)).")
        if not counts_look_uniform(counts):
            fail("not-uniform", 
                f"the flipped positions are not uniformly distributed: over 1000 calls positions "
                f"0..{n - 1} were flipped {counts.astype(int).tolist()} times. Every bit must be "
                "equally likely to flip.")
        # 4. The rng argument is used; rng=None works.
        differs = sum(not np.array_equal(noisy(p, level, np.random.default_rng(50 + k)),
                                         noisy(p, level, np.random.default_rng(50 + k)))
                      for k in range(10))
        if differs:
            fail("rng-not-used", 
                "with the same seed two calls flipped different bits, so the function does not "
                "draw from its `rng` argument (np.random.choice and random.* use global state). "
                "Use rng.choice(...) after `rng = np.random.default_rng(rng)`.")
        noisy(p, level, None)


#: Registry: student function name -> check.
CHECKS = {
    "train_hopfield": check_train_hopfield,
    "update_state": check_update_state,
    "compute_energy": check_compute_energy,
    "add_noise": check_add_noise,
}

#: nbgrader points of each function's test cell in assignment 1.
POINTS = {
    "train_hopfield": 2,
    "update_state": 3,
    "compute_energy": 2,
    "add_noise": 2,
}
