"""Shared pytest settings. Test modules keep their own fixtures."""
import os

import matplotlib
from hypothesis import settings

# Headless: never open a window, whatever the environment says.
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

# Numba compiles on first use (seconds on a cold cache), which must not count against
# hypothesis' per-example deadline; derandomize so that CI runs are repeatable.
settings.register_profile("hopfield", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("hopfield")
