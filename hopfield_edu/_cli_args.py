"""Argument types and the parser class shared by every ``hopfield-edu`` sub-command.

One wording per kind of argument, so that ``--seed -3`` and ``--runs 0`` read alike:
``expected an integer >= 0``, ``expected an integer >= 1``, ``expected a number in [0, 1]``.
Errors are one line on stderr and exit status 2, with no usage block or traceback.
Only the standard library is imported here: ``hopfield-edu --help`` must stay fast.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

__all__ = ["OneLineParser", "nonneg_int", "pos_int", "fraction", "writable_folder", "new_file"]


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``prog: error: message (see prog --help)``."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _int_at_least(text, minimum):
    try:
        value = int(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}") from None
    if value < minimum:
        raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
    return value


def nonneg_int(text) -> int:
    """An integer >= 0 (seeds)."""
    return _int_at_least(text, 0)


def pos_int(text) -> int:
    """An integer >= 1 (counts, dpi)."""
    return _int_at_least(text, 1)


def fraction(text) -> float:
    """A real number in [0, 1] (noise levels)."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def _first_existing(path: Path) -> Path:
    p = path
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def writable_folder(path) -> Path:
    """Create ``path`` as a folder (with its parents) now, before any work is done.

    Raises ``OSError`` with a one-line message naming the path and what is wrong.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OSError(f"{path} exists and is not a folder")
    base = _first_existing(path.absolute())
    if not base.is_dir():
        raise OSError(f"{path} cannot be a folder: {base} is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(f"cannot create the folder {path}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise OSError(f"cannot write into the folder {path}: permission denied")
    return path


def new_file(path, suffixes) -> Path:
    """Check that ``path`` is a new file with one of ``suffixes`` in an existing, writable folder."""
    path = Path(path)
    if path.suffix.lower() not in suffixes:
        raise OSError(f"{path}: expected a file name ending in {' or '.join(suffixes)}")
    if path.exists():
        raise OSError(f"{path} exists; choose another file name (nothing is overwritten)")
    parent = path.parent
    if not parent.is_dir():
        raise OSError(f"{path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OSError(f"{path}: cannot write into the folder {parent}")
    return path


def fail(message, prog="hopfield-edu") -> int:
    """Print ``prog: error: message`` on stderr (as argparse does); return the exit status 2."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return 2
