"""The fast Hopfield engine used at MNIST scale (seed 000's ``HopfieldNetwork``).

The interface of the research notebook is kept, so its code runs unchanged::

    net = HopfieldNetwork(784, inhibitory_fraction=0.2)
    net.train(patterns)
    final_state, energy_history = net.recall(noisy, max_steps=1500)
    net.calculate_energy(final_state)

and extended with a seed (``rng``), four kinds of dynamics (see :meth:`HopfieldNetwork.run`),
both readings of "inhibitory neurons", arbitrary user weights and a batch call.

Differences from the research notebook, on purpose
--------------------------------------------------
- Normalisation: :meth:`~HopfieldNetwork.train` divides the Hebbian sum by the number
  of patterns M, as the research notebook does; the teaching notebook
  (:func:`hopfield_edu.train_hopfield`) divides by N. A positive factor changes no
  sign, so the dynamics are identical; energies differ by the factor N/M.
  ``train(..., normalization="neurons")`` gives the 1/N convention.
- Randomness comes from a :class:`numpy.random.Generator` (``rng``), never from
  NumPy's global state, so a seed reproduces a run exactly.
- Ties (h_i = 0 → +1) are decided in exact integer arithmetic; the research
  notebook's float sums of k/M can land at ±1e-16 and break the tie rule.
- Recalled states are returned as int64 ±1 vectors (the notebook returned float64).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _kernels as K
from ._rng import draw_seed, draw_seed63
from ._validation import (
    as_generator,
    as_spin_matrix,
    as_spin_vector,
    as_theta,
    as_weights,
    check_fraction,
    check_positive_int,
    check_temperature,
)

__all__ = ["HopfieldNetwork", "RecallResult", "BatchResult", "MODES", "INHIBITORY_MODES"]

#: Recall modes: seed-faithful fixed step count, sweeps until stable, synchronous.
MODES = ("steps", "stable", "sync")
#: How inhibitory neurons act: ``rows`` negates their inputs (the research notebook's
#: code), ``columns`` negates their outputs (what its comment describes).
INHIBITORY_MODES = ("rows", "columns")

_EMPTY_SEQ = np.zeros(0, dtype=np.int64)


@dataclass
class RecallResult:
    """Everything one recall produced.

    Attributes
    ----------
    state : ndarray of int64
        Final state (±1).
    energy : ndarray of float
        Energy after each update (single-neuron step, or synchronous step in
        ``sync`` mode); empty when not recorded.
    initial_energy : float
        Energy of the initial state.
    steps : int
        Updates performed (single-neuron updates; synchronous steps in ``sync`` mode).
    sweeps : int
        Completed sweeps of N single-neuron updates (``steps // N`` in ``steps`` mode).
    converged : bool
        ``stable``: the last sweep flipped nothing. ``sync``: reached a fixed point.
        ``steps``: always False (a fixed count of updates says nothing about stability).
    flips : int
        Number of updates that changed a neuron.
    cycle : bool
        ``sync`` only: ended in a 2-cycle (state(t+1) == state(t-1) != state(t)).
    overlaps : ndarray or None
        If requested: overlap m_mu = xi^mu . s / N with every stored pattern,
        row 0 the initial state, one row per update after it.
    snapshots : ndarray or None
        If requested: the state every ``record_every`` updates, row 0 the initial state.
    """

    state: np.ndarray
    energy: np.ndarray
    initial_energy: float
    steps: int
    sweeps: int
    converged: bool
    flips: int
    mode: str
    temperature: float
    cycle: bool = False
    overlaps: np.ndarray | None = None
    snapshots: np.ndarray | None = None


@dataclass
class BatchResult:
    """Results of :meth:`HopfieldNetwork.recall_batch`, one entry per initial state."""

    states: np.ndarray
    energies: list = field(default_factory=list)
    steps: np.ndarray = None
    sweeps: np.ndarray = None
    converged: np.ndarray = None
    flips: np.ndarray = None

    @property
    def energy_array(self) -> np.ndarray:
        """Energies stacked to a (B, L) array; only when every trace has the same length."""
        lengths = {len(e) for e in self.energies}
        if len(lengths) > 1:
            raise ValueError("energy traces have different lengths (mode 'stable' or 'sync'); "
                             "use the list .energies instead")
        return np.vstack(self.energies) if self.energies else np.zeros((0, 0))


class HopfieldNetwork:
    """Hopfield network of ±1 neurons with a fast Numba engine.

    Parameters
    ----------
    num_neurons : int
        N, the number of neurons (784 for MNIST).
    inhibitory_fraction : float in [0, 1), default 0.0
        Fraction f of neurons made inhibitory; ``int(f * N)`` neurons are chosen
        uniformly without replacement.
    inhibitory_mode : {"rows", "columns"}, default "rows"
        ``"rows"`` negates the *rows* of W (the inputs of the chosen neurons): this is
        what the research notebook's code does, although its comment says it makes
        their *outputs* inhibitory. An inhibitory neuron then follows the opposite of
        its field, so recall ends with those bits flipped and the overlap with the
        stored pattern is about ``1 - 2 f`` (0.6 for f = 0.2).
        ``"columns"`` negates the *columns* (their outputs), which is the described
        Dale-like variant. Either way W is no longer symmetric, so the energy is no
        longer guaranteed to decrease.
    rng : None, int or numpy.random.Generator
        Seed or generator for the choice of inhibitory neurons and for recall.

    Attributes
    ----------
    N : int
    inhibitory_neurons : ndarray of int
        Sorted indices of the inhibitory neurons.
    """

    def __init__(self, num_neurons, inhibitory_fraction=0.0, inhibitory_mode="rows", rng=None):
        self.N = check_positive_int(num_neurons, "num_neurons")
        self.inhibitory_fraction = check_fraction(
            inhibitory_fraction, "inhibitory_fraction", high_inclusive=False)
        if inhibitory_mode not in INHIBITORY_MODES:
            raise ValueError(f"inhibitory_mode must be one of {INHIBITORY_MODES}, got {inhibitory_mode!r}")
        self.inhibitory_mode = inhibitory_mode
        self.rng = as_generator(rng)
        k = int(self.N * self.inhibitory_fraction)
        if k > 0:
            self.inhibitory_neurons = np.sort(self.rng.choice(self.N, size=k, replace=False))
        else:
            self.inhibitory_neurons = np.zeros(0, dtype=np.int64)
        self._signs = np.ones(self.N, dtype=np.int8)
        self._signs[self.inhibitory_neurons] = -1
        self._xi = None          # (M, N) int8 stored patterns (Hebbian representation)
        self._xiT = None         # (N, M) contiguous copy for the kernel
        self._scale = None       # M or N
        self._dense = None       # (N, N) float64 user weights
        self._theta = np.zeros(self.N)
        self._symmetric = True
        self._weights_cache = None

    # ------------------------------------------------------------------ training
    @property
    def num_neurons(self) -> int:
        return self.N

    @property
    def patterns(self) -> np.ndarray | None:
        """Stored patterns as an (M, N) int64 array, or None (untrained or dense weights)."""
        return None if self._xi is None else self._xi.astype(np.int64)

    @property
    def num_patterns(self) -> int:
        return 0 if self._xi is None else self._xi.shape[0]

    def train(self, patterns, normalization="patterns"):
        r"""Store patterns with the Hebbian rule.

        .. math:: w_{ij} = \frac{1}{c} \sum_{\mu=1}^{M} \xi_i^\mu \xi_j^\mu,\quad w_{ii} = 0,

        with :math:`c = M` (``normalization="patterns"``, the research notebook) or
        :math:`c = N` (``"neurons"``, the teaching notebook); then the inhibitory
        sign flips (rows or columns). Replaces whatever was stored before.
        """
        xi = as_spin_matrix(patterns, name="patterns", n=self.N)
        if normalization not in ("patterns", "neurons"):
            raise ValueError(f"normalization must be 'patterns' (1/M) or 'neurons' (1/N), got {normalization!r}")
        self._xi = xi
        self._xiT = np.ascontiguousarray(xi.T)
        self._scale = float(xi.shape[0] if normalization == "patterns" else self.N)
        self._dense = None
        self._theta = np.zeros(self.N)
        self._symmetric = self.inhibitory_neurons.size == 0
        self._weights_cache = None
        return self

    def set_weights(self, weights, theta=None):
        """Use an arbitrary (N, N) weight matrix (and thresholds) instead of Hebbian storage.

        The matrix is used as given (no inhibitory sign flips are applied). Any
        rule works, e.g. ``net.set_weights(pseudo_inverse(patterns))``.
        """
        self._dense = as_weights(weights, n=self.N)
        self._theta = as_theta(theta, self.N)
        self._symmetric = bool(np.array_equal(self._dense, self._dense.T))
        self._xi = self._xiT = self._scale = None
        self._weights_cache = None
        return self

    @property
    def weights(self) -> np.ndarray:
        """The dense (N, N) weight matrix W (row i = inputs of neuron i), built on demand."""
        if self._dense is not None:
            return self._dense
        if self._xi is None:
            return np.zeros((self.N, self.N))
        if self._weights_cache is None:
            # exact int64 sums, no BLAS (same numbers; OpenBLAS's worker threads would spin
            # on after the call, costing CPU time on a shared machine)
            xi = self._xi.astype(np.int64)
            w = (xi.T @ xi).astype(np.float64)
            np.fill_diagonal(w, 0.0)
            w /= self._scale
            if self.inhibitory_neurons.size:
                if self.inhibitory_mode == "rows":
                    w[self.inhibitory_neurons, :] *= -1
                else:
                    w[:, self.inhibitory_neurons] *= -1
            self._weights_cache = w
        return self._weights_cache

    @weights.setter
    def weights(self, value):
        self.set_weights(value)

    @property
    def theta(self) -> np.ndarray:
        return self._theta.copy()

    def _require_trained(self):
        if self._xi is None and self._dense is None:
            raise ValueError("the network stores nothing yet: call train(patterns) or set_weights(W) first")

    @property
    def _inh_code(self):
        if self.inhibitory_neurons.size == 0:
            return K.INH_NONE
        return K.INH_ROWS if self.inhibitory_mode == "rows" else K.INH_COLUMNS

    # ------------------------------------------------------------------ analysis
    def calculate_energy(self, state) -> float:
        r"""Energy :math:`E = -\tfrac12 s^\top W s + \theta^\top s` of a state (see
        :func:`hopfield_edu.compute_energy` for the sign of the threshold term)."""
        s = as_spin_vector(state, n=self.N)
        self._require_trained()
        if self._dense is not None:
            sf = s.astype(np.float64)
            return float(-0.5 * sf @ self._dense @ sf + self._theta @ sf)
        m = self._xi.astype(np.int64) @ s.astype(np.int64)
        q = int(m @ m)
        if self._inh_code != K.INH_NONE:
            inh = self.inhibitory_neurons
            mt = self._xi[:, inh].astype(np.int64) @ s[inh].astype(np.int64)
            q -= 2 * int(m @ mt)
        const = self.num_patterns * int(self._signs.astype(np.int64).sum())
        return -(q - const) / (2.0 * self._scale)

    def local_field(self, state) -> np.ndarray:
        r"""Local fields :math:`h_i = \sum_j w_{ij} s_j - \theta_i` of every neuron."""
        s = as_spin_vector(state, n=self.N)
        self._require_trained()
        return self._fields(s.astype(np.int64))

    def _fields(self, s):
        if self._dense is not None:
            return self._dense @ s.astype(np.float64) - self._theta
        xi = self._xi.astype(np.int64)
        mp = self.num_patterns
        d = self._signs.astype(np.int64)
        if self._inh_code == K.INH_COLUMNS:
            a = xi.T @ (xi @ (d * s)) - mp * d * s
        else:
            a = xi.T @ (xi @ s) - mp * s
            if self._inh_code == K.INH_ROWS:
                a = d * a
        return a / self._scale

    def overlaps(self, state) -> np.ndarray:
        """Overlap m_mu = xi^mu . s / N of a state with every stored pattern."""
        s = as_spin_vector(state, n=self.N)
        if self._xi is None:
            raise ValueError("overlaps need stored patterns: call train(patterns) first")
        return (self._xi.astype(np.int64) @ s.astype(np.int64)) / self.N

    # ------------------------------------------------------------------ dynamics
    def recall(self, initial_pattern, max_steps=100, record_energy=True, *, mode="steps",
               temperature=0.0, max_sweeps=100, rng=None):
        """Recall from an initial state; the research notebook's interface.

        Returns ``(final_state, energy_history)``. With the defaults this is the
        notebook's dynamics: exactly ``max_steps`` single-neuron updates, each
        neuron drawn uniformly with replacement, and the energy after each step.
        See :meth:`run` for the other modes and the full result.
        """
        x = initial_pattern
        if (mode == "steps" and type(max_steps) is int and max_steps >= 0 and rng is None
                and self._xi is not None and temperature == 0 and type(temperature) in (int, float)
                and type(x) is np.ndarray and x.ndim == 1 and x.size == self.N
                and x.dtype.kind in "if"):
            # The research workload's call, kept lean: 1500 steps take ~15 us, so Python
            # overhead matters. The kernel checks the values itself; same kernel and random
            # stream as run() (tested equal).
            ok, state, _, en, _ = K.hebb_steps_fast(
                self._xi, self._xiT, self._signs, self._inh_code, self._scale, x, max_steps,
                draw_seed63(self.rng), bool(record_energy))
            if ok:
                return state, en
            as_spin_vector(x, name="initial_pattern", n=self.N)  # raises the clear error
        res = self.run(initial_pattern, mode=mode, max_steps=max_steps, max_sweeps=max_sweeps,
                       temperature=temperature, record_energy=record_energy, rng=rng)
        return res.state, res.energy

    def run(self, initial_pattern, *, mode="steps", max_steps=100, max_sweeps=100,
            temperature=0.0, record_energy=True, record_overlaps=False, record_every=None,
            rng=None, sequence=None) -> RecallResult:
        r"""Run the dynamics from ``initial_pattern`` and return a :class:`RecallResult`.

        Modes
        -----
        ``"steps"`` (research notebook)
            Exactly ``max_steps`` single-neuron updates, the neuron drawn uniformly
            *with replacement* (or taken from ``sequence``). 1500 steps on 784
            neurons are only about 1.9 sweeps: ``(1 - 1/N)^1500`` ≈ 15 % of the
            neurons are never visited.
        ``"stable"``
            Sweeps in a fresh random permutation of the neurons until one full sweep
            flips nothing (a fixed point) or ``max_sweeps`` sweeps are done. At
            T > 0 it runs exactly ``max_sweeps`` sweeps (there is no fixed point).
        ``"sync"``
            All neurons at once, :math:`s \leftarrow \operatorname{sign}(Ws)`, for at
            most ``max_steps`` steps; stops at a fixed point or a 2-cycle.

        Temperature
        -----------
        ``temperature = T > 0`` replaces the sign rule by Glauber (heat-bath)
        dynamics, :math:`P(s_i = +1) = 1 / (1 + e^{-2 h_i / T})`, the Ising model in
        contact with a heat bath at temperature T. T = 0 is the deterministic rule
        with ties :math:`h_i = 0 \to +1`. The temperature is measured in units of
        the field, so use ``train(..., normalization="neurons")`` for the textbook
        scale (fields O(1), critical temperature T_c = 1 for one pattern); with the
        research notebook's 1/M the fields are N/M times larger and so is every
        temperature.

        Other parameters
        ----------------
        record_overlaps : bool
            Record the overlap with every stored pattern after each update (Hebbian
            storage only; memory is (steps + 1) x M).
        record_every : int, optional
            Keep a snapshot of the state every this many updates (for animations).
        rng : None, int or Generator
            Randomness of this run; defaults to the network's generator.
        sequence : array of int, optional
            ``steps`` mode only: the neurons to update, in order (for testing
            against other implementations). ``max_steps`` is then ``len(sequence)``.
        """
        self._require_trained()
        s = as_spin_vector(initial_pattern, name="initial_pattern", n=self.N)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        max_steps = check_positive_int(max_steps, "max_steps", minimum=0)
        max_sweeps = check_positive_int(max_sweeps, "max_sweeps", minimum=1)
        temperature = check_temperature(temperature)
        record_every = 0 if record_every is None else check_positive_int(record_every, "record_every")
        gen = self.rng if rng is None else as_generator(rng)
        if record_overlaps and self._xi is None:
            raise ValueError("record_overlaps needs Hebbian storage (train(patterns)), not set_weights")
        if sequence is not None:
            if mode != "steps":
                raise ValueError("sequence is only used in mode='steps'")
            seq = np.asarray(sequence)
            if seq.ndim != 1 or not np.issubdtype(seq.dtype, np.integer):
                raise TypeError("sequence must be a 1-D array of integer neuron indices")
            if seq.size and (seq.min() < 0 or seq.max() >= self.N):
                raise ValueError(f"sequence indices must be in [0, {self.N - 1}]")
            seq = seq.astype(np.int64)
        else:
            seq = _EMPTY_SEQ

        if mode == "sync":
            return self._run_sync(s, max_steps, temperature, record_energy, record_overlaps,
                                  record_every, gen)
        schedule = K.SCHEDULE_STEPS if mode == "steps" else K.SCHEDULE_SWEEPS
        state = s  # already a fresh int8 copy
        if (self._xi is not None and mode == "steps" and temperature == 0.0 and not seq.size
                and not record_overlaps and not record_every):
            _, state, flips, en, e0 = K.hebb_steps_fast(
                self._xi, self._xiT, self._signs, self._inh_code, self._scale, state, max_steps,
                draw_seed63(gen), bool(record_energy))
            return RecallResult(state=state, energy=en, initial_energy=float(e0),
                                steps=max_steps, sweeps=max_steps // self.N, converged=False,
                                flips=int(flips), mode=mode, temperature=temperature)
        if self._xi is not None:
            work = K.hebb_run_buffers(self.N, self._xiT.shape[1], schedule, max_steps, max_sweeps,
                                      seq.shape[0], record_energy, record_overlaps, record_every)
            steps, sweeps, conv, flips, n_snaps, e0 = K.hebb_run(
                self._xiT, self._signs, self._inh_code, self._scale, state, schedule,
                max_steps, max_sweeps, temperature, draw_seed(gen), seq, bool(record_energy),
                bool(record_overlaps), record_every, *work)
            en, ov, snaps = work[2], work[3], work[4][:n_snaps]
            en = en[:steps] if record_energy else en
            ov = ov[:steps + 1] if record_overlaps else ov
        else:
            steps, sweeps, conv, flips, en, snaps, e0 = K.dense_run(
                self._dense, self._theta, self._symmetric, state, schedule, max_steps,
                max_sweeps, temperature, draw_seed(gen), seq, bool(record_energy), record_every)
            ov = None
        return RecallResult(
            state=state.astype(np.int64), energy=en, initial_energy=float(e0), steps=int(steps),
            sweeps=int(sweeps), converged=bool(conv), flips=int(flips), mode=mode,
            temperature=temperature,
            overlaps=(ov / self.N) if record_overlaps else None,
            snapshots=snaps if record_every else None,
        )

    def _run_sync(self, s, max_steps, temperature, record_energy, record_overlaps,
                  record_every, gen):
        state = s.astype(np.int64)
        prev = None
        energies, overlaps, snaps = [], [], []
        e0 = self.calculate_energy(state)
        if record_overlaps:
            overlaps.append(self._xi.astype(np.int64) @ state)
        if record_every:
            snaps.append(state.astype(np.int8))
        converged = cycle = False
        flips = steps = 0
        while steps < max_steps:
            h = self._fields(state)
            if temperature > 0:
                p_up = 1.0 / (1.0 + np.exp(-2.0 * h / temperature))
                new = np.where(gen.random(self.N) < p_up, 1, -1)
            else:
                new = np.where(h >= 0, 1, -1)
            steps += 1
            changed = int(np.count_nonzero(new != state))
            flips += changed
            if record_energy:
                energies.append(self.calculate_energy(new))
            if record_overlaps:
                overlaps.append(self._xi.astype(np.int64) @ new)
            if record_every and steps % record_every == 0:
                snaps.append(new.astype(np.int8))
            if temperature == 0:
                if changed == 0:
                    converged = True
                elif prev is not None and np.array_equal(new, prev):
                    cycle = True
            prev, state = state, new
            if converged or cycle:
                break
        return RecallResult(
            state=state, energy=np.asarray(energies, dtype=np.float64), initial_energy=e0,
            steps=steps, sweeps=steps, converged=converged, flips=flips, mode="sync",
            temperature=temperature, cycle=cycle,
            overlaps=np.asarray(overlaps) / self.N if record_overlaps else None,
            snapshots=np.asarray(snaps, dtype=np.int8) if record_every else None,
        )

    def recall_batch(self, initial_states, max_steps=100, record_energy=True, *, mode="steps",
                     temperature=0.0, max_sweeps=100, rng=None) -> BatchResult:
        """Recall every row of ``initial_states`` (B, N) in one call.

        The rows run one after another on the same generator, so a seed fixes the
        whole batch. Returns a :class:`BatchResult`.
        """
        x = as_spin_matrix(initial_states, name="initial_states", n=self.N)
        gen = self.rng if rng is None else as_generator(rng)
        results = [self.run(row, mode=mode, max_steps=max_steps, max_sweeps=max_sweeps,
                            temperature=temperature, record_energy=record_energy, rng=gen)
                   for row in x]
        return BatchResult(
            states=np.array([r.state for r in results], dtype=np.int64).reshape(len(results), self.N),
            energies=[r.energy for r in results],
            steps=np.array([r.steps for r in results]),
            sweeps=np.array([r.sweeps for r in results]),
            converged=np.array([r.converged for r in results]),
            flips=np.array([r.flips for r in results]),
        )

    def __repr__(self):
        what = (f"{self.num_patterns} patterns" if self._xi is not None
                else "dense weights" if self._dense is not None else "untrained")
        inh = (f", {self.inhibitory_neurons.size} inhibitory ({self.inhibitory_mode})"
               if self.inhibitory_neurons.size else "")
        return f"HopfieldNetwork(N={self.N}, {what}{inh})"
