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

from ..._graded import ReferenceUnavailable, student_call

__all__ = [
    "StudentError",
    "StudentNotImplemented",
    "StudentTimeout",
    "InputModified",
    "StudentCrash",
    "ReferenceUnavailable",
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
    "call_repeated",
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


class StudentError(Exception):
    """The student's function raised, in the sandbox; only its description crossed over."""

    def __init__(self, type_name: str, message: str, where: str = ""):
        super().__init__(message)
        self.type_name, self.where = str(type_name), str(where)


class StudentNotImplemented(StudentError, NotImplementedError):
    """The student's function still raises ``NotImplementedError`` (the stub)."""


class StudentTimeout(BaseException):
    """A call of the student's function, or its checks as a whole, ran out of time.

    A ``BaseException``, like :class:`~hopfield_edu._graded.ReferenceUnavailable` and
    :class:`StudentCrash`, so that no ``except Exception`` in a check can swallow it.
    """


class StudentCrash(BaseException):
    """The student's process ended (``os._exit``, a segfault, out of memory) during a call."""


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


class InputModified(CheckFailure):
    """The student's function changed one of its array or list arguments in place.

    Raised by the call itself (both in the student's kernel and through the sandbox), with
    the caller's data restored, so that no check ever compares against an argument the
    student's code rewrote. :func:`call` rephrases it with the check's name of the argument.
    """

    def __init__(self, func_name: str, index: int, param: str):
        super().__init__("input-modified", _modified_message(func_name, param))
        self.index, self.param = index, param


def _modified_message(name, arg):
    return (f"{name} changed its input `{arg}` in place. Work on a copy (e.g. `new = {arg}.copy()`); "
            f"the caller may still need the original `{arg}`.")


def param_name(func, index: int) -> str:
    """The name of positional parameter ``index`` of ``func`` (``argument k+1`` if unknown)."""
    try:
        params = [p.name for p in inspect.signature(func).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        return params[index]
    except (TypeError, ValueError, IndexError):
        return f"argument {index + 1}"


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
    if isinstance(exc, StudentError):
        return f" (at {exc.where})" if exc.where else ""
    for fr in reversed(traceback.extract_tb(exc.__traceback__)):
        fn = fr.filename.replace("\\", "/")
        if "/hopfield_edu/" in fn or "-packages/" in fn or "/lib/python" in fn:
            continue  # our checks, NumPy and the standard library are not the student's code
        line = (fr.line or "").strip()
        return f" (at `{line}`)" if line else ""
    return ""


def _reference_name(func):
    """The graded name if ``func`` is (a wrapper of) one of the package's reference solutions."""
    seen = 0
    while func is not None and seen < 20:
        name = getattr(func, "__graded_name__", None)
        if name is None and hasattr(func, "_remote_reference"):
            name = func._remote_reference
        if name:
            return name
        func = getattr(func, "__wrapped__", None)
        seen += 1
    return None


class _Guarded:
    """Calls the student's function with the assignment's reference solutions blocked."""

    def __init__(self, func, blocked):
        self._func, self._blocked = func, frozenset(blocked)
        self.__name__ = getattr(func, "__name__", "function")
        try:
            self.__signature__ = inspect.signature(func)
        except (TypeError, ValueError):
            pass
        for attr in ("_seed_student_globals", "_call_repeated"):
            if hasattr(func, attr):
                setattr(self, attr, getattr(func, attr))

    def __call__(self, *args, **kwargs):
        before = [_snapshot(a) for a in args]
        with student_call(self._blocked):
            out = self._func(*args, **kwargs)
        for k, (a, b) in enumerate(zip(args, before)):
            if b is not None and not _same(a, b):
                _restore(a, b)
                raise InputModified(self.__name__, k, param_name(self, k))
        return out


def _restore(arg, saved):
    """Put the caller's data back after a student's function changed it in place."""
    if isinstance(arg, np.ndarray) and arg.shape == saved.shape and arg.flags.writeable:
        arg[...] = saved
    elif isinstance(arg, list):
        arg[:] = saved


def run_check(name: str, func, check, max_points: float = 1.0, blocked=()) -> CheckResult:
    """Run ``check(func)`` and classify the outcome.

    - returns normally            -> PASS, full points
    - ``NotImplementedError``     -> TODO (the untouched stub)
    - ``AssertionError``          -> FAIL with the check's hint (and its ``hint_id``)
    - the function is, wraps or calls the package's reference solution -> FAIL,
      "graded functions must be your own code"
    - a time-out or a crash of the student's process -> TIMEOUT / ERROR
    - any other exception         -> ERROR: the student's function raised; the hint names
      the exception and the offending line

    ``blocked`` lists the graded names whose reference solutions the student's code may
    not call (the assignment's graded functions).
    """
    if func is None:
        return CheckResult(name, MISSING, f"no function named `{name}` was defined; run the cell "
                           "that defines it and keep the name and signature given in the notebook",
                           0.0, max_points, "missing")
    if not callable(func):
        return CheckResult(name, FAIL, f"`{name}` is not a function (got {type(func).__name__})",
                           0.0, max_points, "not-callable")
    ref = _reference_name(func)
    if ref is not None:
        return CheckResult(name, FAIL, f"graded functions must be your own code: `{name}` is "
                           f"hopfield_edu's {ref}. Write the function yourself.",
                           0.0, max_points, "not-own-code")
    try:
        check(_Guarded(func, set(blocked) | {name}))
    except ReferenceUnavailable as exc:
        return CheckResult(name, FAIL, str(exc), 0.0, max_points, "not-own-code")
    except StudentTimeout as exc:
        return CheckResult(name, TIMEOUT, str(exc) or "did not return in time (an infinite loop?)",
                           0.0, max_points, "timeout")
    except StudentCrash as exc:
        return CheckResult(name, ERROR, f"your function crashed its Python process ({exc})",
                           0.0, max_points, "crashed")
    except NotImplementedError:
        return CheckResult(name, TODO, "not implemented yet", 0.0, max_points, "todo")
    except AssertionError as exc:
        msg = str(exc).strip() or f"{name} does not match the reference"
        hint_id = getattr(exc, "hint_id", None) or "unspecified"
        return CheckResult(name, FAIL, msg, 0.0, max_points, hint_id)
    except RecursionError:
        return CheckResult(name, ERROR, "your function recursed without end (RecursionError)",
                           0.0, max_points, "raised:RecursionError")
    except StudentError as exc:
        if exc.type_name == "RecursionError":
            return CheckResult(name, ERROR, "your function recursed without end (RecursionError)",
                               0.0, max_points, "raised:RecursionError")
        return CheckResult(name, ERROR, f"your function raised {exc.type_name}: {exc}"
                           f"{_student_frame_hint(exc)}", 0.0, max_points, f"raised:{exc.type_name}")
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
    try:
        out = func(*args)
    except InputModified as exc:
        raise CheckFailure("input-modified", _modified_message(name, arg_names[exc.index])) from None
    for a, b, an in zip(args, before, arg_names):
        if b is not None and not _same(a, b):
            raise CheckFailure("input-modified", _modified_message(name, an))
    return out


def call_repeated(func, name: str, args, arg_names, times: int) -> list:
    """``[call(func, name, args, arg_names) for _ in range(times)]``, the same arguments each
    time (a generator among them advances). A function running in the grader's sandbox
    does all calls in one round trip; the in-place test is that of :func:`call`."""
    many = getattr(func, "_call_repeated", None)
    if many is None:
        return [call(func, name, args, arg_names) for _ in range(times)]
    try:
        return many(list(args), times)
    except InputModified as exc:
        raise CheckFailure("input-modified", _modified_message(name, arg_names[exc.index])) from None


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
def seeded_global_random(seed: int, func=None):
    """Seed ``random`` and NumPy's legacy global generator for the duration of a check.

    The course asks students to draw from the ``rng`` argument; a student who uses the
    global generators instead must still get the *same* verdict every time the check
    runs, so both are seeded here and restored afterwards (nothing outside the check
    notices).
    """
    seed_remote = getattr(func, "_seed_student_globals", None)
    if seed_remote is not None:  # the student's function runs in another process
        seed_remote(seed)
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
