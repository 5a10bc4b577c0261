"""MNIST digits as ±1 patterns: the bundled first 1000 training images, offline.

The research notebook (seed 000) downloads MNIST through TensorFlow and stores,
for each digit, its *first* training image binarized to ±1. The package ships
those first 1000 training images (``hopfield_edu/data/mnist_train_head1000.npz``,
see ``PROVENANCE.md`` next to it), which contain the first example of every
digit, so the notebook's prototypes are available without a network or
TensorFlow::

    from hopfield_edu.data import mnist_prototypes
    protos = mnist_prototypes()          # {0: 784-vector of ±1, ..., 9: ...}

Binarization (the notebook's rule): grey level ``> 127`` → +1 (ink), else −1.

Data: the MNIST database of handwritten digits, Y. LeCun, C. Cortes and
C. J. C. Burges, distributed under CC BY-SA 3.0 (see :func:`attribution`).
"""
from __future__ import annotations

import functools
import hashlib
import numbers
from importlib import resources

import numpy as np

__all__ = [
    "BUNDLED_FILE",
    "IMAGE_SHAPE",
    "NUM_PIXELS",
    "THRESHOLD",
    "SOURCES",
    "PROTOTYPE_METHODS",
    "DataSourceError",
    "attribution",
    "binarize",
    "bundled_path",
    "bundled_sha256",
    "first_indices",
    "load_mnist",
    "mnist_examples",
    "mnist_prototypes",
]

#: File name of the bundled images inside ``hopfield_edu/data``.
BUNDLED_FILE = "mnist_train_head1000.npz"
#: Shape of one MNIST image.
IMAGE_SHAPE = (28, 28)
#: Number of pixels = number of neurons of the MNIST network.
NUM_PIXELS = 784
#: Grey levels strictly above this become +1 (the research notebook's rule).
THRESHOLD = 127
#: Where the images come from.
SOURCES = ("bundled", "keras")
#: How a digit's prototype is built.
PROTOTYPE_METHODS = ("first", "mean")


class DataSourceError(RuntimeError):
    """The requested MNIST source cannot be used here (e.g. no TensorFlow, no network)."""


def attribution() -> str:
    """Attribution text for the MNIST data (required by its CC BY-SA 3.0 licence).

    Returns
    -------
    str
        One paragraph naming the dataset, its authors, the licence and the
        provenance file shipped with the package.
    """
    return (
        "MNIST database of handwritten digits, Y. LeCun, C. Cortes and C. J. C. Burges "
        "(http://yann.lecun.com/exdb/mnist/), licensed CC BY-SA 3.0. hopfield-edu ships the "
        f"first 1000 training images ({BUNDLED_FILE}); see hopfield_edu/data/PROVENANCE.md "
        "for how the file was made and how to check it."
    )


def bundled_path():
    """A :class:`importlib.resources` traversable for the bundled ``.npz`` file."""
    return resources.files("hopfield_edu").joinpath("data", BUNDLED_FILE)


def bundled_sha256() -> str:
    """sha256 hex digest of the bundled file (compare with PROVENANCE.md)."""
    return hashlib.sha256(bundled_path().read_bytes()).hexdigest()


@functools.lru_cache(maxsize=1)
def _load_bundled():
    with bundled_path().open("rb") as fh:
        with np.load(fh) as npz:
            images = np.array(npz["images"], dtype=np.uint8)
            labels = np.array(npz["labels"], dtype=np.uint8)
    # Cached and shared: make them read-only so no caller can corrupt the cache.
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


@functools.lru_cache(maxsize=1)
def _load_keras():
    try:
        import tensorflow as tf  # optional, heavy: imported only here
    except ImportError as exc:  # also raised when sys.modules["tensorflow"] is None
        raise DataSourceError(
            "source='keras' needs TensorFlow, which is not installed "
            f"({exc}). Use the bundled data instead: source='bundled' (the default), which holds "
            "the first 1000 MNIST training images and gives the same prototypes offline; "
            "or install the extra: pip install 'hopfield-edu[keras]'."
        ) from exc
    try:
        (x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
    except Exception as exc:  # no network, blocked download, corrupt cache ...
        raise DataSourceError(
            f"downloading MNIST through tf.keras.datasets.mnist failed ({type(exc).__name__}: {exc}). "
            "Use the bundled data instead: source='bundled' (the default) works offline."
        ) from exc
    images = np.asarray(x_train, dtype=np.uint8)
    labels = np.asarray(y_train, dtype=np.uint8)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _check_source(source):
    if source not in SOURCES:
        raise ValueError(f"source must be one of {SOURCES}, got {source!r}")


def load_mnist(source="bundled"):
    """MNIST training images and labels.

    Parameters
    ----------
    source : {"bundled", "keras"}, default "bundled"
        ``"bundled"``: the first 1000 training images shipped with the package
        (offline, no TensorFlow). ``"keras"``: the full 60 000 training images from
        ``tf.keras.datasets.mnist.load_data()`` (needs TensorFlow and a download
        the first time).

    Returns
    -------
    images : ndarray of uint8, shape (n, 28, 28), read-only
    labels : ndarray of uint8, shape (n,), read-only

    Raises
    ------
    DataSourceError
        ``source="keras"`` when TensorFlow is missing or the download fails;
        the message says to use the bundled data.
    """
    _check_source(source)
    return _load_keras() if source == "keras" else _load_bundled()


def binarize(images, threshold=THRESHOLD) -> np.ndarray:
    r"""Map grey levels to bipolar spins, :math:`s = +1` if :math:`x > 127` else :math:`-1`.

    Parameters
    ----------
    images : array of grey levels (any shape; the last two axes may be 28x28)
    threshold : float, default 127

    Returns
    -------
    ndarray of int64
        Same leading shape, images flattened to 784-vectors: ``(784,)`` for one
        image, ``(n, 784)`` for a stack. Arrays that are not 28x28 images are
        returned with their shape unchanged.
    """
    arr = np.asarray(images)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"images must be numeric grey levels, got dtype {arr.dtype}")
    if arr.ndim >= 2 and arr.shape[-2:] == IMAGE_SHAPE:
        arr = arr.reshape(arr.shape[:-2] + (NUM_PIXELS,))
    return np.where(arr > threshold, 1, -1).astype(np.int64)


def _check_digit(d, name="digit"):
    if isinstance(d, bool) or not isinstance(d, numbers.Integral):
        raise TypeError(f"{name} must be an integer 0-9, got {d!r}")
    if not 0 <= int(d) <= 9:
        raise ValueError(f"{name} must be an integer 0-9, got {d}")
    return int(d)


def _check_digits(digits):
    if isinstance(digits, (numbers.Integral, str, bytes)) or digits is None:
        raise TypeError(f"digits must be an iterable of integers 0-9 (e.g. range(10) or [3, 8]), "
                        f"got {digits!r}")
    out = [_check_digit(d, "each digit") for d in digits]
    if not out:
        raise ValueError("digits is empty: give at least one digit 0-9")
    if len(set(out)) != len(out):
        raise ValueError(f"digits must not repeat, got {out}")
    return out


def first_indices(digits=range(10), source="bundled") -> dict[int, int]:
    """Index of the first training image of each digit (the seed's prototype choice).

    For MNIST these are 1, 3, 5, 7, 2, 0, 13, 15, 17, 4 for digits 0-9.
    """
    digits = _check_digits(digits)
    _, labels = load_mnist(source)
    out = {}
    for d in digits:
        hits = np.flatnonzero(labels == d)
        if hits.size == 0:  # cannot happen with MNIST; guards a truncated file
            raise ValueError(f"no image of digit {d} in the {source} data")
        out[d] = int(hits[0])
    return out


def mnist_examples(digit, count=None, *, source="bundled", binarized=True) -> np.ndarray:
    """The first ``count`` training images of one digit, in dataset order.

    Parameters
    ----------
    digit : int 0-9
    count : int, optional
        How many (default: all available; about 100 per digit in the bundled data).
    source : {"bundled", "keras"}
    binarized : bool, default True
        ``True``: ±1 vectors of shape (count, 784); ``False``: the raw uint8
        images of shape (count, 28, 28).
    """
    d = _check_digit(digit)
    images, labels = load_mnist(source)
    idx = np.flatnonzero(labels == d)
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 1:
            raise ValueError(f"count must be a positive integer, got {count!r}")
        if count > idx.size:
            raise ValueError(f"the {source} data holds only {idx.size} images of digit {d}, "
                             f"asked for {count}" + (" (use source='keras' for all 60 000)"
                                                     if source == "bundled" else ""))
        idx = idx[:count]
    chosen = images[idx]
    return binarize(chosen) if binarized else chosen.copy()


def mnist_prototypes(digits=range(10), method="first", source="bundled") -> dict[int, np.ndarray]:
    """One ±1 prototype (784-vector) per digit, as the research notebook stores them.

    Parameters
    ----------
    digits : iterable of int 0-9, default range(10)
        The dict keeps this order.
    method : {"first", "mean"}, default "first"
        ``"first"``: the first training image of the digit, binarized (seed 000;
        indices 1, 3, 5, 7, 2, 0, 13, 15, 17, 4). ``"mean"``: the class-mean
        grey image over all images of that digit in ``source``, then binarized
        (> 127); it depends on the source (about 100 images bundled, about 6000
        with keras).
    source : {"bundled", "keras"}, default "bundled"

    Returns
    -------
    dict
        ``{digit: ndarray of int64, shape (784,), values ±1}``; fresh arrays.
    """
    digits = _check_digits(digits)
    if method not in PROTOTYPE_METHODS:
        raise ValueError(f"method must be one of {PROTOTYPE_METHODS}, got {method!r}")
    images, labels = load_mnist(source)
    if method == "first":
        idx = first_indices(digits, source)
        return {d: binarize(images[idx[d]]) for d in digits}
    out = {}
    for d in digits:
        mean_image = images[labels == d].astype(np.float64).mean(axis=0)
        out[d] = binarize(mean_image)
    return out
