"""The Assignment 2 checks accept correct answers and name each typical mistake.

Every wrong variant below is written the way a student would write it, independently
of the check's own diagnosis code; each must fail its check with a hint that names
the mistake. The correct versions (the package's references and hand-written
student solutions) must pass.
"""
import inspect
import math
import re
from pathlib import Path

import numpy as np
import pytest

import hopfield_edu as H
from hopfield_edu.grading.checks import assignment2 as A2
from hopfield_edu.grading.checks import run_checks


# The seeds the notebook's test cells use: visible (default) and hidden.
OVERLAP_SEEDS = [A2._SEED, 2]
SAMPEN_SEEDS = [A2._SEED, 5]


def fails_with(check, func, *words, seed=None):
    """Run ``check(func)``; it must raise AssertionError whose message has every word."""
    kwargs = {} if seed is None else {"seed": seed}
    with pytest.raises(AssertionError) as info:
        check(func, **kwargs)
    msg = str(info.value)
    for w in words:
        assert w.lower() in msg.lower(), f"hint {msg!r} does not mention {w!r}"
    return msg


# ===================================================================== overlap
def overlap_dot(a, b):
    return np.dot(np.asarray(a, dtype=float), np.asarray(b, dtype=float)) / len(a)


def overlap_sum(a, b):
    # np.sum of int8 adds up in the platform integer; float32 inputs give a float32 answer
    return np.sum(a * b) / len(a)


def overlap_mean(a, b):
    return float(np.mean(np.asarray(a) * np.asarray(b)))


def overlap_python(a, b):
    return sum(int(x) * int(y) for x, y in zip(a, b)) / len(a)


@pytest.mark.parametrize("func", [inspect.unwrap(H.overlap), overlap_dot, overlap_mean, overlap_python,
                                  overlap_sum])
def test_overlap_check_accepts_correct_versions(func):
    for seed in OVERLAP_SEEDS:
        A2.check_overlap(func, seed=seed)


OVERLAP_MISTAKES = [
    (lambda a, b: np.dot(a, b), ["did not divide by N"]),
    (lambda a, b: np.dot(a, b) / 784, ["hard-coded 784"]),
    (lambda a, b: np.dot(a, b) / (len(a) - 1), ["N - 1"]),
    (lambda a, b: np.dot(a, b) // len(a), ["integer", "/"]),
    (lambda a, b: int(np.dot(a, b) / len(a)), ["integer", "float"]),
    (lambda a, b: np.sum(a == b) / len(a), ["fraction of equal bits"]),
    (lambda a, b: np.sum(a != b) / len(a), ["fraction of differing bits"]),
    (lambda a, b: abs(np.dot(a, b)) / len(a), ["absolute value", "anti-pattern"]),
    (lambda a, b: round(np.dot(a, b) / len(a), 2), ["expected", "(1/N) sum_i a_i b_i"]),
]


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.parametrize("seed", OVERLAP_SEEDS)
@pytest.mark.parametrize("func, words", OVERLAP_MISTAKES)
def test_overlap_check_names_each_mistake(func, words, seed):
    fails_with(A2.check_overlap, func, *words, seed=seed)


def test_the_reference_overlap_is_right_for_int8_inputs_of_784_neurons():
    p = np.where(np.random.default_rng(0).random(784) < 0.5, -1, 1).astype(np.int8)
    assert np.dot(p, p) != 784  # the overflow the check must catch is real (784 mod 256 = 16)
    assert H.overlap(p, p) == 1.0 and H.overlap(p, -p) == -1.0
    assert any(a.dtype == np.int8 and a.size == 784 for a, _ in A2._overlap_cases())


@pytest.mark.parametrize("seed", OVERLAP_SEEDS)
@pytest.mark.parametrize("func", [
    lambda a, b: np.dot(a, b) / len(a),      # int8 @ int8 wraps around: 16/784 for a = b
    lambda a, b: (a @ b) / a.size,
    lambda a, b: float(np.sum(a * b, dtype=a.dtype)) / len(a),
])
def test_overlap_check_catches_a_dot_product_that_overflows_int8(func, seed):
    msg = fails_with(A2.check_overlap, func, "int8", "784", "dtype", "np.asarray(a, dtype=float)",
                     seed=seed)
    assert "wrapped around to 16 instead of 784" in msg
    with pytest.raises(AssertionError) as info:
        A2.check_overlap(func, seed=seed)
    assert info.value.hint_id == "overlap-dtype-overflow"


def test_overlap_check_names_the_first_mistake_before_the_dtype():
    # a hard-coded 784 that also overflows int8 is told about the 784 first
    msg = fails_with(A2.check_overlap, lambda a, b: np.dot(a, b) / 784, "hard-coded 784")
    assert "int8" not in msg


def test_overlap_check_rejects_in_place_changes_and_non_numbers():
    def in_place(a, b):
        a *= b
        return a.sum() / len(a)

    fails_with(A2.check_overlap, in_place, "in place")
    fails_with(A2.check_overlap, lambda a, b: np.array([np.dot(a, b) / len(a)]), "one number")
    fails_with(A2.check_overlap, lambda a, b: None, "forget the `return`")
    fails_with(A2.check_sample_entropy, lambda x, m=2, r=0.2: [0.5], "one number")


def test_overlap_check_reports_a_crash_with_the_input():
    def needs_lists(a, b):
        return a.tolist().count(1) and np.dot(a, b) / a.shape[1]  # IndexError: 1-D input

    msg = fails_with(A2.check_overlap, needs_lists, "IndexError", "N =")
    assert "a.shape[1]" in msg  # the student's failing line is quoted


# ============================================================ sample entropy
def make_sampen(b_templates_extra=0, self_matches=False, euclid=False, tol_mode="sd",
                strict=False, log=np.log, undefined=0.0):
    """A student-style SampEn: loops over templates, one switch per typical mistake."""
    def sampen(x, m=2, r=0.2):
        x = np.asarray(x, dtype=float)
        n = len(x)
        if tol_mode == "sd":
            tol = r * np.std(x)
        elif tol_mode == "ddof1":
            tol = r * np.std(x, ddof=1)
        else:
            tol = r

        def matches(length, count):
            t = np.array([x[i:i + length] for i in range(count)])
            total = 0
            for i in range(count):
                diff = np.abs(t - t[i])
                d = np.sqrt((diff ** 2).sum(axis=1)) if euclid else diff.max(axis=1)
                hits = d < tol if strict else d <= tol
                total += int(hits.sum()) - (0 if self_matches else int(hits[i]))
            return total

        if n - m < 1:
            return undefined
        B = matches(m, n - m + b_templates_extra)
        A = matches(m + 1, n - m)
        if A == 0 or B == 0:
            return undefined
        return float(-log(A / B))
    return sampen


@pytest.mark.parametrize("func", [
    inspect.unwrap(H.sample_entropy),
    make_sampen(),
    make_sampen(undefined=math.nan),  # nan for every undefined case is accepted too
])
def test_sample_entropy_check_accepts_correct_versions(func):
    for seed in SAMPEN_SEEDS:
        A2.check_sample_entropy(func, seed=seed)


def test_sample_entropy_check_accepts_inf_and_nan_where_undefined():
    def honest(x, m=2, r=0.2):
        value = make_sampen(undefined=None)(x, m, r)
        if value is None:  # inf when A = 0 < B, nan when B = 0 (the package's "nan" mode)
            return H.sample_entropy(x, m, r, undefined="nan")
        return value

    A2.check_sample_entropy(honest)


SAMPEN_MISTAKES = [
    (make_sampen(b_templates_extra=1), ["N - m + 1 templates", "off-by-one"]),
    (make_sampen(self_matches=True), ["self-matches"]),
    (make_sampen(euclid=True), ["Euclidean", "Chebyshev"]),
    (make_sampen(tol_mode="absolute"), ["absolute tolerance", "np.std(x)"]),
    (make_sampen(tol_mode="ddof1"), ["ddof=1", "population SD"]),
    (make_sampen(strict=True), ["strict <", "<= r*SD"]),
    (make_sampen(log=np.log2), ["base 2", "natural logarithm"]),
    (make_sampen(log=np.log10), ["base 10", "natural logarithm"]),
    (lambda x, m=2, r=0.2: -make_sampen()(x, m, r), ["-ln(A/B)", ">= 0"]),
    (make_sampen(b_templates_extra=1, self_matches=True), ["two mistakes", "off-by-one", "self-matches"]),
    (make_sampen(undefined=1.0), ["expected", "0.0 if A or B is 0"]),
]


@pytest.mark.parametrize("seed", SAMPEN_SEEDS)
@pytest.mark.parametrize("func, words", SAMPEN_MISTAKES)
def test_sample_entropy_check_names_each_mistake(func, words, seed):
    fails_with(A2.check_sample_entropy, func, *words, seed=seed)


def test_sample_entropy_check_catches_division_by_a_zero_sd():
    def standardise_first(x, m=2, r=0.2):
        x = np.asarray(x, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = (x - x.mean()) / x.std()  # nan for a constant series
        return make_sampen()(z, m, r) if np.all(np.isfinite(z)) else math.nan

    fails_with(A2.check_sample_entropy, standardise_first, "constant series", "SD = 0")


def test_sample_entropy_check_rejects_in_place_changes():
    def normalises_in_place(x, m=2, r=0.2):
        value = make_sampen()(x, m, r)
        x -= x.mean()
        return value

    msg = fails_with(A2.check_sample_entropy, normalises_in_place, "in place", "copy")
    # sample_entropy returns a number: the hint must not tell the student to return the copy
    assert "return the copy" not in msg and "returns a number" in msg


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # N - 1 = 0 for N = 1
def test_every_failure_carries_a_hint_id():
    for func, _ in OVERLAP_MISTAKES:
        with pytest.raises(AssertionError) as info:
            A2.check_overlap(func)
        assert getattr(info.value, "hint_id", "") not in ("", "unspecified"), str(info.value)
    for func, _ in SAMPEN_MISTAKES:
        with pytest.raises(AssertionError) as info:
            A2.check_sample_entropy(func)
        assert info.value.hint_id.startswith("sampen-"), (info.value.hint_id, str(info.value))


def test_no_bare_assertion_errors_in_the_check_module():
    source = Path(A2.__file__).read_text()
    assert "raise AssertionError(" not in source and "return AssertionError(" not in source


def test_sample_entropy_cases_are_not_near_a_tie():
    # A correct student may compute the SD in another order than np.std (last-digit
    # differences): no case may sit on the edge of the tolerance.
    for x, m, r in A2._sampen_cases() + A2._sampen_cases(5):
        ref = make_sampen()(x, m, r)
        for factor in (1 - 1e-9, 1 + 1e-9):
            assert make_sampen()(x, m, r * factor) == pytest.approx(ref, rel=1e-12, abs=1e-15)


def test_package_sample_entropy_agrees_with_a_loop_implementation():
    # The reference the check compares with, against this file's own implementation.
    for seed in (0, 1, 2):
        for x, m, r in A2._sampen_cases(seed):
            assert H.sample_entropy(x, m, r) == pytest.approx(make_sampen()(x, m, r), rel=1e-12, abs=1e-15)


def test_registry_reports_todo_and_pass():
    def overlap(a, b):
        raise NotImplementedError("Student exercise: overlap")

    results = run_checks({"overlap": overlap, "sample_entropy": inspect.unwrap(H.sample_entropy)},
                         assignment="assignment2")
    assert [(r.name, r.label) for r in results] == [("overlap", "TODO"), ("sample_entropy", "PASS")]
    assert results[1].points == A2.POINTS["sample_entropy"]


# ============================================================ the notebook
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "solutions" / "assignment2" / "assignment2.ipynb"
RELEASE = ROOT / "exercises" / "assignment2" / "assignment2.ipynb"


def _cells(path):
    nbformat = pytest.importorskip("nbformat", reason="nbformat reads the notebooks")
    return {c.get("id"): c for c in nbformat.read(path, as_version=4).cells}


def _functions(path):
    cells = _cells(path)
    ns = {"np": np}
    for name in A2.CHECKS:
        exec(compile(cells[name].source, f"{path.name}:{name}", "exec"), ns)  # noqa: S102
    return ns


def test_solution_notebook_functions_pass_and_release_stubs_are_todo():
    results = run_checks(_functions(SOURCE), assignment="assignment2")
    assert [r.label for r in results] == ["PASS", "PASS"], [r.message for r in results]
    assert RELEASE.exists(), "exercises/assignment2 is committed; regenerate: python -m hopfield_edu.course generate"
    results = run_checks(_functions(RELEASE), assignment="assignment2")
    assert [r.label for r in results] == ["TODO", "TODO"]


def test_notebook_test_cells_use_the_tested_seeds_and_points():
    # The hidden tests call the checks with other seeds: the mistakes above are tested on those.
    cells = _cells(SOURCE)
    for name, seeds in (("overlap", OVERLAP_SEEDS), ("sample_entropy", SAMPEN_SEEDS)):
        test = cells[f"test_{name}"]
        used = [int(s) for s in re.findall(rf"check_{name}\({name}, seed=(\d+)\)", test.source)]
        assert used and set(used) <= set(seeds), (name, used)
        assert test.metadata["nbgrader"]["points"] == A2.POINTS[name]
