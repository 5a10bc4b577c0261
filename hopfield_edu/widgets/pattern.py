"""The pattern playground: draw ±1 patterns on a grid, store them, corrupt them and
watch the network fall back into a stored pattern, one neuron at a time.

All dynamics come from :class:`hopfield_edu.engine.HopfieldNetwork` (Hebbian
weights with the teaching notebook's 1/N normalisation); this module only keeps
the state, draws it and says what happened.
"""
from __future__ import annotations

import math

import ipywidgets as W
import numpy as np

from .._validation import as_generator, as_spin_vector, check_fraction, check_temperature
from ..dynamics import add_noise
from ..engine import HopfieldNetwork
from ..patterns import letter_patterns
from . import _render
from ._common import MessageLine, css, guarded, png_image

__all__ = ["PatternPlayground"]

_ON, _OFF = "#222222", "#ffffff"
_LAST_BORDER, _CELL_BORDER = "2px solid #ff8c00", "1px solid #9e9e9e"
#: Plots are redrawn at most this often while Play runs (every tick still updates the grid).
_PLOT_PERIOD_MS = 250
#: Single-neuron updates of "Run" at T > 0, where there is no fixed point to stop at.
_HOT_RUN_SWEEPS = 20


def _shape(shape):
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (int(shape), int(shape))
    try:
        rows, cols = (int(s) for s in shape)
    except (TypeError, ValueError):
        raise TypeError(f"shape must be (rows, cols) or an int, got {shape!r}") from None
    if not (1 <= rows <= 30 and 1 <= cols <= 30):
        raise ValueError(f"the grid must be between 1x1 and 30x30, got {rows}x{cols}")
    return rows, cols


class PatternPlayground:
    r"""An interactive Hopfield network on a clickable grid.

    Click cells to draw (black = +1, white = -1), **Store** the drawing as a memory
    (or **Load letters** T, L, + of the teaching notebook), corrupt the grid with
    **Add noise**, and relax it with **Step** (one update), **Run** (until stable) or
    **Play** (one update per tick, at the speed of the slider). The energy curve and
    the overlap with every stored pattern follow each update; **Weights** shows W.

    Storage is the Hebbian rule with the teaching notebook's normalisation,

    .. math:: w_{ij} = \frac1N \sum_\mu \xi_i^\mu \xi_j^\mu,\quad w_{ii} = 0,
              \qquad E(\mathbf s) = -\tfrac12 \mathbf s^\top W \mathbf s,

    and an asynchronous update sets one random neuron to
    :math:`s_i = \operatorname{sign}(h_i)`, :math:`h_i = \sum_j w_{ij}s_j` (ties to +1),
    which never raises E (Hopfield 1982). The synchronous mode updates all
    neurons at once and can end in a 2-cycle. At temperature T > 0 the neuron is
    set to +1 with probability :math:`1/(1 + e^{-2h_i/T})` (Glauber dynamics).

    Parameters
    ----------
    shape : (rows, cols) or int, default (5, 5)
        Size of the grid, up to 30x30.
    patterns : None, "letters", dict name -> vector, or (M, N) array
        Memories to start with; none by default.
    rng : None, int or numpy.random.Generator
        Seed of everything random here (noise, the neuron picked at each
        asynchronous step, thermal noise), so a session can be replayed.
    noise : float, default 0.2
        Initial value of the noise slider (fraction of bits that Add noise flips).
    temperature : float, default 0.0
    mode : {"async", "sync"}
    speed : int, default 5
        Updates per second while Play runs.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What is displayed (the playground also displays itself).
    state, stored_patterns, pattern_names, energy_history, overlaps, message, network
        The model, for code and tests.

    Examples
    --------
    >>> pg = PatternPlayground(rng=0)                    # doctest: +SKIP
    >>> pg                                               # doctest: +SKIP
    """

    def __init__(self, shape=(5, 5), *, patterns=None, rng=None, noise=0.2, temperature=0.0,
                 mode="async", speed=5):
        self.shape = _shape(shape)
        self.rng = as_generator(rng)
        noise = check_fraction(noise, "noise")
        temperature = check_temperature(temperature)
        if temperature > 3.0:
            raise ValueError(f"temperature must be at most 3 in the playground, got {temperature}")
        if mode not in ("async", "sync"):
            raise ValueError(f"mode must be 'async' or 'sync', got {mode!r}")
        if not (isinstance(speed, (int, np.integer)) and 1 <= speed <= 30):
            raise ValueError(f"speed must be an int number of updates per second in [1, 30], got {speed!r}")
        self.last_error = None
        self._names: list[str] = []
        self._stored: list[np.ndarray] = []
        self._counter = 0
        self.network: HopfieldNetwork | None = None
        self._state = -np.ones(self.num_neurons, dtype=np.int64)
        self._probe = self._state.copy()
        self._energy: list[float] = []
        self._updates = 0
        self._before_last = None   # state two synchronous steps back, to spot 2-cycles
        self._ticks = 0
        self._shown = None         # what the grid buttons currently show
        self._last_cell = None
        self._plots_stale = False
        self._plot_keys = {}
        self._build(noise, temperature, mode, speed)
        if patterns is not None:
            self.store_patterns(patterns)
        self._after_edit("Click cells to draw, then Store. Or press Load letters.")

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
        return self._updates

    def cell(self, row, col) -> W.Button:
        """The button of grid cell (row, col)."""
        return self.cells[row * self.shape[1] + col]

    # --------------------------------------------------------------- building
    def _build(self, noise, temperature, mode, speed):
        self._msg = MessageLine("pattern-message")
        self.grid = css(W.GridBox(layout=W.Layout(grid_gap="2px", width="max-content")),
                        "hopfield-grid")
        self._build_cells()

        def button(label, cls, tip, handler, icon=""):
            b = css(W.Button(description=label, tooltip=tip, icon=icon,
                             layout=W.Layout(width="auto")), cls)
            b.on_click(handler)
            return b

        self.store_button = button("Store", "btn-store", "Store the grid as a memory",
                                   self._on_store, "plus")
        self.clear_button = button("Clear grid", "btn-clear", "Set every cell to -1 (white)",
                                   self._on_clear)
        self.forget_button = button("Forget all", "btn-forget", "Erase every stored pattern",
                                    self._on_forget)
        self.letters_button = button("Load letters", "btn-letters",
                                     "Store the 5x5 letters T, L and + of the teaching notebook",
                                     self._on_letters)
        self.pattern_picker = css(W.Dropdown(options=[], description="Show",
                                             layout=W.Layout(width="150px"),
                                             style={"description_width": "40px"}),
                                  "pick-pattern")
        self.show_button = button("Put on grid", "btn-show", "Copy the chosen memory to the grid",
                                  self._on_show)
        self.noise_slider = css(W.FloatSlider(value=noise, min=0.0, max=1.0, step=0.04,
                                              description="noise", readout_format=".2f",
                                              continuous_update=False),
                                "noise-slider")
        self.noise_button = button("Add noise", "btn-noise",
                                   "Flip this fraction of the cells, chosen at random",
                                   self._on_noise, "random")
        self.mode_toggle = css(W.ToggleButtons(options=[("asynchronous", "async"),
                                                        ("synchronous", "sync")],
                                               value=mode, style={"button_width": "120px"}),
                               "mode-toggle")
        self.temperature_slider = css(W.FloatSlider(value=temperature, min=0.0, max=3.0,
                                                    step=0.05, description="T",
                                                    readout_format=".2f",
                                                    continuous_update=False),
                                      "temperature-slider")
        self.step_button = button("Step", "btn-step", "One update", self._on_step, "step-forward")
        self.run_button = button("Run", "btn-run", "Update until the state is stable",
                                 self._on_run, "forward")
        self.reset_button = button("Reset", "btn-reset",
                                   "Back to the state before the first update", self._on_reset,
                                   "undo")
        self.play = css(W.Play(value=0, min=0, max=100_000, step=1, interval=1000 // speed,
                               show_repeat=False, description="play"), "play")
        self.speed_slider = css(W.IntSlider(value=speed, min=1, max=30, description="speed",
                                            readout_format="d"), "speed-slider")
        self.speed_slider.observe(self._on_speed, names="value")
        self.play.observe(self._on_tick, names="value")
        self.play.observe(self._on_playing, names="playing")
        self.status = css(W.HTML(), "hopfield-status", "pattern-status")
        self.energy_image = png_image("energy-plot", _render.PLOT_PX)
        self.overlap_image = png_image("overlap-plot", _render.PLOT_PX)
        self.weights_toggle = css(W.ToggleButton(value=False, description="Weights",
                                                 tooltip="Show the weight matrix W",
                                                 icon="th"), "btn-weights")
        self.weights_image = png_image("weights-plot", _render.WEIGHTS_PX)
        self.weights_image.layout.display = "none"
        self.weights_toggle.observe(self._on_weights, names="value")
        self.rows_input = W.BoundedIntText(value=self.shape[0], min=1, max=30, description="rows",
                                           layout=W.Layout(width="120px"),
                                           style={"description_width": "40px"})
        self.cols_input = W.BoundedIntText(value=self.shape[1], min=1, max=30, description="cols",
                                           layout=W.Layout(width="120px"),
                                           style={"description_width": "40px"})
        self.resize_button = button("New grid", "btn-resize", "Start an empty grid of this size",
                                    self._on_resize)

        controls = W.VBox([
            W.HBox([self.store_button, self.clear_button, self.forget_button,
                    self.letters_button]),
            W.HBox([self.pattern_picker, self.show_button]),
            W.HBox([self.noise_slider, self.noise_button]),
            W.HBox([self.mode_toggle]),
            self.temperature_slider,
            W.HBox([self.step_button, self.run_button, self.reset_button]),
            W.HBox([self.play, self.speed_slider]),
            self.status,
        ], layout=W.Layout(margin="0 0 0 16px"))
        self.widget = css(W.VBox([
            W.HBox([W.VBox([self.grid]), controls], layout=W.Layout(align_items="flex-start")),
            self._msg.widget,
            W.HBox([self.energy_image, self.overlap_image]),
            W.HBox([self.weights_toggle, self.rows_input, self.cols_input, self.resize_button]),
            self.weights_image,
        ]), "pattern-playground")

    def _build_cells(self):
        rows, cols = self.shape
        self.cells = []
        for r in range(rows):
            for c in range(cols):
                b = W.Button(description="", tooltip=f"({r}, {c})",
                             layout=W.Layout(width="30px", height="30px", padding="0",
                                             margin="0", border=_CELL_BORDER))
                css(b, "hopfield-cell", f"cell-{r}-{c}", "off")
                b.style.button_color = _OFF
                b.on_click(self._on_cell)
                self.cells.append(b)
        self.grid.layout.grid_template_columns = f"repeat({cols}, 30px)"
        self.grid.children = self.cells
        self._shown = -np.ones(self.num_neurons, dtype=np.int64)
        self._last_cell = None

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self):
        return (f"PatternPlayground({self.shape[0]}x{self.shape[1]}, "
                f"{len(self._stored)} stored: {', '.join(self._names) or 'none'})")

    # -------------------------------------------------------------- drawing
    def _sync_grid(self, last=None):
        changed = np.flatnonzero(self._state != self._shown)
        for i in changed:
            b = self.cells[i]
            on = self._state[i] > 0
            with b.hold_sync():
                b.style.button_color = _ON if on else _OFF
                b.remove_class("off" if on else "on")
                b.add_class("on" if on else "off")
        self._shown = self._state.copy()
        if self._last_cell is not None and self._last_cell != last:
            self.cells[self._last_cell].layout.border = _CELL_BORDER
        if last is not None:
            self.cells[last].layout.border = _LAST_BORDER
        self._last_cell = last

    def _refresh_plots(self):
        self._plots_stale = False
        # Drawing costs ~50 ms a figure: skip it when what it shows has not changed
        # (e.g. drawing on the grid while nothing is stored).
        names = (tuple(self._names), self.stored_patterns.tobytes())
        energy_key = (names, tuple(self._energy))
        if energy_key != self._plot_keys.get("energy"):
            refs = {}
            if self.network is not None:
                refs = {n: self.network.calculate_energy(p)
                        for n, p in zip(self._names, self._stored)}
            self.energy_image.value = _render.figure_png(
                _render.energy_figure(self._energy, references=refs,
                                      title="Energy (dotted: stored patterns)"))
            self._plot_keys["energy"] = energy_key
        overlap_key = (names, tuple(np.round(self.overlaps, 12)))
        if overlap_key != self._plot_keys.get("overlap"):
            self.overlap_image.value = _render.figure_png(
                _render.overlap_bar_figure(self._names, self.overlaps))
            self._plot_keys["overlap"] = overlap_key
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
        m = ", ".join(f"{n}: {v:+.2f}" for n, v in zip(self._names, self.overlaps))
        self.status.value = (f"E = {self.energy:.3f} &nbsp;·&nbsp; updates: {self._updates}"
                             f"<br>overlaps m: {m}")

    def _refresh(self, last=None, plots=True):
        self._sync_grid(last)
        self._refresh_status()
        if plots:
            self._refresh_plots()
        else:
            self._plots_stale = True

    def _after_edit(self, text, kind="info"):
        """The user changed the grid or the memory: the recall starts again from here."""
        self._probe = self._state.copy()
        self._energy = [] if self.network is None else [self.energy]
        self._updates = 0
        self._before_last = None
        self._stop_play()
        self._refresh()
        self._msg.say(text, kind)

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
                         "Pick one under Show and press Put on grid.", "ok")
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

    def _need_memory(self) -> bool:
        if self.network is None:
            self._stop_play()
            self._msg.say("Nothing is stored yet: draw a pattern and press Store "
                          "(or press Load letters) before running the dynamics.", "warning")
            return False
        return True

    def _fixed_point(self) -> bool:
        h = self.network.local_field(self._state)
        return bool(np.array_equal(np.where(h >= 0, 1, -1), self._state))

    def _recalled_name(self):
        for n, p in zip(self._names, self._stored):
            if np.array_equal(p, self._state):
                return n, ""
            if np.array_equal(p, -self._state):
                return n, "the anti-pattern of "
        return None, ""

    def _describe_end(self, prefix):
        name, anti = self._recalled_name()
        if name is not None:
            return f"{prefix}: recalled {anti}{name}.", ("ok" if not anti else "info")
        return (f"{prefix}: a state that is none of the stored patterns "
                "(a spurious minimum or mixture).", "info")

    def step(self, plots=True):
        """One update: a single random neuron (asynchronous) or all neurons (synchronous).

        Returns True if the state changed, None if nothing is stored.
        """
        if not self._need_memory():
            return None
        T = self.temperature_slider.value
        prev = self._state.copy()
        last = None
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
        self._state = res.state.astype(np.int64)
        self._energy.extend(float(e) for e in res.energy)
        self._updates += 1
        kind = "info"
        if T == 0 and self._fixed_point():
            self._stop_play()
            text, kind = self._describe_end(text + " Stable")
        elif (T == 0 and self.mode_toggle.value == "sync" and self._before_last is not None
              and np.array_equal(self._state, self._before_last)):
            self._stop_play()
            text, kind = text + " The state flips back and forth: a 2-cycle.", "warning"
        self._before_last = prev
        self._refresh(last=last, plots=plots)
        self._msg.say(text, kind)
        return not np.array_equal(prev, self._state)

    def run(self):
        """Update until stable (T = 0), or a fixed number of sweeps at T > 0."""
        if not self._need_memory():
            return None
        self._stop_play()
        T = self.temperature_slider.value
        prev = self._state.copy()
        if self.mode_toggle.value == "async":
            sweeps = 100 if T == 0 else _HOT_RUN_SWEEPS
            res = self.network.run(prev, mode="stable", max_sweeps=sweeps, temperature=T,
                                   rng=self.rng)
            what = f"{res.steps} single-neuron updates ({res.sweeps} sweeps, {res.flips} flips)"
        else:
            res = self.network.run(prev, mode="sync", max_steps=100, temperature=T, rng=self.rng)
            what = f"{res.steps} synchronous steps ({res.flips} flips)"
        self._state = res.state.astype(np.int64)
        self._energy.extend(float(e) for e in res.energy)
        self._updates += res.steps
        self._before_last = None
        self._refresh()
        if T > 0:
            name, anti = self._recalled_name()
            where = f"the state is {anti}{name}" if name else "the state is none of the stored patterns"
            self._msg.say(f"Ran {what} at T = {T:.2f}; thermal noise never settles, "
                          f"{where} right now.", "info")
        elif res.cycle:
            self._msg.say(f"Ran {what}: stuck in a 2-cycle (synchronous updates need not "
                          "lower the energy).", "warning")
        elif res.converged:
            text, kind = self._describe_end(f"Ran {what}. Stable")
            self._msg.say(text, kind)
        else:
            self._msg.say(f"Ran {what} without reaching a stable state.", "warning")
        return res

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
        self._build_cells()
        self._retrain()
        self._after_edit(f"New empty {new[0]}x{new[1]} grid.")
        return True

    # ------------------------------------------------------------ callbacks
    def _stop_play(self):
        if self.play.playing:
            self.play.playing = False

    @guarded
    def _on_cell(self, button):
        i = self.cells.index(button)
        self._state[i] *= -1
        r, c = divmod(i, self.shape[1])
        self._after_edit(f"Cell ({r}, {c}) set to {int(self._state[i]):+d}.")

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
    def _on_reset(self, _):
        self.reset()

    @guarded
    def _on_resize(self, _):
        self.resize(self.rows_input.value, self.cols_input.value)

    @guarded
    def _on_speed(self, change):
        self.play.interval = int(1000 // change["new"])

    @guarded
    def _on_weights(self, change):
        if change["new"]:
            self._draw_weights()
            self.weights_image.layout.display = None
        else:
            self.weights_image.layout.display = "none"

    @guarded
    def _on_tick(self, change):
        # Play counts up while playing; stopping resets it to 0: only count-ups are ticks.
        if change["new"] <= change["old"]:
            return
        self._ticks += 1
        every = max(1, math.ceil(_PLOT_PERIOD_MS / self.play.interval))
        changed = self.step(plots=False)
        if changed is None:
            return
        if self._plots_stale and (not self.play.playing or self._ticks % every == 0):
            self._refresh_plots()

    @guarded
    def _on_playing(self, change):
        # Paused or stopped: make sure the plots show the final state.
        if not change["new"] and self._plots_stale:
            self._refresh_plots()
