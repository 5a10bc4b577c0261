"""pytest route to the self-check: ``pytest --notebook assignment1.ipynb``.

Registered through the ``pytest11`` entry point, so it is loaded by *every* pytest
run in an environment where hopfield-edu is installed. It therefore imports nothing
heavy at import time and does nothing unless ``--notebook`` is given.

With ``--notebook PATH`` pytest collects only that notebook: one test per graded
function (``assignment1.ipynb::train_hopfield``, ...). The notebook's code runs once
in a separate kernel (as in ``hopfield-edu check``), each test runs that function's
check with a time limit, and a failure shows the same hint as the self-check, without
a traceback. A function that is still the stub fails as ``TODO ...: not implemented
yet``. The notebook is never written.
"""
from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("hopfield-edu", "hopfield-edu notebook self-check")
    group.addoption("--notebook", action="store", default=None, metavar="PATH",
                    help="check the graded functions of an assignment notebook "
                         "(e.g. pytest --notebook assignment1.ipynb)")
    group.addoption("--notebook-assignment", action="store", default=None, metavar="ID",
                    help="assignment id of --notebook (default: from its file name)")
    group.addoption("--notebook-timeout", action="store", type=float, default=None,
                    metavar="SECONDS", help="time limit per function check (default 30)")


def _target(config):
    value = config.getoption("notebook", default=None)
    return Path(value).resolve() if value else None


def pytest_configure(config):
    target = _target(config)
    if target is None:
        return
    if not target.is_file() or target.suffix != ".ipynb":
        raise pytest.UsageError(f"--notebook: no notebook (.ipynb) at {target}")
    # Collect just the notebook, whatever the current directory or testpaths say.
    config.args[:] = [str(target)]


def pytest_collect_file(file_path, parent):
    target = _target(parent.config)
    if target is not None and file_path.suffix == ".ipynb" and Path(file_path).resolve() == target:
        return NotebookFile.from_parent(parent, path=file_path)
    return None


class CheckFailed(Exception):
    """A graded function did not pass; the message is the self-check's line."""


class NotebookFile(pytest.File):
    """The notebook under test; runs its code once in a kernel for all its items."""

    def collect(self):
        from .selfcheck import DEFAULT_TIMEOUT, NotebookSession

        cfg = self.config
        timeout = cfg.getoption("notebook_timeout") or DEFAULT_TIMEOUT
        try:
            self.session_ = NotebookSession(self.path, cfg.getoption("notebook_assignment"), timeout)
        except ValueError as exc:
            raise pytest.UsageError(str(exc)) from None
        if not self.session_.names:
            raise pytest.UsageError(f"{self.path} defines none of the graded functions")
        for name in self.session_.names:
            yield CheckItem.from_parent(self, name=name)

    def setup(self):
        self.session_.start()

    def teardown(self):
        self.session_.close()


class CheckItem(pytest.Item):
    """One graded function of the notebook."""

    def runtest(self):
        from .checks import format_result

        result = self.parent.session_.check(self.name)
        self.user_properties.append(("points", f"{result.points:g}/{result.max_points:g}"))
        if not result.passed:
            raise CheckFailed(format_result(result))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CheckFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}::{self.name}"
