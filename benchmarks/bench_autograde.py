"""Seconds per submission when grading a class of assignment 1, sandbox included.

    python benchmarks/bench_autograde.py [--students 30] [--nbgrader 5]

Builds a temporary course (this repository's nbgrader_config.py and solutions) with
``--students`` submissions -- a third correct, a third untouched stubs, a third with a
mistake in ``update_state`` -- and grades the batch, side by side in one run:

1. ``hopfield-edu grade assignment1 --jobs 1`` (serial),
2. ``hopfield-edu grade assignment1 --jobs 2``,
3. ``nbgrader autograde assignment1 --student S``, one call per student as an instructor
   would type it, for the first ``--nbgrader`` students (each call pays nbgrader's start-up).

Every run regrades the same submissions from a fresh gradebook copy, checks the
scores (9, 0, 6), and prints the mean wall-clock seconds per submission. The table in
docs/benchmarks.md comes from this script.
"""
from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
A = "assignment1"
WRONG = ("def update_state(state, weights, rng=None, theta=None):\n"
         "    return np.where(np.asarray(weights) @ state >= 0, 1, -1)\n")


def _strip(src):
    return "\n".join(ln for ln in src.splitlines()
                     if not re.match(r"\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", ln))


def build_course(tmp: Path, n: int) -> Path:
    course = tmp / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", A, "--force"], cwd=course,
                   check=True, capture_output=True)
    release = nbformat.read(course / "exercises" / A / f"{A}.ipynb", as_version=4)
    source = {c.metadata["nbgrader"]["grade_id"]: c
              for c in nbformat.read(course / "solutions" / A / f"{A}.ipynb", as_version=4).cells
              if "nbgrader" in c.metadata}
    for i in range(n):
        nb = nbformat.from_dict(release)
        kind = i % 3
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code" and kind != 1:
                cell.source = _strip(source[gid].source)
                if kind == 2 and gid == "update_state":
                    cell.source = WRONG
        folder = course / "submitted" / f"s{i:02d}" / A
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{A}.ipynb")
    return course


def _fresh(course: Path):
    for d in ("autograded", "feedback"):
        shutil.rmtree(course / d, ignore_errors=True)
    shutil.copy(course / "gradebook.template.db", course / "gradebook.db")


def _scores(course: Path, students):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return [gb.find_submission(A, s).code_score for s in students]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=30)
    ap.add_argument("--nbgrader", type=int, default=5, help="students graded by one nbgrader call each")
    args = ap.parse_args(argv)
    env = {**os.environ, "HOME": tempfile.mkdtemp(prefix="bench-home-")}
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        course = build_course(Path(tmp), args.students)
        shutil.copy(course / "gradebook.db", course / "gradebook.template.db")
        students = [f"s{i:02d}" for i in range(args.students)]
        expected = [[9.0, 0.0, 6.0][i % 3] for i in range(args.students)]
        rows = []
        for label, jobs in (("hopfield-edu grade --jobs 1", 1), ("hopfield-edu grade --jobs 2", 2)):
            _fresh(course)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "hopfield_edu.cli", "grade", A, "--jobs", str(jobs)],
                           cwd=course, env=env, check=True, capture_output=True)
            dt = time.perf_counter() - t
            assert _scores(course, students) == expected, label
            rows.append((label, args.students, dt))
        if args.nbgrader:
            _fresh(course)
            some = students[: args.nbgrader]
            t = time.perf_counter()
            for s in some:
                subprocess.run([sys.executable, "-m", "nbgrader", "autograde", A, "--student", s],
                               cwd=course, env=env, check=True, capture_output=True)
            dt = time.perf_counter() - t
            assert _scores(course, some) == expected[: len(some)]
            rows.append(("nbgrader autograde --student S (one call each)", len(some), dt))
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.1f}")
    print("| route | submissions | total s | s per submission |")
    print("| --- | ---: | ---: | ---: |")
    for label, n, dt in rows:
        print(f"| {label} | {n} | {dt:.1f} | {dt / n:.2f} |")


if __name__ == "__main__":
    main()
