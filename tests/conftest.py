"""Shared pytest settings. Test modules keep their own fixtures."""
import os

import matplotlib

# Headless: never open a window, whatever the environment says.
matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
