"""``hopfield-edu check NOTEBOOK.ipynb``: check a student's functions, the way the grader does.

What it does
------------
1. Reads the notebook (it is never written).
2. Starts the student's code in a separate, sandboxed Python process
   (:class:`~hopfield_edu.grading.session.GradingSession`: the same machinery as the
   grader's) and runs there the cells that define the graded functions (the set-up and
   the cells you fill in, plus any cell of yours they need; ``--all-cells`` runs the
   demos too). A cell that raises is noted; one that runs too long is stopped.
3. Runs each graded function's checks (the ones its test cell names) here, calling your
   function in that process with a time limit per call. An infinite loop or a crash
   costs that function only.
4. Prints one line per function -- ``PASS name``, ``FAIL name: hint``,
   ``TODO name: not implemented yet`` -- and the score. Exit status 0 only when every
   function passes (1 otherwise, 2 when the notebook cannot be read or has no graded
   functions).

``pytest --notebook PATH`` (:mod:`hopfield_edu.grading.pytest_plugin`) and nbgrader
(:mod:`hopfield_edu.grading.nbgrader_glue`) use the same session, so the verdicts agree.
The graders also run hidden cases, so a PASS here is necessary, not sufficient.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .checks import ASSIGNMENTS, CHECKS, CheckResult, assignment_of, format_result, format_score
from .notebook import has_nbgrader, is_test_cell, read_notebook, test_cell_checks
from .notebook import defined_names, _parse  # noqa: F401  (re-exported for tools)

__all__ = ["add_arguments", "run", "check_notebook", "NotebookSession", "NotebookReport",
           "graded_functions", "is_test_cell", "check_specs"]

DEFAULT_TIMEOUT = 10.0  # seconds per call of a student function
DEFAULT_CELL_TIMEOUT = 60.0  # seconds per notebook cell


def graded_functions(nb, path=None, assignment=None) -> tuple:
    """``(assignment_id or None, [function names])`` the notebook is graded on.

    The assignment is ``assignment`` if given, else the one named in the file name
    (``assignment1.ipynb``, ``assignment1-copy.ipynb``), else the one owning the graded
    functions the notebook defines.
    """
    if assignment is not None:
        if assignment not in ASSIGNMENTS:
            raise ValueError(f"unknown assignment {assignment!r}; known: {sorted(ASSIGNMENTS)}")
        return assignment, list(ASSIGNMENTS[assignment])
    if path is not None:
        m = re.search(r"(assignment\d+)", Path(path).stem)
        if m and m.group(1) in ASSIGNMENTS:
            return m.group(1), list(ASSIGNMENTS[m.group(1)])
    nbg = has_nbgrader(nb)
    defined = []
    for cell in nb.cells:
        if cell.cell_type == "code" and not is_test_cell(cell, nbg):
            tree = _parse(cell.source)
            if tree is not None:
                defined += [n for n in defined_names(tree) if n in CHECKS]
    owners = sorted({assignment_of(n) for n in defined})
    if len(owners) == 1:
        return owners[0], list(ASSIGNMENTS[owners[0]])
    return None, list(dict.fromkeys(defined))


def check_specs(nb, names) -> dict:
    """``{name: [kwargs, ...]}``: the checks the notebook's test cells ask for (default ``[{}]``)."""
    nbg = has_nbgrader(nb)
    specs: dict = {}
    for cell in nb.cells:
        if is_test_cell(cell, nbg):
            for name, kwargs in test_cell_checks(cell.source, CHECKS):
                if name in names:
                    specs.setdefault(name, []).append(kwargs)
    return {n: specs.get(n) or [{}] for n in names}


@dataclass
class NotebookReport:
    """What ``check_notebook`` found."""

    path: Path
    assignment: str | None
    results: list
    notes: list = field(default_factory=list)

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and all(r.passed for r in self.results)


class NotebookSession:
    """Run a notebook's function cells in a sandbox, then check functions one by one::

        with NotebookSession("assignment1.ipynb") as s:
            for name in s.names:
                print(format_result(s.check(name)))
    """

    def __init__(self, path, assignment=None, timeout=DEFAULT_TIMEOUT,
                 cell_timeout=DEFAULT_CELL_TIMEOUT, all_cells=False):
        self.path = Path(path).resolve()
        self.all_cells = bool(all_cells)
        self.nb = read_notebook(self.path)
        self.assignment, self.names = graded_functions(self.nb, self.path, assignment)
        self.timeout = float(timeout)
        self.cell_timeout = float(cell_timeout)
        self.notes = []
        self._session = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        from .sandbox import Limits
        from .session import GradingSession

        if self.assignment is None:
            raise ValueError(f"{self.path} is not an assignment notebook of this course")
        # A student's own notebook on their own machine: the budgets are generous, and
        # weak isolation is acceptable (it protects nothing but the student's files).
        limits = Limits(call_timeout=self.timeout, cell_timeout=self.cell_timeout,
                        function_budget=max(60.0, 3 * self.timeout),
                        notebook_budget=max(600.0, self.cell_timeout),
                        student_budget=3600.0)
        self._session = GradingSession(self.nb, self.assignment, workdir=self.path.parent,
                                       limits=limits, allow_unisolated=True,
                                       all_cells=self.all_cells)
        self._session.start()
        self.notes = self._session.notes
        self._specs = check_specs(self.nb, self.names)

    def close(self):
        if self._session is not None:
            self._session.close()
            self._session = None

    def check(self, name) -> CheckResult:
        """Check one function (the visible checks of its test cell)."""
        return self._session.verdict(name, self._specs.get(name) or [{}])


def check_notebook(path, assignment=None, timeout=DEFAULT_TIMEOUT,
                   cell_timeout=DEFAULT_CELL_TIMEOUT, all_cells=False) -> NotebookReport:
    """Run a notebook and check every graded function; returns a :class:`NotebookReport`."""
    s = NotebookSession(path, assignment, timeout, cell_timeout, all_cells)
    if not s.names:
        raise ValueError(f"{path} defines none of the graded functions "
                         f"({', '.join(sorted(CHECKS))}); is it an assignment notebook?")
    with s:
        results = [s.check(n) for n in s.names]
        return NotebookReport(s.path, s.assignment, results, list(s.notes))


# ----------------------------------------------------------------------------- command line


def add_arguments(parser) -> None:
    parser.add_argument("notebook", help="the assignment notebook to check, e.g. assignment1.ipynb")
    parser.add_argument("--assignment", default=None,
                        help="assignment id (default: from the file name or the functions it defines)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help=f"seconds allowed per call of one of your functions (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_CELL_TIMEOUT,
                        help=f"seconds allowed per notebook cell (default {DEFAULT_CELL_TIMEOUT:g})")
    parser.add_argument("--all-cells", action="store_true",
                        help="also run the demonstration cells (by default only the cells the graded functions need run)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list notebook cells that raised errors")


def run(args) -> int:
    path = Path(args.notebook)
    if args.timeout <= 0 or args.cell_timeout <= 0:
        print("error: timeouts must be positive numbers of seconds", file=sys.stderr)
        return 2
    print(f"Checking {path} ...", flush=True)
    try:
        s = NotebookSession(path, args.assignment, args.timeout, args.cell_timeout, args.all_cells)
    except (FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not s.names:
        print(f"error: {path} defines none of the graded functions; is it an assignment "
              "notebook? (use --assignment to say which)", file=sys.stderr)
        return 2
    with s:
        results = []
        for name in s.names:
            res = s.check(name)
            results.append(res)
            print(format_result(res), flush=True)
        notes = s.notes
    if args.verbose:
        for note in notes:
            print(f"note: {note}")
    print(format_score(results))
    return 0 if all(r.passed for r in results) else 1
