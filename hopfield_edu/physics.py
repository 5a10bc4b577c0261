r"""Simulations of the Hopfield network as a statistical-mechanics system.

Three experiments, each compared with a number from :mod:`hopfield_edu.theory`:

- :func:`capacity_curve` -- start at a stored random pattern, run T = 0 asynchronous
  dynamics until nothing flips, and measure how much of the pattern survives as the
  load :math:`\alpha = M/N` grows (Amit-Gutfreund-Sompolinsky: retrieval up to
  :math:`\alpha_c \approx 0.138`, overlap :func:`~hopfield_edu.theory.ags_retrieval_overlap`).
- :func:`overlap_vs_temperature` -- Glauber (heat-bath) dynamics at temperature T,
  the time-averaged overlap next to the mean-field :math:`m = \tanh(m/T)`.
- :func:`mixture_stability` -- the symmetric 3-mixture :math:`\operatorname{sgn}(\xi^1+\xi^2+\xi^3)`,
  a spurious fixed point at low load that disappears near :math:`\alpha \approx 0.03` (AGS 1987).

All use :class:`~hopfield_edu.engine.HopfieldNetwork` with ``normalization="neurons"``
(:math:`w = \frac1N \Xi^\top\Xi`, zero diagonal), the units in which :math:`T_c = 1`.

Reproducibility and parallel runs
---------------------------------
Trial ``k`` of a network with N neurons and M patterns draws all its randomness from
``SeedSequence(entropy=seed, spawn_key=(experiment, N, M, k))``: the same seed gives the same rows
whatever ``n_jobs`` is, whatever the order of the work, and whichever other loads are in
the same call (adding an alpha does not change the existing rows).

Trials run in parallel with :mod:`joblib` (``n_jobs=-1``: all cores; ``n_jobs=1``: in
this process, no workers). The backend is not fixed in the code, so a large finite-size
sweep can go to a cluster through joblib's Dask backend without any change here::

    import joblib
    from dask.distributed import Client          # pip install "dask[distributed]"
    client = Client("tcp://scheduler-host:8786")  # or Client() for a local cluster
    with joblib.parallel_backend("dask"):
        df = capacity_curve([500, 1000, 2000, 4000], np.linspace(0.05, 0.2, 16),
                            trials=1000, seed=1)

Every sweep takes ``progress=True`` (the default): a tqdm bar of the finished trials,
also under Dask. (On a SLURM/PBS cluster, ``dask_jobqueue.SLURMCluster`` gives the ``Client``.) The rows
are the same as on a laptop, because the seeds do not depend on where a trial runs.
"""
from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from joblib import delayed

from ._validation import (
    as_generator,
    as_spin_matrix,
    check_fraction,
    check_positive_int,
    check_temperature,
)
from .engine import HopfieldNetwork
from .patterns import random_patterns
from .theory import mean_field_overlap
from ._graded import graded_reference

__all__ = [
    "glauber_probability",
    "crossing_load",
    "capacity_curve",
    "retrieval_summary",
    "overlap_vs_temperature",
    "glauber_overlap_series",
    "symmetric_mixture",
    "mixture_stability",
    "RETRIEVAL_THRESHOLD",
]

#: A final overlap above this counts as "retrieved" (AGS retrieval states have m > 0.967;
#: spin-glass states reached above alpha_c have m ~ 0.1-0.6).
RETRIEVAL_THRESHOLD = 0.9


# Experiment tags in the spawn keys, so the three experiments never share a stream.
_CAPACITY, _TEMPERATURE, _MIXTURE = 0, 1, 2


# ----------------------------------------------------------------- helpers
def _root_entropy(seed) -> int:
    """An integer entropy for SeedSequence: the seed itself, or drawn from a Generator."""
    gen = as_generator(seed)  # validates (ints >= 0, Generator, None)
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
        return int(seed)
    return int(gen.integers(0, 2**63 - 1))


def _trial_rng(entropy, *key) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(int(k) for k in key)))


def _as_sizes(num_neurons):
    if isinstance(num_neurons, (str, bytes)) or num_neurons is None:
        raise TypeError(f"N must be a positive integer or a list of them, got {num_neurons!r}")
    if isinstance(num_neurons, numbers.Number):
        values = [num_neurons]
    else:
        try:
            values = list(num_neurons)
        except TypeError:
            raise TypeError(f"N must be a positive integer or a list of them, got {num_neurons!r}") from None
    if not values:
        raise ValueError("N must be a positive integer or a non-empty list of them")
    return [check_positive_int(n, "N", minimum=2) for n in values]


def _as_real_list(values, name):
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {values!r}")
    if isinstance(values, numbers.Real):
        values = [values]
    try:
        items = list(np.asarray(values).ravel())
    except TypeError:
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {values!r}") from None
    if any(isinstance(v, (str, bytes, bool, np.bool_)) or not isinstance(v, numbers.Real) for v in items):
        raise TypeError(f"{name} must contain real numbers, got {values!r}")
    return [float(v) for v in items]


def _as_loads(alphas, name="alphas"):
    vals = _as_real_list(alphas, name)
    if not vals:
        raise ValueError(f"{name} must not be empty")
    for a in vals:
        if not np.isfinite(a) or a <= 0:
            raise ValueError(f"every load alpha = M/N must be a positive finite number, got {a}")
    return vals


def _num_patterns(alpha, n, minimum=1):
    return max(minimum, int(round(alpha * n)))


def _parallel(n_jobs, tasks, desc, progress):
    # No backend is named: an enclosing joblib.parallel_backend(...) (e.g. "dask") applies.
    from ._progress import parallel_map

    return parallel_map(n_jobs, tasks, desc=desc, progress=progress)


# ----------------------------------------------------------------- Glauber rule
@graded_reference("glauber_probability")
def glauber_probability(h, temperature):
    r"""Heat-bath (Glauber) probability that a neuron with local field h becomes +1.

    The two states of neuron i, with all others fixed, have energies
    :math:`E_\pm = \mp h_i` (plus a common constant), so the Boltzmann distribution at
    temperature T gives

    .. math::

        P(s_i = +1) = \frac{e^{h_i/T}}{e^{h_i/T} + e^{-h_i/T}}
                    = \frac{1}{1 + e^{-2h_i/T}} = \tfrac12\left(1 + \tanh\frac{h_i}{T}\right).

    This is the rule the engine uses at ``temperature = T > 0`` (Glauber 1963); it
    satisfies detailed balance with :math:`e^{-E/T}`. As T -> 0 it becomes the sign rule.

    Parameters
    ----------
    h : float or array_like
        Local field(s).
    temperature : float, T > 0

    Returns
    -------
    float or ndarray
        Probabilities in [0, 1], with full relative precision in both tails and no
        overflow for huge |h|/T (which give exactly 0 or 1).

    References
    ----------
    R. J. Glauber, "Time-dependent statistics of the Ising model", J. Math. Phys. 4,
    294 (1963).
    """
    t = check_temperature(temperature)
    if t == 0:
        raise ValueError("temperature must be > 0; at T = 0 the rule is deterministic "
                         "(s = +1 if h >= 0 else -1)")
    if isinstance(h, (str, bytes)) or h is None:
        raise TypeError(f"h must be a number or an array of numbers, got {type(h).__name__}")
    arr = np.asarray(h, dtype=np.float64)
    # logistic of x = 2h/T, evaluated as exp(-|x|) so it never overflows and keeps full
    # relative precision in both tails (0.5 * (1 + tanh) loses it for p near 0)
    e = np.exp(-np.abs(2.0 * arr / t))
    p = np.where(arr >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return float(p) if arr.ndim == 0 else p


@graded_reference("estimate_alpha_c")
def crossing_load(alphas, fractions, level=0.5) -> float:
    r"""Estimate of the critical load: where the fraction retrieved first falls to ``level``.

    The points are taken in order of increasing alpha; the estimate is the linear
    interpolation between the last point above ``level`` and the first point at or
    below it (the first downward crossing). Returns NaN when the curve never crosses
    (all points above, or the first point already at or below ``level``).

    .. math:: \hat\alpha_c = \alpha_k + (\alpha_{k+1} - \alpha_k)
              \frac{f_k - \text{level}}{f_k - f_{k+1}}

    At finite N the crossing of 1/2 lies above :math:`\alpha_c \approx 0.138` and decreases
    slowly with N (about 0.175, 0.16, 0.155 for N = 500, 1000, 2000; see docs/physics.md).
    """
    a = np.asarray(alphas, dtype=np.float64).ravel()
    f = np.asarray(fractions, dtype=np.float64).ravel()
    if a.shape != f.shape or a.size < 2:
        raise ValueError(f"alphas and fractions must have the same length >= 2, got {a.size} and {f.size}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(f))):
        raise ValueError("alphas and fractions must be finite")
    order = np.argsort(a, kind="stable")
    a, f = a[order], f[order]
    if f[0] <= level:
        return float("nan")
    for k in range(a.size - 1):
        if f[k] > level >= f[k + 1]:
            return float(a[k] + (a[k + 1] - a[k]) * (f[k] - level) / (f[k] - f[k + 1]))
    return float("nan")


# ----------------------------------------------------------------- capacity
def _capacity_trial(n, m, alpha, trial, entropy, max_sweeps, threshold):
    rng = _trial_rng(entropy, _CAPACITY, n, m, trial)
    # int8 (same draws as int64, a tenth of the cost at N = 8000); sums are taken in int64
    xi = random_patterns(m, n, rng=rng, dtype=np.int8)
    net = HopfieldNetwork(n, rng=rng).train(xi, normalization="neurons")
    res = net.run(xi[0], mode="stable", max_sweeps=max_sweeps, record_energy=False, rng=rng)
    ov = float(xi[0].astype(np.int64) @ res.state) / n
    return {"N": n, "alpha": alpha, "M": m, "load": m / n, "trial": trial, "overlap": ov,
            "sweeps": res.sweeps, "converged": res.converged, "retrieved": ov > threshold}


def capacity_curve(N, alphas, trials=100, seed=None, *, max_sweeps=1000,
                   threshold=RETRIEVAL_THRESHOLD, n_jobs=-1, progress=True) -> pd.DataFrame:
    r"""Retrieval of random patterns against the load :math:`\alpha = M/N` at T = 0.

    For every N, alpha and trial: draw M = round(alpha N) unbiased random patterns, store
    them with Hebb's rule (1/N, zero diagonal), start the network *at* pattern 1 and run
    asynchronous T = 0 dynamics (random-permutation sweeps) until a sweep flips nothing.
    The final overlap :math:`m = \frac1N \xi^1\cdot s` is compared with the
    replica-symmetric prediction of Amit, Gutfreund & Sompolinsky (1987),
    :func:`hopfield_edu.theory.ags_retrieval_overlap`: about 0.993 at alpha = 0.12 and
    no retrieval state above :math:`\alpha_c \approx 0.138`. At finite N the transition
    is smeared out (retrieval still often succeeds a little above alpha_c).

    Parameters
    ----------
    N : int or sequence of int
        Network size(s), N >= 2.
    alphas : float or sequence of float
        Loads; M = max(1, round(alpha * N)).
    trials : int, default 100
        Independent networks per (N, alpha).
    seed : None, int or numpy.random.Generator
        Seed of the whole sweep (see the module notes: trial k of (N, M) always gets
        the same stream).
    max_sweeps : int, default 1000
        Cap on the sweeps; ``converged`` says whether a fixed point was reached.
    threshold : float, default 0.9
        ``retrieved = overlap > threshold``.
    n_jobs : int, default -1
        joblib workers (-1: all cores; 1: no parallelism). Honours an enclosing
        ``joblib.parallel_backend("dask")``.
    progress : bool, default True
        Show a tqdm bar of the finished trials (under any joblib backend, Dask
        included), after a "compiling Numba kernels" phase on the first call.

    Returns
    -------
    pandas.DataFrame
        One row per trial: ``N, alpha, M, load (= M/N), trial, overlap, sweeps,
        converged, retrieved``.
    """
    sizes = _as_sizes(N)
    loads = _as_loads(alphas)
    trials = check_positive_int(trials, "trials")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    threshold = check_fraction(threshold, "threshold", -1.0, 1.0)
    entropy = _root_entropy(seed)
    tasks = [delayed(_capacity_trial)(n, _num_patterns(a, n), a, k, entropy, max_sweeps, threshold)
             for n in sizes for a in loads for k in range(trials)]
    return pd.DataFrame(_parallel(n_jobs, tasks, "capacity trials", progress))


def retrieval_summary(df: pd.DataFrame) -> pd.DataFrame:
    """Per (N, alpha): fraction retrieved with its binomial standard error, mean overlap
    with its standard error, and the AGS prediction for comparison.
    """
    from .theory import ags_retrieval_overlap

    g = df.groupby(["N", "alpha"], sort=True)
    out = g.agg(trials=("overlap", "size"), fraction_retrieved=("retrieved", "mean"),
                mean_overlap=("overlap", "mean"), sd_overlap=("overlap", "std"),
                mean_sweeps=("sweeps", "mean")).reset_index()
    p = out["fraction_retrieved"]
    out["se_fraction"] = np.sqrt(p * (1 - p) / out["trials"])
    out["se_overlap"] = out["sd_overlap"] / np.sqrt(out["trials"])
    out["ags_overlap"] = ags_retrieval_overlap(out["alpha"].to_numpy())
    return out


# ----------------------------------------------------------------- temperature
def glauber_overlap_series(net: HopfieldNetwork, initial, temperature, sweeps, *,
                           pattern=0, rng=None) -> np.ndarray:
    r"""Overlap with stored pattern ``pattern`` after each of ``sweeps`` Glauber sweeps.

    One sweep is N single-neuron heat-bath updates in a random permutation,
    :math:`P(s_i = +1) = 1/(1 + e^{-2h_i/T})` (the engine's ``temperature``). Returns
    the signed overlaps :math:`m(t) = \frac1N \xi\cdot s(t)`, t = 1 .. sweeps.
    """
    t = check_temperature(temperature)
    if t == 0:
        raise ValueError("temperature must be > 0 for Glauber dynamics (T = 0 is the sign rule)")
    sweeps = check_positive_int(sweeps, "sweeps")
    xi = net.patterns
    if xi is None:
        raise ValueError("the network must store patterns with train(...)")
    if not 0 <= int(pattern) < xi.shape[0]:
        raise ValueError(f"pattern must index a stored pattern (0..{xi.shape[0] - 1}), got {pattern}")
    target = xi[int(pattern)]
    gen = as_generator(rng)
    s = np.asarray(initial)
    out = np.empty(sweeps)
    for k in range(sweeps):
        # one sweep per call: at T > 0 mode "stable" runs exactly max_sweeps sweeps
        s = net.run(s, mode="stable", temperature=t, max_sweeps=1, record_energy=False,
                    rng=gen).state
        out[k] = (target @ s) / net.N
    return out


def _batch_means_se(x, blocks=20):
    """Standard error of the mean of a correlated series by non-overlapping batch means."""
    usable = (len(x) // blocks) * blocks
    if usable < blocks:
        return float("nan")
    means = x[:usable].reshape(blocks, -1).mean(axis=1)
    return float(means.std(ddof=1) / np.sqrt(blocks))


def _temperature_run(n, m, temp, entropy, burn_in, sweeps):
    rng = _trial_rng(entropy, _TEMPERATURE, n, m, int(round(temp * 1e9)))
    xi = random_patterns(m, n, rng=rng, dtype=np.int8)
    net = HopfieldNetwork(n, rng=rng).train(xi, normalization="neurons")
    series = glauber_overlap_series(net, xi[0], temp, burn_in + sweeps, rng=rng)
    a = np.abs(series[burn_in:])
    return {"N": n, "M": m, "T": temp, "m_sim": float(a.mean()), "m_sd": float(a.std(ddof=1)),
            "m_se": _batch_means_se(a), "m_meanfield": float(mean_field_overlap(temp)),
            "samples": sweeps}


def overlap_vs_temperature(N, temperatures, *, num_patterns=1, sweeps=2000, burn_in=200,
                           seed=None, n_jobs=1, progress=True) -> pd.DataFrame:
    r"""Simulated overlap m(T) under Glauber dynamics next to the mean-field value.

    The network stores ``num_patterns`` random patterns (1/N Hebb), starts at pattern 1,
    runs ``burn_in`` Glauber sweeps to equilibrate, then records the overlap after each
    of ``sweeps`` further sweeps. ``m_sim`` is the time average of :math:`|m(t)|`
    (the absolute value because at finite N the state may wander to the mirror image
    :math:`-\xi`, equally likely by symmetry; below T_c this never happens on these time
    scales). With one pattern (or any finite number, :math:`\alpha \to 0`) the prediction
    is the Curie-Weiss/Mattis mean-field solution :math:`m = \tanh(m/T)`, ``m_meanfield``,
    with :math:`T_c = 1` (Amit, Gutfreund & Sompolinsky 1985). Above :math:`T_c` the
    simulated :math:`\langle|m|\rangle` is of order :math:`1/\sqrt N`, see
    :func:`hopfield_edu.theory.paramagnetic_abs_overlap`.

    Returns
    -------
    pandas.DataFrame
        ``N, M, T, m_sim, m_sd`` (SD of the samples), ``m_se`` (standard error of m_sim
        from 20 batch means, which accounts for autocorrelation), ``m_meanfield, samples``.
    """
    sizes = _as_sizes(N)
    m = check_positive_int(num_patterns, "num_patterns")
    temps = [check_temperature(t) for t in _as_real_list(temperatures, "temperatures")]
    if not temps:
        raise ValueError("temperatures must not be empty")
    if any(t == 0 for t in temps):
        raise ValueError("temperatures must be > 0 (Glauber dynamics); at T = 0 use capacity_curve")
    sweeps = check_positive_int(sweeps, "sweeps", minimum=20)
    burn_in = check_positive_int(burn_in, "burn_in", minimum=0)
    entropy = _root_entropy(seed)
    tasks = [delayed(_temperature_run)(n, m, t, entropy, burn_in, sweeps) for n in sizes for t in temps]
    return pd.DataFrame(_parallel(n_jobs, tasks, "Glauber runs", progress))


# ----------------------------------------------------------------- mixtures
def symmetric_mixture(patterns, indices=(0, 1, 2)) -> np.ndarray:
    r"""The symmetric mixture state :math:`\operatorname{sgn}(\xi^{\mu_1} + \dots + \xi^{\mu_k})`.

    k must be odd so that the sum is never 0. For k = 3 its overlap with each component
    is 1/2 on average (a bit agrees with the majority in 3 of 4 cases:
    :math:`m = \frac34 - \frac14`), and at small load it is a fixed point of the
    T = 0 dynamics: a spurious memory (Amit, Gutfreund & Sompolinsky 1985).

    Returns
    -------
    ndarray of int64, shape (N,)
    """
    xi = as_spin_matrix(patterns, name="patterns")
    idx = list(indices)
    if len(idx) % 2 == 0 or len(idx) == 0:
        raise ValueError(f"a symmetric mixture needs an odd number of patterns (got {len(idx)}): "
                         "with an even number some bits sum to 0 and have no sign")
    if len(set(idx)) != len(idx) or any(not 0 <= int(i) < xi.shape[0] for i in idx):
        raise ValueError(f"indices must be distinct rows of patterns (0..{xi.shape[0] - 1}), got {idx}")
    return np.sign(xi[idx].astype(np.int64).sum(axis=0))


def _mixture_trial(n, m, alpha, trial, entropy, max_sweeps, threshold):
    rng = _trial_rng(entropy, _MIXTURE, n, m, trial)
    xi = random_patterns(m, n, rng=rng, dtype=np.int8)
    mix = symmetric_mixture(xi)
    net = HopfieldNetwork(n, rng=rng).train(xi, normalization="neurons")
    res = net.run(mix, mode="stable", max_sweeps=max_sweeps, record_energy=False, rng=rng)
    ov_mix = float(mix @ res.state) / n
    comp = xi[:3].astype(np.int64) @ res.state / n
    return {"N": n, "alpha": alpha, "M": m, "load": m / n, "trial": trial,
            "overlap_mixture": ov_mix, "overlap_components": float(comp.mean()),
            "max_overlap_component": float(np.abs(comp).max()), "sweeps": res.sweeps,
            "converged": res.converged, "stable": ov_mix > threshold}


def mixture_stability(N, alphas, trials=20, seed=None, *, max_sweeps=1000, threshold=0.9,
                      n_jobs=-1, progress=True) -> pd.DataFrame:
    r"""Is the symmetric 3-mixture a stable state at load alpha? (T = 0)

    For each trial, store M = max(3, round(alpha N)) random patterns, start at
    :math:`s^{mix} = \operatorname{sgn}(\xi^1+\xi^2+\xi^3)` and run asynchronous T = 0
    dynamics until nothing flips. The mixture counts as **stable** when the final state
    is still close to it: :math:`\frac1N s^{mix}\cdot s_\text{final} > 0.9` (threshold).

    Why this definition: at small load the mixture is an exact or nearly exact fixed
    point (final overlap >= 0.99); once it is unstable the dynamics run far away, to a
    state with overlap with the mixture around 0.1-0.55 (mostly spin-glass-like, with
    overlaps of 0.2-0.5 with the three components; occasionally one of the components
    itself), so any threshold between ~0.6 and ~0.95 gives the same verdict. AGS (1987) find that the symmetric 3-mixture stops being a
    minimum at T = 0 near :math:`\alpha \approx 0.03`.

    Returns
    -------
    pandas.DataFrame
        ``N, alpha, M, load, trial, overlap_mixture, overlap_components`` (mean overlap
        with the three components, 0.5 for the exact mixture), ``max_overlap_component,
        sweeps, converged, stable``.
    """
    sizes = _as_sizes(N)
    loads = _as_loads(alphas)
    trials = check_positive_int(trials, "trials")
    max_sweeps = check_positive_int(max_sweeps, "max_sweeps")
    threshold = check_fraction(threshold, "threshold", -1.0, 1.0)
    entropy = _root_entropy(seed)
    tasks = [delayed(_mixture_trial)(n, _num_patterns(a, n, minimum=3), a, k, entropy, max_sweeps,
                                     threshold)
             for n in sizes for a in loads for k in range(trials)]
    return pd.DataFrame(_parallel(n_jobs, tasks, "mixture trials", progress))
