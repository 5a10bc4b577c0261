r"""The research notebook's experiments (seed 000), reproducible and reusable.

Every experiment of the notebook is a function that returns plain data (a
:class:`pandas.DataFrame` or a small dataclass); the figures live in
:mod:`hopfield_edu.plotting`, the report in :mod:`hopfield_edu.report`::

    from hopfield_edu.experiments import CONFIG, run_noise_robustness, run_capacity
    df = run_noise_robustness(CONFIG)              # Exp 1 + 2, one row per trial
    cap = run_capacity(CONFIG.replace(NUM_RUNS_PER_CONDITION=5))

Recall runs on the package's engine (:class:`~hopfield_edu.HopfieldNetwork`) and
the complexity measure is :func:`~hopfield_edu.sample_entropy`; nothing here has
its own update loop.

What is kept from the notebook, and what is changed
---------------------------------------------------
- :data:`CONFIG` has the notebook's keys and defaults (``CONFIG["MAX_RECALL_STEPS"]``
  works) plus a few keys the notebook hard-coded (the digits of Exp 1, the 10 %
  noise of Exp 3) and ``SEED``.
- Randomness: the notebook drew from NumPy's global state (and re-seeded it with
  ``np.random.seed(43)`` and ``np.random.seed(101)`` in the middle of the
  notebook). Here one seed feeds a :class:`numpy.random.SeedSequence`; every
  network, probe and recall gets its own child generator, keyed by *what it is*
  (noise level, run, number of patterns, ...) rather than by when it runs, so
  a result does not change when other conditions are added or the loops are
  reordered. The same noisy probes are shown to every network type and recall
  mode (a paired design: differences between conditions are not probe luck).
- ``mode="steps"`` is the notebook's dynamics: exactly ``MAX_RECALL_STEPS``
  = 1500 single-neuron updates, neurons drawn with replacement. That is only
  1500 / 784 ≈ 1.9 sweeps, and a neuron is never visited with probability
  :math:`(1 - 1/N)^{1500} \approx e^{-1.91} \approx 0.147`, so about 15 % of
  the *flipped* pixels (0.147 × the noise level of all pixels) keep their noise
  whatever the network stores. ``mode="stable"``
  (beyond the notebook) sweeps until a whole sweep flips nothing.
- Inhibitory neurons: the notebook's code negates *rows* of W (the neuron's
  inputs: it then follows the opposite of its field, so the recalled state has
  those bits flipped; the digit so flipped has overlap 1 − 2k/N = 0.602 with
  k = 156 of 784), while its comment describes negated *columns* (the neuron's
  outputs). Neither makes all outgoing weights of a neuron one sign, as Dale's
  principle would: a Hebbian column has both signs before and after negation.
  Both run side by side: ``inhibitory_mode`` ``"rows"`` (the notebook) and
  ``"columns"``.
- Exp 3 repeats every condition ``NUM_RUNS_PER_CONDITION`` times (fresh
  inhibitory neurons and noise each run) so the ±sd band of the notebook's
  capacity plot has something to show; the notebook ran each condition once.
- The phase-space plot of the notebook drops trials with overlap ≤ 0
  (anti-patterns, and the rows-inhibitory runs that land there); see
  :func:`phase_space_centroids`, which reports how many were dropped.
"""
from __future__ import annotations

import dataclasses
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import as_generator, as_spin_matrix, check_fraction, check_positive_int
from .analysis import sample_entropy
from .attractors import ATTRACTOR_LABELS, DEFAULT_TOL, chance_baselines, classify_states
from .dynamics import add_noise, overlap
from .engine import INHIBITORY_MODES, MODES, HopfieldNetwork, RecallResult

__all__ = [
    "CONFIG",
    "ExperimentConfig",
    "as_config",
    "quick_config",
    "network_label",
    "network_variants",
    "never_updated_fraction",
    "energy_increases",
    "attractor_count_column",
    "classify_states",
    "chance_baselines",
    "run_noise_robustness",
    "run_capacity",
    "run_trajectory",
    "weight_matrices",
    "recall_frames",
    "recall_demo",
    "run_all",
    "run_examples",
    "accuracy_by_noise",
    "phase_space_centroids",
    "capacity_summary",
    "Trajectory",
    "RecallFrames",
    "RecallDemo",
    "DEMO_RECALL",
    "DEMO_FAILURE",
    "ExperimentResults",
]


def _linspace(a, b, n):
    # Rounded so that CSV files and table rows read 0.3, not 0.30000000000000004.
    return tuple(round(float(x), 12) for x in np.linspace(a, b, n))


@dataclass(frozen=True)
class ExperimentConfig:
    """Parameters of the research notebook's experiments (immutable).

    The first nine fields are the notebook's ``CONFIG`` with its names and
    defaults; ``config["NAME"]`` works as with the notebook's dict. Change a
    copy with :meth:`replace`.

    Attributes
    ----------
    NUM_NEURONS : int, 784
        N, one neuron per pixel of a 28x28 image.
    DIGITS_TO_STORE : tuple of int, 0-9
        Digits whose prototypes are stored in Exp 3 (in this order).
    INHIBITORY_FRACTIONS_TO_TEST : tuple of float, (0.0, 0.2)
    NOISE_LEVELS_EXP1 : tuple of float, linspace(0, 0.5, 11)
        Fractions of flipped bits.
    CAPACITY_TEST_PATTERNS_EXP3 : tuple of int, 1-10
        Numbers M of stored patterns (the first M of ``DIGITS_TO_STORE``).
    NUM_RUNS_PER_CONDITION : int, 20
    MAX_RECALL_STEPS : int, 1500
        Single-neuron updates in ``mode="steps"``.
    SAMPEN_M : int, 2
        Template length of sample entropy.
    SAMPEN_R_FRACTION : float, 0.2
        Sample-entropy tolerance as a fraction of the trace's SD.
    SEED : int, 0
        Root of all randomness (not in the notebook, which used global state).
    DIGITS_EXP1 : tuple of int, (0, 1, 2, 8)
        Digits stored in Exp 1 + 2 (hard-coded in the notebook).
    CAPACITY_NOISE : float, 0.1
        Noise of the probes in Exp 3 (hard-coded in the notebook).
    RECALL_MODES : tuple of str, ("steps", "stable")
        Engine modes run side by side; ``"steps"`` is the notebook's.
    INHIBITORY_MODES : tuple of str, ("rows", "columns")
        Readings of "inhibitory neuron" run side by side; ``"rows"`` is the notebook's.
    MAX_SWEEPS : int, 100
        Cap on sweeps in ``mode="stable"``.
    """

    NUM_NEURONS: int = 784
    DIGITS_TO_STORE: tuple = tuple(range(10))
    INHIBITORY_FRACTIONS_TO_TEST: tuple = (0.0, 0.2)
    NOISE_LEVELS_EXP1: tuple = _linspace(0.0, 0.5, 11)
    CAPACITY_TEST_PATTERNS_EXP3: tuple = tuple(range(1, 11))
    NUM_RUNS_PER_CONDITION: int = 20
    MAX_RECALL_STEPS: int = 1500
    SAMPEN_M: int = 2
    SAMPEN_R_FRACTION: float = 0.2
    # ---- beyond the notebook's dict
    SEED: int = 0
    DIGITS_EXP1: tuple = (0, 1, 2, 8)
    CAPACITY_NOISE: float = 0.1
    RECALL_MODES: tuple = ("steps", "stable")
    INHIBITORY_MODES: tuple = ("rows", "columns")
    MAX_SWEEPS: int = 100

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        put("NUM_NEURONS", check_positive_int(self.NUM_NEURONS, "NUM_NEURONS"))
        put("DIGITS_TO_STORE", _int_tuple(self.DIGITS_TO_STORE, "DIGITS_TO_STORE", 0, 9))
        put("DIGITS_EXP1", _int_tuple(self.DIGITS_EXP1, "DIGITS_EXP1", 0, 9))
        put("INHIBITORY_FRACTIONS_TO_TEST", tuple(
            check_fraction(f, "INHIBITORY_FRACTIONS_TO_TEST entries", high_inclusive=False)
            for f in _seq(self.INHIBITORY_FRACTIONS_TO_TEST, "INHIBITORY_FRACTIONS_TO_TEST")))
        # Rounded to 12 decimals: np.linspace's 0.30000000000000004 becomes 0.3 (same flip count).
        put("NOISE_LEVELS_EXP1", tuple(
            round(check_fraction(f, "NOISE_LEVELS_EXP1 entries"), 12)
            for f in _seq(self.NOISE_LEVELS_EXP1, "NOISE_LEVELS_EXP1")))
        put("CAPACITY_TEST_PATTERNS_EXP3",
            _int_tuple(self.CAPACITY_TEST_PATTERNS_EXP3, "CAPACITY_TEST_PATTERNS_EXP3", 1, None))
        put("NUM_RUNS_PER_CONDITION", check_positive_int(self.NUM_RUNS_PER_CONDITION,
                                                         "NUM_RUNS_PER_CONDITION"))
        put("MAX_RECALL_STEPS", check_positive_int(self.MAX_RECALL_STEPS, "MAX_RECALL_STEPS"))
        put("SAMPEN_M", check_positive_int(self.SAMPEN_M, "SAMPEN_M"))
        r = self.SAMPEN_R_FRACTION
        if isinstance(r, bool) or not isinstance(r, numbers.Real) or not np.isfinite(r) or r < 0:
            raise ValueError(f"SAMPEN_R_FRACTION must be a finite number >= 0, got {r!r}")
        put("SAMPEN_R_FRACTION", float(r))
        as_generator(self.SEED)  # type and sign check
        if not isinstance(self.SEED, numbers.Integral):
            raise TypeError(f"SEED must be a non-negative integer, got {self.SEED!r}")
        put("SEED", int(self.SEED))
        put("CAPACITY_NOISE", check_fraction(self.CAPACITY_NOISE, "CAPACITY_NOISE"))
        put("RECALL_MODES", _choice_tuple(self.RECALL_MODES, "RECALL_MODES", MODES))
        put("INHIBITORY_MODES", _choice_tuple(self.INHIBITORY_MODES, "INHIBITORY_MODES",
                                              INHIBITORY_MODES))
        put("MAX_SWEEPS", check_positive_int(self.MAX_SWEEPS, "MAX_SWEEPS"))

    # The notebook indexes its CONFIG like a dict; keep that working.
    def __getitem__(self, key):
        if key not in self.keys():
            raise KeyError(f"{key!r} is not a configuration key; keys are {self.keys()}")
        return getattr(self, key)

    def keys(self):
        return tuple(f.name for f in dataclasses.fields(self))

    def to_dict(self) -> dict:
        """A plain dict (lists instead of tuples), e.g. for JSON."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}

    def replace(self, **changes) -> "ExperimentConfig":
        """A copy with some fields changed (validated)."""
        unknown = set(changes) - set(self.keys())
        if unknown:
            raise ValueError(f"unknown configuration keys {sorted(unknown)}; keys are {self.keys()}")
        return dataclasses.replace(self, **changes)


def _seq(x, name):
    if isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{name} must be a list of values, got {x!r}")
    out = list(x)
    if not out:
        raise ValueError(f"{name} must not be empty")
    return out


def _int_tuple(x, name, low, high):
    out = []
    for v in _seq(x, name):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{name} must hold integers, got {v!r}")
        if v < low or (high is not None and v > high):
            rng = f"{low}-{high}" if high is not None else f">= {low}"
            raise ValueError(f"{name} entries must be {rng}, got {v}")
        out.append(int(v))
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat values, got {out}")
    return tuple(out)


def _choice_tuple(x, name, allowed):
    out = tuple(_seq(x, name))
    for v in out:
        if v not in allowed:
            raise ValueError(f"{name} entries must be among {allowed}, got {v!r}")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must not repeat values, got {out}")
    return out


#: The research notebook's configuration (plus ``SEED`` and the keys it hard-coded).
CONFIG = ExperimentConfig()


def as_config(config=None) -> ExperimentConfig:
    """An :class:`ExperimentConfig` from ``None`` (defaults), a config or a dict of overrides.

    A dict may be the notebook's own ``CONFIG`` (NumPy arrays are accepted);
    missing keys take the defaults, unknown keys are an error.
    """
    if config is None:
        return CONFIG
    if isinstance(config, ExperimentConfig):
        return config
    if isinstance(config, Mapping):
        return CONFIG.replace(**dict(config))
    raise TypeError(f"config must be an ExperimentConfig, a dict or None, got {type(config).__name__}")


def quick_config(config=None) -> ExperimentConfig:
    """A small version for smoke runs: 3 runs per condition, every noise level kept."""
    return as_config(config).replace(NUM_RUNS_PER_CONDITION=3)


def never_updated_fraction(num_neurons, steps) -> float:
    r"""Expected fraction of neurons never drawn in ``steps`` draws with replacement.

    .. math:: \left(1 - \frac1N\right)^{\text{steps}} \approx e^{-\text{steps}/N}

    0.147 for N = 784 and 1500 steps (the notebook's recall).
    """
    n = check_positive_int(num_neurons, "num_neurons")
    t = check_positive_int(steps, "steps", minimum=0)
    return float((1.0 - 1.0 / n) ** t)


# --------------------------------------------------------------------------- randomness
_EXP_CODES = {"noise": 1, "capacity": 2, "trajectory": 3, "weights": 4, "animation": 5, "demo": 6}
_MODE_CODES = {m: i for i, m in enumerate(MODES)}


def _root(seed) -> np.random.SeedSequence:
    """Root SeedSequence from an int seed, a SeedSequence or a Generator."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    gen = as_generator(seed)  # validates the type; None gives fresh entropy
    if isinstance(seed, numbers.Integral):
        return np.random.SeedSequence(int(seed))
    # A Generator (or None): draw the root entropy from it, so it advances as usual.
    return np.random.SeedSequence(int(gen.integers(2**63)))


def _q(x) -> int:
    # Key for a real parameter (noise 0.35 -> 350000), stable under float noise.
    return int(round(float(x) * 1_000_000))


def _gen(root: np.random.SeedSequence, *key) -> np.random.Generator:
    """The child generator named ``key``: same root and key → same stream, always."""
    ss = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, *map(int, key)))
    # what default_rng(ss) builds, without its argument checks (12,000 trials in reproduce)
    return np.random.Generator(np.random.PCG64(ss))


# --------------------------------------------------------------------------- helpers
def network_label(inhibitory_fraction, inhibitory_mode="rows") -> str:
    """Legend name of a network type: ``"Standard"`` or ``"Inhibitory (20%, rows)"``."""
    if inhibitory_fraction == 0:
        return "Standard"
    return f"Inhibitory ({inhibitory_fraction:.0%}, {inhibitory_mode})"


def network_variants(config=None, inhibitory_modes=None) -> list[tuple[float, str]]:
    """The (inhibitory_fraction, inhibitory_mode) pairs to run.

    A fraction of 0 has no inhibitory neurons, so it runs once with mode ``"none"``.
    """
    cfg = as_config(config)
    modes = cfg.INHIBITORY_MODES if inhibitory_modes is None else _choice_tuple(
        inhibitory_modes, "inhibitory_modes", INHIBITORY_MODES)
    out = []
    for f in cfg.INHIBITORY_FRACTIONS_TO_TEST:
        if int(f * cfg.NUM_NEURONS) == 0:
            out.append((f, "none"))
        else:
            out.extend((f, m) for m in modes)
    return out


def _recall_modes(cfg, modes):
    return cfg.RECALL_MODES if modes is None else _choice_tuple(modes, "modes", MODES)


def _pattern_dict(patterns, cfg, default_digits) -> dict:
    """Patterns as ``{label: int8 vector}``; MNIST prototypes when ``None``."""
    if patterns is None:
        if cfg.NUM_NEURONS != 784:
            raise ValueError(f"the MNIST prototypes have 784 pixels but NUM_NEURONS = {cfg.NUM_NEURONS}; "
                             "pass your own patterns or keep NUM_NEURONS = 784")
        from .data import mnist_prototypes

        patterns = mnist_prototypes(default_digits)
    if isinstance(patterns, Mapping):
        labels = list(patterns)
        values = [patterns[k] for k in labels]
    else:
        values = list(as_spin_matrix(patterns, name="patterns"))
        labels = list(range(len(values)))
    mat = as_spin_matrix(values, name="patterns", n=cfg.NUM_NEURONS)
    return dict(zip(labels, mat))


def _progress(total, desc, progress):
    # a "compiling" phase first, so the ETA does not count the Numba compilation
    from ._progress import progress_bar

    return progress_bar(total, desc, progress)


def _engine_mode(inh_mode):
    # The engine needs a valid mode even without inhibitory neurons.
    return "rows" if inh_mode == "none" else inh_mode


# --------------------------------------------------------------------------- Exp 1 + 2
def run_noise_robustness(config=None, patterns=None, *, seed=None, modes=None,
                         inhibitory_modes=None, progress=True) -> pd.DataFrame:
    r"""Experiments 1 and 2: recall accuracy and energy complexity against noise.

    For every network type, noise level and run: pick a stored pattern
    :math:`\xi` uniformly, flip ``int(noise * N)`` distinct bits, recall, and record

    - ``accuracy`` = overlap :math:`m = \frac1N \sum_i \xi_i s_i` of the final state,
    - ``entropy`` = sample entropy SampEn(m = ``SAMPEN_M``, r = ``SAMPEN_R_FRACTION`` σ)
      of the energy trace (Richman & Moorman 2000), 0 where undefined as in the notebook.

    Parameters
    ----------
    config : ExperimentConfig, dict or None
        ``NOISE_LEVELS_EXP1``, ``NUM_RUNS_PER_CONDITION``, ``MAX_RECALL_STEPS``, ... .
    patterns : dict {label: vector}, array (M, N) or None
        Stored patterns; default the MNIST prototypes of ``DIGITS_EXP1`` (0, 1, 2, 8).
    seed : int, Generator or None
        Default ``config.SEED``.
    modes : sequence of {"steps", "stable", "sync"}, optional
        Recall modes (default ``config.RECALL_MODES``). All modes recall the same probes.
    inhibitory_modes : sequence of {"rows", "columns"}, optional
        Default ``config.INHIBITORY_MODES``; rows and columns use the same inhibitory neurons.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per trial and mode: ``noise, accuracy, entropy, inhibitory_fraction,
        inhibitory_mode, network, mode, target, run, steps, converged``,
        ``energy_increases`` (:func:`energy_increases`) and the attractor reached,
        from :func:`~hopfield_edu.attractors.classify_states`: ``attractor, m_target,
        nearest, m_nearest, m_majority, m_majority_ties, mixture_of, m_mixture`` (for "rows"
        networks relative to the patterns with the inhibitory bits negated).
    """
    cfg = as_config(config)
    root = _root(cfg.SEED if seed is None else seed)
    pats = _pattern_dict(patterns, cfg, cfg.DIGITS_EXP1)
    labels, P = list(pats), np.array(list(pats.values()))
    modes = _recall_modes(cfg, modes)
    variants = network_variants(cfg, inhibitory_modes)
    runs, levels = cfg.NUM_RUNS_PER_CONDITION, cfg.NOISE_LEVELS_EXP1
    e = _EXP_CODES["noise"]

    # The probes depend only on (noise, run): every network and mode sees the same ones.
    probes = {}
    for noise in levels:
        for r in range(runs):
            g = _gen(root, e, 1, _q(noise), r)
            k = int(g.integers(len(P)))
            probes[noise, r] = (k, add_noise(P[k], noise, rng=g))

    rows, states, targets, flips = [], [], [], []
    with _progress(len(variants) * len(levels) * runs * len(modes), "noise robustness", progress) as bar:
        for frac, inh in variants:
            # Same key for rows and columns: the same neurons are inhibitory in both.
            net = HopfieldNetwork(cfg.NUM_NEURONS, frac, _engine_mode(inh),
                                  rng=_gen(root, e, 0, _q(frac))).train(P)
            name = network_label(frac, inh)
            for noise in levels:
                for r in range(runs):
                    k, probe = probes[noise, r]
                    for mode in modes:
                        res = net.run(probe, mode=mode, max_steps=cfg.MAX_RECALL_STEPS,
                                      max_sweeps=cfg.MAX_SWEEPS, record_energy=True,
                                      rng=_gen(root, e, 2, _q(noise), r, _MODE_CODES[mode]))
                        rows.append({
                            "noise": noise,
                            "accuracy": overlap(res.state, P[k]),
                            "entropy": sample_entropy(res.energy, m=cfg.SAMPEN_M, r=cfg.SAMPEN_R_FRACTION),
                            "inhibitory_fraction": frac,
                            "inhibitory_mode": inh,
                            "network": name,
                            "mode": mode,
                            "target": labels[k],
                            "run": r,
                            "steps": res.steps,
                            "converged": res.converged,
                            "energy_increases": energy_increases(res),
                        })
                        states.append(res.state)
                        targets.append(k)
                        flips.append(_rows_flip(net, inh))
                        bar.update()
    df = pd.DataFrame(rows)
    return pd.concat([df, _attractor_columns(states, P, targets, flips, labels)], axis=1)


def _rows_flip(net, inh_mode):
    """The ±1 diagonal D of a "rows" network (its attractors are D xi); all ones otherwise."""
    d = np.ones(net.N, dtype=np.int8)
    if inh_mode == "rows":
        d[net.inhibitory_neurons] = -1
    return d


def _attractor_columns(states, patterns, targets, flips, labels) -> pd.DataFrame:
    """Columns of :func:`~hopfield_edu.attractors.classify_states` for a list of final states."""
    if not states:
        return pd.DataFrame(columns=["attractor", "m_target", "nearest", "m_nearest", "m_majority",
                                     "m_majority_ties", "mixture_of", "m_mixture"])
    return classify_states(np.array(states), patterns, targets, flip=np.array(flips), labels=labels)


def energy_increases(result, rtol=1e-9) -> int:
    r"""Number of updates that raised the energy :math:`E = -\tfrac12 s^\top W s` of a recall.

    With a symmetric W and zero diagonal no asynchronous update raises E (E is
    a Lyapunov function; a tie flip keeps it equal), so a positive count
    measures that the energy is no Lyapunov function of this network (negated
    rows or columns make W asymmetric). Rises smaller than ``rtol`` × (1 + |E|)
    are float rounding and are not counted. Needs ``record_energy=True``.
    """
    e = np.concatenate([[result.initial_energy], np.asarray(result.energy, dtype=float)])
    if e.size < 2:
        return 0
    return int(np.count_nonzero(np.diff(e) > rtol * (1.0 + np.abs(e[:-1]))))


# --------------------------------------------------------------------------- Exp 3
def run_capacity(config=None, patterns=None, *, seed=None, modes=None, inhibitory_modes=None,
                 progress=True) -> pd.DataFrame:
    r"""Experiment 3: average recall accuracy against the number of stored patterns.

    For each M in ``CAPACITY_TEST_PATTERNS_EXP3`` store the first M patterns and
    probe *each* of them once with ``CAPACITY_NOISE`` (10 %) of its bits
    flipped; ``avg_accuracy`` is the mean final overlap over the M probes. Every
    condition is repeated ``NUM_RUNS_PER_CONDITION`` times with fresh inhibitory
    neurons and noise.

    For random unbiased patterns the Hebb rule stores about
    :math:`\alpha_c N \approx 0.138\,N` patterns (Amit, Gutfreund & Sompolinsky,
    Phys. Rev. Lett. 55, 1530 (1985)), i.e. ~108 for N = 784. MNIST prototypes are
    strongly correlated (they share most background pixels), so recall breaks
    down after a handful of digits: the crosstalk term grows with the overlaps
    between the stored patterns, not with M / N alone.

    Returns
    -------
    pandas.DataFrame
        One row per (network, mode, M, run): ``num_patterns, avg_accuracy,
        inhibitory_fraction, inhibitory_mode, network, mode, run, load``
        (``load`` = M / N), the number of the M probes that reached each attractor
        (``n_target, n_other_digit, n_anti_pattern, n_mixture, n_other``, see
        :func:`~hopfield_edu.attractors.classify_states`) and ``avg_majority``, the
        mean overlap of the final states with the majority state sign(Σ_μ ξ^μ) of the
        M stored patterns (ties → +1); ``n_majority`` probes ended within 0.95 of
        that majority, ``n_majority_ties`` within 0.95 of the majority whose ties
        go to the probe's own digit.
    """
    cfg = as_config(config)
    root = _root(cfg.SEED if seed is None else seed)
    pats = _pattern_dict(patterns, cfg, cfg.DIGITS_TO_STORE)
    labels, P = list(pats), np.array(list(pats.values()))
    too_many = [m for m in cfg.CAPACITY_TEST_PATTERNS_EXP3 if m > len(P)]
    if too_many:
        raise ValueError(f"CAPACITY_TEST_PATTERNS_EXP3 asks for {max(too_many)} patterns but only "
                         f"{len(P)} are given")
    modes = _recall_modes(cfg, modes)
    variants = network_variants(cfg, inhibitory_modes)
    runs, noise = cfg.NUM_RUNS_PER_CONDITION, cfg.CAPACITY_NOISE
    e = _EXP_CODES["capacity"]
    rows = []
    total = len(variants) * len(cfg.CAPACITY_TEST_PATTERNS_EXP3) * runs * len(modes)
    with _progress(total, "memory capacity", progress) as bar:
        for frac, inh in variants:
            name = network_label(frac, inh)
            for m in cfg.CAPACITY_TEST_PATTERNS_EXP3:
                stored = P[:m]
                batch = []  # (row, final states, flip): labelled together, one stored set
                for r in range(runs):
                    net = HopfieldNetwork(cfg.NUM_NEURONS, frac, _engine_mode(inh),
                                          rng=_gen(root, e, 0, _q(frac), m, r)).train(stored)
                    probes = [add_noise(p, noise, rng=_gen(root, e, 1, m, r, j))
                              for j, p in enumerate(stored)]
                    for mode in modes:
                        finals = [net.run(x, mode=mode, max_steps=cfg.MAX_RECALL_STEPS,
                                          max_sweeps=cfg.MAX_SWEEPS, record_energy=False,
                                          rng=_gen(root, e, 2, m, r, j, _MODE_CODES[mode])).state
                                  for j, x in enumerate(probes)]
                        rows.append({
                            "num_patterns": m,
                            "avg_accuracy": float(np.mean([overlap(f, p) for f, p in zip(finals, stored)])),
                            "inhibitory_fraction": frac,
                            "inhibitory_mode": inh,
                            "network": name,
                            "mode": mode,
                            "run": r,
                            "load": m / cfg.NUM_NEURONS,
                        })
                        batch.append((rows[-1], finals, _rows_flip(net, inh)))
                        bar.update()
                _count_attractors(batch, stored, labels[:m])
    return pd.DataFrame(rows)


def _count_attractors(batch, stored, labels):
    """Add per-run attractor counts (``n_target``, ``n_mixture``, ...) and ``avg_majority`` to rows."""
    m = len(stored)
    states = [s for _, finals, _ in batch for s in finals]
    flips = [d for _, finals, d in batch for _ in finals]
    targets = [j for _ in batch for j in range(m)]
    lab = _attractor_columns(states, stored, targets, flips, labels)
    shape = (len(batch), m)  # row i: the M probes of batch entry i
    kinds = lab["attractor"].to_numpy().reshape(shape)
    major = lab["m_majority"].to_numpy(float).reshape(shape)
    ties = lab["m_majority_ties"].to_numpy(float).reshape(shape)
    counts = {name: (kinds == name).sum(axis=1) for name in ATTRACTOR_LABELS}
    for i, (row, _, _) in enumerate(batch):
        for name in ATTRACTOR_LABELS:
            row[attractor_count_column(name)] = int(counts[name][i])
        row["avg_majority"] = float(major[i].mean())
        row["n_majority"] = int((major[i] >= DEFAULT_TOL).sum())
        row["n_majority_ties"] = int((ties[i] >= DEFAULT_TOL).sum())


def attractor_count_column(label) -> str:
    """Column of :func:`run_capacity` counting the probes that reached ``label`` ("n_other_digit")."""
    return "n_" + label.replace(" ", "_").replace("-", "_")


# --------------------------------------------------------------------------- trajectory
@dataclass
class Trajectory:
    """A recall projected on the overlaps with two stored memories.

    Attributes
    ----------
    overlaps : ndarray, shape (steps + 1, 2)
        Row t: overlaps (m_a, m_b) of the state after t updates with ``digits``.
    digits : tuple
        The two stored memories (a is the one corrupted).
    pattern_overlap : float
        Overlap between the two memories: where each "perfect memory" sits.
    attractor : str
        The state reached, named by :func:`~hopfield_edu.attractors.classify_states`
        (after ``MAX_RECALL_STEPS`` updates in mode ``"steps"``: possibly not yet settled).
    """

    overlaps: np.ndarray
    digits: tuple
    pattern_overlap: float
    inhibitory_fraction: float
    inhibitory_mode: str
    mode: str
    noise: float
    label: str
    result: RecallResult
    attractor: str = ""


def _patterns_for(cfg, patterns, digits):
    """The patterns of ``digits`` (bundled prototypes by default); every digit must have one."""
    pats = _pattern_dict(patterns, cfg, list(digits))
    missing = [d for d in digits if d not in pats]
    if missing:
        raise ValueError(f"patterns has no entry for {missing}")
    return pats


def run_trajectory(config=None, patterns=None, *, inhibitory_fraction=0.0, inhibitory_mode="rows",
                   digits=(3, 8), noise=0.4, mode="steps", seed=None) -> Trajectory:
    """State-space trajectory: recall a noisy ``digits[0]`` in a network storing both digits.

    The notebook's figure: store 3 and 8 (similar shapes), flip 40 % of the
    bits of the 3, and follow the overlaps with 3 and with 8 during 1500 updates.
    Uses ``HopfieldNetwork.run(record_overlaps=True)``. The noisy probe and the
    update order depend only on the seed, so the standard and the inhibitory
    network start from the same state.
    """
    cfg = as_config(config)
    root = _root(cfg.SEED if seed is None else seed)
    if len(digits) != 2:
        raise ValueError(f"digits must name two stored memories, got {digits!r}")
    pats = _patterns_for(cfg, patterns, digits)
    a, b = (pats[d] for d in digits)
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    e = _EXP_CODES["trajectory"]
    net = HopfieldNetwork(cfg.NUM_NEURONS, inhibitory_fraction, inhibitory_mode,
                          rng=_gen(root, e, 0, _q(inhibitory_fraction))).train([a, b])
    probe = add_noise(a, noise, rng=_gen(root, e, 1, _q(noise)))
    res = net.run(probe, mode=mode, max_steps=cfg.MAX_RECALL_STEPS, max_sweeps=cfg.MAX_SWEEPS,
                  record_energy=True, record_overlaps=True, rng=_gen(root, e, 2, _MODE_CODES[mode]))
    lab = _classify_one(res.state, pats, tuple(digits), digits[0], net, inhibitory_mode)
    return Trajectory(overlaps=res.overlaps, digits=tuple(digits), pattern_overlap=overlap(a, b),
                      inhibitory_fraction=float(inhibitory_fraction),
                      inhibitory_mode=inhibitory_mode if inhibitory_fraction else "none", mode=mode,
                      noise=float(noise),
                      label=network_label(inhibitory_fraction, inhibitory_mode), result=res,
                      attractor=lab["attractor"])


# --------------------------------------------------------------------------- weights
def weight_matrices(config=None, patterns=None, *, digits=(0, 1, 2, 3, 4), inhibitory_modes=("rows",),
                    seed=None) -> dict[str, np.ndarray]:
    r"""Hebbian weight matrices :math:`W = \frac1M \sum_\mu \xi^\mu \xi^{\mu\top}` (zero diagonal).

    One per network type of ``config.INHIBITORY_FRACTIONS_TO_TEST`` (and per
    ``inhibitory_modes``), storing the prototypes of ``digits`` (0-4 as in the
    notebook). Returns ``{network label: (N, N) float array}``. The standard
    matrix is symmetric; negated rows give horizontal stripes, negated columns
    vertical ones.
    """
    cfg = as_config(config)
    root = _root(cfg.SEED if seed is None else seed)
    pats = _patterns_for(cfg, patterns, digits)
    stored = [pats[d] for d in digits]
    out = {}
    for frac, inh in network_variants(cfg, inhibitory_modes):
        net = HopfieldNetwork(cfg.NUM_NEURONS, frac, _engine_mode(inh),
                              rng=_gen(root, _EXP_CODES["weights"], 0, _q(frac))).train(stored)
        out[network_label(frac, inh)] = net.weights.copy()
    return out


# --------------------------------------------------------------------------- animation frames
@dataclass
class RecallFrames:
    """Snapshots of a recall for an animation: ``frames[i]`` is the state after ``steps[i]`` updates."""

    frames: np.ndarray
    steps: np.ndarray
    digit: int
    noise: float
    label: str
    final_overlap: float
    train_digits: tuple = ()
    attractor: str = ""
    mixture_of: str = ""
    m_mixture: float = float("nan")


def _classify_one(state, pats, train_digits, digit, net, inh_mode):
    """Attractor label (and best mixture) of one final state of a network storing ``train_digits``."""
    stored = np.array([pats[d] for d in train_digits])
    lab = classify_states([state], stored, [train_digits.index(digit)],
                          flip=_rows_flip(net, inh_mode if net.inhibitory_neurons.size else "none"),
                          labels=list(train_digits))
    return lab.iloc[0]


def _stored_digits(cfg, patterns, digit, train_digits):
    """Check that ``digit`` is among ``train_digits`` and every one has a pattern."""
    train_digits = tuple(train_digits)
    if digit not in train_digits:
        raise ValueError(f"digit {digit!r} must be one of the stored train_digits {train_digits}")
    return train_digits, _patterns_for(cfg, patterns, train_digits)


def recall_frames(config=None, patterns=None, *, inhibitory_fraction=0.0, inhibitory_mode="rows",
                  digit=8, noise=0.2, train_digits=(0, 1, 3, 5, 8), steps=800, record_every=5,
                  mode="steps", seed=None) -> RecallFrames:
    """The notebook's animated recall: a noisy 8 (20 %) in a network storing 0, 1, 3, 5, 8.

    Records the state every ``record_every`` single-neuron updates for ``steps``
    updates (800 and 5 in the notebook) through ``HopfieldNetwork.run(record_every=...)``.
    """
    cfg = as_config(config)
    root = _root(cfg.SEED if seed is None else seed)
    train_digits, pats = _stored_digits(cfg, patterns, digit, train_digits)
    record_every = check_positive_int(record_every, "record_every")
    steps = check_positive_int(steps, "steps")
    e = _EXP_CODES["animation"]
    net = HopfieldNetwork(cfg.NUM_NEURONS, inhibitory_fraction, inhibitory_mode,
                          rng=_gen(root, e, 0, _q(inhibitory_fraction)))
    net.train([pats[d] for d in train_digits])
    probe = add_noise(pats[digit], noise, rng=_gen(root, e, 1, _q(noise)))
    res = net.run(probe, mode=mode, max_steps=steps, max_sweeps=cfg.MAX_SWEEPS, record_energy=False,
                  record_every=record_every, rng=_gen(root, e, 2, _MODE_CODES[mode]))
    snaps = np.asarray(res.snapshots)
    lab = _classify_one(res.state, pats, train_digits, digit, net, inhibitory_mode)
    return RecallFrames(frames=snaps, steps=np.arange(len(snaps)) * record_every, digit=digit,
                        noise=float(noise), label=network_label(inhibitory_fraction, inhibitory_mode),
                        final_overlap=overlap(res.state, pats[digit]), train_digits=train_digits,
                        attractor=lab["attractor"], mixture_of=lab["mixture_of"],
                        m_mixture=float(lab["m_mixture"]))


# --------------------------------------------------------------------------- demo
@dataclass
class RecallDemo:
    """The notebook's final demonstration: original, corrupted and recalled digit."""

    original: np.ndarray
    noisy: np.ndarray
    recalled: np.ndarray
    digit: int
    noise: float
    train_digits: tuple
    mode: str
    overlap_before: float
    overlap_after: float
    attractor: str = ""
    mixture_of: str = ""
    m_mixture: float = float("nan")


#: The demo of ``reproduce``: a recall that is one (a 5 among two stored digits, run until stable) ...
DEMO_RECALL = dict(digit=5, noise=0.35, train_digits=(3, 5), mode="stable")
#: ... next to the notebook's setting, whose probe falls into the mixture of the five digits.
DEMO_FAILURE = dict(digit=5, noise=0.35, train_digits=(0, 1, 3, 5, 8), mode="stable")


def recall_demo(config=None, patterns=None, *, digit=5, noise=0.35, train_digits=(0, 1, 3, 5, 8),
                inhibitory_fraction=0.0, mode="steps", seed=None) -> RecallDemo:
    """Recall the prototype of ``digit`` with ``noise`` of its bits flipped (5 at 35 % in the notebook).

    ``attractor`` names the state reached (:func:`~hopfield_edu.attractors.classify_states`):
    the notebook's setting (the defaults; with ``mode="stable"``) ends in the mixture
    of the five stored digits, not in the 5; :data:`DEMO_RECALL` is a setting where
    the 5 is recalled.
    """
    cfg = as_config(config)
    root = _root(cfg.SEED if seed is None else seed)
    train_digits, pats = _stored_digits(cfg, patterns, digit, train_digits)
    e = _EXP_CODES["demo"]
    net = HopfieldNetwork(cfg.NUM_NEURONS, inhibitory_fraction,
                          rng=_gen(root, e, 0, _q(inhibitory_fraction)))
    net.train([pats[d] for d in train_digits])
    original = pats[digit].astype(np.int64)
    noisy = add_noise(original, noise, rng=_gen(root, e, 1, _q(noise)))
    res = net.run(noisy, mode=mode, max_steps=cfg.MAX_RECALL_STEPS, max_sweeps=cfg.MAX_SWEEPS,
                  record_energy=False, rng=_gen(root, e, 2, _MODE_CODES[mode]))
    lab = _classify_one(res.state, pats, train_digits, digit, net, "none")
    return RecallDemo(original=original, noisy=noisy, recalled=res.state, digit=digit, noise=float(noise),
                      train_digits=train_digits, mode=mode, overlap_before=overlap(noisy, original),
                      overlap_after=overlap(res.state, original), attractor=lab["attractor"],
                      mixture_of=lab["mixture_of"], m_mixture=float(lab["m_mixture"]))


# --------------------------------------------------------------------------- summaries
def _require(df, columns, what):
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} lacks the columns {missing}")


def accuracy_by_noise(df) -> pd.DataFrame:
    """Mean and SD (ddof = 1) of the accuracy per network, mode and noise level (long format)."""
    _require(df, ["noise", "accuracy", "network", "mode"], "df")
    g = df.groupby(["network", "mode", "noise"], sort=False)["accuracy"]
    out = g.agg(mean="mean", sd="std", n="size").reset_index()
    return out


def phase_space_centroids(df, min_accuracy=0.0) -> pd.DataFrame:
    """Centroids (mean accuracy, mean entropy) of the trials with accuracy > ``min_accuracy``.

    The notebook keeps only overlaps > 0 (it calls the rest anti-patterns); the
    columns ``kept`` and ``dropped`` say how many trials that filter kept and
    removed, which the notebook did not report.
    """
    _require(df, ["accuracy", "entropy", "network", "mode"], "df")
    keep = df["accuracy"] > min_accuracy
    rows = []
    for (name, mode), grp in df.groupby(["network", "mode"], sort=False):
        k = keep.loc[grp.index]
        sel = grp[k]
        rows.append({"network": name, "mode": mode,
                     "accuracy": float(sel["accuracy"].mean()) if len(sel) else float("nan"),
                     "entropy": float(sel["entropy"].mean()) if len(sel) else float("nan"),
                     "kept": int(k.sum()), "dropped": int((~k).sum())})
    return pd.DataFrame(rows)


def capacity_summary(df) -> pd.DataFrame:
    """Mean and SD over runs of ``avg_accuracy`` per network, mode and number of patterns."""
    _require(df, ["num_patterns", "avg_accuracy", "network", "mode"], "df")
    g = df.groupby(["network", "mode", "num_patterns"], sort=False)["avg_accuracy"]
    return g.agg(mean="mean", sd="std", n="size").reset_index()


# --------------------------------------------------------------------------- everything
@dataclass
class ExperimentResults:
    """Everything :func:`run_all` computes (the content of ``hopfield-edu reproduce``)."""

    config: ExperimentConfig
    seed: object
    noise: pd.DataFrame
    capacity: pd.DataFrame
    trajectories: list
    weights: dict
    frames: list
    demo: RecallDemo
    demo_failure: RecallDemo = None


def run_all(config=None, *, seed=None, animation_steps=800, record_every=5,
            progress=True) -> ExperimentResults:
    """Run every experiment of the notebook (and the side-by-side variants) once."""
    cfg = as_config(config)
    seed = cfg.SEED if seed is None else seed
    root = _root(seed)  # one root, so a Generator seed is consumed once
    noise = run_noise_robustness(cfg, seed=root, progress=progress)
    capacity = run_capacity(cfg, seed=root, progress=progress)
    return ExperimentResults(config=cfg, seed=seed, noise=noise, capacity=capacity,
                             **run_examples(cfg, root, animation_steps=animation_steps,
                                            record_every=record_every))


def _fractions(cfg):
    """Standard plus the first inhibitory fraction: the networks of the single-run figures."""
    inhibitory = [f for f in cfg.INHIBITORY_FRACTIONS_TO_TEST if f > 0]
    return [0.0] + inhibitory[:1]


def run_examples(cfg, root, *, animation_steps=800, record_every=5) -> dict:
    """The single runs of :func:`run_all`: trajectories, animations, the two demos and the
    weight matrices (milliseconds in all).

    ``root`` is :func:`run_all`'s root SeedSequence. Every experiment draws from its own
    child stream of it, so this, :func:`run_noise_robustness` and :func:`run_capacity`
    give the same numbers in any order, or in two processes at once. Returns the matching
    fields of :class:`ExperimentResults`.
    """
    inhibitory = _fractions(cfg)[1:]
    trajectories = [run_trajectory(cfg, inhibitory_fraction=f, inhibitory_mode=m, seed=root)
                    for f, m in ([(0.0, "rows")] + [(f, m) for f in inhibitory
                                                      for m in cfg.INHIBITORY_MODES])]
    frames = [recall_frames(cfg, inhibitory_fraction=f, steps=animation_steps,
                            record_every=record_every, seed=root) for f in _fractions(cfg)]
    weights = weight_matrices(cfg.replace(INHIBITORY_FRACTIONS_TO_TEST=tuple(_fractions(cfg))),
                              inhibitory_modes=cfg.INHIBITORY_MODES, seed=root)
    return {"trajectories": trajectories, "frames": frames, "weights": weights,
            "demo": recall_demo(cfg, seed=root, **DEMO_RECALL),
            "demo_failure": recall_demo(cfg, seed=root, **DEMO_FAILURE)}
