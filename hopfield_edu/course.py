"""``python -m hopfield_edu.course``: see :mod:`hopfield_edu.grading.course`."""
import sys

from .grading.course import *  # noqa: F401,F403
from .grading.course import main

if __name__ == "__main__":
    sys.exit(main())
