"""`hopfield-edu check` and `pytest --notebook`: the solution passes, the untouched release
is all TODO, one wrong function fails exactly that function, loops and crashes are
contained, and the notebook is never written.

Each notebook run starts a kernel (a few seconds), so the cases are grouped: one run per
notebook, several functions judged per run.
"""
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from hopfield_edu.grading import selfcheck
from hopfield_edu.grading.checks import ASSIGNMENTS, ERROR, FAIL, PASS, POINTS, TIMEOUT

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "solutions" / "assignment1" / "assignment1.ipynb"
RELEASE = ROOT / "exercises" / "assignment1" / "assignment1.ipynb"
NAMES = ["train_hopfield", "update_state", "compute_energy", "add_noise"]

# One wrong variant per function (the full catalogue of mistakes is in test_checks.py).
WRONG = {
    "train_hopfield": '''
def train_hopfield(patterns):
    W = sum(np.outer(p, p) for p in patterns) / len(patterns)   # 1/P instead of 1/N
    np.fill_diagonal(W, 0)
    return W
''',
    "update_state": '''
def update_state(state, weights, rng=None, theta=None):
    th = 0 if theta is None else theta
    return np.where(weights @ state - th >= 0, 1, -1)           # all neurons at once
''',
    "compute_energy": '''
def compute_energy(state, weights, theta=None):
    return -0.5 * state @ weights @ state                       # ignores theta (seed 001)
''',
    "add_noise": '''
def add_noise(pattern, noise_level, rng=None):
    rng = np.random.default_rng(rng)
    out = pattern.copy()
    for i in rng.integers(0, len(out), size=int(noise_level * len(out))):  # with replacement
        out[i] *= -1
    return out
''',
}


def _digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest(), os.stat(path).st_mtime_ns


def _variant(tmp_path, replacements, name="assignment1.ipynb"):
    nb = nbformat.read(SOLUTION, as_version=4)
    for cell in nb.cells:
        if cell.get("id") in replacements:
            cell.source = replacements[cell["id"]]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def _cli(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "hopfield_edu.cli", "check", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


# Every graded assignment whose notebooks exist (assignment 2 and 3 come from other modules
# of hopfield_edu.checks: the self-check serves them through the same registry).
GRADED = [a for a in ASSIGNMENTS if (ROOT / "solutions" / a / f"{a}.ipynb").is_file()]


def _score_line(names, passed):
    total = sum(POINTS[n] for n in names)
    got = total if passed else 0
    return (f"Score: {got:g}/{total:g} points "
            f"({len(names) if passed else 0} of {len(names)} functions pass)")


def _verdicts(stdout):
    return [ln for ln in stdout.splitlines() if ln.startswith(("PASS", "FAIL", "TODO"))]


@pytest.mark.parametrize("assignment", GRADED)
def test_solution_passes_everything_and_notebook_untouched(assignment):
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    names = ASSIGNMENTS[assignment]
    before = _digest(path)
    proc = _cli(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _verdicts(proc.stdout) == [f"PASS {n}" for n in names]
    assert _score_line(names, True) in proc.stdout.splitlines()
    assert _digest(path) == before


@pytest.mark.parametrize("assignment", GRADED)
def test_untouched_release_is_all_todo_without_traceback(assignment):
    path = ROOT / "exercises" / assignment / f"{assignment}.ipynb"
    names = ASSIGNMENTS[assignment]
    before = _digest(path)
    proc = _cli(path)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert _verdicts(proc.stdout) == [f"TODO {n}: not implemented yet" for n in names]
    assert "Traceback" not in out and "NotImplementedError" not in out
    assert _score_line(names, False) in proc.stdout.splitlines()
    assert _digest(path) == before


def test_assignment1_score_line():
    assert _score_line(NAMES, True) == "Score: 9/9 points (4 of 4 functions pass)"


@pytest.mark.parametrize("wrong", NAMES)
def test_one_wrong_function_fails_exactly_that_function(tmp_path, wrong):
    path = _variant(tmp_path, {wrong: WRONG[wrong]})
    report = selfcheck.check_notebook(path)
    status = {r.name: r.status for r in report.results}
    assert status == {n: (FAIL if n == wrong else PASS) for n in NAMES}, report.results
    assert not report.all_passed


def test_loops_raises_and_crashes_are_contained(tmp_path):
    # train_hopfield never returns, update_state raises, add_noise kills the kernel,
    # compute_energy is correct: each is reported, and compute_energy is still checked.
    path = _variant(tmp_path, {
        "train_hopfield": "def train_hopfield(patterns):\n    while True:\n        pass\n",
        "update_state": "def update_state(state, weights, rng=None, theta=None):\n"
                        "    return state[len(state)]\n",
        "add_noise": "def add_noise(pattern, noise_level, rng=None):\n"
                     "    import os\n    os._exit(3)\n",
    }, name="mine.ipynb")
    report = selfcheck.check_notebook(path, assignment="assignment1", timeout=4)
    by = {r.name: r for r in report.results}
    assert by["train_hopfield"].status == TIMEOUT and "4 s" in by["train_hopfield"].message
    assert by["update_state"].status == ERROR and "IndexError" in by["update_state"].message
    assert "state[len(state)]" in by["update_state"].message
    assert by["compute_energy"].status == PASS
    assert by["add_noise"].status == ERROR and "crashed" in by["add_noise"].message


def test_syntax_error_in_a_function_cell_is_explained(tmp_path):
    path = _variant(tmp_path, {"compute_energy": "def compute_energy(state, weights, theta=None)\n"
                                                 "    return 0\n"})
    proc = _cli(path)
    assert proc.returncode == 1
    line = next(ln for ln in proc.stdout.splitlines() if "compute_energy" in ln)
    assert line.startswith("FAIL compute_energy:") and "SyntaxError" in line
    assert "ipython-input" not in line and re.search(r"cell \d+, line 1", line), line
    assert "PASS train_hopfield" in proc.stdout


def test_bad_input_is_a_clear_error(tmp_path):
    proc = _cli(tmp_path / "nope.ipynb")
    assert proc.returncode == 2 and "no notebook" in proc.stderr
    other = tmp_path / "notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), other)
    proc = _cli(other)
    assert proc.returncode == 2 and "none of the graded functions" in proc.stderr


def test_pytest_route_reports_the_same_verdicts(tmp_path):
    path = _variant(tmp_path, {"update_state": WRONG["update_state"],
                               "add_noise": "def add_noise(pattern, noise_level, rng=None):\n"
                                            "    raise NotImplementedError('Student exercise')\n"})
    proc = subprocess.run([sys.executable, "-m", "pytest", "--notebook", str(path), "-q",
                           "-p", "no:cacheprovider"], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "2 failed, 2 passed" in out
    assert "FAIL update_state:" in out and "ONE" in out
    assert "TODO add_noise: not implemented yet" in out
    assert "Traceback" not in out


def test_plugin_is_inert_and_light_without_the_option():
    code = ("import sys, hopfield_edu.grading.pytest_plugin as p; "
            "heavy = [m for m in ('nbformat', 'jupyter_client', 'hopfield_edu.grading.selfcheck') "
            "if m in sys.modules]; print(heavy)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "[]", proc.stdout + proc.stderr


def test_test_cells_are_recognised_with_and_without_nbgrader_metadata():
    nb = nbformat.read(SOLUTION, as_version=4)
    tests = [c.id for c in nb.cells if selfcheck.is_test_cell(c)]
    assert tests == [f"test_{n}" for n in NAMES]
    plain = nbformat.v4.new_code_cell("check_update_state(update_state)")
    assert selfcheck.is_test_cell(plain, nbgrader_notebook=False)
    assert not selfcheck.is_test_cell(nbformat.v4.new_code_cell("def f(): pass"), False)
