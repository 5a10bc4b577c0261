"""Shared pytest settings. Test modules keep their own fixtures."""
import os

import matplotlib

# Headless: never open a window, whatever the environment says.
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

# pytest loads this file for every run from the repository root, including a student's
# `pytest --notebook exercises/assignment1/assignment1.ipynb` in an environment with only
# the `student` extra: so nothing here may need a dev-only package (tests/test_students.py).
try:
    from hypothesis import settings
except ModuleNotFoundError:  # not a dev environment: the property tests fail at their own import
    settings = None
if settings is not None:
    # Numba compiles on first use (seconds on a cold cache), which must not count against
    # hypothesis' per-example deadline; derandomize so that CI runs are repeatable.
    settings.register_profile("hopfield", deadline=None, derandomize=True, print_blob=True)
    settings.load_profile("hopfield")
