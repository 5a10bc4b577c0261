"""The Assignment 3 checks accept correct student code (written independently here, the way
a student would) and reject the usual mistakes with a hint that names them."""
import math

import numpy as np
import pytest

from hopfield_edu.grading.checks import ASSIGNMENTS, POINTS, run_checks
from hopfield_edu.grading.checks import assignment3 as a3


# ------------------------------------------------------------------ correct solutions
def glauber_ok(h, T):
    return 1.0 / (1.0 + np.exp(-2.0 * np.asarray(h, dtype=float) / T))


def glauber_tanh(h, T):
    return 0.5 * (1 + np.tanh(np.asarray(h) / T))


def mean_field_ok(T):
    if T >= 1:
        return 0.0
    m = 1.0
    for _ in range(100000):
        new = math.tanh(m / T)
        if abs(new - m) < 1e-13:
            break
        m = new
    return m


def alpha_c_ok(alphas, fraction_retrieved):
    a = np.asarray(alphas, float)
    f = np.asarray(fraction_retrieved, float)
    if f[0] <= 0.5:
        return float("nan")
    for k in range(len(a) - 1):
        if f[k] > 0.5 >= f[k + 1]:
            return a[k] + (a[k + 1] - a[k]) * (f[k] - 0.5) / (f[k] - f[k + 1])
    return float("nan")


def unstable_ok(W, pattern):
    h = W @ pattern
    return int(np.sum(np.where(h >= 0, 1, -1) != pattern))


@pytest.mark.parametrize("name, func", [
    ("glauber_probability", glauber_ok),
    ("glauber_probability", glauber_tanh),
    ("mean_field_m", mean_field_ok),
    ("estimate_alpha_c", alpha_c_ok),
    ("count_unstable_bits", unstable_ok),
])
@pytest.mark.parametrize("seed", [a3._SEED, 1, 2])
def test_correct_solutions_pass(name, func, seed):
    a3.CHECKS[name](func, seed=seed)


def test_registry_and_points():
    assert ASSIGNMENTS["assignment3"] == ["glauber_probability", "mean_field_m",
                                          "estimate_alpha_c", "count_unstable_bits"]
    assert all(POINTS[n] == 2 for n in ASSIGNMENTS["assignment3"])


def test_stub_is_todo_and_runner_scores():
    def stub(*args):
        raise NotImplementedError("Student exercise")
    ns = {"glauber_probability": glauber_ok, "mean_field_m": stub,
          "estimate_alpha_c": alpha_c_ok, "count_unstable_bits": unstable_ok}
    res = {r.name: r for r in run_checks(ns, assignment="assignment3")}
    assert res["mean_field_m"].status == "todo"
    assert res["glauber_probability"].status == "pass" and res["glauber_probability"].points == 2


# ------------------------------------------------------------------ mistakes -> hints
def _fails_with(check, func, *words):
    with pytest.raises(AssertionError) as err:
        check(func)
    msg = str(err.value)
    for w in words:
        assert w in msg, msg
    return msg


@pytest.mark.parametrize("func, words", [
    (lambda h, T: 1 / (1 + np.exp(-np.asarray(h) / T)), ["factor 2"]),
    (lambda h, T: 1 / (1 + np.exp(2 * np.asarray(h) / T)), ["P(s_i = -1)"]),
    (lambda h, T: 1 / (1 + np.exp(-2 * np.asarray(h) * T)), ["instead of dividing"]),
    (lambda h, T: np.where(np.asarray(h) >= 0, 1, -1), ["not a sampled spin"]),
    (lambda h, T: float(1 / (1 + math.exp(-2 * h / T))), ["shape"]),  # scalar-only (math.exp)
    (lambda h, T: np.exp(np.asarray(h) / T) / (np.exp(np.asarray(h) / T) + np.exp(-np.asarray(h) / T)),
     ["nan"]),
])
def test_glauber_mistakes(func, words):
    _fails_with(a3.check_glauber_probability, func, *words)


def test_mean_field_mistakes():
    def from_zero(T):
        m = 0.0
        for _ in range(1000):
            m = math.tanh(m / T)
        return m
    _fails_with(a3.check_mean_field_m, from_zero, "Start the iteration", "m = 1")

    def negative(T):
        return -mean_field_ok(T)
    _fails_with(a3.check_mean_field_m, negative, "positive solution")

    def iterate_at_tc(T):  # no special case: at T = 1 the iteration is still ~0.01 away
        m = 1.0
        for _ in range(10000):
            m = math.tanh(m / T)
        return m
    _fails_with(a3.check_mean_field_m, iterate_at_tc, "T >= T_c = 1")

    def few_steps(T):
        m = 1.0
        for _ in range(5):
            m = math.tanh(m / T) if T < 1 else 0.0
        return m
    _fails_with(a3.check_mean_field_m, few_steps, "expected")


def test_estimate_alpha_c_mistakes():
    def last_above(a, f):
        a, f = np.asarray(a, float), np.asarray(f, float)
        if f[0] <= 0.5 or not (f <= 0.5).any():
            return float("nan")
        k = int(np.argmax(f <= 0.5))
        return a[k - 1]
    _fails_with(a3.check_estimate_alpha_c, last_above, "interpolate")

    def last_crossing(a, f):
        a, f = np.asarray(a, float), np.asarray(f, float)
        if f[0] <= 0.5:
            return float("nan")
        ks = [k for k in range(len(a) - 1) if f[k] > 0.5 >= f[k + 1]]
        if not ks:
            return float("nan")
        k = ks[-1]
        return a[k] + (a[k + 1] - a[k]) * (f[k] - 0.5) / (f[k] - f[k + 1])
    _fails_with(a3.check_estimate_alpha_c, last_crossing, "FIRST")

    def no_nan(a, f):
        r = alpha_c_ok(a, f)
        return 0.0 if math.isnan(r) else r
    _fails_with(a3.check_estimate_alpha_c, no_nan, "nan")


@pytest.mark.parametrize("func, words", [
    (lambda W, p: int(np.sum(np.sign(W @ p) != p)), ["np.sign(0)"]),
    (lambda W, p: int(np.sum(np.where(W @ p > 0, 1, -1) != p)), ["ties"]),
    (lambda W, p: int(np.sum((W @ p) * p <= 0)), ["h_i * xi_i <= 0"]),  # same as np.sign
    (lambda W, p: int(np.sum(np.where(W @ p >= 0, 1, -1) == p)), ["stable bits"]),
    (lambda W, p: int(np.sum(np.where(W.T @ p >= 0, 1, -1) != p)), ["W.T @ s"]),
    (lambda W, p: float(np.mean(np.where(W @ p >= 0, 1, -1) != p)), ["NUMBER"]),
])
def test_count_unstable_bits_mistakes(func, words):
    _fails_with(a3.check_count_unstable_bits, func, *words)


def test_in_place_change_is_reported():
    def mutating(W, p):
        p *= 1  # harmless
        W[0, 0] = 5.0
        return unstable_ok(W, p)
    _fails_with(a3.check_count_unstable_bits, mutating, "in place")
