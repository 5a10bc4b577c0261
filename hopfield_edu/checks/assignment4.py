"""Checks for Assignment 4 (dense associative memory, modern Hopfield networks, attention).

Four graded functions, each compared with the package's reference in
:mod:`hopfield_edu.dense` on fixed, seeded cases (``seed`` picks the random ones; the
notebook's hidden tests use another seed):

- ``dense_energy(state, patterns, n=3)``    E = -sum_mu F(xi^mu . s), F = x^n or exp;
- ``dense_update(state, patterns, i, n=3)`` neuron i takes the value of lower energy,
  sign(sum_mu [F(xi_i^mu + r_mu) - F(-xi_i^mu + r_mu)]), r_mu = sum_{j != i} xi_j^mu s_j;
- ``modern_retrieve(query, patterns, beta)`` one step xi <- X^T softmax(beta X xi);
- ``attention(Q, K, V)``                     softmax(Q K^T / sqrt(d)) V, row-wise.

Only plain data crosses to the student's function (NumPy arrays, ints, floats, the
string ``"exp"``), and only plain data is expected back. A wrong answer is compared with
what the usual mistakes return (the i-th term left in the rest, sign(0), the softmax
over the wrong axis, no max-subtraction, patterns as columns, beta in the wrong place,
...) and the failure names the mistake with a stable hint id.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from hopfield_edu import dense as _dense

from ._core import _student_frame_hint, call, fail, require_params

__all__ = ["CHECKS", "POINTS", "check_dense_energy", "check_dense_update",
           "check_modern_retrieve", "check_attention"]

# Points of the autograded test cells in solutions/assignment4/assignment4.ipynb.
POINTS = {"dense_energy": 2, "dense_update": 3, "modern_retrieve": 2, "attention": 2}

_SEED = 20240704


# --------------------------------------------------------------------- helpers
def _call(student, name, args, arg_names, shown):
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return call(student, name, list(args), arg_names)
    except (NotImplementedError, AssertionError):
        raise
    except OverflowError as exc:
        fail("exp-overflow", f"{name}{shown} raised OverflowError ({exc}): e^x overflows float64 "
             "for x > 709. Subtract the largest exponent first; the sign (or the ratio) does "
             "not change")
    except Exception as exc:  # noqa: BLE001 - the student's code raised
        fail(f"raised:{type(exc).__name__}", f"{name}{shown} raised {type(exc).__name__}: {exc}"
             f"{_student_frame_hint(exc)}")


def _pm1(rng, *shape):
    return rng.choice(np.array([-1, 1]), size=shape).astype(np.int64)


def _number(got, name, shown):
    if isinstance(got, np.ndarray) and got.size == 1:
        got = got.reshape(())[()]
    if got is None:
        fail("returned-none", f"{name}{shown} returned None: did you forget the `return`?")
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
        fail("not-a-number", f"{name}{shown} returned {type(got).__name__}; it must return one "
             "number (the energy)")
    return float(got)


def _array(got, name, shown, shape, what):
    if got is None:
        fail("returned-none", f"{name}{shown} returned None: did you forget the `return`?")
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        fail("not-an-array", f"{name}{shown} must return a NumPy array of numbers ({what}), "
             f"got {type(got).__name__}")
    if arr.shape != shape:
        fail("wrong-shape", f"{name}{shown} returned shape {arr.shape}, expected {shape} ({what})")
    return arr


def _close(a, b, rtol=1e-7, atol=1e-9):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and \
        bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _diagnose(history, variants, **tol):
    """(hint id, message) of the first variant that reproduces every answer so far."""
    for hint_id, (fn, message) in variants.items():
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if all(_close(got, fn(*args), **tol) for args, got in history):
                    return hint_id, message
        except Exception:  # noqa: BLE001 - a variant undefined for some input
            continue
    return None


def _softmax(z, axis=-1):
    z = np.asarray(z, float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _naive_softmax(z, axis=-1):
    e = np.exp(np.asarray(z, float))
    return e / e.sum(axis=axis, keepdims=True)


def _shape_error(exc_text):
    return any(w in exc_text for w in ("matmul", "shapes", "aligned", "broadcast", "dimension"))


# ============================================================ dense_energy
def _energy_variants():
    def f(m, n):
        return np.exp(m) if n == "exp" else m.astype(float) ** n

    def ov(s, x):
        return np.asarray(x, float) @ np.asarray(s, float)

    return {
        "energy-sign": (lambda s, x, n: float(np.sum(f(ov(s, x), n))),
                        "your energy has the wrong sign: E = -sum_mu F(xi^mu . s) (minus!), so "
                        "that a state close to a stored pattern has a LOW energy"),
        "half-factor": (lambda s, x, n: -0.5 * float(np.sum(f(ov(s, x), n))),
                        "you kept the 1/2 of the classical energy: the dense energy is "
                        "E = -sum_mu F(xi^mu . s), without a factor 1/2"),
        "normalised-overlap": (lambda s, x, n: -float(np.sum(f(ov(s, x) / len(s), n))),
                               "you applied F to the normalised overlap (xi^mu . s)/N; here F acts "
                               "on the plain dot product xi^mu . s (an integer between -N and N)"),
        "abs-odd-n": (lambda s, x, n: -float(np.sum(np.exp(ov(s, x)) if n == "exp"
                                                    else np.abs(ov(s, x)) ** n)),
                      "you used |x|^n: F(x) = x^n keeps the sign for odd n (an anti-pattern then "
                      "has a HIGH energy); do not take the absolute value"),
        "sum-before-F": (lambda s, x, n: -float(f(np.sum(ov(s, x)), n)),
                         "you applied F to the sum of the overlaps; F acts on each overlap "
                         "separately: E = -sum_mu F(xi^mu . s)"),
        "patterns-as-columns": (lambda s, x, n: -float(np.sum(f(np.asarray(x, float).T
                                                                @ np.asarray(s, float), n))),
                                "patterns are the ROWS of `patterns` (shape (M, N)); the overlaps "
                                "are patterns @ state, one per stored pattern"),
    }


def check_dense_energy(student, *, seed=_SEED) -> None:
    """Check ``dense_energy(state, patterns, n=3)`` = -sum_mu F(xi^mu . s), F = x^n or exp."""
    name = "dense_energy"
    require_params(student, name, ["state", "patterns", "n=3"])
    rng = np.random.default_rng(seed)
    cases = []
    for n in (2, 3, 4, 5, 2, 3, "exp", "exp"):
        size = int(rng.integers(6, 16))
        cases.append((_pm1(rng, size), _pm1(rng, int(rng.integers(2, 6)), size), n))
    # a square case (M = N) tells rows from columns; an anti-pattern for odd n
    cases.append((_pm1(rng, 6), _pm1(rng, 6, 6), 3))
    x = _pm1(rng, 3, 9)
    cases.append((-x[0], x, 3))
    history, wrong = [], []
    for s, x, n in cases:
        shown = f"(state of length {s.size}, {x.shape[0]} patterns, n={n!r})"
        got = _number(_call(student, name, (s.copy(), x.copy(), n), ("state", "patterns", "n"),
                            shown), name, shown)
        ref = _dense.dense_energy(s, x, n)
        history.append(((s, x, n), got))
        if abs(got - ref) > 1e-9 * max(1.0, abs(ref)):
            wrong.append((shown, got, ref))
    if wrong:
        found = _diagnose(history, _energy_variants(), rtol=1e-9, atol=1e-9)
        if found:
            fail(*found)
        shown, got, ref = wrong[0]
        fail("wrong-value", f"{name}{shown} returned {got:.10g}, expected {ref:.10g} = "
             "-sum_mu F(xi^mu . s) with F(x) = x**n (or np.exp(x) for n = 'exp')")


# ============================================================ dense_update
def _field_terms(s, x, i, n, include_i=False, derivative=False):
    s = np.asarray(s, np.int64)
    x = np.asarray(x, np.int64)
    rest = x @ s - (0 if include_i else x[:, i] * s[i])
    rest = rest.astype(float)
    xi = x[:, i].astype(float)
    if n == "exp":
        if derivative:
            return xi * np.exp(rest - rest.max())
        shift = (rest + np.abs(xi)).max()
        return np.exp(rest + xi - shift) - np.exp(rest - xi - shift)
    if derivative:
        return xi * n * rest ** (n - 1)
    return (rest + xi) ** n - (rest - xi) ** n


def _update_variants():
    def new_value(field):
        return 1 if field >= 0 else -1

    return {
        "rest-includes-i": (
            lambda s, x, i, n: new_value(np.sum(_field_terms(s, x, i, n, include_i=True))),
            "the rest r_mu = sum_{j != i} xi_j^mu s_j must leave out neuron i itself: compute "
            "m = patterns @ state and subtract patterns[:, i] * state[i], then compare "
            "F(r + xi_i) with F(r - xi_i)"),
        "wrong-direction": (
            lambda s, x, i, n: -new_value(np.sum(_field_terms(s, x, i, n))),
            "your rule picks the value of HIGHER energy: s_i = +1 when "
            "sum_mu [F(xi_i^mu + r_mu) - F(-xi_i^mu + r_mu)] >= 0 (that sum is "
            "E(s_i = -1) - E(s_i = +1))"),
        "derivative-approximation": (
            lambda s, x, i, n: new_value(np.sum(_field_terms(s, x, i, n, derivative=True))),
            "you used the derivative F'(r) (the 'local field' xi_i n r^(n-1)) instead of the exact "
            "energy difference F(r + xi_i) - F(r - xi_i); they differ, e.g. by the constant "
            "term for n = 3"),
    }


def _update_cases(rng):
    cases = []
    for n in (2, 3, 4, 5, "exp", 3, 4, "exp"):
        size = int(rng.integers(5, 13))
        x = _pm1(rng, int(rng.integers(1, 6)), size)
        s = _pm1(rng, size)
        for i in rng.choice(size, size=3, replace=False):
            cases.append((s, x, int(i), n))
    # ties: one pattern, rest 0 -> F(1) - F(-1) = 0 for even n (and exp has no tie here)
    x = np.array([[1, 1, -1, 1, -1]])
    s = np.array([-1, 1, 1, 1, 1])        # rest for i = 0: 1 - 1 + 1 - 1 = 0
    cases += [(s, x, 0, 2), (s, x, 0, 4)]
    x2 = np.array([[1, 1, 1, 1], [-1, 1, 1, 1]])
    s2 = np.array([1, 1, -1, -1])          # two patterns with opposite xi_0 and equal rests
    cases += [(s2, x2, 0, 3), (s2, x2, 0, "exp")]
    # an anti-pattern for odd n: the state is repelled (it must move towards the pattern)
    x3 = _pm1(rng, 2, 11)
    cases.append((-x3[0], x3, 4, 3))
    return cases


def _big_exp_case(rng):
    # rests of about N = 800: e^800 overflows float64 unless the largest rest is subtracted
    x = _pm1(rng, 3, 800)
    x[1, 5] = 1
    x[2] = x[1]
    x[2, 5] = -1                           # two patterns close to the state, opposite at i = 5
    x[2, 40:50] *= -1
    s = x[1].copy()
    s[:30] *= -1                           # rests 741 and 721: both e^r overflow, inf - inf = nan
    return s, x, 5, "exp"


def check_dense_update(student, *, seed=_SEED) -> None:
    """Check ``dense_update(state, patterns, i, n=3)``: neuron i takes the value of lower energy."""
    name = "dense_update"
    require_params(student, name, ["state", "patterns", "i", "n=3"])
    rng = np.random.default_rng(seed)
    history, wrong = [], []
    for s, x, i, n in _update_cases(rng) + [_big_exp_case(rng)]:
        shown = f"(state of length {s.size}, {x.shape[0]} patterns, i={i}, n={n!r})"
        got = _call(student, name, (s.copy(), x.copy(), i, n), ("state", "patterns", "i", "n"), shown)
        arr = _array(got, name, shown, s.shape, "the new state")
        changed = np.flatnonzero(arr != s)
        if changed.size > 1:
            fail("more-than-one-neuron", f"{name}{shown} changed {changed.size} neurons; update "
                 "ONLY neuron i and return the copy with every other neuron unchanged")
        if changed.size == 1 and changed[0] != i:
            fail("wrong-neuron", f"{name}{shown} changed neuron {changed[0]}, not i = {i}")
        value = arr[i]
        if value not in (1, -1):
            fail("tie-not-plus-one" if value == 0 else "not-pm1",
                 f"{name}{shown} set neuron {i} to {value:g}; a neuron is +1 or -1, and a tie "
                 "(both values have the same energy) gives +1 in this course: use "
                 "`1 if diff >= 0 else -1`, not np.sign (np.sign(0) = 0)")
        ref = int(_dense.dense_update(s, x, n, i=i)[i])
        history.append(((s, x, i, n), value))
        if value != ref:
            terms = _field_terms(s, x, i, n)
            tie = abs(np.sum(terms)) <= 1e-12 * np.sum(np.abs(terms))
            wrong.append((shown, value, ref, tie, n == "exp" and s.size >= 800))
    if not wrong:
        return
    found = _diagnose(history, _update_variants())
    if found:
        fail(*found)
    if all(w[3] for w in wrong):
        fail("tie-not-plus-one", f"{name}{wrong[0][0]}: both values of neuron i have the same "
             "energy (the sum is exactly 0), and a tie gives +1 in this course; use "
             "`1 if diff >= 0 else -1`")
    if all(w[4] for w in wrong):
        fail("exp-overflow", f"{name}{wrong[0][0]} is wrong for N = 800: e^r overflows float64 "
             "for r > 709 (inf - inf = nan). Subtract the largest rest first: the sign of "
             "sum_mu xi_i^mu e^(r_mu) is the sign of sum_mu xi_i^mu e^(r_mu - max r)")
    shown, value, ref = wrong[0][:3]
    fail("wrong-value", f"{name}{shown} set neuron i to {value:+g}, expected {ref:+d}: "
         "s_i = sign(sum_mu [F(xi_i^mu + r_mu) - F(-xi_i^mu + r_mu)]) with "
         "r_mu = sum_{j != i} xi_j^mu s_j")


# ============================================================ modern_retrieve
def _retrieve_variants():
    def x_(p):
        return np.asarray(p, float)

    return {
        "beta-placement": (lambda q, p, b: _softmax(x_(p) @ q / b) @ x_(p),
                           "beta multiplies the scores: softmax(beta * X @ query); you divided by "
                           "beta (beta is an inverse temperature: large beta = sharp retrieval)"),
        "beta-ignored": (lambda q, p, b: _softmax(x_(p) @ q) @ x_(p),
                         "beta is missing: the weights are softmax(beta * (patterns @ query))"),
        "beta-outside": (lambda q, p, b: b * (_softmax(x_(p) @ q) @ x_(p)),
                         "beta goes inside the softmax, softmax(beta * scores), not in front of it"),
        "softmax-sign": (lambda q, p, b: _softmax(-b * (x_(p) @ q)) @ x_(p),
                         "the softmax must favour the pattern MOST similar to the query: "
                         "softmax(+beta * patterns @ query)"),
        "no-normalisation": (lambda q, p, b: np.exp(b * (x_(p) @ q)) @ x_(p),
                             "the weights must sum to 1: divide exp(beta * scores) by its sum "
                             "(that is the softmax)"),
        "patterns-as-columns": (lambda q, p, b: x_(p) @ _softmax(b * (x_(p).T @ q)),
                                "patterns are the ROWS of `patterns` (shape (M, d)): "
                                "scores = patterns @ query (length M), new = weights @ patterns"),
    }


def check_modern_retrieve(student, *, seed=_SEED) -> None:
    """Check ``modern_retrieve(query, patterns, beta)`` = X^T softmax(beta X query), one step."""
    name = "modern_retrieve"
    require_params(student, name, ["query", "patterns", "beta"])
    rng = np.random.default_rng(seed)
    cases = []
    for m, d, beta in ((5, 3, 1.0), (4, 7, 0.3), (6, 6, 2.5), (3, 5, 8.0), (8, 4, 0.05)):
        cases.append((rng.normal(size=d), rng.normal(size=(m, d)), beta))
    # large beta and large scores: exp overflows without the max subtracted
    big = rng.normal(size=(4, 6)) * 10
    cases.append((big[2] + 0.1 * rng.normal(size=6), big, 50.0))
    history = []
    for q, x, beta in cases:
        shown = f"(query of length {q.size}, patterns of shape {x.shape}, beta={beta:g})"
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                got = call(student, name, [q.copy(), x.copy(), beta], ["query", "patterns", "beta"])
        except (NotImplementedError, AssertionError):
            raise
        except Exception as exc:  # noqa: BLE001
            if _shape_error(str(exc)):
                fail("patterns-as-columns", f"{name}{shown} raised {type(exc).__name__}: {exc}. "
                     "Patterns are the ROWS of `patterns` (shape (M, d)): scores = patterns @ query "
                     "(length M), and the new state is weights @ patterns (length d)")
            fail(f"raised:{type(exc).__name__}", f"{name}{shown} raised {type(exc).__name__}: "
                 f"{exc}{_student_frame_hint(exc)}")
        if got is not None and np.shape(got) == (x.shape[0],) and x.shape[0] != q.size:
            fail("returned-weights", f"{name}{shown} returned {x.shape[0]} numbers, one per pattern: "
                 "those are the softmax weights p; return the new state p @ patterns (length d)")
        arr = _array(got, name, shown, q.shape, "the new state, same length as the query")
        ref = _dense.modern_retrieve(q, x, beta)
        history.append(((q, x, beta), arr))
        if _close(arr, ref):
            continue
        if not np.all(np.isfinite(arr)):
            fail("softmax-overflow", f"{name}{shown} returned nan/inf: exp(beta * scores) overflows "
                 "for large scores. Subtract the largest score before exp (softmax does not change)")
        found = _diagnose(history, _retrieve_variants())
        if found:
            fail(*found)
        fail("wrong-value", f"{name}{shown} returned {np.round(arr, 4)}, expected "
             f"{np.round(ref, 4)} = softmax(beta * patterns @ query) @ patterns")


# ============================================================ attention
def _attention_variants():
    def a(x):
        return np.asarray(x, float)

    return {
        "softmax-axis": (lambda q, k, v: _softmax(a(q) @ a(k).T / math.sqrt(a(k).shape[1]), axis=0) @ a(v),
                         "the softmax runs over the KEYS, i.e. along each row of Q K^T "
                         "(axis=-1, so each query's weights sum to 1), not over the queries (axis=0)"),
        "no-scaling": (lambda q, k, v: _softmax(a(q) @ a(k).T) @ a(v),
                       "the scores are divided by sqrt(d): softmax(Q K^T / sqrt(d)) V, d = the "
                       "key dimension K.shape[1]"),
        "scale-by-d": (lambda q, k, v: _softmax(a(q) @ a(k).T / a(k).shape[1]) @ a(v),
                       "divide the scores by sqrt(d), not by d"),
        "scale-multiplied": (lambda q, k, v: _softmax(a(q) @ a(k).T * math.sqrt(a(k).shape[1])) @ a(v),
                             "divide the scores by sqrt(d); you multiplied"),
        "sqrt-value-dim": (lambda q, k, v: _softmax(a(q) @ a(k).T / math.sqrt(a(v).shape[1])) @ a(v),
                           "d is the dimension of the queries and keys (K.shape[1]), not of the "
                           "values V.shape[1]"),
        "sqrt-num-keys": (lambda q, k, v: _softmax(a(q) @ a(k).T / math.sqrt(a(k).shape[0])) @ a(v),
                          "d is the dimension of the keys (K.shape[1]), not their number K.shape[0]"),
        "values-ignored": (lambda q, k, v: _softmax(a(q) @ a(k).T / math.sqrt(a(k).shape[1])) @ a(k),
                           "the weights multiply the VALUES V, not the keys: softmax(...) @ V"),
    }


def check_attention(student, *, seed=_SEED) -> None:
    """Check ``attention(Q, K, V)`` = softmax(Q K^T / sqrt(d)) V, softmax over the keys."""
    name = "attention"
    require_params(student, name, ["Q", "K", "V"])
    rng = np.random.default_rng(seed)
    cases = []
    for lq, lk, d, dv in ((3, 5, 4, 4), (4, 6, 9, 3), (3, 5, 4, 2), (2, 3, 16, 5), (5, 4, 8, 6)):
        cases.append((rng.normal(size=(lq, d)), rng.normal(size=(lk, d)), rng.normal(size=(lk, dv))))
    # huge scores: exp overflows without subtracting the row maximum
    k = rng.normal(size=(4, 4)) * 40
    cases.append((k[:3] + rng.normal(size=(3, 4)), k, rng.normal(size=(4, 3))))
    history = []
    for q, k, v in cases:
        shown = f"(Q {q.shape}, K {k.shape}, V {v.shape})"
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", RuntimeWarning)
                got = call(student, name, [q.copy(), k.copy(), v.copy()], ["Q", "K", "V"])
        except (NotImplementedError, AssertionError):
            raise
        except Exception as exc:  # noqa: BLE001
            if _shape_error(str(exc)):
                fail("keys-not-transposed", f"{name}{shown} raised {type(exc).__name__}: {exc}. The "
                     "scores are Q @ K.T (shape (L_q, L_k)); the output is weights @ V")
            fail(f"raised:{type(exc).__name__}", f"{name}{shown} raised {type(exc).__name__}: "
                 f"{exc}{_student_frame_hint(exc)}")
        if got is not None and np.shape(got) == (q.shape[0], k.shape[0]) and k.shape[0] != v.shape[1]:
            fail("returned-weights", f"{name}{shown} returned the ({q.shape[0]}, {k.shape[0]}) "
                 "attention weights; return weights @ V")
        arr = _array(got, name, shown, (q.shape[0], v.shape[1]), "one row per query")
        ref = _dense.attention(q, k, v)
        history.append(((q, k, v), arr))
        if _close(arr, ref):
            continue
        if not np.all(np.isfinite(arr)):
            fail("softmax-overflow", f"{name}{shown} returned nan/inf: exp of large scores "
                 "overflows. Subtract each row's maximum before exp (keepdims=True)")
        found = _diagnose(history, _attention_variants())
        if found:
            fail(*found)
        fail("wrong-value", f"{name}{shown} differs from softmax(Q @ K.T / sqrt(d)) @ V with the "
             "softmax along each row (max error "
             f"{np.max(np.abs(arr - ref)):.3g})")


CHECKS = {"dense_energy": check_dense_energy, "dense_update": check_dense_update,
          "modern_retrieve": check_modern_retrieve, "attention": check_attention}
