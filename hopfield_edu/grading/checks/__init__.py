"""Checks of the functions students write, shared by the notebooks, pytest and nbgrader.

Protocol (for authors of ``hopfield_edu/checks/assignmentN.py``)
-----------------------------------------------------------------
Each assignment module defines

``CHECKS: dict[str, Callable[[callable], None]]``
    Maps the name of a graded student function (``"train_hopfield"``) to a check.
    ``check(func)`` calls the student's function on many randomized and edge cases,
    compares with the package's reference implementation and raises
    :class:`AssertionError` whose message says, in words a student can act on, what is
    wrong and what to change. It returns ``None`` when everything agrees. A check may
    take extra keyword-only arguments (assignment 1 uses ``seed=0`` so hidden tests can
    use other cases), but must work when called as ``check(func)``. A
    ``NotImplementedError`` from the untouched stub simply propagates (it is reported
    as TODO). Randomness inside a check comes from seeded generators: same verdict
    every run.
``POINTS: dict[str, float]`` (optional)
    Points per function, the same numbers as the nbgrader ``points`` of the notebook's
    test cell for that function (default 1).

Names must be unique across assignments (a merged registry is built from all of
them). Helpers for writing checks live in :mod:`hopfield_edu.checks._core`
(``require_params``, ``call`` which detects in-place changes of inputs,
``seeded_global_random``, ``counts_look_uniform``).

What this package gives the rest of the course
-----------------------------------------------
- ``check_<name>(func)`` for every registered function, e.g.
  ``from hopfield_edu.checks import check_train_hopfield`` in a notebook test cell.
- :data:`CHECKS` (merged registry), :data:`POINTS`, :data:`ASSIGNMENTS`
  (``{"assignment1": ["train_hopfield", ...], ...}``).
- :func:`run_checks` (namespace or functions -> list of :class:`CheckResult`), used by
  ``hopfield-edu check``, the pytest plugin (``pytest --notebook PATH``) and notebooks,
  so all three give the same verdict.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import types

import functools

from ._core import (
    ERROR,
    FAIL,
    MISSING,
    PASS,
    TIMEOUT,
    TODO,
    CheckFailure,
    CheckResult,
    format_result,
    format_score,
    run_check,
)

__all__ = [
    "CHECKS",
    "POINTS",
    "ASSIGNMENTS",
    "CheckResult",
    "run_checks",
    "checks_for",
    "assignment_of",
    "format_result",
    "format_score",
    "PASS",
    "FAIL",
    "TODO",
    "MISSING",
    "ERROR",
    "TIMEOUT",
]

#: Merged registry: function name -> check.
CHECKS: dict = {}
#: Points per function name (default 1).
POINTS: dict = {}
#: Assignment id -> list of its graded function names, in the module's order.
ASSIGNMENTS: dict = {}
_OWNER: dict = {}


def _load_assignments():
    # Import every hopfield_edu.checks.assignmentN module that exists; a missing or
    # not-yet-written one is simply absent (other helpers add theirs independently).
    names = sorted(
        (m.name for m in pkgutil.iter_modules(__path__) if re.fullmatch(r"assignment\d+", m.name)),
        key=lambda n: int(n[len("assignment"):]),
    )
    for mod_name in names:
        module = importlib.import_module(f"{__name__}.{mod_name}")
        checks = getattr(module, "CHECKS", None)
        if not isinstance(checks, dict):
            continue
        points = getattr(module, "POINTS", {}) or {}
        ASSIGNMENTS[mod_name] = list(checks)
        for fname, check in checks.items():
            if fname in CHECKS and _OWNER[fname] != mod_name:
                raise ImportError(f"check name {fname!r} is defined by both {_OWNER[fname]} "
                                  f"and {mod_name}; names must be unique across assignments")
            CHECKS[fname] = check
            POINTS[fname] = float(points.get(fname, 1))
            _OWNER[fname] = mod_name
            globals()[f"check_{fname}"] = _public_check(fname, check)
            __all__.append(f"check_{fname}")


def _public_check(name, check):
    """``check_<name>(func, **kw)`` for a notebook's test cell: the same verdict as every
    other route (:func:`run_check`), raised as an exception when it is not a pass."""

    @functools.wraps(check)
    def public(func, **kwargs):
        result = run_check(name, func, functools.partial(check, **kwargs), POINTS.get(name, 1.0),
                           blocked=ASSIGNMENTS.get(_OWNER.get(name), ()))
        if result.status == TODO:
            raise NotImplementedError(f"{name} is not implemented yet (it still raises "
                                      "NotImplementedError)")
        if not result.passed:
            raise CheckFailure(result.hint_id, format_result(result))
        return None

    public.raw = check
    return public


_load_assignments()


def assignment_of(name: str) -> str | None:
    """The assignment id that grades function ``name`` (None if unknown)."""
    return _OWNER.get(name)


def checks_for(assignment: str) -> dict:
    """``{name: check}`` of one assignment; ``KeyError`` with the known ids otherwise."""
    if assignment not in ASSIGNMENTS:
        raise KeyError(f"no checks for assignment {assignment!r}; known: {sorted(ASSIGNMENTS)}")
    return {n: CHECKS[n] for n in ASSIGNMENTS[assignment]}


def _as_namespace(obj) -> dict:
    if isinstance(obj, dict):
        return obj
    if isinstance(obj, types.ModuleType):
        return vars(obj)
    if callable(obj):
        return {obj.__name__: obj}
    try:
        funcs = list(obj)
    except TypeError:
        raise TypeError("run_checks expects a namespace dict (e.g. globals()), a module, "
                        "or a list of functions") from None
    return {f.__name__: f for f in funcs}


def run_checks(namespace_or_functions, names=None, *, assignment=None) -> list:
    """Check student functions and return one :class:`CheckResult` per function.

    Parameters
    ----------
    namespace_or_functions : dict, module, function or iterable of functions
        Where to find the student's functions, e.g. ``globals()`` in a notebook.
    names : list of str, optional
        Which functions to check. Default: every registered function of ``assignment``;
        without ``assignment``, every registered function found in the namespace.
    assignment : str, optional
        Restrict to one assignment (``"assignment1"``); functions of that assignment
        that are missing from the namespace are reported as MISSING.

    Returns
    -------
    list of CheckResult
        In registry order. Never raises for a wrong student function.
    """
    ns = _as_namespace(namespace_or_functions)
    if names is None:
        if assignment is not None:
            names = list(checks_for(assignment))
        else:
            names = [n for n in CHECKS if n in ns]
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise KeyError(f"no check registered for {unknown}; known: {sorted(CHECKS)}")
    return [run_check(n, ns.get(n), CHECKS[n], POINTS.get(n, 1.0),
                      blocked=ASSIGNMENTS.get(_OWNER.get(n), ())) for n in names]
