"""``hopfield-edu check NOTEBOOK.ipynb``: check a student's functions, safely.

What it does
------------
1. Reads the notebook (it is never written).
2. Starts a separate Jupyter kernel in the notebook's folder and runs the notebook's
   code cells in order, *except* the graded test cells (nbgrader cells with
   ``grade: true`` and ``solution: false``; in a notebook without nbgrader metadata,
   the cells that call ``check_<name>(...)``), up to the last cell that defines a
   graded function (``--all-cells`` also runs the demos after it). A cell that raises
   is noted and the run goes on; a cell that runs longer than ``--cell-timeout`` is
   interrupted.
3. For every graded function of the assignment runs its check from
   :mod:`hopfield_edu.checks` inside that kernel with a time limit
   (``--timeout``, per function). An infinite loop is interrupted and reported; a
   crash of the kernel is reported and the kernel is restarted for the next function.
4. Prints one line per function — ``PASS name``, ``FAIL name: hint``,
   ``TODO name: not implemented yet`` — and the score. Exit status 0 only when every
   function passes (1 otherwise, 2 when the notebook cannot be read or has no graded
   functions).

The same machinery serves the pytest route (``pytest --notebook PATH``, see
:mod:`hopfield_edu.pytest_plugin`), so the verdicts are the same everywhere.
"""
from __future__ import annotations

import ast
import json
import os
import queue
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .checks import (
    ASSIGNMENTS,
    CHECKS,
    ERROR,
    POINTS,
    TIMEOUT,
    CheckResult,
    assignment_of,
    format_result,
    format_score,
)

__all__ = ["add_arguments", "run", "check_notebook", "NotebookSession", "NotebookReport",
           "graded_functions", "is_test_cell"]

_MARKER = "__HOPFIELD_EDU_RESULT__"
DEFAULT_TIMEOUT = 30.0  # seconds per function check
DEFAULT_CELL_TIMEOUT = 120.0  # seconds per notebook cell


# ----------------------------------------------------------------------------- notebook reading


def _read_notebook(path):
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    if path.suffix != ".ipynb":
        raise ValueError(f"{path} is not a notebook (.ipynb)")
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # corrupt JSON, wrong format
        raise ValueError(f"could not read {path} as a Jupyter notebook: {exc}") from None


def _has_nbgrader(nb) -> bool:
    return any("nbgrader" in c.get("metadata", {}) for c in nb.cells)


_CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(|\brun_checks\s*\(")


def is_test_cell(cell, nbgrader_notebook=True) -> bool:
    """True for an autograded test cell (not run by the self-check)."""
    if cell.get("cell_type") != "code":
        return False
    nbg = cell.get("metadata", {}).get("nbgrader")
    if nbg is not None:
        return bool(nbg.get("grade")) and not bool(nbg.get("solution"))
    if not nbgrader_notebook:  # no metadata at all: recognise the test cells by what they call
        return bool(_CHECK_CALL.search(cell.get("source", "")))
    return False


def _defined_functions(source: str) -> list:
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return re.findall(r"^def\s+(\w+)\s*\(", source, flags=re.M)
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def _strip_magics(source: str) -> str:
    # IPython lines (%magic, !shell) are not Python; blank them for ast
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines())


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
    nbg = _has_nbgrader(nb)
    defined = []
    for cell in nb.cells:
        if cell.cell_type == "code" and not is_test_cell(cell, nbg):
            defined += [n for n in _defined_functions(cell.source) if n in CHECKS]
    owners = sorted({assignment_of(n) for n in defined})
    if len(owners) == 1:
        return owners[0], list(ASSIGNMENTS[owners[0]])
    return None, list(dict.fromkeys(defined))


# ----------------------------------------------------------------------------- kernel


class _Kernel:
    """A Jupyter kernel in its own process; runs code with a deadline."""

    def __init__(self, cwd, startup_timeout=60):
        from jupyter_client.manager import KernelManager

        self.cwd = str(cwd)
        km = KernelManager(kernel_name="python3")
        try:  # CurveZMQ keys when available; silences ipykernel's plain-TCP warning
            km.transport_encryption = "auto"
        except Exception:
            pass
        self.km = km
        self.startup_timeout = startup_timeout
        self._start()

    def _start(self):
        env = dict(os.environ)
        env["MPLBACKEND"] = "Agg"  # figures are drawn off-screen, never shown
        env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
        self.km.start_kernel(cwd=self.cwd, env=env)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)

    def restart(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.restart_kernel(now=True)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=self.startup_timeout)

    def run(self, code, timeout):
        """Run ``code``; return ``(status, stdout, error)``.

        status is ``"ok"``, ``"error"`` (error = (ename, evalue)), ``"timeout"`` (interrupted)
        or ``"dead"`` (the kernel died or could not be interrupted; it has been restarted).
        """
        msg_id = self.kc.execute(code, store_history=False, allow_stdin=False)
        out, err = [], None
        deadline = time.monotonic() + timeout
        interrupted = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if interrupted:  # did not stop after the interrupt: start afresh
                    self.restart()
                    return "dead", "".join(out), None
                self.km.interrupt_kernel()
                interrupted = True
                deadline = time.monotonic() + 10.0
                continue
            try:
                msg = self.kc.get_iopub_msg(timeout=min(1.0, remaining))
            except queue.Empty:
                if not self.km.is_alive():
                    self.restart()
                    return "dead", "".join(out), None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and content.get("name") == "stdout":
                out.append(content["text"])
            elif kind == "error":
                err = (content.get("ename", ""), content.get("evalue", ""))
            elif kind == "status" and content.get("execution_state") == "idle":
                break
        if interrupted:
            return "timeout", "".join(out), err
        return ("error" if err else "ok"), "".join(out), err

    def shutdown(self):
        try:
            self.kc.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)


# ----------------------------------------------------------------------------- session


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
    """Run a notebook's code (not its test cells) in a kernel, then check functions one by one.

    Use as a context manager::

        with NotebookSession("assignment1.ipynb") as s:
            for name in s.names:
                print(format_result(s.check(name)))
    """

    def __init__(self, path, assignment=None, timeout=DEFAULT_TIMEOUT,
                 cell_timeout=DEFAULT_CELL_TIMEOUT, all_cells=False):
        self.path = Path(path).resolve()
        self.all_cells = bool(all_cells)
        self.nb = _read_notebook(self.path)
        self.assignment, self.names = graded_functions(self.nb, self.path, assignment)
        self.timeout = float(timeout)
        self.cell_timeout = float(cell_timeout)
        self.notes = []
        self._cell_errors = {}  # function name -> problem of the cell defining it
        self._kernel = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        self._kernel = _Kernel(self.path.parent)
        self._run_cells()

    def close(self):
        if self._kernel is not None:
            self._kernel.shutdown()
            self._kernel = None

    def _code_cells(self):
        # The notebook's code cells, minus its graded test cells, up to the last cell that
        # defines a graded function: the demos after it cannot change the functions, and a
        # demo driving a broken function could run for a long time. all_cells=True runs them.
        nbg = _has_nbgrader(self.nb)
        cells = [(i, c) for i, c in enumerate(self.nb.cells)
                 if c.cell_type == "code" and c.source.strip() and not is_test_cell(c, nbg)]
        if self.all_cells:
            return cells
        last = max((k for k, (_, c) in enumerate(cells)
                    if set(_defined_functions(c.source)) & set(self.names)), default=len(cells) - 1)
        return cells[:last + 1]

    def _run_cells(self):
        for i, cell in self._code_cells():
            status, _, err = self._kernel.run(cell.source, self.cell_timeout)
            defines = [n for n in _defined_functions(cell.source) if n in self.names]
            if status == "ok":
                continue
            if status in ("timeout", "dead"):
                what = (f"did not finish within {self.cell_timeout:g} s and was interrupted"
                        if status == "timeout" else "crashed the Python kernel")
            else:
                if err and err[0] == "NotImplementedError" and not defines:
                    # a demo cell calling a function that is still a stub: expected, not news
                    continue
                what = f"raised {err[0]}: {err[1]}"
            self.notes.append(f"code cell {i + 1} {what}")
            for n in defines:
                self._cell_errors[n] = f"the cell that defines it {what}"
            if status == "dead":
                self._replay_after_crash(i)
                break

    def _replay_after_crash(self, crashed_index):
        # The kernel was restarted: run the cells before the crash again, skip the bad one
        # and continue with the rest (each at most once more).
        for i, cell in self._code_cells():
            if i == crashed_index:
                continue
            self._kernel.run(cell.source, self.cell_timeout)

    def check(self, name) -> CheckResult:
        """Check one function in the kernel, within the time limit."""
        points = POINTS.get(name, 1.0)
        code = (
            "def __hopfield_edu_check():\n"
            "    import json\n"
            "    from hopfield_edu.checks import run_checks\n"
            f"    r = run_checks(globals(), names=[{name!r}])[0]\n"
            f"    print({_MARKER!r} + json.dumps(r.to_dict()))\n"
            "__hopfield_edu_check()\n"
            "del __hopfield_edu_check\n"
        )
        status, out, err = self._kernel.run(code, self.timeout)
        if status == "timeout":
            return CheckResult(name, TIMEOUT, f"did not return within {self.timeout:g} s (an "
                               "infinite loop? check your loop conditions)", 0.0, points)
        if status == "dead":
            # The kernel was restarted: rebuild the notebook's namespace for the next function.
            self._replay_after_crash(None)
            return CheckResult(name, ERROR, "crashed the Python kernel (or could not be "
                               "interrupted) while being checked", 0.0, points)
        for line in out.splitlines():
            if line.startswith(_MARKER):
                d = json.loads(line[len(_MARKER):])
                res = CheckResult(d["name"], d["status"], d["message"], d["points"], d["max_points"])
                if res.status == "missing" and name in self._cell_errors:
                    res.message = f"`{name}` is not defined: {self._cell_errors[name]}"
                return res
        detail = f"{err[0]}: {err[1]}" if err else "no result"
        return CheckResult(name, ERROR, f"the check could not run ({detail})", 0.0, points)


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
                        help=f"seconds allowed per function check (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--cell-timeout", type=float, default=DEFAULT_CELL_TIMEOUT,
                        help=f"seconds allowed per notebook cell (default {DEFAULT_CELL_TIMEOUT:g})")
    parser.add_argument("--all-cells", action="store_true",
                        help="also run the cells after the last graded function (the demos)")
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
