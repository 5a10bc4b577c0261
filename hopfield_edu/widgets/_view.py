"""SpinView: one anywidget that shows a ±1 grid you can paint with the mouse, plays a recall
trajectory in the browser and draws the live plots (energy, overlaps, neighbour energies).

The state crosses to the browser as one int8 array (a bytes trait), the trajectory as one
int32 array of signed neuron indices; the browser applies the updates itself, paced by the
clock with ``requestAnimationFrame``, so the delivered speed does not depend on the kernel's
round trip. The front end lives in ``_view.js`` / ``_view.css`` next to this file (plain
canvas drawing: no request leaves the page).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import anywidget
import numpy as np
import traitlets as t
from ipywidgets.widgets.trait_types import bytes_serialization

__all__ = ["SpinView", "Timeline"]

_HERE = Path(__file__).parent
#: Plotted samples at most; longer traces are thinned (the last update always kept).
MAX_SAMPLES = 4000
#: Largest network whose weights go to the browser for the neighbour-energy panel.
NEIGHBOUR_MAX_N = 64


def _b(tag_default=b""):
    return t.Bytes(tag_default).tag(sync=True, **bytes_serialization)


@dataclass
class Timeline:
    """What the plots show: energy and overlaps after each update since the last edit."""

    energy: np.ndarray      # (T + 1,)
    overlaps: np.ndarray    # (T + 1, M)

    def thinned(self, limit=MAX_SAMPLES):
        """Sample indices to plot: all of them, or ``limit`` evenly spaced ones (first and last kept)."""
        count = len(self.energy)
        if count <= limit:
            return np.arange(count)
        return np.unique(np.linspace(0, count - 1, limit).round().astype(np.int64))


class SpinView(anywidget.AnyWidget):
    """The grid, its paint tools, the browser-side player and the live plots.

    Python owns the model; the view shows ``state`` after applying the first
    ``position - base`` pending updates of ``traj``. A finished or paused playback
    sets ``position`` and increments ``reports``; a paint stroke sets ``state`` and
    increments ``strokes``.
    """

    _esm = _HERE / "_view.js"
    _css = _HERE / "_view.css"

    rows = t.Int(5).tag(sync=True)
    cols = t.Int(5).tag(sync=True)
    state = _b()
    max_px = t.Int(360).tag(sync=True)      # the grid's longest side in CSS pixels
    tool = t.Unicode("auto").tag(sync=True)  # auto (toggle by first cell) | paint | erase
    brush = t.Int(1).tag(sync=True)
    editable = t.Bool(True).tag(sync=True)
    highlight = t.Int(-1).tag(sync=True)
    strokes = t.Int(0).tag(sync=True)
    # playback
    base = t.Int(0).tag(sync=True)
    traj = _b()
    traj_ends = _b()
    position = t.Int(0).tag(sync=True)
    playing = t.Bool(False).tag(sync=True)
    rate = t.Float(10.0).tag(sync=True)
    delivered = t.Float(0.0).tag(sync=True)
    reports = t.Int(0).tag(sync=True)
    # plots
    trace_x = _b()
    energy = _b()
    overlaps = _b()
    names = t.List(t.Unicode()).tag(sync=True)
    energy_label = t.Unicode("Energy E = −½ sᵀWs").tag(sync=True)
    ref_energies = t.List(t.Float()).tag(sync=True)
    weights = _b()
    theta = _b()

    def read_state(self) -> np.ndarray:
        """The state the browser last sent (or Python last set), as int64 ±1."""
        return np.frombuffer(self.state, dtype=np.int8).astype(np.int64)

    def set_timeline(self, timeline: Timeline, names, refs):
        """Send the energy and overlap traces (thinned to at most MAX_SAMPLES points)."""
        keep = timeline.thinned()
        with self.hold_sync():
            self.trace_x = keep.astype("<i4").tobytes()
            self.energy = np.asarray(timeline.energy, dtype="<f8")[keep].tobytes()
            ov = np.asarray(timeline.overlaps, dtype="<f4").reshape(len(timeline.energy), len(names))
            self.overlaps = np.ascontiguousarray(ov[keep]).tobytes()
            self.names = [str(n) for n in names]
            self.ref_energies = [float(e) for e in refs]

    def show(self, state, energy, overlaps, names, refs, *, replay=None, highlight=-1,
             editable=True, play=False):
        """Show a committed state and its timeline, plus a pending replay, in one message.

        Parameters
        ----------
        state : ±1 array, the state after the committed updates
        energy, overlaps : the committed timeline, (T + 1,) and (T + 1, M)
        names, refs : pattern names and their energies (dotted lines)
        replay : Trajectory, optional
            Pending updates after ``state`` (its ``index``/``value``/``ends``, ``energy``
            and ``overlaps`` rows 1..); the plots get the whole timeline, the browser draws
            it up to the update it shows.
        play : bool
            Start the replay in the browser.
        """
        energy = np.asarray(energy, dtype=float)
        overlaps = np.asarray(overlaps, dtype=float).reshape(len(energy), len(names))
        base = max(0, len(energy) - 1)
        if replay is not None:
            energy = np.concatenate([energy, replay.energy])
            overlaps = np.vstack([overlaps, replay.overlaps[1:]])
        with self.hold_sync():
            self.state = np.asarray(state).astype(np.int8).tobytes()
            self.base = self.position = base
            if replay is not None:
                self.set_replay(replay.index, replay.value, replay.ends)
            else:
                self.set_replay()
            self.highlight = int(highlight)
            self.set_timeline(Timeline(energy, overlaps), names, refs)
            self.editable = bool(editable)
            if play:
                self.playing = True

    def set_replay(self, index=None, value=None, ends=None):
        """Pending updates for the browser to replay (None: none).

        Update k sets neurons ``index[ends[k-1]:ends[k]]`` to ``value[...]``; they travel
        as one int32 array of ``+(i+1)`` (set to +1) / ``-(i+1)`` (set to -1) and the ends.
        """
        if index is None:
            self.traj, self.traj_ends = b"", b""
            return
        idx = np.asarray(index, dtype=np.int64)
        self.traj = np.where(np.asarray(value) > 0, idx + 1, -(idx + 1)).astype("<i4").tobytes()
        self.traj_ends = np.asarray(ends, dtype="<i4").tobytes()

    def set_weights(self, weights, theta=None):
        """Send W (and theta) for the neighbour-energy panel when N is small; else hide the panel."""
        n = self.rows * self.cols
        if weights is None or n > NEIGHBOUR_MAX_N:
            self.weights, self.theta = b"", b""
            return
        w = np.asarray(weights, dtype="<f8")
        self.weights = w.tobytes()
        self.theta = b"" if theta is None else np.asarray(theta, dtype="<f8").tobytes()
