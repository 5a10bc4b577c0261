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
    _fails_with(a3.check_mean_field_m, few_steps, "solution is", "1e-12")  # stopped too early


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


# ------------------------------------------------------------------ issue 14: silent passes
def _hint_id(check, func):
    with pytest.raises(AssertionError) as err:
        check(func)
    return err.value.hint_id, str(err.value)


def mean_field_bisection(T):
    if T >= 1:
        return 0.0
    lo, hi = 1e-12, 1.0  # m - tanh(m/T) < 0 at lo, > 0 at hi
    while hi - lo > 1e-13:
        mid = 0.5 * (lo + hi)
        if mid - math.tanh(mid / T) < 0:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def mean_field_newton(T):
    if T >= 1:
        return 0.0
    m = 1.0
    for _ in range(100):
        g = m - math.tanh(m / T)
        dg = 1 - (1 - math.tanh(m / T) ** 2) / T
        step = g / dg
        m -= step
        if abs(step) < 1e-14:
            break
    return m


def mean_field_brentq(T):
    from scipy.optimize import brentq
    return 0.0 if T >= 1 else brentq(lambda m: m - math.tanh(m / T), 1e-12, 1.0)


@pytest.mark.parametrize("func", [mean_field_ok, mean_field_bisection, mean_field_newton,
                                  mean_field_brentq])
@pytest.mark.parametrize("seed", [a3._SEED, 7362, 1])
def test_mean_field_valid_alternatives_pass_close_to_tc(func, seed):
    a3.check_mean_field_m(func, seed=seed)


def test_the_mean_field_reference_meets_the_docstring_accuracy_close_to_tc():
    from hopfield_edu.theory import mean_field_overlap
    for T in (0.5, 0.9, 0.99, 0.999, 0.9999):
        m = mean_field_newton(T)  # an independent solver, to ~1e-15
        assert abs(m - math.tanh(m / T)) < 1e-14
        assert abs(float(mean_field_overlap(T)) - m) < 1e-9  # far inside the promised 1e-6


@pytest.mark.parametrize("stop", [1e-6, 1e-7])
def test_mean_field_with_a_loose_stopping_rule_fails_close_to_tc(stop):
    # |delta m| < 1e-6 is off by 3.4e-6 at T = 0.9 and 4.9e-4 at T = 0.999 (issue 14)
    def loose(T):
        if T >= 1:
            return 0.0
        m = 1.0
        while True:
            new = math.tanh(m / T)
            if abs(new - m) < stop:
                return new
            m = new
    assert abs(loose(0.999) - mean_field_ok(0.999)) > 1e-6
    hint_id, msg = _hint_id(a3.check_mean_field_m, loose)
    assert hint_id == "mean-field-stopped-early", msg
    assert "converges slowly" in msg and "1e-12" in msg


def test_mean_field_with_too_few_iterations_fails_close_to_tc():
    def capped(T):
        if T >= 1:
            return 0.0
        m = 1.0
        for _ in range(2000):  # enough far from T_c, not at T = 0.999
            m = math.tanh(m / T)
        return m
    hint_id, msg = _hint_id(a3.check_mean_field_m, capped)
    assert hint_id in ("mean-field-stopped-early", "mean-field-wrong-value"), msg
    assert "T=0.99" in msg


def alpha_c_iloc(alphas, fraction_retrieved):
    import pandas as pd
    a, f = pd.Series(list(alphas)), pd.Series(list(fraction_retrieved))
    if f.iloc[0] <= 0.5:
        return float("nan")
    for k in range(len(a) - 1):
        if f.iloc[k] > 0.5 >= f.iloc[k + 1]:
            return a.iloc[k] + (a.iloc[k + 1] - a.iloc[k]) * (f.iloc[k] - 0.5) / (f.iloc[k] - f.iloc[k + 1])
    return float("nan")


def alpha_c_vectorised(alphas, fraction_retrieved):
    a, f = np.asarray(alphas, float), np.asarray(fraction_retrieved, float)
    ks = np.flatnonzero((f[:-1] > 0.5) & (f[1:] <= 0.5))
    if f[0] <= 0.5 or ks.size == 0:
        return float("nan")
    k = ks[0]
    return float(np.interp(0.5, [f[k + 1], f[k]], [a[k + 1], a[k]]))


@pytest.mark.parametrize("func", [alpha_c_ok, alpha_c_iloc, alpha_c_vectorised])
@pytest.mark.parametrize("seed", [a3._SEED, 7363, 1])
def test_estimate_alpha_c_valid_alternatives_pass(func, seed):
    a3.check_estimate_alpha_c(func, seed=seed)


def test_estimate_alpha_c_is_called_with_groupby_slices():
    seen = []

    def spy(alphas, fraction_retrieved):
        index = getattr(alphas, "index", None)
        seen.append(type(alphas).__name__ + ("" if callable(index) or index is None else str(index[0])))
        return alpha_c_ok(alphas, fraction_retrieved)
    a3.check_estimate_alpha_c(spy)
    assert any(s.startswith("Series") and not s.endswith("0") for s in seen), seen


def test_estimate_alpha_c_label_indexing_fails_with_a_hint():
    def by_label(alphas, fraction_retrieved):  # f[0], f[k]: labels on a pandas Series
        a, f = alphas, fraction_retrieved
        if f[0] <= 0.5:
            return float("nan")
        for k in range(len(a) - 1):
            if f[k] > 0.5 >= f[k + 1]:
                return float(a[k] + (a[k + 1] - a[k]) * (f[k] - 0.5) / (f[k] - f[k + 1]))
        return float("nan")
    hint_id, msg = _hint_id(a3.check_estimate_alpha_c, by_label)
    assert hint_id == "alpha-c-label-indexing", msg
    assert "LABEL" in msg and "np.asarray" in msg and "groupby" in msg


def test_estimate_alpha_c_rule_for_a_curve_that_starts_below_one_half():
    from hopfield_edu.physics import crossing_load
    assert math.isnan(crossing_load([0.1, 0.12, 0.14], [0.4, 0.8, 0.3]))   # the reference
    assert math.isnan(alpha_c_ok([0.1, 0.12, 0.14], [0.4, 0.8, 0.3]))     # the stated rule

    def any_first_crossing(alphas, fraction_retrieved):  # ignores where the curve starts
        a, f = np.asarray(alphas, float), np.asarray(fraction_retrieved, float)
        for k in range(len(a) - 1):
            if f[k] > 0.5 >= f[k + 1]:
                return float(a[k] + (a[k + 1] - a[k]) * (f[k] - 0.5) / (f[k] - f[k + 1]))
        return float("nan")
    hint_id, msg = _hint_id(a3.check_estimate_alpha_c, any_first_crossing)
    assert hint_id == "alpha-c-starts-below", msg
    assert "first fraction" in msg


def test_the_rule_is_stated_in_the_notebook_docstring_and_the_check():
    import nbformat
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    for path in (root / "solutions" / "assignment3" / "assignment3.ipynb",
                 root / "exercises" / "assignment3" / "assignment3.ipynb"):
        cell = next(c for c in nbformat.read(path, as_version=4).cells if c.id == "estimate_alpha_c")
        assert "[0.4, 0.8, 0.3]" in cell.source and "later crossings are ignored" in cell.source
    doc = " ".join(a3.check_estimate_alpha_c.__doc__.split())
    assert "[0.4, 0.8, 0.3]" in doc and "later crossings are ignored" in doc


def test_every_failure_carries_a_hint_id_and_no_bare_assertion_errors():
    from pathlib import Path
    assert "raise AssertionError(" not in Path(a3.__file__).read_text()
    wrong = [(a3.check_glauber_probability, lambda h, T: 0.5 * np.ones_like(np.asarray(h, float))),
             (a3.check_mean_field_m, lambda T: 0.5),
             (a3.check_estimate_alpha_c, lambda a, f: 0.1),
             (a3.check_count_unstable_bits, lambda W, p: 3)]
    for check, func in wrong:
        hint_id, msg = _hint_id(check, func)
        assert hint_id and hint_id != "unspecified", msg
