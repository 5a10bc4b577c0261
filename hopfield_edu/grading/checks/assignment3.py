"""Checks for Assignment 3 (temperature and capacity).

Four graded functions, each compared with the package's reference on fixed, seeded
cases (``seed`` picks the random ones; the notebook's hidden tests use another seed):

- ``glauber_probability(h, T)``      against :func:`hopfield_edu.physics.glauber_probability`,
- ``mean_field_m(T)``                against :func:`hopfield_edu.theory.mean_field_overlap`,
- ``estimate_alpha_c(alphas, fraction_retrieved)`` against
  :func:`hopfield_edu.physics.crossing_load`: NaN when the first fraction is already
  at or below 1/2 (even if the curve rises above 1/2 later), otherwise the first
  downward crossing of 1/2, linearly interpolated (later crossings ignored), NaN when
  there is none — the rule the notebook's docstring states,
- ``count_unstable_bits(W, pattern)`` against :func:`hopfield_edu.rules.unstable_bits`.

A wrong answer is compared with what the usual mistakes would return (a missing factor 2,
T used as beta, starting the fixed-point iteration at 0, no interpolation, ``np.sign`` at
ties, a stopping rule too loose near T_c, label indexing of pandas columns, ...) and
the failure (``fail(hint_id, message)``, a :class:`~hopfield_edu.checks._core.CheckFailure`
with a stable id) names the mistake when one reproduces it.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ...physics import crossing_load as _ref_crossing
from ...physics import glauber_probability as _ref_glauber
from ...rules import unstable_bits as _ref_unstable
from ...theory import mean_field_overlap as _ref_mean_field
from ._core import CheckFailure, _student_frame_hint, call, fail, require_params

__all__ = ["CHECKS", "POINTS", "check_glauber_probability", "check_mean_field_m",
           "check_estimate_alpha_c", "check_count_unstable_bits"]

# Points of the autograded test cells in solutions/assignment3/assignment3.ipynb.
POINTS = {"glauber_probability": 2, "mean_field_m": 2, "estimate_alpha_c": 2,
          "count_unstable_bits": 2}

_SEED = 20240603


# --------------------------------------------------------------------- helpers
def _call(student, name, args, arg_names, shown):
    try:
        with warnings.catch_warnings():
            # an overflow warning in exp() is not an error if the result is right
            warnings.simplefilter("ignore", RuntimeWarning)
            return call(student, name, args, arg_names)
    except (NotImplementedError, AssertionError):
        raise
    except Exception as exc:  # noqa: BLE001 - the student's code raised
        fail(f"raised:{type(exc).__name__}",
             f"{name}{shown} raised {type(exc).__name__}: {exc}{_student_frame_hint(exc)}")


def _number(got, name, shown):
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got[()]
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, numbers.Real):
        fail("returned-none" if got is None else "not-a-number",
             f"{name}{shown} returned {got!r} ({type(got).__name__}); "
             "it must return one number (a float)")
    return float(got)


def _matches(got, expected, tol):
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return False
    both_nan = np.isnan(got) & np.isnan(expected)
    return bool(np.all(both_nan | (np.abs(got - expected) <= tol)))


def _diagnose(results, variants, tol):
    """(hint id, hint) of the first variant that reproduces every student answer, or None."""
    for key, (fn, hint) in variants.items():
        try:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if all(_matches(got, fn(*args), tol) for args, got in results):
                    return key.replace("_", "-"), hint
        except Exception:  # noqa: BLE001 - a variant undefined for some input
            continue
    return None


# ============================================================ glauber_probability
def _glauber_variants():
    def logistic(x):
        return 0.5 * (1 + np.tanh(x / 2))
    return {
        "no_factor_2": (lambda h, t: logistic(np.asarray(h, float) / t),
                        "you used 1/(1 + exp(-h/T)), missing the factor 2: the energy difference between s_i = -1 and "
                        "s_i = +1 is 2 h_i, so P(+1) = 1/(1 + exp(-2 h/T))"),
        "minus_one": (lambda h, t: logistic(-2 * np.asarray(h, float) / t),
                      "you returned P(s_i = -1): a positive field must make +1 MORE likely, "
                      "P(+1) = 1/(1 + exp(-2 h/T)) (mind the minus sign)"),
        "t_as_beta": (lambda h, t: logistic(2 * np.asarray(h, float) * t),
                      "you multiplied by T instead of dividing: the Boltzmann factor is "
                      "exp(-E/T), so P(+1) = 1/(1 + exp(-2 h / T)); high T must give P near 1/2"),
        "t_as_beta_no2": (lambda h, t: logistic(np.asarray(h, float) * t),
                          "you used 1/(1 + exp(-h*T)): divide by T and keep the factor 2, "
                          "P(+1) = 1/(1 + exp(-2 h / T))"),
    }


def check_glauber_probability(student, *, seed=_SEED) -> None:
    """Check ``glauber_probability(h, T)`` = 1 / (1 + exp(-2 h / T)) for scalars and arrays."""
    name = "glauber_probability"
    require_params(student, name, ["h", "T"])
    rng = np.random.default_rng(seed)
    results = []
    scalar_cases = [(0.0, 1.0), (0.5, 1.0), (-0.5, 1.0), (1.0, 0.5), (0.3, 2.0), (-2.0, 0.7)]
    scalar_cases += [(float(rng.normal(0, 1.5)), float(rng.uniform(0.1, 3))) for _ in range(6)]
    for h, t in scalar_cases:
        shown = f"(h={h:.4g}, T={t:.4g})"
        got = _number(_call(student, name, (h, t), ("h", "T"), shown), name, shown)
        results.append(((h, t), got))
        if not _matches(got, _ref_glauber(h, t), 1e-9):
            found = _diagnose(results, _glauber_variants(), 1e-9)
            if found:
                fail(f"glauber-{found[0]}", found[1])
            if got in (-1.0, 1.0) or not 0 <= got <= 1:
                fail("glauber-not-a-probability",
                     f"{name}{shown} returned {got}: return the probability "
                     "P(s_i = +1), a number between 0 and 1, not a sampled spin")
            fail("glauber-wrong-value", f"{name}{shown} returned {got:.6g}, expected "
                                        f"{_ref_glauber(h, t):.6g} = 1/(1 + exp(-2*h/T))")
    # arrays: same shape back, elementwise
    for shape in [(7,), (3, 4)]:
        h = rng.normal(0, 2, size=shape)
        t = float(rng.uniform(0.2, 2))
        shown = f"(h of shape {shape}, T={t:.3g})"
        got = _call(student, name, (h.copy(), t), ("h", "T"), shown)
        arr = np.asarray(got, dtype=float) if got is not None else None
        if arr is None or arr.shape != shape:
            fail("glauber-not-elementwise",
                 f"{name}{shown} must return an array of shape {shape} (one "
                 f"probability per field), got "
                 f"{None if arr is None else arr.shape}. Use NumPy functions "
                 "(np.exp, np.tanh) so it works elementwise")
        if not _matches(arr, _ref_glauber(h, t), 1e-9):
            fail("glauber-wrong-array",
                 f"{name}{shown} differs from 1/(1 + exp(-2*h/T)) elementwise "
                 f"(max error {np.nanmax(np.abs(arr - _ref_glauber(h, t))):.3g})")
    # strong fields at low temperature: exactly 0 or 1, never NaN
    h = np.array([-50.0, -5.0, 5.0, 50.0])
    shown = "(h=[-50, -5, 5, 50], T=0.01)"
    got = np.asarray(_call(student, name, (h.copy(), 0.01), ("h", "T"), shown), dtype=float)
    if got.shape != h.shape or np.any(np.isnan(got)):
        fail("glauber-overflow-nan",
             f"{name}{shown} returned {got}: strong fields at low T overflow "
             "exp(); write it as 1/(1 + np.exp(-2*h/T)) or 0.5*(1 + np.tanh(h/T)), "
             "never exp(h/T)/(exp(h/T) + exp(-h/T)) (inf/inf = nan)")
    if not _matches(got, [0, 0, 1, 1], 1e-12):
        fail("glauber-low-t-limit",
             f"{name}{shown} returned {got}, expected [0, 0, 1, 1]: at low T the "
             "rule becomes the deterministic sign rule")


# ============================================================ mean_field_m
#: The accuracy the notebook's docstring promises ("accurate to at least 1e-6").
MEAN_FIELD_TOL = 1e-6


def check_mean_field_m(student, *, seed=_SEED) -> None:
    """Check ``mean_field_m(T)``, the largest solution of m = tanh(m / T) (0 for T >= 1),
    to the docstring's 1e-6, including close to T_c (T = 0.9, 0.99, 0.999), where the
    fixed-point iteration converges slowly and a loose stopping rule is off by far more."""
    name = "mean_field_m"
    require_params(student, name, ["T"])
    rng = np.random.default_rng(seed)
    temps = [0.05, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0, 1.3, 3.0]
    temps += [float(rng.uniform(0.1, 0.93)), float(rng.uniform(0.95, 0.998)),
              float(rng.uniform(1.01, 4))]
    for t in temps:
        shown = f"(T={t:.4g})"
        got = _number(_call(student, name, (t,), ("T",), shown), name, shown)
        ref = float(_ref_mean_field(t))
        if abs(got - ref) <= MEAN_FIELD_TOL:
            continue
        _mean_field_hint(name, shown, t, got, ref)


def _mean_field_hint(name, shown, t, got, ref):
    """Fail naming the mistake behind a wrong m(T)."""
    if t < 1 and abs(got) < 1e-4 < ref:
        fail("mean-field-trivial-solution",
             f"{name}{shown} returned {got:.4g} but the ordered solution is "
             f"{ref:.6f}. m = 0 always solves m = tanh(m/T); below T_c = 1 the "
             "network's state is the other, positive solution. Start the "
             "iteration m <- tanh(m/T) at m = 1, not at 0")
    if t < 1 and abs(got + ref) <= MEAN_FIELD_TOL:
        fail("mean-field-negative", f"{name}{shown} returned {got:.6f}: return the positive "
                                    f"solution (+{ref:.6f}), the overlap with the stored pattern itself")
    if t >= 1:
        fail("mean-field-above-tc", f"{name}{shown} returned {got:.4g}, expected 0: for T >= T_c = 1 "
                                    "m = 0 is the only solution (at T = 1 an iteration converges "
                                    "only like 1/sqrt(steps), so return 0.0 for T >= 1 directly)")
    if t < 1 and abs(got - ref) < 0.2 * ref and abs(got - math.tanh(got / t)) < 1e-5:
        # close, and a small last step: the iteration stopped too early
        k = (1 - ref ** 2) / t  # the factor by which one step shrinks the error
        fail("mean-field-stopped-early",
             f"{name}{shown} returned {got:.9f}, but the solution is {ref:.9f} (off by "
             f"{abs(got - ref):.3g}; the docstring promises 1e-6). The iteration m <- tanh(m/T) "
             f"converges slowly, the more so the closer T is to T_c = 1: each step shrinks the "
             f"error only by the factor (1 - m^2)/T = {k:.4f}, so a last step of size d still "
             f"leaves an error of about d * {k / (1 - k):.3g}. Iterate until the change is below "
             "1e-12 (and allow enough steps), or solve m - tanh(m/T) = 0 by bisection on "
             "[1e-12, 1] or Newton's method")
    fail("mean-field-wrong-value",
         f"{name}{shown} returned {got:.9f}, expected {ref:.9f} (to 1e-6). "
         "Iterate m <- tanh(m / T) from m = 1 until it changes by less than "
         "1e-12 (or use bisection on m - tanh(m/T)); check the result "
         "satisfies m = tanh(m/T)")


# ============================================================ estimate_alpha_c
def _alpha_variants():
    def no_interp_last_above(a, f):
        a, f = np.asarray(a, float), np.asarray(f, float)
        k = _first_cross_index(a, f)
        return float("nan") if k is None else a[k]

    def no_interp_first_below(a, f):
        a, f = np.asarray(a, float), np.asarray(f, float)
        k = _first_cross_index(a, f)
        return float("nan") if k is None else a[k + 1]

    def last_crossing(a, f):
        a, f = np.asarray(a, float), np.asarray(f, float)
        idx = [k for k in range(a.size - 1) if f[k] > 0.5 >= f[k + 1]]
        if not idx or f[0] <= 0.5:
            return float("nan")
        k = idx[-1]
        return a[k] + (a[k + 1] - a[k]) * (f[k] - 0.5) / (f[k] - f[k + 1])

    return {
        "last_above": (no_interp_last_above,
                       "you returned the last alpha where the fraction is above 1/2; interpolate "
                       "linearly between that point and the next one to where the line crosses 1/2"),
        "first_below": (no_interp_first_below,
                        "you returned the first alpha where the fraction is at or below 1/2; "
                        "interpolate linearly between it and the previous point"),
        "last_crossing": (last_crossing,
                          "with noisy data the curve can cross 1/2 more than once: use the FIRST "
                          "downward crossing (scanning alpha upwards)"),
    }


def _first_cross_index(a, f):
    if f[0] <= 0.5:
        return None
    for k in range(a.size - 1):
        if f[k] > 0.5 >= f[k + 1]:
            return k
    return None


def _alpha_cases(rng):
    """(alphas, fractions) curves: clean, exact 1/2, noisy, lists, random logistic ones,
    curves without a crossing by the rule (never below 1/2, starting at or below it)."""
    cases = [
        (np.array([0.10, 0.12, 0.14, 0.16, 0.18]), np.array([1.0, 0.95, 0.7, 0.3, 0.05])),
        (np.array([0.05, 0.1, 0.15, 0.2]), np.array([1.0, 0.8, 0.5, 0.1])),          # hits 1/2 exactly
        (np.array([0.1, 0.12, 0.14, 0.16, 0.18, 0.2]), np.array([1, 0.9, 0.4, 0.6, 0.2, 0.0])),  # noisy
        ([0.08, 0.1, 0.12, 0.14], [1.0, 1.0, 0.9, 0.2]),                             # plain lists
    ]
    for _ in range(3):  # logistic curves with a random centre and width, plus noise
        a = np.round(np.arange(0.06, 0.26, 0.02), 2)
        centre, width = rng.uniform(0.12, 0.2), rng.uniform(0.005, 0.02)
        f = 1 / (1 + np.exp((a - centre) / width)) + rng.normal(0, 0.02, a.size)
        f = np.clip(f, 0, 1)
        f[0] = 1.0
        cases.append((a, f))
    never = [(np.array([0.05, 0.1]), np.array([1.0, 0.9])),              # never falls to 1/2
             (np.array([0.2, 0.3]), np.array([0.3, 0.0])),               # already below at the start
             (np.array([0.1, 0.12, 0.14]), np.array([0.4, 0.8, 0.3])),   # starts below, crosses later
             (np.array([0.1, 0.12, 0.14]), np.array([0.5, 0.9, 0.2]))]   # starts exactly at 1/2
    return cases, never


def _groupby_slices(cases):
    """The curves as pandas columns cut out of one long table, as ``summary.groupby("N")``
    hands them to the notebook's estimate_alpha_c: Series whose index does not start at 0."""
    import pandas as pd

    rows = [(k, float(x), float(y)) for k, (a, f) in enumerate(cases) for x, y in zip(a, f)]
    table = pd.DataFrame(rows, columns=["N", "alpha", "fraction_retrieved"])
    return [(g["alpha"], g["fraction_retrieved"]) for _, g in table.groupby("N") if g.index[0] != 0]


def check_estimate_alpha_c(student, *, seed=_SEED) -> None:
    """Check ``estimate_alpha_c(alphas, fraction_retrieved)`` against
    :func:`hopfield_edu.physics.crossing_load`, on arrays, lists and pandas groupby slices.

    The rule (the notebook's docstring): NaN when the first fraction is at or below 1/2,
    even if the curve rises above 1/2 later (``[0.4, 0.8, 0.3]`` gives NaN); otherwise the
    first downward crossing f_k > 1/2 >= f_{k+1}, linearly interpolated (later crossings are
    ignored); NaN when the curve never falls to 1/2.
    """
    name = "estimate_alpha_c"
    require_params(student, name, ["alphas", "fraction_retrieved"])
    cases, never = _alpha_cases(np.random.default_rng(seed))
    results = []
    for a, f in cases + never:
        got, ref, shown = _alpha_answer(student, name, a, f)
        results.append(((a, f), got))
        if _matches(got, ref, 1e-9):
            continue
        if math.isnan(ref) and np.asarray(f, float)[0] <= 0.5:
            fail("alpha-c-starts-below",
                 f"{name}{shown} returned {got}; by the rule in the docstring it must return "
                 "float('nan'): the first fraction is already at or below 1/2, so the scan starts "
                 "past the transition (even if the curve rises above 1/2 later)")
        if math.isnan(ref):
            fail("alpha-c-no-crossing",
                 f"{name}{shown} returned {got}; the curve never falls from above "
                 "1/2 to 1/2 or below here, so return float('nan')")
        found = _diagnose(results, _alpha_variants(), 1e-9)
        fail(f"alpha-c-{found[0]}" if found else "alpha-c-wrong-value",
             found[1] if found else
             f"{name}{shown} returned {got:.6g}, expected {ref:.6g}: the linear interpolation "
             "alpha_k + (alpha_{k+1} - alpha_k) * (f_k - 0.5) / (f_k - f_{k+1}) at the first k "
             "with f_k > 0.5 >= f_{k+1}")
    # pandas columns of one group of a larger table: the index starts at 7, 12, ..., not 0
    for a, f in _groupby_slices(cases + never):
        try:
            got, ref, shown = _alpha_answer(student, name, a, f, series=True)
        except CheckFailure as exc:
            if not exc.hint_id.startswith("raised:"):
                raise
            _label_index_hint(name, a, str(exc))
        if not _matches(got, ref, 1e-9):
            _label_index_hint(name, a, f"{name}{shown} returned {got}, expected {ref}")


def _alpha_answer(student, name, a, f, series=False):
    """(student's answer, reference, how the input is shown) for one curve."""
    shown = f"(alphas={np.round(np.asarray(a, float), 4).tolist()}, " \
            f"fraction_retrieved={np.round(np.asarray(f, float), 3).tolist()})"
    if series:
        shown += f" given as pandas Series with index {list(a.index)}"
    got = _number(_call(student, name, (a, f), ("alphas", "fraction_retrieved"), shown),
                  name, shown)
    return got, _ref_crossing(np.asarray(a, float), np.asarray(f, float)), shown


def _label_index_hint(name, a, what):
    fail("alpha-c-label-indexing",
         f"{what}. The same numbers as NumPy arrays pass, so this is how the input is indexed: "
         f"here it is a pandas column cut out of a larger table (index {list(a.index)}, as "
         "summary.groupby('N') gives it in the notebook), and s[0] or s[k] on a pandas Series "
         "looks up the LABEL k, not the k-th value. Convert first: a = np.asarray(alphas, "
         "dtype=float), f = np.asarray(fraction_retrieved, dtype=float) (or use .iloc[k])")


# ============================================================ count_unstable_bits
def _unstable_variants():
    def h_of(w, p):
        return np.asarray(w, float) @ np.asarray(p, float)
    return {
        "np_sign": (lambda w, p: int(np.sum(np.sign(h_of(w, p)) != p)),
                    "your code counts every bit with h_i = 0 as unstable (np.sign(0) = 0 differs "
                    "from both +1 and -1; h_i * xi_i <= 0 does the same). The course's rule is "
                    "s_i = +1 if h_i >= 0 else -1, so a +1 bit with h_i = 0 is stable: compare "
                    "np.where(h >= 0, 1, -1) with the pattern"),
        "strict": (lambda w, p: int(np.sum(np.where(h_of(w, p) > 0, 1, -1) != p)),
                   "ties h_i = 0 must become +1 (s_i = +1 if h_i >= 0), not -1"),
        "stable": (lambda w, p: int(np.sum(np.where(h_of(w, p) >= 0, 1, -1) == p)),
                   "you counted the stable bits; count those the update would flip"),
        "transpose": (lambda w, p: int(np.sum(np.where(np.asarray(w, float).T @ p >= 0, 1, -1) != p)),
                      "the local field is h = W @ s (row i of W holds the inputs of neuron i); "
                      "you used W.T @ s, which differs when W is not symmetric"),
        "fraction": (lambda w, p: float(np.mean(np.where(h_of(w, p) >= 0, 1, -1) != p)),
                     "return the NUMBER of unstable bits (an int), not their fraction"),
    }


def check_count_unstable_bits(student, *, seed=_SEED) -> None:
    """Check ``count_unstable_bits(W, pattern)``: bits where np.where(W @ p >= 0, 1, -1) != p."""
    name = "count_unstable_bits"
    require_params(student, name, ["W", "pattern"])
    rng = np.random.default_rng(seed)
    cases = []
    for n, m in [(50, 2), (100, 20), (200, 40), (120, 30)]:
        xi = rng.choice(np.array([-1, 1]), size=(m, n))
        w = xi.T @ xi / n
        np.fill_diagonal(w, 0)
        cases.append((w, xi[int(rng.integers(m))].copy()))
    # ties, in exact integer arithmetic: bit 0 has h = 0 with value -1 (unstable: the rule
    # gives +1), bit 1 has h = 0 with value +1 (stable)
    # (h = [0, 0, 0, 2] for the pattern [-1, 1, 1, 1]: exactly one unstable bit)
    w = np.array([[0, 1, -1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]], dtype=float)
    cases.append((w, np.array([-1, 1, 1, 1])))
    cases.append((w.T.copy(), np.array([-1, 1, 1, 1])))
    # asymmetric weights (row i = inputs of neuron i)
    a = rng.normal(size=(30, 30))
    cases.append((a, rng.choice(np.array([-1, 1]), size=30)))
    results = []
    for w, p in cases:
        shown = f"(W of shape {w.shape}, pattern of length {p.size})"
        got = _call(student, name, (w.copy(), p.copy()), ("W", "pattern"), shown)
        if isinstance(got, np.ndarray) and got.ndim == 0:
            got = got[()]
        ref = int(_ref_unstable(w, [p]).sum())
        if not isinstance(got, numbers.Real) or isinstance(got, (bool, np.bool_)):
            fail("returned-none" if got is None else "unstable-not-a-number",
                 f"{name}{shown} returned {got!r}; return one integer, the number of unstable bits")
        results.append(((w, p), got))
        if got != ref:
            found = _diagnose(results, _unstable_variants(), 1e-12)
            fail(f"unstable-{found[0]}" if found else "unstable-wrong-value",
                 found[1] if found else
                 f"{name}{shown} returned {got}, expected {ref}: count "
                 "the i with np.where(h >= 0, 1, -1)[i] != pattern[i], h = W @ pattern")


CHECKS = {
    "glauber_probability": check_glauber_probability,
    "mean_field_m": check_mean_field_m,
    "estimate_alpha_c": check_estimate_alpha_c,
    "count_unstable_bits": check_count_unstable_bits,
}
