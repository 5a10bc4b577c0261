"""The student route: set-up extra, pytest --notebook from the repository root without
dev-only packages, and the numbers docs/students.md states about "Score"."""
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RELEASE = "exercises/assignment1/assignment1.ipynb"


def test_student_extra_brings_jupyterlab_and_pytest():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"]
    names = {re.split(r"[<>=!\[ ]", req)[0].lower() for req in extras["student"]}
    assert {"jupyterlab", "pytest"} <= names


def _no_dev_packages(tmp_path):
    """A folder for PYTHONPATH in which importing a dev-only package fails as if it were absent."""
    for name in ("hypothesis", "scipy", "nbgrader", "playwright", "dask", "distributed"):
        pkg = tmp_path / "blocked" / name
        pkg.mkdir(parents=True)
        (pkg / "__init__.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{name}'\", name={name!r})\n", encoding="utf-8")
    return str(tmp_path / "blocked")


def test_pytest_notebook_works_from_the_root_without_dev_packages(tmp_path):
    # A student's environment has pytest but not hypothesis & co.: the suite's conftest.py,
    # which pytest loads from the root, must not need them. (hypothesis' own pytest plugin is
    # turned off: without hypothesis installed it would not be registered at all.)
    env = {"PYTHONPATH": _no_dev_packages(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "--notebook", RELEASE, "-p", "no:hypothesispytest",
                           "-p", "no:cacheprovider"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    out = proc.stdout + proc.stderr
    assert "ModuleNotFoundError" not in out and "ImportError" not in out, out[-3000:]
    # the release's functions are stubs: four collected tests, each failing as TODO
    assert re.search(r"\b4 failed\b", out), out[-3000:]
    assert out.count("TODO") >= 4 and proc.returncode == 1
    # the blocker works: importing hypothesis there fails
    probe = subprocess.run([sys.executable, "-c", "import hypothesis"], env=env, capture_output=True, text=True)
    assert "No module named 'hypothesis'" in probe.stderr


def _points(notebook):
    """(autograded, hand-graded) points from the nbgrader metadata of a source notebook."""
    auto = manual = 0
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not (meta.get("grade") or meta.get("task")):
            continue
        if meta.get("grade") and not meta.get("solution") and not meta.get("task"):
            auto += meta.get("points", 0)  # a test cell: run by the autograder
        else:
            manual += meta.get("points", 0)  # a written answer or task: graded by hand
    return auto, manual


def _documented_table():
    text = (ROOT / "docs" / "students.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (assignment\d+) \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
    return {a: tuple(map(int, nums)) for a, *nums in rows}


@pytest.mark.parametrize("assignment", sorted(p.name for p in (ROOT / "solutions").glob("assignment*")))
def test_documented_score_points_match_the_notebooks(assignment):
    auto, manual = _points(ROOT / "solutions" / assignment / f"{assignment}.ipynb")
    assert _documented_table().get(assignment) == (auto, manual, auto + manual), (
        f"docs/students.md should say {assignment}: {auto} autograded + {manual} by hand = {auto + manual}")


def test_every_question_has_a_rubric():
    text = (ROOT / "docs" / "students.md").read_text(encoding="utf-8")
    for assignment in sorted(p.name for p in (ROOT / "solutions").glob("assignment*")):
        nb = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
        questions = [c["metadata"]["nbgrader"] for c in nb["cells"]
                     if c.get("metadata", {}).get("nbgrader", {}).get("grade") and c["cell_type"] == "markdown"]
        number = assignment.removeprefix("assignment")
        section = text.split(f"**Assignment {number}**")[1].split("**Assignment")[0]
        for k, meta in enumerate(questions, start=1):
            assert re.search(rf"^- Q{k} \({meta['points']:g} points?\)", section, re.M), (
                f"docs/students.md: no rubric for {assignment} Q{k} ({meta['points']} points)")
