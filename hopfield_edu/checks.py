"""The checks of the students' functions (they live in :mod:`hopfield_edu.grading.checks`).

Kept here because notebooks import them as ``from hopfield_edu.checks import check_update_state``.
"""
from .grading.checks import *  # noqa: F401,F403
from .grading.checks import __all__  # noqa: F401
