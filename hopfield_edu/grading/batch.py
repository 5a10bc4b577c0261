"""``hopfield-edu grade``: grade a class in parallel into the nbgrader gradebook.

::

    hopfield-edu grade assignment1                     # every student in submitted/
    hopfield-edu grade assignment1 --student alice bob --jobs 2
    hopfield-edu grade assignment1 --scheduler tcp://10.0.0.5:8786   # a Dask cluster
    hopfield-edu grade report assignment1 --out mistakes.png         # class analytics

Two phases. First every submission is graded on its own -- the student's code in its
sandbox, the verdicts in a grader process (:func:`grade_one`) -- by ``--jobs`` local
worker processes (joblib) or by the workers of a Dask cluster; each returns plain data.
Then this process alone writes the results through nbgrader's own autograde pipeline
(:class:`~.nbgrader_glue.TrustedExecute` with the precomputed outcomes), so the gradebook,
``autograded/`` and the feedback are exactly what ``nbgrader autograde`` makes, with a
single writer to ``gradebook.db``. The exit status reports infrastructure failures
(a sandbox that cannot start, nbgrader errors): a student's crash, endless loop or
wrong answer is that student's grade, and the batch goes on.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

__all__ = ["add_arguments", "run", "grade_one", "grade_class", "class_report", "main"]


def _course_root(arg):
    from .course import course_root

    return course_root(arg)


def _config(root: Path):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = Config()
    if (root / "nbgrader_config.py").is_file():
        cfg.merge(PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    cfg.CourseDirectory.root = str(root)
    return cfg


def _dirs(root: Path):
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=_config(root))


def grade_one(job: dict) -> dict:
    """Grade one student's notebook (runs in a worker); plain data in, plain data out."""
    from .nbgrader_glue import grade_notebook
    from .notebook import read_notebook
    from .sandbox import Limits

    t = time.monotonic()
    try:
        outcome = grade_notebook(read_notebook(job["notebook"]), read_notebook(job["source"]),
                                 job["assignment"], job["submitted"],
                                 limits=Limits(**job.get("limits", {})),
                                 isolation=job.get("isolation"),
                                 allow_unisolated=job.get("allow_unisolated", False)).to_dict()
        return {"key": job["key"], "outcome": outcome, "error": None}
    except Exception as exc:  # infrastructure: reported, the batch goes on
        return {"key": job["key"], "outcome": None, "error": f"{type(exc).__name__}: {exc}",
                "seconds": time.monotonic() - t}


def _jobs(root, assignment, students, options):
    cd = _dirs(root)
    source_dir = Path(cd.format_path(cd.source_directory, ".", assignment))
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"no source notebooks in {source_dir}")
    submitted = Path(cd.format_path(cd.submitted_directory, "*", assignment)).parent.parent
    if not students:
        students = sorted(p.name for p in submitted.iterdir()
                          if (p / assignment).is_dir()) if submitted.is_dir() else []
    jobs = []
    for student in students:
        folder = Path(cd.format_path(cd.submitted_directory, student, assignment))
        if not folder.is_dir():
            raise ValueError(f"no submission of {assignment} by {student!r} in {folder}")
        for src in notebooks:
            nb = folder / src.name
            if nb.is_file():
                jobs.append({"key": f"{student}/{assignment}/{src.stem}", "student": student,
                             "assignment": assignment, "notebook": str(nb), "source": str(src),
                             "submitted": str(folder), **options})
    return jobs


def _run_parallel(jobs, n_jobs, scheduler, progress=True):
    from joblib import Parallel, delayed, parallel_config
    from tqdm.auto import tqdm

    bar = tqdm(total=len(jobs), desc="grading", unit="submission", disable=not progress,
               file=sys.stderr)
    results = []
    client = None
    backend = {"backend": "loky", "n_jobs": n_jobs}
    if scheduler:
        from distributed import Client

        client = Client(scheduler)
        backend = {"backend": "dask", "n_jobs": -1}
    try:
        with parallel_config(**backend):
            runner = Parallel(return_as="generator_unordered")
            for res in runner(delayed(grade_one)(job) for job in jobs):
                results.append(res)
                bar.update(1)
                bar.set_postfix_str(res["key"].split("/")[0])
    finally:
        bar.close()
        if client is not None:
            client.close()
    return results


def _write_gradebook(root, assignment, outcomes: dict, students):
    """nbgrader's autograde pipeline, in this process, with the outcomes precomputed."""
    import logging

    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory

    cfg = _config(root)
    cfg.TrustedExecute.precomputed = outcomes
    failures = []
    for student in students:
        coursedir = CourseDirectory(config=cfg)
        coursedir.assignment_id = assignment
        coursedir.student_id = student
        conv = Autograde(coursedir=coursedir, config=cfg)
        conv.force = True
        conv.log.setLevel(logging.ERROR)
        try:
            conv.start()
        except Exception as exc:  # nbgrader refused: an infrastructure failure
            failures.append(f"{student}: nbgrader autograde failed ({exc})")
    return failures


def grade_class(root, assignment, students=(), *, jobs=1, scheduler=None, limits=None,
                isolation=None, allow_unisolated=False, progress=True) -> dict:
    """Grade ``students`` (default: everyone in submitted/) of ``assignment``.

    Returns ``{"outcomes": {key: outcome}, "failures": [...], "seconds": float}``.
    """
    from .session import NotIsolated
    from .sandbox import isolation_level

    level, _ = isolation_level(isolation)
    if level == "process" and not allow_unisolated:
        raise NotIsolated("student code cannot be isolated on this host; pass --allow-unisolated "
                          "to grade anyway (unsafe)")
    t = time.monotonic()
    options = {"limits": dict(limits or {}), "isolation": isolation,
               "allow_unisolated": allow_unisolated}
    job_list = _jobs(Path(root), assignment, list(students), options)
    results = _run_parallel(job_list, jobs, scheduler, progress) if job_list else []
    outcomes = {r["key"]: r["outcome"] for r in results if r["outcome"] is not None}
    failures = [f"{r['key']}: {r['error']}" for r in results if r["error"]]
    graded = sorted({k.split("/")[0] for k in outcomes})
    failures += _write_gradebook(Path(root), assignment, outcomes, graded)
    return {"outcomes": outcomes, "failures": failures, "seconds": time.monotonic() - t}


# ----------------------------------------------------------------------------- report


def class_report(root, assignment) -> tuple[list, int]:
    """``([(function, hint_id, count, example message)], n_students)`` from the outcome files."""
    from collections import Counter

    from .nbgrader_glue import OUTCOME_FILE

    cd = _dirs(Path(root))
    base = Path(cd.format_path(cd.autograded_directory, "*", assignment)).parent.parent
    files = sorted(base.glob(f"*/{assignment}/{OUTCOME_FILE}")) if base.is_dir() else []
    counts, examples, order = Counter(), {}, []
    students = set()
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        students.add(data.get("student", f.parent.parent.name))
        for r in data.get("results", []):
            key = (r["name"], r.get("hint_id") or r["status"])
            counts[key] += 1
            examples.setdefault(key, r.get("message", ""))
            if r["name"] not in order:
                order.append(r["name"])
    rows = sorted(((name, hid, n, examples[(name, hid)]) for (name, hid), n in counts.items()),
                  key=lambda r: (order.index(r[0]), r[1] != "pass", -r[2]))
    return rows, len(students)


def plot_report(rows, n_students, assignment, ax=None):
    """Horizontal bars: share of students per function and mistake (passes excluded)."""
    from matplotlib.figure import Figure

    mistakes = [r for r in rows if r[1] != "pass"]
    if ax is None:
        fig = Figure(figsize=(8, 0.45 * max(3, len(mistakes)) + 1.2))
        ax = fig.subplots()
    labels = [f"{name}: {hid}" for name, hid, _, _ in mistakes]
    shares = [100.0 * n / max(1, n_students) for _, _, n, _ in mistakes]
    ax.barh(range(len(mistakes)), shares, color="tab:red")
    ax.set_yticks(range(len(mistakes)), labels)
    ax.invert_yaxis()
    ax.set_xlabel(f"% of {n_students} students")
    ax.set_title(f"{assignment}: what to re-teach")
    ax.figure.tight_layout()
    return ax.figure


# ----------------------------------------------------------------------------- command line


def add_arguments(parser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT",
                        help="assignment id, or `report ASSIGNMENT` for the class analytics")
    parser.add_argument("rest", nargs="?", metavar="ASSIGNMENT", help=__import__("argparse").SUPPRESS)
    parser.add_argument("--student", nargs="+", default=[], metavar="ID",
                        help="grade only these students (default: everyone in submitted/)")
    parser.add_argument("--jobs", type=int, default=1, help="parallel grading processes (default 1)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="grade on the workers of a Dask cluster (e.g. tcp://host:8786)")
    parser.add_argument("--root", default=None, help="course root (default: found from here)")
    parser.add_argument("--allow-unisolated", action="store_true",
                        help="grade even where student code cannot be isolated (unsafe)")
    parser.add_argument("--isolation", choices=("namespaces", "user", "process"), default=None,
                        help="force an isolation level (default: the strongest available)")
    parser.add_argument("--call-timeout", type=float, default=10.0,
                        help="seconds per call of a student function (default 10)")
    parser.add_argument("--out", default=None, help="report: PNG file for the plot")


def _error(msg) -> int:
    print(f"error: {msg}", file=sys.stderr)
    return 2


def _run_report(args, root) -> int:
    from .checks import ASSIGNMENTS

    if args.rest not in ASSIGNMENTS:
        return _error(f"report needs an assignment id, one of {', '.join(ASSIGNMENTS)}")
    rows, n = class_report(root, args.rest)
    if not rows:
        return _error(f"no graded submissions of {args.rest} in autograded/ (run hopfield-edu grade first)")
    print(f"{args.rest}: {n} students graded")
    for name, hid, count, example in rows:
        print(f"  {name:22s} {hid:28s} {count:4d}  {100.0 * count / n:5.1f} %"
              + ("" if hid == "pass" else f"   e.g. {example[:90]}"))
    if args.out:
        out = Path(args.out)
        if out.exists():
            return _error(f"{out} exists; choose another file name")
        if not out.parent.is_dir():
            return _error(f"cannot write {out}: no folder {out.parent}")
        plot_report(rows, n, args.rest).savefig(out, dpi=120)
        print(f"plot written to {out}")
    return 0


def run(args) -> int:
    from .checks import ASSIGNMENTS
    from .session import NotIsolated

    try:
        root = _course_root(args.root)
    except FileNotFoundError as exc:
        return _error(exc)
    if args.assignment == "report":
        return _run_report(args, root)
    if args.rest is not None:
        return _error(f"unexpected argument {args.rest!r}")
    if args.assignment not in ASSIGNMENTS:
        return _error(f"unknown assignment {args.assignment!r}; expected one of {', '.join(ASSIGNMENTS)}")
    if args.jobs < 1:
        return _error("--jobs must be a positive integer")
    if not args.call_timeout > 0:
        return _error("--call-timeout must be a positive number of seconds")
    try:
        res = grade_class(root, args.assignment, args.student, jobs=args.jobs, scheduler=args.scheduler,
                          limits={"call_timeout": args.call_timeout}, isolation=args.isolation,
                          allow_unisolated=args.allow_unisolated)
    except (ValueError, NotIsolated) as exc:
        return _error(exc)
    for key, outcome in sorted(res["outcomes"].items()):
        got = sum(r["points"] for r in outcome["results"])
        total = sum(r["max_points"] for r in outcome["results"])
        notes = f"  ({'; '.join(outcome['notes'])})" if outcome["notes"] else ""
        print(f"{key.split('/')[0]:20s} {got:g}/{total:g}  {outcome['seconds']:.1f} s{notes}")
    n = len(res["outcomes"])
    print(f"graded {n} notebook{'s' * (n != 1)} in {res['seconds']:.1f} s"
          + (f" ({res['seconds'] / n:.2f} s each)" if n else ""))
    for failure in res["failures"]:
        print(f"infrastructure failure: {failure}", file=sys.stderr)
    return 1 if res["failures"] else 0


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="hopfield-edu grade")
    add_arguments(parser)
    return run(parser.parse_args(argv))
