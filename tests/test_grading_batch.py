"""`hopfield-edu grade`: a class in parallel (and on a Dask LocalCluster) writes the same
gradebook nbgrader would, its report counts mistakes per hint, and the student bundle
holds no solutions."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hopfield_edu.grading import batch

from test_grading_attacks import ATTACKS, A, make_course, points

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[1]
CLASS = {k: ATTACKS[k] for k in ("honest", "wrong", "one_wrong", "untouched_stubs", "import_reference")}


def _cli(course, *args, home):
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "hopfield_edu.cli", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1800)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return make_course(tmp_path_factory.mktemp("batch"), CLASS)


def test_grade_jobs_2_gives_every_student_their_points(course):
    course, home = course
    proc = _cli(course, "grade", A, "--jobs", "2", home=home)
    assert proc.returncode == 0, proc.stderr[-3000:]
    for student, (_, _, expected) in CLASS.items():
        assert points(course, student) == expected, student
    assert f"graded {len(CLASS)} notebooks" in proc.stdout
    # the same files nbgrader autograde writes, plus the outcome with hint ids
    for student in CLASS:
        assert (course / "autograded" / student / A / f"{A}.ipynb").is_file()
        record = json.loads((course / "autograded" / student / A / "hopfield_grading.json").read_text())
        assert {r["name"] for r in record["results"]} == set(ATTACKS["honest"][2])


def test_report_counts_each_mistake(course, tmp_path):
    course, home = course
    rows, n = batch.class_report(course, A)
    assert n == len(CLASS)
    got = {(name, hid): count for name, hid, count, _ in rows}
    assert got[("update_state", "synchronous-update")] == 2       # wrong and one_wrong
    assert got[("update_state", "not-own-code")] == 1              # import_reference
    assert got[("update_state", "todo")] == 1
    assert got[("train_hopfield", "pass")] == 2                    # honest and one_wrong
    png = tmp_path / "mistakes.png"
    proc = _cli(course, "grade", "report", A, "--out", str(png), home=home)
    assert proc.returncode == 0, proc.stderr
    assert "synchronous-update" in proc.stdout and "40.0 %" in proc.stdout
    assert png.stat().st_size > 5000
    again = _cli(course, "grade", "report", A, "--out", str(png), home=home)
    assert again.returncode == 2 and "exists" in again.stderr and "Traceback" not in again.stderr


def test_grade_on_a_dask_local_cluster(course):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    course, _ = course
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                       dashboard_address=None, processes=True)
    try:
        res = batch.grade_class(course, A, ["honest", "one_wrong"], scheduler=cluster.scheduler_address,
                                progress=False)
    finally:
        cluster.close()
    assert res["failures"] == []
    assert points(course, "honest") == CLASS["honest"][2]
    assert points(course, "one_wrong") == CLASS["one_wrong"][2]


@pytest.mark.parametrize("args, message", [
    (["grade", "assignment9"], "unknown assignment"),
    (["grade", A, "--jobs", "0"], "--jobs must be a positive integer"),
    (["grade", A, "--student", "nobody"], "no submission"),
    (["grade", "report", "assignment9"], "report needs an assignment id"),
])
def test_bad_arguments_are_one_line_errors(course, args, message):
    course, home = course
    proc = _cli(course, *args, home=home)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_student_bundle_has_no_solutions(tmp_path):
    out = tmp_path / "bundle"
    proc = subprocess.run([sys.executable, "-m", "hopfield_edu.course", "student-bundle", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert "exercises/assignment1/assignment1.ipynb" in files and "STUDENTS.md" in files
    assert not any(f.startswith("solutions") or f.endswith(".db") for f in files)
    text = "".join((out / f).read_text() for f in files)
    for secret in ("BEGIN SOLUTION", "HIDDEN TESTS", "seed=7342", "np.fill_diagonal(W, 0.0)"):
        assert secret not in text, secret
    again = subprocess.run([sys.executable, "-m", "hopfield_edu.course", "student-bundle", str(out)],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert again.returncode == 2 and "not an empty folder" in again.stderr
