"""Marks the package's reference implementations of functions that students write.

Some of the package's functions are also assignments: ``dynamics.update_state`` is the
reference solution of assignment 1's ``update_state``. A graded function must be the
student's own code, so

- :func:`graded_reference` tags each such reference with the student-facing name it
  solves (``@graded_reference("mean_field_m")`` on ``theory.mean_field_overlap``).
  :data:`REFERENCES` maps that name to the reference, the one list the grading
  machinery consults;
- while a check is calling a student's function in the student's own kernel (the
  instant feedback of a notebook's test cell), :func:`student_call` marks the names
  graded in that assignment as unavailable, and a reference called from the student's
  code then raises :class:`ReferenceUnavailable` instead of doing the work;
- the grader's sandbox goes further: the copy of the package that student code sees
  there has the bodies of these functions removed (``hopfield_edu.grading._redact``).

This module imports nothing from the package, so core modules may import it.
"""
from __future__ import annotations

import contextlib
import contextvars
import functools

__all__ = ["REFERENCES", "ReferenceUnavailable", "graded_reference", "student_call"]

#: Student-facing graded name -> "module:qualname" of the package's reference.
REFERENCES: dict[str, str] = {}

_BLOCKED: contextvars.ContextVar[frozenset] = contextvars.ContextVar("hopfield_edu_blocked",
                                                                     default=frozenset())


class ReferenceUnavailable(BaseException):
    """A student's graded function called the package's reference solution.

    A ``BaseException`` (like ``KeyboardInterrupt``) so that a check's or a student's
    ``except Exception`` cannot swallow it: the verdict must say what happened.
    """

    def __init__(self, name: str):
        super().__init__(f"graded functions must be your own code: `{name}` called "
                         f"hopfield_edu's {name}, which is not available while grading")
        self.name = name


def graded_reference(name: str):
    """Decorator: the function is the package's reference for graded function ``name``."""

    def decorate(func):
        REFERENCES[name] = f"{func.__module__}:{func.__qualname__}"

        @functools.wraps(func)
        def reference(*args, **kwargs):
            if name in _BLOCKED.get():
                raise ReferenceUnavailable(name)
            return func(*args, **kwargs)

        reference.__graded_name__ = name
        return reference

    return decorate


@contextlib.contextmanager
def student_call(blocked_names):
    """Within this block the references of ``blocked_names`` raise :class:`ReferenceUnavailable`."""
    token = _BLOCKED.set(frozenset(blocked_names))
    try:
        yield
    finally:
        _BLOCKED.reset(token)
