"""The pattern playground: paint ±1 patterns with the mouse, store them, corrupt them and
watch the network fall back into a memory, one neuron at a time.

All dynamics come from :class:`hopfield_edu.engine.HopfieldNetwork` (Hebbian weights
with the teaching notebook's 1/N normalisation); :mod:`._trajectory` records each
update, :class:`._view.SpinView` paints the grid and plays the recall in the browser,
and :mod:`._attractor` names where it ended.
"""
from __future__ import annotations

import time

import ipywidgets as W
import numpy as np

from .._validation import as_generator, as_spin_vector, check_fraction, check_temperature
from ..dynamics import add_noise
from ..engine import HopfieldNetwork
from ..patterns import letter_patterns
from . import _render
from ._common import BrowserReplay, MessageLine, controls_row, css, group, guarded, png_image, while_busy
from ._trajectory import trajectory
from ._verdict import attractor_sentence, describe_temperature
from ._view import SpinView

__all__ = ["PatternPlayground"]

#: Sweeps of Run/Play at T > 0, where there is no fixed point to stop at.
_HOT_RUN_SWEEPS = 20
#: Sweeps of Run/Play at T = 0 before giving up (a fixed point comes far earlier).
_COLD_RUN_SWEEPS = 100
MAX_SIDE = 64
MAX_SPEED = 120


def _shape(shape):
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (int(shape), int(shape))
    try:
        rows, cols = (int(s) for s in shape)
    except (TypeError, ValueError):
        raise TypeError(f"shape must be (rows, cols) or an int, got {shape!r}") from None
    if not (1 <= rows <= MAX_SIDE and 1 <= cols <= MAX_SIDE):
        raise ValueError(f"the grid must be between 1x1 and {MAX_SIDE}x{MAX_SIDE}, got {rows}x{cols}")
    return rows, cols


class PatternPlayground(BrowserReplay):
    r"""An interactive Hopfield network on a grid you paint with the mouse.

    Click and drag on the grid to paint (black = +1) or erase (white = -1; the first
    cell of a stroke decides, or choose paint/erase and a brush size), **Store** the
    drawing as a memory (or **Load letters** T, L, + of the teaching notebook), corrupt it
    with **Add noise**, and relax it with **Step** (one update), **Run** (until stable) or
    **Play** (the same recall, replayed in the browser at the chosen speed with the
    neuron being updated outlined in orange; **Pause** stops it where it is). The energy,
    the overlap with every stored pattern and, for small grids, the energy of every
    neighbour state follow each update.

    Storage is the Hebbian rule with the teaching notebook's normalisation,

    .. math:: w_{ij} = \frac1N \sum_\mu \xi_i^\mu \xi_j^\mu,\quad w_{ii} = 0,
              \qquad E(\mathbf s) = -\tfrac12 \mathbf s^\top W \mathbf s,

    and an asynchronous update sets one neuron to :math:`s_i = \operatorname{sign}(h_i)`,
    :math:`h_i = \sum_j w_{ij}s_j` (ties to +1), which never raises E (Hopfield 1982).
    Run and Play sweep the neurons in random order until a whole sweep changes nothing.
    The synchronous mode updates all neurons at once and can end in a 2-cycle. At
    temperature T > 0 the neuron is set to +1 with probability
    :math:`1/(1 + e^{-2h_i/T})` (Glauber dynamics).

    Parameters
    ----------
    shape : (rows, cols) or int, default (5, 5)
        Size of the grid, up to 64x64.
    patterns : None, "letters", dict name -> vector, or (M, N) array
        Memories to start with; none by default.
    rng : None, int or numpy.random.Generator
        Seed of everything random here (noise, the order of the updates, thermal noise),
        so a session can be replayed.
    noise : float, default 0.2
        Initial value of the noise slider (fraction of bits that Add noise flips).
    temperature : float, default 0.0
    mode : {"async", "sync"}
    speed : int, default 10
        Updates per second while Play runs (1-120), paced by the browser's clock.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What is displayed (the playground also displays itself).
    view : SpinView
        The grid and the plots (an anywidget).
    state, stored_patterns, pattern_names, energy_history, overlap_history, overlaps,
    message, network, busy
        The model, for code and tests.
    """

    def __init__(self, shape=(5, 5), *, patterns=None, rng=None, noise=0.2, temperature=0.0,
                 mode="async", speed=10):
        self.shape = _shape(shape)
        self.rng = as_generator(rng)
        noise = check_fraction(noise, "noise")
        temperature = check_temperature(temperature)
        if temperature > 3.0:
            raise ValueError(f"temperature must be at most 3 in the playground, got {temperature}")
        if mode not in ("async", "sync"):
            raise ValueError(f"mode must be 'async' or 'sync', got {mode!r}")
        if not (isinstance(speed, (int, np.integer)) and 1 <= speed <= MAX_SPEED):
            raise ValueError(f"speed must be an int number of updates per second in [1, {MAX_SPEED}], "
                             f"got {speed!r}")
        self.last_error = None
        self.busy = False
        self._names: list[str] = []
        self._stored: list[np.ndarray] = []
        self._counter = 0
        self.network: HopfieldNetwork | None = None
        self._state = -np.ones(self.num_neurons, dtype=np.int64)
        self._probe = self._state.copy()
        self._energy: list[float] = []
        self._ovh: list[np.ndarray] = []
        self._before_last = None   # state two synchronous steps back, to spot 2-cycles
        self._pending = None       # a trajectory being played in the browser
        self._highlight = -1
        self._plot_keys = {}
        self._build(noise, temperature, mode, speed)
        if patterns is not None:
            self.store_patterns(patterns)
        self._after_edit("Click and drag on the grid to draw, then Store. Or press Load letters.")

    # ------------------------------------------------------------------ model
    @property
    def num_neurons(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def state(self) -> np.ndarray:
        """The current state (a copy), flattened row by row."""
        return self._state.copy()

    @property
    def stored_patterns(self) -> np.ndarray:
        """Stored patterns as an (M, N) int64 array (M may be 0)."""
        if not self._stored:
            return np.zeros((0, self.num_neurons), dtype=np.int64)
        return np.array(self._stored, dtype=np.int64)

    @property
    def pattern_names(self) -> list[str]:
        return list(self._names)

    @property
    def energy_history(self) -> np.ndarray:
        """Energy of the starting state and after every update since the last edit."""
        return np.array(self._energy, dtype=float)

    @property
    def overlap_history(self) -> np.ndarray:
        """(updates + 1, M) overlaps with the stored patterns since the last edit."""
        return np.array(self._ovh, dtype=float).reshape(len(self._ovh), len(self._names))

    @property
    def overlaps(self) -> np.ndarray:
        r"""Overlap :math:`m_\mu = \xi^\mu\cdot s / N` of the state with each stored pattern."""
        if self.network is None:
            return np.zeros(0)
        return self.network.overlaps(self._state)

    @property
    def energy(self) -> float | None:
        return None if self.network is None else self.network.calculate_energy(self._state)

    @property
    def message(self) -> str:
        """The text of the message line (what the user was last told)."""
        return self._msg.text

    @property
    def updates(self) -> int:
        """Updates since the last edit (single neurons, or synchronous steps)."""
        return max(0, len(self._energy) - 1)

    @property
    def highlight(self) -> int:
        """The neuron updated last (-1: none, e.g. after a synchronous step or an edit)."""
        return self._highlight

    # --------------------------------------------------------------- building
    def _build(self, noise, temperature, mode, speed):
        self._msg = MessageLine("pattern-message")
        self.view = css(SpinView(rows=self.shape[0], cols=self.shape[1], rate=float(speed)),
                        "hopfield-view", "pattern-view")
        self.view.observe(self._on_stroke, names="strokes")
        self.view.observe(self._on_report, names="reports")

        def button(label, cls, tip, handler, style=""):
            b = css(W.Button(description=label, tooltip=tip, button_style=style,
                             layout=W.Layout(width="auto", margin="2px")), cls)
            b.on_click(handler)
            return b

        narrow = {"description_width": "48px"}
        self.tool_toggle = css(W.ToggleButtons(
            options=[("toggle", "auto"), ("paint +1", "paint"), ("erase −1", "erase")],
            value="auto", style={"button_width": "74px"},
            tooltips=["the first cell of a stroke decides: white paints, black erases",
                      "paint black (+1)", "erase to white (-1)"]), "tool-toggle")
        self.brush_slider = css(W.IntSlider(value=1, min=1, max=5, description="brush",
                                            style=narrow, layout=W.Layout(width="250px")),
                                "brush-slider")
        self.tool_toggle.observe(lambda c: setattr(self.view, "tool", c["new"]), names="value")
        self.brush_slider.observe(lambda c: setattr(self.view, "brush", int(c["new"])), names="value")
        self.store_button = button("Store", "btn-store", "Store the grid as a memory",
                                   self._on_store, "success")
        self.clear_button = button("Clear grid", "btn-clear", "Set every cell to -1 (white)",
                                   self._on_clear)
        self.forget_button = button("Forget all", "btn-forget", "Erase every stored pattern",
                                    self._on_forget)
        self.letters_button = button("Load letters", "btn-letters",
                                     "Store the 5x5 letters T, L and + of the teaching notebook",
                                     self._on_letters)
        self.pattern_picker = css(W.Dropdown(options=[], description="memory",
                                             layout=W.Layout(width="180px"),
                                             style={"description_width": "60px"}),
                                  "pick-pattern")
        self.show_button = button("Put on grid", "btn-show", "Copy the chosen memory to the grid",
                                  self._on_show)
        self.noise_slider = css(W.FloatSlider(value=noise, min=0.0, max=1.0, step=0.04,
                                              description="noise", readout_format=".2f",
                                              continuous_update=False, style=narrow,
                                              layout=W.Layout(width="300px")), "noise-slider")
        self.noise_button = button("Add noise", "btn-noise",
                                   "Flip this fraction of the cells, chosen at random",
                                   self._on_noise)
        self.reset_button = button("Reset", "btn-reset",
                                   "Back to the state before the first update", self._on_reset)
        self.mode_toggle = css(W.ToggleButtons(options=[("asynchronous", "async"),
                                                        ("synchronous", "sync")],
                                               value=mode, style={"button_width": "110px"}),
                               "mode-toggle")
        self.temperature_slider = css(W.FloatSlider(value=temperature, min=0.0, max=3.0,
                                                    step=0.05, description="T",
                                                    readout_format=".2f",
                                                    continuous_update=False, style=narrow,
                                                    layout=W.Layout(width="300px")),
                                      "temperature-slider")
        self.step_button = button("Step", "btn-step", "One update", self._on_step)
        self.run_button = button("Run", "btn-run", "Update until the state is stable, at once",
                                 self._on_run)
        self.play_button = button("Play", "btn-play",
                                  "Compute the recall until stable, then replay it in the "
                                  "browser at the chosen speed", self._on_play, "primary")
        self.pause_button = button("Pause", "btn-pause", "Stop the replay where it is",
                                   self._on_pause)
        self.pause_button.disabled = True
        self.speed_slider = css(W.IntSlider(value=speed, min=1, max=MAX_SPEED,
                                            description="speed", style=narrow,
                                            readout_format="d", layout=W.Layout(width="300px")),
                                "speed-slider")
        self.speed_slider.observe(self._on_speed, names="value")
        self.status = css(W.HTML(layout=W.Layout(width="100%")), "hopfield-status",
                          "pattern-status")
        self.weights_toggle = css(W.ToggleButton(value=False, description="Weights",
                                                 tooltip="Show the weight matrix W"),
                                  "btn-weights")
        self.weights_image = png_image("weights-plot", _render.WEIGHTS_PX)
        self.weights_image.layout.display = "none"
        self.weights_toggle.observe(self._on_weights, names="value")
        small = W.Layout(width="110px")
        self.rows_input = W.BoundedIntText(value=self.shape[0], min=1, max=MAX_SIDE,
                                           description="rows", layout=small, style=narrow)
        self.cols_input = W.BoundedIntText(value=self.shape[1], min=1, max=MAX_SIDE,
                                           description="cols", layout=small, style=narrow)
        self.resize_button = button("New grid", "btn-resize", "Start an empty grid of this size",
                                    self._on_resize)

        self._build_layout()

    def _build_layout(self):
        """Control groups (wrapping rows), message, status, the view."""
        groups = [
            group("draw & store", [self.tool_toggle, self.brush_slider,
                                   [self.store_button, self.letters_button, self.clear_button,
                                    self.forget_button],
                                   [self.pattern_picker, self.show_button]], "group-store"),
            group("corrupt", [self.noise_slider, [self.noise_button, self.reset_button]],
                  "group-corrupt", width="320px"),
            group("run", [self.mode_toggle, self.temperature_slider,
                          [self.step_button, self.run_button, self.play_button,
                           self.pause_button], self.speed_slider], "group-run", width="320px"),
            group("inspect", [self.weights_toggle, [self.rows_input, self.cols_input],
                              self.resize_button], "group-inspect", width="250px"),
        ]
        self._busy_widgets = [self.tool_toggle, self.brush_slider, self.store_button,
                              self.clear_button, self.forget_button, self.letters_button,
                              self.pattern_picker, self.show_button, self.noise_slider,
                              self.noise_button, self.reset_button, self.mode_toggle,
                              self.temperature_slider, self.step_button, self.run_button,
                              self.play_button, self.rows_input, self.cols_input,
                              self.resize_button]
        self.widget = css(W.VBox([controls_row(groups), self._msg.widget, self.status, self.view,
                                  self.weights_image], layout=W.Layout(width="100%")),
                          "pattern-playground")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self):
        return (f"PatternPlayground({self.shape[0]}x{self.shape[1]}, "
                f"{len(self._stored)} stored: {', '.join(self._names) or 'none'})")

    # -------------------------------------------------------------- showing
    def _push(self, *, play=False):
        """Send the committed state, the timeline (plus a pending replay) and W to the view."""
        refs = ([self.network.calculate_energy(p) for p in self._stored]
                if self.network is not None else [])
        with self.view.hold_sync():
            self.view.rows, self.view.cols = self.shape
            self.view.set_weights(None if self.network is None else self.network.weights)
            self.view.rate = float(self.speed_slider.value)
            self.view.show(self._state, self._energy, self.overlap_history, self._names, refs,
                           replay=self._pending, highlight=self._highlight,
                           editable=not self.busy, play=play)
        self._refresh_status()
        if self.weights_toggle.value:
            self._draw_weights()

    def _draw_weights(self):
        key = (tuple(self._names), self.stored_patterns.tobytes(), self.num_neurons)
        if key == self._plot_keys.get("weights"):
            return
        self._plot_keys["weights"] = key
        w = (self.network.weights if self.network is not None
             else np.zeros((self.num_neurons, self.num_neurons)))
        title = f"W ({len(self._stored)} stored, N = {self.num_neurons})"
        self.weights_image.value = _render.figure_png(_render.weights_figure(w, title=title))

    def _refresh_status(self):
        if self.network is None:
            self.status.value = "<b>nothing stored</b>"
            return
        m = self.overlaps
        order = np.argsort(-np.abs(m), kind="stable")[:6]
        shown = ", ".join(f"{self._names[i]}: {m[i]:+.2f}" for i in order)
        more = f" (+{len(m) - len(order)} more)" if len(m) > len(order) else ""
        speed = (f" &nbsp;·&nbsp; last replay: {self.view.delivered:.1f} updates/s delivered"
                 if self.view.delivered else "")
        self.status.value = (f"E = {self.energy:.3f} &nbsp;·&nbsp; updates: {self.updates}{speed}"
                             f"<br>overlaps m (largest |m| first): {shown}{more}")

    def _set_busy(self, busy):
        self.busy = busy
        with self.view.hold_sync():
            for w in self._busy_widgets:
                w.disabled = busy
            self.pause_button.disabled = not busy
            self.view.editable = not busy

    def _after_edit(self, text, kind="info"):
        """The user changed the grid or the memory: the recall starts again from here."""
        self._probe = self._state.copy()
        self._energy = [] if self.network is None else [self.energy]
        self._ovh = [] if self.network is None else [self.overlaps]
        self._before_last = None
        self._pending = None
        self._highlight = -1
        self._push()
        self._msg.say(text, kind)

    def _commit(self, states_energy_overlaps, highlight=-1):
        state, energies, overlaps = states_energy_overlaps
        self._state = np.asarray(state, dtype=np.int64).copy()
        self._energy.extend(float(e) for e in energies)
        self._ovh.extend(np.asarray(o, dtype=float) for o in overlaps)
        self._highlight = highlight

    def _retrain(self):
        if self._stored:
            self.network = HopfieldNetwork(self.num_neurons, rng=self.rng)
            self.network.train(np.array(self._stored), normalization="neurons")
        else:
            self.network = None
        before = self.pattern_picker.value
        added = [n for n in self._names if n not in self.pattern_picker.options]
        self.pattern_picker.options = list(self._names)
        # Offer the first newly stored pattern, else keep the choice (ipywidgets would blank it).
        choice = added[0] if added else (before if before in self._names else None)
        if choice is None and self._names:
            choice = self._names[0]
        self.pattern_picker.value = choice

    # ------------------------------------------------------------ public API
    def set_state(self, vector):
        """Put a ±1 vector (length N, or a rows x cols grid) on the grid."""
        v = np.asarray(vector)
        if v.ndim == 2:
            if v.shape != self.shape:
                raise ValueError(f"grid of shape {v.shape} does not fit this {self.shape} playground")
            v = v.ravel()
        self._state = as_spin_vector(v, name="state", n=self.num_neurons).astype(np.int64)
        self._after_edit("State set.")

    def store(self, pattern=None, name=None) -> bool:
        """Store ``pattern`` (default: the grid) as a memory; False if it was already stored."""
        p = self._state if pattern is None else np.asarray(pattern).ravel()
        p = as_spin_vector(p, name="pattern", n=self.num_neurons).astype(np.int64)
        for n, q in zip(self._names, self._stored):
            if np.array_equal(p, q):
                self._msg.say(f"That pattern is already stored as {n}.", "warning")
                return False
        if name is None:
            self._counter += 1
            name = f"P{self._counter}"
        self._names.append(str(name))
        self._stored.append(p)
        self._retrain()
        self._after_edit(f"Stored {name}; {len(self._stored)} pattern(s) in memory. "
                         "Add noise, then Step, Run or Play.", "ok")
        return True

    def store_patterns(self, patterns):
        """Store several patterns: "letters", a dict name -> vector or an (M, N) array."""
        if isinstance(patterns, str):
            if patterns != "letters":
                raise ValueError(f"patterns must be 'letters', a dict or an (M, N) array, got {patterns!r}")
            patterns = letter_patterns()
            if self.shape != (5, 5):
                raise ValueError(f"the letters are 5x5 patterns; this grid is "
                                 f"{self.shape[0]}x{self.shape[1]}")
        items = patterns.items() if isinstance(patterns, dict) else \
            ((None, p) for p in np.atleast_2d(np.asarray(patterns)))
        for name, p in items:
            self.store(p, name)

    def load_letters(self) -> bool:
        """Store the 5x5 letters T, L, + (skipping any already stored); False on another grid size."""
        if self.shape != (5, 5):
            self._msg.say(f"Grid size mismatch: the letters T, L, + are 5x5 and this grid is "
                          f"{self.shape[0]}x{self.shape[1]}. Forget all and make a 5x5 grid, "
                          "or draw your own patterns.", "warning")
            return False
        for name, p in letter_patterns().items():
            if name not in self._names and not any(np.array_equal(p, q) for q in self._stored):
                self._names.append(name)
                self._stored.append(p)
        self._retrain()
        self._after_edit(f"Stored the letters T, L, +: {len(self._stored)} pattern(s) in memory. "
                         "Pick one under memory and press Put on grid.", "ok")
        return True

    def forget(self):
        """Erase every stored pattern."""
        self._names, self._stored, self._counter = [], [], 0
        self._retrain()
        self._after_edit("Memory erased: nothing is stored.")

    def add_noise(self, level=None) -> int:
        """Flip ``int(level * N)`` random cells of the grid (level: the slider by default)."""
        level = self.noise_slider.value if level is None else check_fraction(level, "noise")
        before = self._state.copy()
        self._state = add_noise(self._state, level, rng=self.rng).astype(np.int64)
        flipped = int(np.count_nonzero(before != self._state))
        self._after_edit(f"Flipped {flipped} of {self.num_neurons} cells (noise {level:.2f}). "
                         "Now Step, Run or Play.")
        return flipped

    def paint(self, vector):
        """What a mouse stroke does: put ``vector`` on the grid as an edit (used by the view)."""
        new = as_spin_vector(np.asarray(vector).ravel(), name="state",
                             n=self.num_neurons).astype(np.int64)
        changed = int(np.count_nonzero(new != self._state))
        self._state = new
        on = int(np.count_nonzero(new > 0))
        self._after_edit(f"Painted: {changed} cell(s) changed; {on} of {self.num_neurons} "
                         "cells are black (+1).")
        return changed

    def _need_memory(self) -> bool:
        if self.network is None:
            self._msg.say("Nothing is stored yet: draw a pattern and press Store "
                          "(or press Load letters) before running the dynamics.", "warning")
            return False
        return True

    def _fixed_point(self) -> bool:
        h = self.network.local_field(self._state)
        return bool(np.array_equal(np.where(h >= 0, 1, -1), self._state))

    def _describe_end(self, prefix):
        text, kind = attractor_sentence(self._state, self.stored_patterns, self._names)
        return f"{prefix}: {text}.", kind

    def step(self):
        """One update: a single random neuron (asynchronous) or all neurons (synchronous).

        Returns True if the state changed, None if nothing is stored.
        """
        if not self._need_memory():
            return None
        T = self.temperature_slider.value
        prev = self._state.copy()
        last = -1
        if self.mode_toggle.value == "async":
            i = int(self.rng.integers(self.num_neurons))
            h = float(self.network.local_field(prev)[i])
            res = self.network.run(prev, mode="steps", max_steps=1, sequence=[i],
                                   temperature=T, rng=self.rng)
            last = i
            r, c = divmod(i, self.shape[1])
            verb = "flipped to" if res.state[i] != prev[i] else "stays"
            text = f"Neuron ({r}, {c}): field h = {h:+.2f}, {verb} {int(res.state[i]):+d}."
        else:
            res = self.network.run(prev, mode="sync", max_steps=1, temperature=T, rng=self.rng)
            text = f"Synchronous step: {int(np.count_nonzero(res.state != prev))} neurons flipped."
        self._commit((res.state, res.energy, [self.network.overlaps(res.state)]), last)
        kind = "info"
        if T == 0 and self._fixed_point():
            text, kind = self._describe_end(text + " Stable")
        elif (T == 0 and self.mode_toggle.value == "sync" and self._before_last is not None
              and np.array_equal(self._state, self._before_last)):
            text, kind = text + " The state flips back and forth: a 2-cycle.", "warning"
        self._before_last = prev
        self._push()
        self._msg.say(text, kind)
        return not np.array_equal(prev, self._state)

    def _trajectory(self):
        T = self.temperature_slider.value
        if self.mode_toggle.value == "sync":
            return trajectory(self.network, self._state, schedule="sync", temperature=T,
                              rng=self.rng, steps=100)
        sweeps = _COLD_RUN_SWEEPS if T == 0 else _HOT_RUN_SWEEPS
        return trajectory(self.network, self._state, schedule="stable", temperature=T,
                          rng=self.rng, max_sweeps=sweeps)

    def _what(self, tr, k=None):
        k = len(tr) if k is None else k
        if tr.schedule == "sync":
            return f"{k} synchronous steps"
        sweeps = k // self.num_neurons
        return f"{k} single-neuron updates" + (
            f" ({sweeps} sweep{'s' if sweeps > 1 else ''})" if sweeps else "")

    def _end_message(self, tr):
        T = tr.temperature
        what = self._what(tr)
        if T > 0:
            recent = tr.overlaps[-min(len(tr), self.num_neurons):]
            text, kind = describe_temperature(T, recent, self._names)
            return f"Ran {what}. {text}", kind
        if tr.cycle:
            return (f"Ran {what}: stuck in a 2-cycle (synchronous updates need not lower the "
                    "energy)."), "warning"
        if tr.converged:
            return self._describe_end(f"Ran {what}. Stable (a whole sweep flipped nothing)"
                                      if tr.schedule == "stable" else f"Ran {what}. Stable")
        return f"Ran {what} without reaching a stable state.", "warning"

    def run(self):
        """Update until stable at once (T = 0), or a fixed number of sweeps at T > 0."""
        if not self._need_memory():
            return None
        tr = self._trajectory()
        self._commit((tr.final, tr.energy, tr.overlaps[1:]),
                     int(tr.index[-1]) if len(tr) and tr.schedule != "sync" else -1)
        self._before_last = None
        self._push()
        self._msg.say(*self._end_message(tr))
        return tr.result()

    def play(self):
        """Compute the recall until stable and let the browser replay it at the chosen speed.

        The playground is busy (controls disabled, clicks dropped) until the browser
        reports where the replay ended (the end, or where Pause stopped it).
        """
        if not self._need_memory():
            return None
        if self.temperature_slider.value == 0 and self.mode_toggle.value == "async" \
                and self._fixed_point():
            self._msg.say(*self._describe_end("Already stable"))
            return None
        t0 = time.perf_counter()
        tr = self._trajectory()
        ms = 1000 * (time.perf_counter() - t0)
        self._pending = tr
        self._set_busy(True)
        self._push(play=True)
        speed = self.speed_slider.value
        self._msg.say(f"Playing {self._what(tr)} at {speed} per second "
                      f"({len(tr) / speed:.1f} s; computed in {ms:.0f} ms, replayed by the browser)."
                      " Pause stops it where it is.")
        return tr

    def finish_replay(self, position=None):
        """Commit a replay up to ``position`` updates of it (default: the browser's report)."""
        tr = self._pending
        if tr is None:
            return
        k = len(tr) if position is None else int(position)
        k = min(max(k, 0), len(tr))
        self._pending = None
        if k:
            idx, _ = tr.update(k - 1)
            self._commit((tr.state_at(k), tr.energy[:k], tr.overlaps[1:k + 1]),
                         int(idx[0]) if idx.size == 1 and tr.schedule != "sync" else -1)
        self._set_busy(False)
        self._push()
        if k == len(tr):
            self._msg.say(*self._end_message(tr))
        else:
            self._msg.say(f"Paused after {self._what(tr, k)} of {len(tr)}. Play computes the "
                          "rest again from here.")

    def reset(self):
        """Return to the state before the first update (after the last edit)."""
        self._state = self._probe.copy()
        self._after_edit("Back to the starting state.")

    def clear(self):
        """Set every cell to -1."""
        self._state = -np.ones(self.num_neurons, dtype=np.int64)
        self._after_edit("Grid cleared.")

    def resize(self, rows, cols):
        """Start an empty grid of another size (only while nothing is stored)."""
        new = _shape((rows, cols))
        if new == self.shape:
            self.clear()
            return True
        if self._stored:
            self._msg.say(f"Grid size mismatch: the stored patterns are "
                          f"{self.shape[0]}x{self.shape[1]}, the new grid would be "
                          f"{new[0]}x{new[1]}. Press Forget all first.", "warning")
            return False
        self.shape = new
        self._state = -np.ones(self.num_neurons, dtype=np.int64)
        self._retrain()
        self._after_edit(f"New empty {new[0]}x{new[1]} grid.")
        return True

    # ------------------------------------------------------------ callbacks
    @guarded
    def _on_stroke(self, _change):
        new = self.view.read_state()
        if new.size == self.num_neurons and not np.array_equal(new, self._state):
            self.paint(new)

    @guarded
    @while_busy
    def _on_report(self, _change):
        self.finish_replay(self.view.position - self.view.base)

    @guarded
    def _on_store(self, _):
        self.store()

    @guarded
    def _on_clear(self, _):
        self.clear()

    @guarded
    def _on_forget(self, _):
        self.forget()

    @guarded
    def _on_letters(self, _):
        self.load_letters()

    @guarded
    def _on_show(self, _):
        name = self.pattern_picker.value
        if name is None:
            self._msg.say("Nothing is stored yet: there is no pattern to show.", "warning")
            return
        self._state = self._stored[self._names.index(name)].copy()
        self._after_edit(f"{name} is on the grid. Add noise, then Step, Run or Play.")

    @guarded
    def _on_noise(self, _):
        self.add_noise()

    @guarded
    def _on_step(self, _):
        self.step()

    @guarded
    def _on_run(self, _):
        self.run()

    @guarded
    def _on_play(self, _):
        self.play()

    @guarded
    @while_busy
    def _on_pause(self, _):
        self.pause()

    @guarded
    def _on_reset(self, _):
        self.reset()

    @guarded
    def _on_resize(self, _):
        self.resize(self.rows_input.value, self.cols_input.value)

    @guarded
    @while_busy
    def _on_speed(self, change):
        self.view.rate = float(change["new"])

    @guarded
    @while_busy
    def _on_weights(self, change):
        if change["new"]:
            self._draw_weights()
            self.weights_image.layout.display = None
        else:
            self.weights_image.layout.display = "none"
