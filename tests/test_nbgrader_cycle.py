"""A full nbgrader cycle on assignment 1 in a temporary copy of the course.

Five students: alice (correct), bob (the untouched release), carol (a mistake in
update_state), dave (a mistake in update_state, and he replaced that function's locked
test cell by a `print`) and erin (only update_state written: the test cells must not
depend on each other). One `nbgrader autograde` run grades all five, then
`nbgrader generate_feedback`. The gradebook must say 9, 0, 9 - 3, 9 - 3 and 3 autograded
points out of 9: dave's tampered test cell is restored from the source before it runs.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[1]
A = "assignment1"
STUDENTS = ("alice", "bob", "carol", "dave", "erin")
AUTO_POINTS = {"test_train_hopfield": 2, "test_update_state": 3, "test_compute_energy": 2,
               "test_add_noise": 2}
WRONG_UPDATE = '''def update_state(state, weights, rng=None, theta=None):
    """All neurons at once: the synchronous rule, not the asynchronous one."""
    return np.where(np.asarray(weights) @ state >= 0, 1, -1)
'''


def _nbgrader(course, *args):
    # the user's default warning filters: what an instructor would see
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)


def _strip_markers(src):
    return "\n".join(ln for ln in src.splitlines()
                     if not re.match(r"\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", ln))


def _by_grade_id(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
    gen = _nbgrader(course, "generate_assignment", A, "--force")
    assert gen.returncode == 0, gen.stderr
    release = nbformat.read(course / "exercises" / A / f"{A}.ipynb", as_version=4)
    source = _by_grade_id(nbformat.read(course / "solutions" / A / f"{A}.ipynb", as_version=4))

    def solved():
        nb = nbformat.from_dict(release)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution"):
                cell.source = (_strip_markers(source[meta["grade_id"]].source)
                               if cell.cell_type == "code" else "My answer: see the derivation ...")
        return nb

    def set_cell(nb, grade_id, src):
        _by_grade_id(nb)[grade_id].source = src
        return nb

    students = {
        "alice": solved(),
        "bob": nbformat.from_dict(release),
        "carol": set_cell(solved(), "update_state", WRONG_UPDATE),
        "dave": set_cell(set_cell(solved(), "update_state", WRONG_UPDATE),
                         "test_update_state", 'print("all tests passed!")'),
        "erin": set_cell(nbformat.from_dict(release), "update_state",
                         _strip_markers(source["update_state"].source)),
    }
    for student, nb in students.items():
        d = course / "submitted" / student / A
        d.mkdir(parents=True)
        nbformat.write(nb, d / f"{A}.ipynb")
        (d / "timestamp.txt").write_text("2026-01-15 12:00:00.000000 UTC")
    auto = _nbgrader(course, "autograde", A, "--create", "--force")
    feedback = _nbgrader(course, "generate_feedback", A, "--force")
    return course, release, auto, feedback


def _scores(course):
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in STUDENTS:
            sub = gb.find_submission(A, student)
            nb = gb.find_submission_notebook(A, A, student)
            cells = {g.name: g.score for g in nb.grades if g.name in AUTO_POINTS}
            out[student] = (sub.code_score, sub.max_code_score, cells)
    return out


def test_autograde_scores(course):
    course, _, auto, _ = course
    assert auto.returncode == 0, auto.stderr[-3000:]
    scores = _scores(course)
    full = sum(AUTO_POINTS.values())
    assert scores["alice"][:2] == (full, full)
    assert scores["bob"][:2] == (0, full)
    assert scores["carol"][:2] == (full - AUTO_POINTS["test_update_state"], full)
    assert scores["carol"][2]["test_update_state"] == 0
    assert all(v == AUTO_POINTS[k] for k, v in scores["carol"][2].items() if k != "test_update_state")
    assert scores["dave"][:2] == scores["carol"][:2]
    assert scores["erin"][:2] == (AUTO_POINTS["test_update_state"], full)


def test_tampered_test_cell_is_restored(course):
    course, _, _, _ = course
    graded = nbformat.read(course / "autograded" / "dave" / A / f"{A}.ipynb", as_version=4)
    source = nbformat.read(course / "solutions" / A / f"{A}.ipynb", as_version=4)
    cell = _by_grade_id(graded)["test_update_state"]
    # restored from the instructor's source, hidden tests included
    assert cell.source == _by_grade_id(source)["test_update_state"].source
    assert "all tests passed!" not in cell.source and "HIDDEN TESTS" in cell.source
    # the restored test ran and failed with the check's hint
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "CheckFailed" and "ONE" in errors[0].evalue


def test_feedback_html_generated(course):
    course, _, _, feedback = course
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    for student in STUDENTS:
        html = course / "feedback" / student / A / f"{A}.html"
        assert html.is_file() and html.stat().st_size > 10_000
    carol = (course / "feedback" / "carol" / A / f"{A}.html").read_text(encoding="utf-8")
    assert "asynchronous update changes ONE" in carol


def test_no_known_noise(course):
    _, _, auto, feedback = course
    log = auto.stderr + feedback.stderr
    assert "SAWarning" not in log and "MovedIn20Warning" not in log
    assert "without encryption" not in log
