"""TRUSTED SIDE: grade one notebook with the student's code in a sandbox.

:class:`GradingSession` starts the student's process (:mod:`.sandbox`), runs the cells
that define the graded functions there (:func:`.notebook.plan_cells`), and runs each
function's checks here, in the grader's process, calling the student's function through
:class:`RemoteFunction`: arguments go over as plain data, and only plain data comes back
(:mod:`._protocol`), so nothing the student's code does in its own process -- patching
NumPy, IPython, builtins or the checks, odd ``__eq__`` methods, fake "PASS" lines -- can
reach a verdict. Every call has a time limit, every function's checks a budget, the
whole submission a budget; a function that loops forever or kills its process costs
that function its points, and the next function gets a fresh process.
"""
from __future__ import annotations

import inspect
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import _protocol
from ._redact import build_library, package_location
from .checks import ASSIGNMENTS, CHECKS, POINTS, TIMEOUT, CheckResult, run_check
from .checks._core import (InputModified, StudentCrash, StudentError, StudentNotImplemented,
                           StudentTimeout, _same, param_name)
from .notebook import plan_cells
from .sandbox import ChannelClosed, ChannelTimeout, IsolationUnavailable, Limits, SandboxProcess, \
    isolation_level, new_sandbox_dir

__all__ = ["GradingSession", "RemoteFunction", "Outcome", "CellRun", "NotIsolated"]

_MAX_FILE = 50 * 2**20
_MAX_TOTAL = 200 * 2**20


class NotIsolated(RuntimeError):
    """No isolation is available and the instructor did not allow grading without it."""


@dataclass
class CellRun:
    """What happened to one notebook cell in the sandbox."""

    label: int
    index: int
    status: str            # "ok", "error", "timeout", "crashed", "skipped"
    stdout: str = ""
    error: dict | None = None
    seconds: float = 0.0


@dataclass
class Outcome:
    """Everything the grader concluded about one notebook (plain data, JSON-able)."""

    assignment: str
    results: list = field(default_factory=list)      # CheckResult.to_dict() per function
    cells: list = field(default_factory=list)        # CellRun per cell that was planned
    notes: list = field(default_factory=list)        # "timed out at cell 7", ...
    isolation: str = ""
    isolation_detail: str = ""
    seconds: float = 0.0
    flags: list = field(default_factory=list)        # for the instructor (similar to the reference)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["cells"] = [asdict(c) if isinstance(c, CellRun) else c for c in self.cells]
        return d

    @property
    def score(self) -> float:
        return sum(r["points"] for r in self.results)


def _copy_submission(src: Path | None, dst: Path) -> None:
    """Regular files only (no symlinks, devices or huge files): the scratch copy."""
    dst.mkdir(parents=True, exist_ok=True)
    if src is None:
        return
    total = 0
    for path in sorted(Path(src).rglob("*")):
        rel = path.relative_to(src)
        if any(part in (".ipynb_checkpoints", "__pycache__") for part in rel.parts):
            continue
        if any(p.is_symlink() for p in [path, *path.parents][: len(rel.parts)]):
            continue
        if path.is_dir():
            (dst / rel).mkdir(parents=True, exist_ok=True)
        elif path.is_file():
            size = path.stat().st_size
            if size > _MAX_FILE or total + size > _MAX_TOTAL:
                continue
            total += size
            (dst / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dst / rel)


class RemoteFunction:
    """A student's function, called in the sandbox; what it returns is plain data."""

    def __init__(self, session: "GradingSession", name: str, info: dict):
        self._session, self.__name__ = session, name
        self._remote_reference = info.get("reference") if isinstance(info.get("reference"), str) else None
        params = info.get("params")
        if isinstance(params, list):
            try:
                self.__signature__ = inspect.Signature([
                    inspect.Parameter(str(p[0]), inspect._ParameterKind(int(p[1])),
                                      default=None if p[2] else inspect.Parameter.empty)
                    for p in params])
            except (TypeError, ValueError, IndexError):
                pass

    def __call__(self, *args, **kwargs):
        return self._session.call(self.__name__, args, kwargs)

    def _seed_student_globals(self, seed):
        self._session.seed(seed)

    def _call_repeated(self, args, times):
        return self._session.call_repeated(self.__name__, args, times)


def _check_args(func, name, args, reply):
    """Advance the grader's generators as the student's advanced; an argument the student's
    function changed in place is never copied back (a check must not compare against data
    the student rewrote): it is reported as :class:`InputModified`."""
    import numpy as np

    after = reply.get("args_after")
    if not isinstance(after, list) or len(after) != len(args):
        return
    for k, (local, remote) in enumerate(zip(args, after)):
        if remote is None:
            continue
        if isinstance(local, np.random.Generator):
            if isinstance(remote, np.random.Generator):
                local.bit_generator.state = remote.bit_generator.state
        elif isinstance(local, (np.ndarray, list)) and not _same(remote, local):
            raise InputModified(name, k, param_name(func, k))


class GradingSession:
    """Grade one notebook: ``with GradingSession(nb, ...) as s: outcome = s.grade(specs)``.

    Parameters
    ----------
    nb : notebook
        The notebook to grade (the student's), as read by nbformat.
    assignment : str
        Its assignment id (its graded functions come from the checks registry).
    workdir : path or None
        The submission folder: its regular files are copied into the sandbox's scratch
        folder (the student's data files, helper modules).
    limits : Limits
    isolation : str or None
        Force an isolation level; default the strongest the host allows.
    allow_unisolated : bool
        Accept the ``process`` level (no isolation). The self-check of a student's own
        notebook on their own machine passes True; grading others' work should not.
    """

    def __init__(self, nb, assignment, workdir=None, limits=None, isolation=None,
                 allow_unisolated=False, all_cells=False):
        self.nb, self.assignment = nb, assignment
        self.names = list(ASSIGNMENTS[assignment])
        self.limits = limits or Limits()
        self.workdir = Path(workdir) if workdir is not None else None
        try:
            self.level, self.level_detail = isolation_level(isolation)
        except IsolationUnavailable as exc:
            raise NotIsolated(f"no usable isolation level: {exc}") from None
        if self.level == "process" and not allow_unisolated:
            raise NotIsolated("student code cannot be isolated on this host (no bubblewrap namespaces, "
                              "no separate user); refusing to grade. Pass --allow-unisolated "
                              "(TrustedExecute.allow_unisolated=True) to grade anyway, unprotected.")
        self.plan, self.skipped = plan_cells(nb, self.names, all_cells=all_cells)
        self.cell_runs: dict = {}
        self._functions: dict = {}
        self.bad_cells: set = set()
        self.notes: list = []
        self.proc = None
        self.dir = None
        self._t0 = time.monotonic()
        self._deadline = self._t0 + self.limits.student_budget
        self._fn_deadline = None

    # -- lifecycle ----------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        self.dir = new_sandbox_dir()
        lib = build_library(self.names, list(CHECKS))
        (self.dir / "lib").symlink_to(lib, target_is_directory=True)
        _copy_submission(self.workdir, self.dir / "work")
        self._spawn(first=True)

    def close(self):
        if self.proc is not None:
            self.proc.close()
            self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _mask(self):
        pkg = package_location()
        return pkg if "-packages" in str(pkg) else None

    def _spawn(self, first=False):
        self.proc = SandboxProcess(self.dir, self.limits, self.level, self._mask())
        try:
            self.proc.request({"op": "ping"}, self.limits.startup_timeout)
        except (ChannelTimeout, ChannelClosed, _protocol.ProtocolError) as exc:
            tail = bytes(self.proc.stderr_tail).decode(errors="replace").strip()[-500:]
            raise RuntimeError(f"the sandbox did not start ({type(exc).__name__}: {exc}); "
                               f"its output: {tail}") from None
        self._run_cells(replay=not first)

    def _remaining(self):
        return self._deadline - time.monotonic()

    def _run_cells(self, replay):
        budget_end = self._t0 + self.limits.notebook_budget
        for cell in self.plan:
            if cell.index in self.bad_cells:
                continue
            if replay and self.cell_runs.get(cell.index, CellRun(0, 0, "")).status == "skipped":
                continue
            # A replay after a restart re-runs cells that already ran: only the submission's
            # own budget limits it, not the notebook's.
            remaining = self._remaining() if replay else min(budget_end - time.monotonic(),
                                                              self._remaining())
            if remaining <= 0:
                self.cell_runs.setdefault(cell.index, CellRun(cell.label, cell.index, "skipped"))
                if not replay:
                    self.notes.append(f"cell {cell.label} not run: the notebook's time budget "
                                      f"({self.limits.notebook_budget:g} s) was used up")
                continue
            t = time.monotonic()
            timeout = min(self.limits.cell_timeout, remaining)
            try:
                reply = self.proc.request({"op": "run_cell", "source": cell.source,
                                           "label": cell.label}, timeout)
            except ChannelTimeout:
                self._cell_failed(cell, "timeout", f"timed out at cell {cell.label} "
                                  f"(limit {timeout:.0f} s)", t)
                continue
            except (ChannelClosed, _protocol.ProtocolError) as exc:
                self._cell_failed(cell, "crashed", f"crashed at cell {cell.label} ({exc})", t)
                continue
            if not replay:
                reply = reply if isinstance(reply, dict) else {}
                ok = bool(reply.get("ok"))
                err = reply.get("error") if isinstance(reply.get("error"), dict) else None
                self.cell_runs[cell.index] = CellRun(cell.label, cell.index, "ok" if ok else "error",
                                                     str(reply.get("stdout", ""))[:20000], err,
                                                     time.monotonic() - t)
                if err and not (err.get("type") == "NotImplementedError"):
                    self.notes.append(f"cell {cell.label} raised {err.get('type')}: "
                                      f"{str(err.get('message'))[:200]}")

    def _cell_failed(self, cell, status, note, t):
        self.bad_cells.add(cell.index)
        self.cell_runs[cell.index] = CellRun(cell.label, cell.index, status, "", None, time.monotonic() - t)
        self.notes.append(note)
        self._respawn()

    def _respawn(self):
        if self.proc is not None:
            self.proc.kill()
        self._spawn(first=False)

    # -- calls ----------------------------------------------------------------------
    def _wait(self):
        limit = self.limits.call_timeout
        ends = [self._deadline] + ([self._fn_deadline] if self._fn_deadline else [])
        return min(limit, min(ends) - time.monotonic())

    def _request(self, msg, what):
        wait = self._wait()
        if wait <= 0 or not self.proc.alive:
            raise StudentTimeout(self._budget_message(what))
        try:
            return self.proc.request(msg, wait)
        except ChannelTimeout:
            if wait < self.limits.call_timeout:
                raise StudentTimeout(self._budget_message(what)) from None
            raise StudentTimeout(f"{what} did not return within {self.limits.call_timeout:g} s "
                                 "(an infinite loop? check your loop conditions)") from None
        except ChannelClosed as exc:
            raise StudentCrash(str(exc)) from None
        except _protocol.ProtocolError as exc:
            self.proc.kill()
            raise StudentCrash(f"its reply could not be read: {exc}") from None

    def _budget_message(self, what):
        if self._fn_deadline and time.monotonic() >= self._fn_deadline - 0.01:
            return (f"the checks of {what} took longer than {self.limits.function_budget:g} s in "
                    "total: your function is too slow (or loops)")
        return (f"not graded to the end: this submission used up its grading time "
                f"({self.limits.student_budget:g} s)")

    def call(self, name, args, kwargs):
        reply = self._request({"op": "call", "name": name, "args": list(args), "kwargs": dict(kwargs)},
                              name)
        if not isinstance(reply, dict) or reply.get("status") not in ("ok", "exception"):
            raise StudentCrash("it sent a malformed reply")
        if reply["status"] == "exception":
            self._raise_remote(name, reply)
        _check_args(self._functions.get(name), name, args, reply)
        return reply.get("value")

    def _raise_remote(self, name, reply):
        etype = str(reply.get("type", "Exception"))
        if etype == "ReferenceUnavailable" and reply.get("module") == "hopfield_edu._graded":
            from .._graded import ReferenceUnavailable

            raise ReferenceUnavailable(name)
        cls = StudentNotImplemented if etype == "NotImplementedError" else StudentError
        raise cls(etype, str(reply.get("message", ""))[:2000], str(reply.get("where", ""))[:500])

    def call_repeated(self, name, args, times):
        """``times`` calls with the same arguments in one round trip (a generator advances);
        stops early after a call that changed an argument in place."""
        # One request, one call_timeout: honest functions take microseconds per call, and an
        # endless loop in the first call must not cost `times` time-outs.
        reply = self._request({"op": "repeat", "name": name, "args": list(args), "kwargs": {},
                               "times": int(times)}, name)
        if not isinstance(reply, dict) or not isinstance(reply.get("values"), list):
            raise StudentCrash("it sent a malformed reply")
        if reply.get("status") == "exception":
            self._raise_remote(name, reply)
        _check_args(self._functions.get(name), name, args, reply)
        return reply["values"]

    def seed(self, seed):
        self._request({"op": "seed", "seed": int(seed)}, "seeding")

    def function(self, name):
        """A :class:`RemoteFunction` for ``name``, the string ``"not-callable:<type>"``, or None."""
        if self.proc is None or not self.proc.alive:
            self._respawn()
        try:
            info = self.proc.request({"op": "lookup", "name": name},
                                     max(0.1, min(self.limits.call_timeout, self._remaining())))
        except (ChannelTimeout, ChannelClosed, _protocol.ProtocolError):
            return None
        if not isinstance(info, dict) or not info.get("found"):
            return None
        if not info.get("callable"):
            return _NotCallable(str(info.get("type", "object")))
        func = RemoteFunction(self, name, info)
        self._functions[name] = func
        return func

    # -- verdicts -------------------------------------------------------------------
    def verdict(self, name, specs=({},)) -> CheckResult:
        """Run the checks of ``name`` (one per ``kwargs`` in ``specs``); all must pass."""
        points = POINTS.get(name, 1.0)
        if self._remaining() <= 0:
            return CheckResult(name, TIMEOUT, self._budget_message(name), 0.0, points, "budget")
        self._fn_deadline = time.monotonic() + self.limits.function_budget
        try:
            func = self.function(name)
            if isinstance(func, _NotCallable):
                return CheckResult(name, "fail", f"`{name}` is not a function (got {func.type_name})",
                                   0.0, points, "not-callable")
            result = None
            for kwargs in specs:
                check = CHECKS[name]
                kwargs = dict(kwargs)
                result = run_check(name, func, (lambda f, k=kwargs: check(f, **k)), points,
                                   blocked=self.names)
                if not result.passed:
                    break
            if result is not None and result.status == "missing":
                why = self._why_missing(name)
                if why:
                    result.message = f"`{name}` is not defined: {why}"
                    result.hint_id = "definition-failed"
            return result
        finally:
            self._fn_deadline = None
            if self.proc is None or not self.proc.alive:
                if self._remaining() > 0:
                    self._respawn()

    def _why_missing(self, name):
        import re

        pattern = re.compile(rf"^\s*def\s+{re.escape(name)}\s*\(", re.M)
        for cell in self.plan:
            if not pattern.search(cell.source):
                continue
            run = self.cell_runs.get(cell.index)
            if run is None:
                continue
            if run.status in ("timeout", "crashed", "skipped"):
                what = {"timeout": "timed out", "crashed": "crashed its Python process",
                        "skipped": "was not run (time budget used up)"}[run.status]
                return f"the cell that defines it (cell {cell.label}) {what}"
            if run.status == "error" and run.error:
                where = f" ({run.error.get('where')})" if run.error.get("where") else ""
                return (f"the cell that defines it (cell {cell.label}) raised "
                        f"{run.error.get('type')}: {run.error.get('message')}{where}")
        return None

    def grade(self, specs: dict | None = None) -> Outcome:
        """Verdicts for every graded function; ``specs`` maps a name to its check kwargs."""
        outcome = Outcome(self.assignment, isolation=self.level, isolation_detail=self.level_detail)
        for name in self.names:
            outcome.results.append(self.verdict(name, (specs or {}).get(name) or ({},)).to_dict())
        outcome.cells = [self.cell_runs.get(c.index, CellRun(c.label, c.index, "skipped"))
                         for c in self.plan]
        outcome.notes = list(self.notes)
        outcome.seconds = round(time.monotonic() - self._t0, 3)
        return outcome


class _NotCallable:
    def __init__(self, type_name):
        self.type_name = type_name
        self.__name__ = f"<{type_name}>"

    def __call__(self, *a, **k):  # run_check reports it before calling
        raise TypeError(f"'{self.type_name}' object is not callable")

