"""Grading: checks of the students' functions, the sandbox their code runs in, and the
routes that use them (``hopfield-edu check``, ``pytest --notebook``, nbgrader,
``hopfield-edu grade``).

The trust boundary
------------------
Student code runs in exactly one place: the sandboxed process started by
:mod:`.sandbox`, whose program is :mod:`._agent` -- the only module on the student's
side. It talks to the grader through :mod:`._protocol` (JSON plus raw arrays of plain
dtypes; no pickle). Everything else here is on the trusted side and never imports or
executes student code:

============================  ===============================================================
:mod:`.checks`                the checks (one module per assignment; hints with stable ids)
:mod:`.notebook`              reading notebooks: which cells run, what test cells ask for
:mod:`.session`               one notebook graded: sandbox lifecycle, calls, limits, verdicts
:mod:`.sandbox`               isolation levels (bubblewrap / separate user / process), limits
:mod:`._redact`               the package copy without reference solutions, for the sandbox
:mod:`.similarity`            flags: graded functions that look copied from the package
:mod:`.selfcheck`             ``hopfield-edu check NOTEBOOK`` (students)
:mod:`.pytest_plugin`         ``pytest --notebook NOTEBOOK`` (students)
:mod:`.nbgrader_glue`         ``nbgrader autograde`` / ``generate_feedback`` / ``export``
:mod:`.batch`                 ``hopfield-edu grade`` (a class, in parallel) and its report
:mod:`.course`                release generation and the student bundle
============================  ===============================================================
"""
import sys as _sys

# jsonschema imports rfc3987_syntax (1-2 s: it compiles a grammar) when it is installed;
# nbformat only validates notebook structure and never checks that format, so the
# grading processes do without it.
if "jsonschema" not in _sys.modules:
    _sys.modules.setdefault("rfc3987_syntax", None)
