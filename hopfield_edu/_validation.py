"""Input checks shared by every public function.

Each helper raises ``TypeError`` for the wrong kind of object and ``ValueError``
for the wrong shape or values, with a message that says what was expected. They
run before any Numba code, so a user never sees a Numba typing traceback.
"""
from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_generator",
    "as_spin_vector",
    "as_spin_matrix",
    "as_weights",
    "as_theta",
    "check_fraction",
    "check_positive_int",
    "check_temperature",
]


def as_generator(rng=None) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` from ``None``, a seed or a Generator.

    ``None`` gives a fresh, unpredictable generator (never NumPy's global state);
    an int (or a ``SeedSequence``) gives a reproducible one; a Generator is used
    as it is, so successive calls continue its stream.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (numbers.Integral, np.random.SeedSequence)):
        if isinstance(rng, numbers.Integral) and not isinstance(rng, bool) and rng < 0:
            raise ValueError(f"a seed must be a non-negative integer, got {rng}")
        if isinstance(rng, bool):
            raise TypeError("rng must be None, an int seed or a numpy.random.Generator, got a bool")
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.RandomState):
        raise TypeError(
            "rng must be a numpy.random.Generator (np.random.default_rng(seed)) or an int seed; "
            "the legacy RandomState is not supported"
        )
    raise TypeError(
        f"rng must be None, an int seed or a numpy.random.Generator, got {type(rng).__name__}"
    )


def _as_array(x, name):
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of +1/-1 values, got {type(x).__name__}")
    try:
        arr = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype == object:
        raise ValueError(f"{name} must be a rectangular numeric array (got a ragged or object array)")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    return arr


def _all_pm1(arr):
    """Whether every entry is +1 or -1 (the Numba kernel :func:`hopfield_edu._kernels.all_pm1`).

    Importing numba costs about 0.25 s, so this module (imported by ``import hopfield_edu``'s
    light paths) loads it on the first check only; then the kernel replaces this function.
    """
    global _all_pm1
    from ._kernels import all_pm1

    _all_pm1 = all_pm1
    return all_pm1(arr)


def _check_spins(arr, name):
    if arr.dtype.kind in "iuf" and arr.flags.c_contiguous:
        # one pass, no temporaries: this sits on the recall hot path. Flattened (a view),
        # so that one kernel signature per dtype serves vectors and matrices: each
        # signature is one more cache load per process and one more compile on a cold cache.
        ok = _all_pm1(arr.reshape(-1))
    else:
        ok = bool(np.all((arr == 1) | (arr == -1)))
    if arr.size and not ok:
        bad = arr[(arr != 1) & (arr != -1)]
        raise ValueError(
            f"{name} must contain only +1 and -1 (bipolar spins); found e.g. {bad.flat[0]!r}. "
            "If you have 0/1 data use 2*x - 1."
        )


def as_spin_vector(x, name="state", n=None) -> np.ndarray:
    """Validate a 1-D ±1 vector (any numeric dtype); return it as int8 (a copy)."""
    if type(x) is np.ndarray and x.ndim == 1 and x.dtype.kind in "iuf" and x.size and \
            (n is None or x.size == n) and x.flags.c_contiguous and _all_pm1(x):
        return x.astype(np.int8)  # fast path for the common, valid case
    arr = _as_array(x, name)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D vector of length N, got shape {arr.shape}; "
                         "flatten a grid with .ravel() first")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty")
    if n is not None and arr.size != n:
        raise ValueError(f"{name} has length {arr.size} but the network has N = {n} neurons")
    _check_spins(arr, name)
    return arr.astype(np.int8)


def as_spin_matrix(x, name="patterns", n=None, allow_empty=False) -> np.ndarray:
    """Validate a list of ±1 vectors or an (M, N) array; return an int8 (M, N) copy."""
    if isinstance(x, np.ndarray) and x.ndim == 1 and x.dtype != object:
        raise ValueError(f"{name} must be a list of patterns or an (M, N) array; got one vector of "
                         f"shape {x.shape}. Wrap a single pattern as [pattern].")
    if isinstance(x, (list, tuple)) and len(x) == 0:
        if allow_empty:
            return np.zeros((0, n or 0), dtype=np.int8)
        raise ValueError(f"{name} is empty: give at least one pattern")
    if isinstance(x, (list, tuple)):
        lengths = {np.size(p) for p in x}
        if any(np.ndim(p) != 1 for p in x):
            raise ValueError(f"every entry of {name} must be a 1-D vector (flatten grids with .ravel())")
        if len(lengths) > 1:
            raise ValueError(f"all {name} must have the same length N, got lengths {sorted(lengths)}")
    arr = _as_array(x, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (M patterns x N neurons), got shape {arr.shape}")
    if arr.shape[0] == 0 and not allow_empty:
        raise ValueError(f"{name} is empty: give at least one pattern")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} must have at least one neuron (N >= 1)")
    if n is not None and arr.shape[1] != n:
        raise ValueError(f"{name} have length N = {arr.shape[1]} but the network has N = {n} neurons")
    _check_spins(arr, name)
    return arr.astype(np.int8)


def as_weights(w, n=None, name="weights") -> np.ndarray:
    """Validate a square, finite weight matrix; return it as float64 (a copy)."""
    if w is None or isinstance(w, (str, bytes)):
        raise TypeError(f"{name} must be an (N, N) numeric matrix, got {type(w).__name__}")
    arr = np.asarray(w)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must be real, got a complex matrix")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be a square (N, N) matrix, got shape {arr.shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty")
    if n is not None and arr.shape[0] != n:
        raise ValueError(f"{name} is {arr.shape[0]}x{arr.shape[1]} but the state has N = {n} neurons")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite (found NaN or inf)")
    return arr.astype(np.float64)


def as_theta(theta, n, name="theta") -> np.ndarray:
    """Validate thresholds: ``None`` (zeros), a scalar, or a finite length-N vector."""
    if theta is None:
        return np.zeros(n, dtype=np.float64)
    arr = np.asarray(theta)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"{name} must be a real number or a length-N vector")
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.ndim != 1 or arr.size != n:
        raise ValueError(f"{name} must be a scalar or a vector of length N = {n}, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    return arr.astype(np.float64)


def check_fraction(x, name, low=0.0, high=1.0, high_inclusive=True) -> float:
    """A real number in [low, high] (or [low, high) with high_inclusive=False)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number in [{low}, {high}], got {type(x).__name__}")
    x = float(x)
    ok = low <= x <= high if high_inclusive else low <= x < high
    if not np.isfinite(x) or not ok:
        bracket = "]" if high_inclusive else ")"
        raise ValueError(f"{name} must be in [{low}, {high}{bracket}, got {x}")
    return x


def check_positive_int(x, name, minimum=1) -> int:
    """An integer >= minimum (bools refused)."""
    if type(x) is int and x >= minimum:
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        if isinstance(x, float) and x.is_integer():
            x = int(x)
        else:
            raise TypeError(f"{name} must be an integer >= {minimum}, got {x!r}")
    x = int(x)
    if x < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {x}")
    return x


def check_temperature(t) -> float:
    """A finite temperature T >= 0 (T = 0 is the deterministic sign rule)."""
    if type(t) is float and 0.0 <= t < float("inf"):
        return t
    if isinstance(t, bool) or not isinstance(t, numbers.Real):
        raise TypeError(f"temperature must be a real number >= 0, got {type(t).__name__}")
    t = float(t)
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"temperature must be finite and >= 0, got {t}")
    return t
