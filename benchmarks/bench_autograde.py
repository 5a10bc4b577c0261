"""Wall time of `nbgrader autograde` for one assignment-1 submission (target <= 10 s).

Measured side by side, in a temporary copy of the course (the repository is not touched):

1. ``python -m nbgrader --version``            nbgrader's own start-up (Python + imports)
2. nbclient execution of the submission        the notebook's work (kernel start, imports,
                                               the four checks, the demos) without nbgrader
3. ``nbgrader autograde assignment1 --student alice --force``   the full autograde
4. ``hopfield-edu check`` of the same notebook  the student's self-check, for comparison

Each is repeated ``--repeat`` times (default 3); the median and the minimum are printed,
and the autograde median is compared with the 10 s target.

    python benchmarks/bench_autograde.py
    python benchmarks/bench_autograde.py --repeat 5
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
A = "assignment1"
TARGET = 10.0


def _timed(cmd, cwd):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{proc.stderr[-2000:]}")
    return dt


def _execute_notebook(path):
    from nbclient import NotebookClient
    from traitlets.config import Config

    cfg = Config()
    cfg.KernelManager.transport_encryption = "auto"
    nb = nbformat.read(path, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", config=cfg,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - t0


def _solved_submission(course):
    release = nbformat.read(course / "exercises" / A / f"{A}.ipynb", as_version=4)
    source = nbformat.read(course / "solutions" / A / f"{A}.ipynb", as_version=4)
    src = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if "nbgrader" in c.metadata}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = "\n".join(ln for ln in src[meta["grade_id"]].splitlines()
                                    if not re.match(r"\s*### (BEGIN|END) SOLUTION", ln))
    d = course / "submitted" / "alice" / A
    d.mkdir(parents=True)
    path = d / f"{A}.ipynb"
    nbformat.write(release, path)
    (d / "timestamp.txt").write_text("2026-01-15 12:00:00.000000 UTC")
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per measurement (default 3)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as tmp:
        course = Path(tmp)
        shutil.copy(ROOT / "nbgrader_config.py", course)
        shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
        _timed([py, "-m", "nbgrader", "generate_assignment", A, "--force"], course)
        sub = _solved_submission(course)
        # warm-up: first autograde creates the student and the submission rows
        _timed([py, "-m", "nbgrader", "autograde", A, "--student", "alice", "--create", "--force"], course)
        rows = {
            "nbgrader start-up (--version)": lambda: _timed([py, "-m", "nbgrader", "--version"], course),
            "notebook execution (nbclient)": lambda: _execute_notebook(sub),
            "nbgrader autograde, 1 submission": lambda: _timed(
                [py, "-m", "nbgrader", "autograde", A, "--student", "alice", "--force"], course),
            "hopfield-edu check (self-check)": lambda: _timed(
                [py, "-m", "hopfield_edu.cli", "check", str(sub)], course),
        }
        results = {}
        for label, fn in rows.items():
            times = [fn() for _ in range(args.repeat)]
            results[label] = times
    auto = statistics.median(results["nbgrader autograde, 1 submission"])
    print(f"assignment 1, {args.repeat} runs each (wall time, seconds)")
    print(f"{'':36s} {'median':>8s} {'min':>8s} {'x autograde':>12s}")
    for label, times in results.items():
        med = statistics.median(times)
        print(f"{label:36s} {med:8.2f} {min(times):8.2f} {med / auto:12.2f}")
    verdict = "within" if auto <= TARGET else "ABOVE"
    print(f"autograde median {auto:.2f} s: {verdict} the {TARGET:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
