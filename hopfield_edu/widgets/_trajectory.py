"""Recall trajectories for the playgrounds: every update, recorded so the browser can replay it.

All dynamics are the engine's (:meth:`HopfieldNetwork.run`); this module only chooses
the neurons (so the one being updated is known and can be highlighted) and records, for
each update, which neurons it set, the energy and the overlaps after it.

Schedules
---------
``stable``
    Sweeps in a fresh random permutation of the neurons until a whole sweep flips
    nothing (a fixed point of the T = 0 dynamics), or ``max_sweeps`` sweeps (always all
    of them at T > 0, where there is no fixed point).
``steps``
    Exactly ``steps`` single-neuron updates, each neuron drawn uniformly with
    replacement: the research ("seed") notebook's 1500-step recall.
``sync``
    All neurons at once, until a fixed point, a 2-cycle or ``steps`` steps.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine import HopfieldNetwork, RecallResult

__all__ = ["Trajectory", "trajectory", "SCHEDULES"]

SCHEDULES = ("stable", "steps", "sync")


@dataclass
class Trajectory:
    """One recall, update by update.

    Attributes
    ----------
    start, final : ndarray of int64
    index, value : ndarray of int64
        The neurons set, in order, and their new values; update k set the entries
        ``ends[k-1]:ends[k]`` (one neuron for an asynchronous update, even when it keeps
        its value; the flipped neurons for a synchronous step).
    ends : ndarray of int64, shape (U,)
    energy : ndarray, shape (U,)
        Energy after each update.
    overlaps : ndarray, shape (U + 1, M)
        Overlaps with the stored patterns, row 0 the start.
    """

    start: np.ndarray
    final: np.ndarray
    index: np.ndarray
    value: np.ndarray
    ends: np.ndarray
    energy: np.ndarray
    overlaps: np.ndarray
    initial_energy: float
    schedule: str
    temperature: float
    converged: bool = False
    cycle: bool = False
    sweeps: int = 0
    flips: int = 0

    def __len__(self):
        return len(self.ends)

    def state_at(self, k) -> np.ndarray:
        """The state after the first ``k`` updates (the last write to a neuron wins)."""
        s = self.start.copy()
        e = int(self.ends[k - 1]) if k > 0 else 0
        if e:
            rev_idx = self.index[:e][::-1]
            neurons, last = np.unique(rev_idx, return_index=True)
            s[neurons] = self.value[:e][::-1][last]
        return s

    def update(self, k):
        """(indices, values) set by update k."""
        lo = int(self.ends[k - 1]) if k > 0 else 0
        return self.index[lo:self.ends[k]], self.value[lo:self.ends[k]]

    def result(self) -> RecallResult:
        """The same recall as the engine's :class:`~hopfield_edu.engine.RecallResult`."""
        return RecallResult(
            state=self.final.copy(), energy=np.asarray(self.energy, dtype=float),
            initial_energy=float(self.initial_energy), steps=len(self), sweeps=self.sweeps,
            converged=self.converged, flips=self.flips, mode=self.schedule,
            temperature=self.temperature, cycle=self.cycle, overlaps=self.overlaps.copy())


def _async_chunk(net, state, sequence, temperature, rng):
    res = net.run(state, mode="steps", sequence=sequence, temperature=temperature, rng=rng,
                  record_overlaps=True, record_every=1)
    values = res.snapshots[np.arange(1, len(sequence) + 1), sequence].astype(np.int64)
    return res, values


def trajectory(net: HopfieldNetwork, start, *, schedule="stable", temperature=0.0, rng=None,
               max_sweeps=100, steps=1500) -> Trajectory:
    """Run the dynamics from ``start`` and record every update (see the module docstring)."""
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    rng = net.rng if rng is None else rng
    s = np.asarray(start, dtype=np.int64).copy()
    n = net.num_neurons
    index, value, ends, energies, overlaps = [], [], [], [], [net.overlaps(s)[None, :]]
    out = dict(converged=False, cycle=False, sweeps=0, flips=0)
    if schedule == "sync":
        res = net.run(s, mode="sync", max_steps=steps, temperature=temperature, rng=rng,
                      record_overlaps=True, record_every=1)
        snaps = res.snapshots.astype(np.int64)
        total = 0
        for a, b in zip(snaps[:-1], snaps[1:]):
            idx = np.flatnonzero(a != b)
            index.append(idx)
            value.append(b[idx])
            total += idx.size
            ends.append(total)
        ends = [np.asarray(ends, dtype=np.int64)]
        energies.append(res.energy)
        overlaps.append(res.overlaps[1:])
        out.update(converged=res.converged, cycle=res.cycle, sweeps=res.steps, flips=res.flips)
        s = res.state.astype(np.int64)
    else:
        chunks = ([rng.integers(n, size=int(steps))] if schedule == "steps"
                  else (rng.permutation(n) for _ in range(max_sweeps)))
        done = 0
        for seq in chunks:
            seq = np.asarray(seq, dtype=np.int64)
            if not seq.size:
                break
            res, vals = _async_chunk(net, s, seq, temperature, rng)
            index.append(seq)
            value.append(vals)
            ends.append(done + np.arange(1, seq.size + 1))
            done += seq.size
            energies.append(res.energy)
            overlaps.append(res.overlaps[1:])
            out["flips"] += res.flips
            s = res.state.astype(np.int64)
            if schedule == "stable":
                out["sweeps"] += 1
                if temperature == 0 and res.flips == 0:
                    out["converged"] = True
                    break
        if schedule == "steps":
            out["sweeps"] = int(steps) // n

    def cat(parts, dtype):
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

    return Trajectory(start=np.asarray(start, dtype=np.int64).copy(), final=s,
                      index=cat(index, np.int64), value=cat(value, np.int64),
                      ends=cat(ends, np.int64), energy=cat(energies, float),
                      overlaps=np.vstack(overlaps).astype(float),
                      initial_energy=net.calculate_energy(np.asarray(start)),
                      schedule=schedule, temperature=float(temperature), **out)


def dense_trajectory(patterns, start, n=3, *, schedule="stable", rng=None, max_sweeps=50,
                     steps=1500) -> Trajectory:
    r"""A recall in a dense associative memory (:mod:`hopfield_edu.dense`), update by update.

    The rule is :func:`hopfield_edu.dense.dense_update`'s (Krotov & Hopfield 2016, eq. 3:
    :math:`\sigma_i` takes the value of lower :math:`E = -\sum_\mu F(\xi^\mu\cdot\sigma)`,
    ties to +1), computed from the M integer overlaps kept up to date after each flip, so
    an update costs O(M) as in :func:`~hopfield_edu.dense.dense_recall`. Schedules as
    :func:`trajectory` (``stable`` or ``steps``; there is no synchronous dense rule here).
    The energy is :func:`~hopfield_edu.dense.dense_energy`, for ``"exp"`` its logarithmic
    form :math:`-\ln(-E)` (``log=True``), which orders states as E does and stays finite.
    """
    from .. import dense  # the dense rule and energy, written once there

    if schedule not in ("stable", "steps"):
        raise ValueError(f"a dense memory runs 'stable' or 'steps', got {schedule!r}")
    n = dense._check_order(n)
    xi = np.asarray(patterns, dtype=np.int64)
    s = np.asarray(start, dtype=np.int64).copy()
    num = s.size
    log = n == "exp"
    m = xi @ s
    rng = np.random.default_rng() if rng is None else rng
    chunks = ([rng.integers(num, size=int(steps))] if schedule == "steps"
              else (rng.permutation(num) for _ in range(max_sweeps)))
    index, value, energy, overlaps = [], [], [], [m / num]
    e = dense.dense_energy(s, xi, n, log=log)
    e0 = e
    flips = sweeps = 0
    converged = False
    for seq in chunks:
        flipped = 0
        for i in seq:
            i = int(i)
            rest = m - xi[:, i] * s[i]
            new = dense._field_sign(xi[:, i], rest, n)
            if new != s[i]:
                s[i] = new
                m = rest + xi[:, i] * new
                e = dense.dense_energy(s, xi, n, log=log)
                flipped += 1
            index.append(i)
            value.append(new)
            energy.append(e)
            overlaps.append(m / num)
        flips += flipped
        if schedule == "stable":
            sweeps += 1
            if flipped == 0:
                converged = True
                break
    if schedule == "steps":
        sweeps = int(steps) // num
    u = len(index)
    return Trajectory(start=np.asarray(start, dtype=np.int64).copy(), final=s,
                      index=np.asarray(index, dtype=np.int64),
                      value=np.asarray(value, dtype=np.int64),
                      ends=np.arange(1, u + 1, dtype=np.int64),
                      energy=np.asarray(energy, dtype=float),
                      overlaps=np.vstack(overlaps).astype(float), initial_energy=float(e0),
                      schedule=schedule, temperature=0.0, converged=converged,
                      sweeps=sweeps, flips=flips)
