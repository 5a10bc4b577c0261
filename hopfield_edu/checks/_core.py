"""Shared machinery of the checks: results, the runner, and helpers for writing checks.

A *check* is a function ``check(func) -> None`` that calls a student's function on
many cases and raises :class:`AssertionError` with a message the student can act on
(what is wrong and what to change), and returns ``None`` when everything agrees with
the reference. Helpers here make those messages consistent:

- :func:`require_params`    the function accepts the documented arguments
- :func:`call`              call the student function and detect in-place changes of inputs
- :func:`seeded_global_random`  make a student's (discouraged) use of ``random`` / ``np.random``
  deterministic during a check, restoring the global state afterwards
- :func:`counts_look_uniform`  a deterministic uniformity test for seeded draws
- :func:`run_check`         run one check and classify the outcome (PASS / FAIL / TODO)
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import math
import random
import traceback
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CheckFailure",
    "fail",
    "CheckResult",
    "PASS",
    "FAIL",
    "TODO",
    "MISSING",
    "ERROR",
    "TIMEOUT",
    "require_params",
    "call",
    "as_float_array",
    "seeded_global_random",
    "counts_look_uniform",
    "run_check",
    "format_result",
    "format_score",
]

# Outcome labels. PASS/FAIL/TODO are what students see; MISSING (the function is not
# defined), ERROR (the function raised) and TIMEOUT (it did not return) are printed as
# FAIL with a hint.
PASS = "pass"
FAIL = "fail"
TODO = "todo"
MISSING = "missing"
ERROR = "error"
TIMEOUT = "timeout"


class CheckFailure(AssertionError):
    """A check found a mistake in a student's function.

    ``hint_id`` is a short stable name of the mistake (``"diagonal-not-zero"``,
    ``"normalised-by-P"``): class analytics count students per ``hint_id``
    (``hopfield-edu grade report``), so keep ids stable once released. The message is
    the hint the student reads: what is wrong and what to change.
    """

    def __init__(self, hint_id: str, message: str):
        super().__init__(message)
        self.hint_id = str(hint_id)


def fail(hint_id: str, message: str):
    """Raise :class:`CheckFailure` ``(hint_id, message)``; use instead of ``raise AssertionError``."""
    raise CheckFailure(hint_id, message)


@dataclass
class CheckResult:
    """Outcome of checking one student function.

    Attributes
    ----------
    name : str
        The function's name (the registry key).
    status : str
        One of ``"pass"``, ``"fail"``, ``"todo"``, ``"missing"``, ``"error"``, ``"timeout"``.
    message : str
        The hint shown to the student ("" on pass).
    points : float
        Points earned (``max_points`` on pass, 0 otherwise).
    max_points : float
        Points the function is worth (the assignment module's ``POINTS``, default 1).
    hint_id : str
        Stable id of the hint given (``"pass"``, ``"todo"``, a check's
        :class:`CheckFailure` id, ``"raised:TypeError"``, ``"timeout"``, ...).
    """

    name: str
    status: str
    message: str = ""
    points: float = 0.0
    max_points: float = 1.0
    hint_id: str = ""

    @property
    def passed(self) -> bool:
        return self.status == PASS

    @property
    def label(self) -> str:
        """``PASS``, ``TODO`` or ``FAIL`` (every other outcome is a failure)."""
        return {PASS: "PASS", TODO: "TODO"}.get(self.status, "FAIL")

    def to_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "message": self.message,
                "points": self.points, "max_points": self.max_points, "hint_id": self.hint_id}


def format_result(result: CheckResult) -> str:
    """One line per function: ``PASS name``, ``FAIL name: hint``, ``TODO name: not implemented yet``."""
    if result.status == PASS:
        return f"PASS {result.name}"
    if result.status == TODO:
        return f"TODO {result.name}: not implemented yet"
    return f"FAIL {result.name}: {result.message}"


def format_score(results) -> str:
    results = list(results)
    got = sum(r.points for r in results)
    total = sum(r.max_points for r in results)
    n_pass = sum(r.passed for r in results)
    return (f"Score: {_num(got)}/{_num(total)} points "
            f"({n_pass} of {len(results)} functions pass)")


def _num(x):
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}"


# ----------------------------------------------------------------------------- running


def _student_frame_hint(exc: BaseException) -> str:
    """The failing line of the student's own code, if it can be found in the traceback."""
    for fr in reversed(traceback.extract_tb(exc.__traceback__)):
        fn = fr.filename.replace("\\", "/")
        if "/hopfield_edu/" in fn or "-packages/" in fn or "/lib/python" in fn:
            continue  # our checks, NumPy and the standard library are not the student's code
        line = (fr.line or "").strip()
        return f" (at `{line}`)" if line else ""
    return ""


def run_check(name: str, func, check, max_points: float = 1.0) -> CheckResult:
    """Run ``check(func)`` and classify the outcome.

    - returns normally            -> PASS, full points
    - ``NotImplementedError``     -> TODO (the untouched stub)
    - ``AssertionError``          -> FAIL with the check's hint
    - any other exception         -> ERROR: the student's function raised; the hint names
      the exception and the offending line
    """
    if func is None:
        return CheckResult(name, MISSING, f"no function named `{name}` was defined; run the cell "
                           "that defines it and keep the name and signature given in the notebook",
                           0.0, max_points, "missing")
    if not callable(func):
        return CheckResult(name, FAIL, f"`{name}` is not a function (got {type(func).__name__})",
                           0.0, max_points, "not-callable")
    try:
        check(func)
    except NotImplementedError:
        return CheckResult(name, TODO, "not implemented yet", 0.0, max_points, "todo")
    except AssertionError as exc:
        msg = str(exc).strip() or f"{name} does not match the reference"
        hint_id = getattr(exc, "hint_id", None) or "unspecified"
        return CheckResult(name, FAIL, msg, 0.0, max_points, hint_id)
    except RecursionError:
        return CheckResult(name, ERROR, "your function recursed without end (RecursionError)",
                           0.0, max_points, "raised:RecursionError")
    except Exception as exc:  # the student's code raised: report it, keep going
        where = _student_frame_hint(exc)
        return CheckResult(name, ERROR, f"your function raised {type(exc).__name__}: {exc}{where}",
                           0.0, max_points, f"raised:{type(exc).__name__}")
    return CheckResult(name, PASS, "", float(max_points), max_points, "pass")


# ----------------------------------------------------------------------------- helpers


def require_params(func, name: str, params) -> None:
    """Fail with a clear hint unless ``func`` accepts ``params`` positionally, in this order.

    ``params`` is a list of argument names as in the documented signature, e.g.
    ``["state", "weights", "rng=None", "theta=None"]``. Only the count and positional
    order are required; names may differ.
    """
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):  # builtins, C functions: just try calling them
        return
    ps = list(sig.parameters.values())
    if any(p.kind == p.VAR_POSITIONAL for p in ps):
        return
    positional = [p for p in ps if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) < len(params):
        expected = ", ".join(p.split("=")[0] for p in params)
        got = ", ".join(p.name for p in positional)
        raise AssertionError(
            f"{name} must accept the arguments ({expected}); yours takes ({got}). "
            f"Keep the signature given in the notebook: def {name}({', '.join(params)}):"
        )


def _snapshot(x):
    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, (list, tuple)):
        return copy.deepcopy(x)
    return None


def _same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype \
            and np.array_equal(a, b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return True


def call(func, name: str, args, arg_names, copy_back=False):
    """Call ``func(*args)``; fail if it modified one of its array/list inputs in place.

    Parameters
    ----------
    func : callable
        The student's function.
    name : str
        Its name, for the message.
    args : sequence
        Positional arguments (NumPy arrays and lists are checked for in-place changes).
    arg_names : sequence of str
        Names of the arguments, for the message.
    """
    before = [_snapshot(a) for a in args]
    out = func(*args)
    for a, b, an in zip(args, before, arg_names):
        if b is not None and not _same(a, b):
            raise AssertionError(
                f"{name} changed its input `{an}` in place. Work on a copy "
                f"(e.g. `new = {an}.copy()`) and return the copy; the caller may still need "
                f"the original `{an}`."
            )
    return out


def as_float_array(out, name: str, what: str = "array"):
    """Read a student's return value as a float array, or fail saying what was expected."""
    if out is None:
        raise AssertionError(f"{name} returned None: did you forget the `return` statement?")
    try:
        arr = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} should return a NumPy {what} of numbers, "
                             f"got {type(out).__name__}") from None
    return arr


@contextlib.contextmanager
def seeded_global_random(seed: int):
    """Seed ``random`` and NumPy's legacy global generator for the duration of a check.

    The course asks students to draw from the ``rng`` argument; a student who uses the
    global generators instead must still get the *same* verdict every time the check
    runs, so both are seeded here and restored afterwards (nothing outside the check
    notices).
    """
    py_state = random.getstate()
    np_state = np.random.get_state()
    random.seed(seed)
    np.random.seed(seed % (2**32))
    try:
        yield
    finally:
        random.setstate(py_state)
        np.random.set_state(np_state)


def counts_look_uniform(counts, z: float = 5.0) -> bool:
    """True when every count is within ``z`` binomial standard deviations of its mean.

    The draws in the checks come from seeded generators, so the verdict is
    deterministic; ``z = 5`` makes a false alarm for a correct function practically
    impossible (per-bin probability ~ 6e-7) while an always-the-same or never-the-last
    choice is far outside.
    """
    counts = np.asarray(counts, dtype=np.float64)
    n = counts.sum()
    k = counts.size
    if n == 0 or k == 0:
        return False
    p = 1.0 / k
    mean = n * p
    sd = math.sqrt(n * p * (1 - p))
    return bool(np.all(np.abs(counts - mean) <= z * sd + 1))
