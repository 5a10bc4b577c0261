"""Checks for Assignment 2 (associative memory at MNIST scale).

Two graded functions, each compared with the package's reference on fixed,
seeded cases (so every student sees the same examples):

- ``overlap(a, b)`` against :func:`hopfield_edu.overlap`,
- ``sample_entropy(x, m, r)`` against :func:`hopfield_edu.sample_entropy`.

When a student's answer is wrong, the check recomputes the answer the typical
mistakes would give (not dividing by N, a hard-coded N = 784, ``//``, a dot
product that overflows in the inputs' small integer dtype; N - m + 1 templates,
self-matches, Euclidean distance, an unscaled or ddof=1 tolerance, the wrong
logarithm, ``<`` for ``<=``) and, when one of them (or a pair of them) reproduces
every answer, names it in a :class:`~hopfield_edu.checks._core.CheckFailure`
(``fail(hint_id, message)``; the ids are stable, for class analytics). Otherwise
the message shows the smallest failing example.

Undefined sample entropy (A = 0 or B = 0)
-----------------------------------------
The definition gives no finite number when no pair of (m+1)-templates matches
(A = 0 < B: -ln 0 = +inf) or no pair of m-templates matches (B = 0: 0/0). The
assignment asks for 0.0 there, the research notebook's convention and the
default of :func:`hopfield_edu.sample_entropy`; the check also accepts
``inf`` and ``nan`` there (the honest values are inf for A = 0 < B and nan for
B = 0), so a student who follows the definition literally, or marks the case
as undefined, is not penalised. A constant series is *not*
undefined: its SD is 0, every template matches every other, A = B and
SampEn = -ln 1 = 0, which is the only answer accepted.
"""
from __future__ import annotations

import itertools
import math
import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ...analysis import sample_entropy as _ref_sample_entropy
from ...dynamics import overlap as _ref_overlap
from ._core import CheckFailure, _student_frame_hint, fail

__all__ = ["CHECKS", "POINTS", "check_overlap", "check_sample_entropy"]

# Points of the autograded test cells in solutions/assignment2/assignment2.ipynb.
POINTS = {"overlap": 2, "sample_entropy": 4}

_SEED = 20240602  # fixed: every student gets the same cases


# --------------------------------------------------------------------- helpers
def _is_real_number(v) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _describe(arr) -> str:
    arr = np.asarray(arr)
    if arr.size <= 8:
        body = np.array2string(arr, separator=", ")
    else:
        body = "[" + ", ".join(f"{v:g}" for v in arr[:6]) + f", ... ({arr.size} values)]"
    return f"np.array({body}, dtype={arr.dtype})"


def _not_a_number(name, shown, got):
    if got is None:
        fail("returned-none", f"{name}{shown} returned None: did you forget the `return` statement?")
    fail("not-a-number", f"{name}{shown} returned {got!r} of type {type(got).__name__}; "
                         "it must return one number (a float)")


def _sentence(hint: str) -> str:
    return hint[0].upper() + hint[1:] + "."


def _call(student, name, args, arg_names, shown):
    """Call the student's function; fail if it changed an array input in place.

    Both graded functions return one number, so the in-place hint says to work on a
    copy (not to return it). Unexpected errors become a failure that names the input
    and the student's failing line; ``NotImplementedError`` propagates (reported as TODO).
    """
    before = [a.copy() if isinstance(a, np.ndarray) else None for a in args]
    try:
        out = student(*args)
    except (NotImplementedError, AssertionError):
        raise
    except Exception as exc:  # noqa: BLE001 - any error is the student's to fix
        fail(f"raised:{type(exc).__name__}",
             f"{name}{shown} raised {type(exc).__name__}: {exc}{_student_frame_hint(exc)}. "
             "It must return a number for this input.")
    for arg, old, arg_name in zip(args, before, arg_names):
        if old is not None and not (arg.dtype == old.dtype and np.array_equal(arg, old)):
            fail("input-modified",
                 f"{name} changed its input `{arg_name}` in place (e.g. `{arg_name} -= ...` or "
                 f"`{arg_name}.sort()`). Compute on a copy, `{arg_name} = np.array({arg_name}, "
                 f"dtype=float)`, and leave the caller's `{arg_name}` as it was: {name} returns a "
                 "number, and the caller still needs the original data.")
    return out


# ===================================================================== overlap
def _overlap_cases(seed=_SEED):
    """(a, b) pairs: random ±1 vectors of several lengths and dtypes plus the exact cases."""
    rng = np.random.default_rng(seed)
    cases = []
    for n in (7, 25, 100, 783, 1000):
        a = rng.choice(np.array([-1, 1]), size=n)
        b = a.copy()
        flip = rng.choice(n, size=int(rng.integers(1, n)), replace=False)  # a fractional overlap
        b[flip] *= -1
        cases.append((a, b))
    p = rng.choice(np.array([-1, 1]), size=784)
    q = p.copy()
    q[rng.choice(784, size=300, replace=False)] *= -1
    cases.append((p.astype(np.float64), q.astype(np.float64)))  # the research engine returned floats
    cases.append((p.copy(), p.copy()))                          # identical: +1
    cases.append((p.copy(), -p))                                # anti-pattern: -1
    cases.append((np.array([1]), np.array([-1])))               # N = 1
    # "any numeric dtype": small integers, where np.dot / @ add up in the inputs' dtype
    # and wrap around (784 products of int8 do not fit in -128..127)
    for dtype in (np.int8, np.int16, np.float32):
        cases.append((p.astype(dtype), p.astype(dtype)))       # identical: +1, not 16/784
        cases.append((p.astype(dtype), q.astype(dtype)))
    return cases


def _wrapped(total, dtype):
    """``total`` as a sum in ``dtype`` would give it (two's-complement wrap-around)."""
    dtype = np.dtype(dtype)
    if dtype.kind != "i":
        return total
    bits = 8 * dtype.itemsize
    return (total + 2 ** (bits - 1)) % 2 ** bits - 2 ** (bits - 1)


def _overlap_variants(a, b):
    """What the usual mistakes return for (a, b): name -> (value, hint)."""
    a64 = np.asarray(a, dtype=np.int64)
    b64 = np.asarray(b, dtype=np.int64)
    n = a64.size
    dot = int(a64 @ b64)
    m = dot / n
    out = {
        "not_divided": (dot, "you did not divide by N: the overlap is the dot product divided by "
                             "the number of neurons N = len(a), so it lies in [-1, 1]"),
        "n784": (dot / 784, "you divided by a hard-coded 784; N must be computed from the input "
                            "(len(a) or a.size): the check also uses other sizes"),
        "n_minus_1": (dot / (n - 1) if n > 1 else math.copysign(math.inf, dot),
                      "you divided by N - 1; the overlap divides by N = len(a)"),
        "floor": (dot // n, "you returned an integer (integer division // or int()): the overlap is a "
                            "fraction; use true division / and return a float"),
        "trunc": (int(m), "you returned an integer (int() or integer division cuts off the fraction): "
                          "use true division / and return a float"),
        "agree_fraction": ((1 + m) / 2, "you returned the fraction of equal bits; the overlap is "
                                        "(1/N) sum_i a_i b_i = (equal - different) / N"),
        "differ_fraction": ((1 - m) / 2, "you returned the fraction of differing bits (a distance); "
                                         "the overlap is (1/N) sum_i a_i b_i, 1 for identical vectors"),
        "abs": (abs(m), "you took an absolute value: the overlap of a pattern with its "
                        "anti-pattern -a is -1, not +1"),
    }
    return out


def check_overlap(student, *, seed=_SEED) -> None:
    """Check ``overlap(a, b)`` = (1/N) sum_i a_i b_i against :func:`hopfield_edu.overlap`.

    Fails (``CheckFailure``) naming the mistake (not divided by N, N computed wrongly,
    an integer result, an absolute value, mutated inputs, ...). Once every int64 / float
    case is right, int8 and int16 inputs follow: a dot product computed in the inputs'
    dtype wraps around there (the notebook promises any numeric dtype). ``seed`` picks
    the random cases (hidden tests use another one).
    """
    cases = _overlap_cases(seed)
    is_small = [a.dtype.kind == "i" and a.dtype.itemsize < 8 for a, _ in cases]
    small = [case for case, flag in zip(cases, is_small) if flag]
    results = [_overlap_result(student, a, b) for (a, b), flag in zip(cases, is_small) if not flag]
    _name_overlap_mistake(results)
    for a, b in small:
        try:
            result = _overlap_result(student, a, b)
        except CheckFailure as exc:
            if not exc.hint_id.startswith("raised:"):
                raise
            fail("overlap-dtype-overflow",
                 f"{exc} The other cases pass: with {a.dtype} inputs the arithmetic happens in "
                 f"{a.dtype}, which only holds {np.iinfo(a.dtype).min}..{np.iinfo(a.dtype).max}. "
                 "Convert first, e.g. a = np.asarray(a, dtype=float) (the overlap must work for "
                 "any numeric dtype).")
        if not _close(result):
            _overflow_hint(result)


def _overlap_result(student, a, b):
    """(a, b, student's answer, reference) for one case."""
    shown = f"(a, b) with N = {a.size}, dtype {a.dtype}"
    got = _call(student, "overlap", (a.copy(), b.copy()), ("a", "b"), shown)
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got[()]
    if not _is_real_number(got):
        _not_a_number("overlap", shown, got)
    return a, b, got, _ref_overlap(a, b)


def _close(result, value=None):
    """The answer equals ``value`` (default: the reference); float32 inputs may give a
    float32 answer (exact sum, rounded quotient), so 1e-6 there."""
    a, _, got, exp = result
    return math.isclose(got, exp if value is None else value,
                        abs_tol=1e-6 if a.dtype == np.float32 else 1e-12)


def _name_overlap_mistake(results):
    """Fail naming the mistake when one variant explains every answer (right or wrong)."""
    wrong = [res for res in results if not _close(res)]
    if not wrong:
        return
    variants = [_overlap_variants(a, b) for a, b, _, _ in results]
    for key in variants[0]:
        if all(_close(res, var[key][0]) for res, var in zip(results, variants)):
            fail(f"overlap-{key.replace('_', '-')}", _sentence(variants[0][key][1]))
    a, b, got, exp = min(wrong, key=lambda w: w[0].size)
    fail("overlap-wrong-value",
         f"overlap(a, b) for a = {_describe(a)}, b = {_describe(b)} returned {got!r}; expected "
         f"{exp!r} = (1/N) sum_i a_i b_i with N = {a.size}.")


def _overflow_hint(result):
    """Fail with the dtype hint: the answer for int8/int16 inputs is wrong, the others right."""
    a, b, got, exp = result
    dot = int(np.asarray(a, dtype=np.int64) @ np.asarray(b, dtype=np.int64))
    wrapped = _wrapped(dot, a.dtype)
    how = (f"the sum of the {a.size} products wrapped around to {wrapped} instead of {dot}"
           if math.isclose(got, wrapped / a.size, abs_tol=1e-12) else
           "the products or their sum do not fit in that dtype")
    fail("overlap-dtype-overflow",
         f"overlap(a, b) with inputs of dtype {a.dtype} and N = {a.size} returned {got!r}; "
         f"expected {exp!r}: {how}. np.dot and @ add up in the inputs' dtype, and "
         f"{a.dtype} only holds {np.iinfo(a.dtype).min}..{np.iinfo(a.dtype).max}. "
         "Convert first, e.g. a = np.asarray(a, dtype=float) (the overlap must work for any "
         "numeric dtype).")


# ============================================================ sample entropy
def _sampen_counts(x, m, r, *, b_templates="n-m", self_matches=False, metric="chebyshev",
                   scale="population", strict=False):
    """(A, B) for sample entropy, with switches for the usual mistakes (a slow, plain reference).

    Correct (Richman & Moorman 2000): the first n - m templates for both lengths,
    Chebyshev distance <= r * population SD, self-matches excluded, ordered pairs.
    """
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    if scale == "population":
        tol = r * np.std(x)
    elif scale == "sample":
        tol = r * np.std(x, ddof=1) if n > 1 else math.nan
    else:  # "none": r used as an absolute tolerance
        tol = r

    def count(length, n_templates):
        if n_templates < 1 or n - length + 1 < n_templates:
            return 0
        t = sliding_window_view(x, length)[:n_templates]
        diff = t[:, None, :] - t[None, :, :]
        if metric == "chebyshev":
            d = np.max(np.abs(diff), axis=-1)
        else:
            d = np.sqrt(np.sum(diff ** 2, axis=-1))
        match = d < tol if strict else d <= tol
        c = int(np.sum(match))
        if not self_matches:
            c -= int(np.trace(match))
        return c

    nb = n - m + 1 if b_templates == "n-m+1" else n - m
    return count(m + 1, n - m), count(m, nb)


def _sampen_from_counts(a, b, log=np.log):
    if a > 0 and b > 0:
        return float(-log(a / b))
    return 0.0


# Each entry: keyword switches of _sampen_counts (and the log) plus the hint naming the mistake.
_SAMPEN_MISTAKES = {
    "n_m_plus_1": (dict(b_templates="n-m+1"),
                   "B is counted over N - m + 1 templates of length m; Richman & Moorman use the same "
                   "first N - m start points for both lengths, so every m-template has an (m+1)-extension "
                   "(the classic off-by-one)"),
    "self_matches": (dict(self_matches=True),
                     "self-matches are counted: a template always matches itself, so exclude the pairs "
                     "i == j when counting A and B"),
    "euclidean": (dict(metric="euclidean"),
                  "the distance between templates is Euclidean; SampEn uses the Chebyshev distance, the "
                  "largest absolute difference max_k |x[i+k] - x[j+k]|"),
    "unscaled_r": (dict(scale="none"),
                   "r is used as an absolute tolerance; the tolerance is r times the standard deviation "
                   "of the series, r * np.std(x)"),
    "sample_sd": (dict(scale="sample"),
                  "the tolerance uses the sample SD (ddof=1); use the population SD np.std(x) (ddof=0) "
                  "as in Richman & Moorman and hopfield_edu.sample_entropy"),
    "strict": (dict(strict=True),
               "templates are compared with a strict < r*SD; two templates match when their distance "
               "is <= r*SD (with r = 0 only identical templates match, and they must)"),
    "log2": (dict(log=np.log2),
             "the logarithm has base 2; SampEn = -ln(A/B) uses the natural logarithm np.log"),
    "log10": (dict(log=np.log10),
              "the logarithm has base 10; SampEn = -ln(A/B) uses the natural logarithm np.log"),
    "inverted": (dict(invert=True),
                 "the ratio is inverted or the sign is wrong: SampEn = -ln(A/B) with A <= B, so it is >= 0"),
}


def _sampen_variant(x, m, r, switches):
    """(value, A, B) that a student with these mistakes computes (0.0 where A or B is 0)."""
    switches = dict(switches)
    log = switches.pop("log", np.log)
    invert = switches.pop("invert", False)
    a, b = _sampen_counts(x, m, r, **switches)
    value = _sampen_from_counts(a, b, log)
    return (-value if invert else value), a, b


def _sampen_cases(seed=_SEED):
    """(x, m, r) triples covering random series, energy-like staircases, ties and edge cases."""
    rng = np.random.default_rng(seed + 1)
    cases = []
    # Random series with SDs far from 1, so an unscaled r gives a different answer.
    cases.append((5.0 + 3.7 * rng.standard_normal(90), 2, 0.2))
    cases.append((0.05 * rng.standard_normal(120), 1, 0.25))
    cases.append((40.0 * rng.standard_normal(100), 3, 0.5))
    t = np.arange(160)
    cases.append((2.5 * np.sin(0.3 * t) + 0.4 * rng.standard_normal(160), 2, 0.2))
    # A Hopfield-like energy trace: a staircase that only goes down, long flat runs.
    steps = np.where(rng.random(200) < 0.15, -rng.integers(1, 6, size=200), 0)
    cases.append((-10.0 + np.cumsum(steps) / 4.0, 2, 0.2))
    # Small integers with r = 0: only identical templates match (tests <= and self-matches).
    cases.append((rng.integers(0, 3, size=70).astype(float), 2, 0.0))
    cases.append((rng.integers(0, 4, size=60).astype(float), 1, 0.0))
    # Short series: here a ddof=1 SD visibly changes the tolerance.
    for n, m in ((14, 1), (18, 2), (24, 2)):
        x = 6.0 * rng.standard_normal(n)
        cases.append((x, m, _separating_r(x, m)))
    # Edge cases: a constant series (SampEn 0 by the definition), n = m + 1 (B = 0),
    # and an undefined A = 0 < B.
    cases.append((np.full(30, 2.5), 2, 0.2))
    cases.append((np.array([1.0, 3.0, 2.0]), 2, 0.2))
    cases.append((np.array([0.0, 1.0, 0.0, 2.0, 5.0, -3.0]), 1, 0.1))
    return cases


def _separating_r(x, m):
    """An r whose tolerance falls between the ddof=0 and ddof=1 SD for some m-template distance.

    A pair of templates whose Chebyshev distance d lies in (r*sd0, r*sd1) matches
    with the sample SD but not with the population SD.
    """
    sd0, sd1 = np.std(x), np.std(x, ddof=1)
    t = sliding_window_view(x, m)[: x.size - m]
    d = np.max(np.abs(t[:, None, :] - t[None, :, :]), axis=-1)
    d = np.unique(d[np.triu_indices_from(d, k=1)])
    # pick a median distance, so both counts stay well away from zero
    target = d[d.size // 2]
    return float(2.0 * target / (sd0 + sd1))


def _accepts(got, exp_zero, exp_honest) -> bool:
    """Equal to the reference; where SampEn is undefined (A = 0 or B = 0) 0.0, inf or nan."""
    if not math.isfinite(exp_honest):  # undefined: the 0 convention or an honest inf / nan
        return got == 0.0 or math.isnan(got) or got == math.inf
    return math.isclose(got, exp_zero, rel_tol=1e-9, abs_tol=1e-12)


def check_sample_entropy(student, *, seed=_SEED) -> None:
    """Check ``sample_entropy(x, m, r)`` against :func:`hopfield_edu.sample_entropy`.

    Richman & Moorman (2000): the first N - m templates of length m and m + 1,
    Chebyshev distance <= r * np.std(x), self-matches excluded, SampEn = -ln(A/B).
    Where A = 0 or B = 0 the check accepts 0.0 (the notebook's convention) and also
    inf or nan (see the module docstring). Fails (``CheckFailure``) naming the mistake.
    ``seed`` picks the random cases (hidden tests use another one).
    """
    results = []
    for x, m, r in _sampen_cases(seed):
        shown = f"(x, m={m}, r={r:g}) with len(x) = {x.size}"
        got = _call(student, "sample_entropy", (x.copy(), m, r), ("x", "m", "r"), shown)
        if isinstance(got, np.ndarray) and got.ndim == 0:
            got = got[()]
        if not _is_real_number(got):
            _not_a_number("sample_entropy", shown, got)
        got = float(got)
        exp_zero = _ref_sample_entropy(x, m, r)
        exp_honest = _ref_sample_entropy(x, m, r, undefined="nan")
        results.append((x, m, r, got, exp_zero, exp_honest))

    wrong = [res for res in results if not _accepts(res[3], res[4], res[5])]
    if not wrong:
        return

    # Constant series: nan or inf there comes from dividing by SD = 0.
    for x, m, r, got, exp_zero, _ in wrong:
        if np.std(x) == 0 and not math.isfinite(got):
            fail("sampen-constant-series",
                 f"sample_entropy of a constant series returned {got!r}; with SD = 0 every template "
                 "matches every other (distance 0 <= r*0), A = B and SampEn = -ln 1 = 0.0 "
                 "(do not divide by the SD)")

    def explains(switch_sets):
        merged = {}
        for s in switch_sets:
            merged.update(s)
        for x, m, r, got, _, _ in results:
            value, a, b = _sampen_variant(x, m, r, merged)
            undefined = a == 0 or b == 0
            if not (math.isclose(got, value, rel_tol=1e-9, abs_tol=1e-12)
                    or (undefined and not math.isfinite(got))):
                return False
        return True

    keys = list(_SAMPEN_MISTAKES)
    for key in keys:
        if explains([_SAMPEN_MISTAKES[key][0]]):
            fail(f"sampen-{key.replace('_', '-')}", _sentence(_SAMPEN_MISTAKES[key][1]))
    for k1, k2 in itertools.combinations(keys, 2):
        s1, s2 = _SAMPEN_MISTAKES[k1][0], _SAMPEN_MISTAKES[k2][0]
        if set(s1) & set(s2):
            continue  # two settings of the same switch cannot both be the mistake
        if explains([s1, s2]):
            fail(f"sampen-{k1.replace('_', '-')}+{k2.replace('_', '-')}",
                 f"Two mistakes: (1) {_SAMPEN_MISTAKES[k1][1]}; (2) {_SAMPEN_MISTAKES[k2][1]}.")

    x, m, r, got, exp_zero, _ = min(wrong, key=lambda w: w[0].size)
    a, b = _sampen_counts(x, m, r)
    fail(
        "sampen-wrong-value",
        f"sample_entropy(x, m={m}, r={r:g}) for x = {_describe(x)} returned {got!r}; expected "
        f"{exp_zero!r} (A = {a} matching ordered pairs of length {m + 1}, B = {b} of length {m}, "
        f"tolerance r*np.std(x) = {r * np.std(x):g}, SampEn = -ln(A/B), 0.0 if A or B is 0).")


#: Graded function name -> check (the protocol of :mod:`hopfield_edu.checks`).
CHECKS = {"overlap": check_overlap, "sample_entropy": check_sample_entropy}
