"""The MNIST playground: store some digit prototypes in a 784-neuron network, corrupt one
digit (or draw your own on the 28x28 grid) and watch the recall, with or without
inhibitory neurons and thermal noise.

The network is :class:`hopfield_edu.engine.HopfieldNetwork`, the prototypes come from
:func:`hopfield_edu.data.mnist_prototypes` (the research notebook's first training image
of each digit, binarized), the noise from :func:`hopfield_edu.dynamics.add_noise`;
:mod:`._trajectory` records the recall and :class:`._view.SpinView` shows it.
"""
from __future__ import annotations

import time

import ipywidgets as W
import numpy as np

from .._validation import (
    as_generator,
    as_spin_vector,
    check_fraction,
    check_positive_int,
    check_temperature,
)
from .. import dense
from ..dynamics import add_noise
from ..engine import INHIBITORY_MODES, HopfieldNetwork
from . import _render
from ._common import BrowserReplay, MessageLine, controls_row, css, group, guarded, png_image, while_busy
from ._trajectory import dense_trajectory, trajectory
from ._verdict import attractor_sentence, describe_temperature
from ._view import SpinView

__all__ = ["MnistPlayground"]

_SHAPE = (28, 28)
_N = 784
#: Sweeps of the "stable" dynamics (stops earlier at a fixed point when T = 0).
_STABLE_SWEEPS = 50
_DYNAMICS = (
    ("until stable", "stable"),
    ("seed notebook: 1500 steps", "steps"),
    ("synchronous", "sync"),
)
_DYNAMICS_HELP = {
    "stable": "Sweeps through the 784 neurons in random order until a whole sweep flips "
              f"nothing (a fixed point); at T > 0 exactly {_STABLE_SWEEPS} sweeps.",
    "steps": "What the seed (research) notebook does: exactly <i>steps</i> single-neuron updates "
             "of random neurons (1500 = 1.9 sweeps: about 15 % of the neurons are never "
             "visited), so it may stop before the state is stable.",
    "sync": "All neurons at once, until a fixed point, a 2-cycle or <i>steps</i> steps.",
}


def _energy_label(energy):
    if energy == "classical":
        return "Energy E = −½ sᵀWs"
    if energy == "exp":
        return "log-energy −ln Σ_μ exp(ξ^μ·s)"
    return f"Energy E = −Σ_μ (ξ^μ·s)^{energy}"


def _help_html(dynamics):
    return f'<div style="line-height: 1.35; font-size: 12px">{_DYNAMICS_HELP[dynamics]}</div>'


#: The energy menu: the classical network, or a dense associative memory (issue 13).
ENERGIES = (("classical (Hebb)", "classical"),
            *((f"dense, xⁿ, n = {k}", k) for k in range(3, 13)),
            ("dense, exp(x)", "exp"))
SPEEDS = (30, 60, 120, 250, 500, 1000, 2000, 4000)


def _digits(values, name):
    out = []
    for d in values:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= 9:
            raise ValueError(f"{name} must hold integers 0-9, got {d!r}")
        if int(d) not in out:
            out.append(int(d))
    return out


class MnistPlayground(BrowserReplay):
    r"""Recall of corrupted (or hand-drawn) MNIST digits in a 784-neuron Hopfield network.

    Choose the digits to store (toggle buttons 0-9), the digit to corrupt, the noise,
    the inhibitory fraction and mode, the temperature and the dynamics, then press
    **Recall** (corrupt and recall at once), or **New noisy probe**, paint on the 28x28
    grid if you like, and **Play** to watch the recall replayed in the browser. The
    playground shows the original, corrupted and recalled digit, the energy and the
    overlap with every stored digit over time, and names where the recall ended.

    Weights are Hebbian with the 1/N normalisation,
    :math:`w_{ij} = \frac1N\sum_\mu \xi_i^\mu\xi_j^\mu`, so that the local fields are
    O(1) and T is on the textbook scale: for a few stored patterns the retrieval
    states disappear near T = 1 (Amit, Gutfreund & Sompolinsky, Phys. Rev. A 32,
    1007, 1985). At T = 0 the normalisation changes nothing (only the sign of a
    field matters). Inhibitory neurons (``inhibitory_fraction`` > 0) make W
    asymmetric, see :class:`~hopfield_edu.engine.HopfieldNetwork`; the energy then
    need not decrease.

    Parameters
    ----------
    stored_digits : iterable of int, default (0, 1, 3, 5, 8)
        The research notebook's choice for its animation.
    probe_digit : int, default 8
    noise : float in [0, 1], default 0.2
    inhibitory_fraction : float in [0, 0.9], default 0.0
    inhibitory_mode : {"rows", "columns"}, default "rows"
    temperature : float, default 0.0
    steps : int, default 1500
        Updates of the ``steps`` dynamics (the seed notebook's 1500), at most this many
        synchronous steps in ``sync``.
    dynamics : {"stable", "steps", "sync"}, default "stable"
        ``stable`` runs until a whole sweep flips nothing; ``steps`` is the seed notebook's
        fixed number of updates.
    speed : int, default 500
        Updates per second of Play (one of ``SPEEDS``).
    rng : None, int or numpy.random.Generator
        Seed of the noise, the inhibitory neurons and the dynamics.
    prototypes : dict digit -> 784-vector, optional
        Default: :func:`hopfield_edu.data.mnist_prototypes`.
    recall : bool, default True
        Run one recall at once, so the playground opens with pictures.

    Attributes
    ----------
    widget : ipywidgets.VBox
    view : SpinView
    stored_digits, probe_digit, original, corrupted, recalled, result, trajectory,
    energy_history, overlaps, overlap_history, message, network, busy
        The model, for code and tests (``None`` before the first recall).
    """

    def __init__(self, stored_digits=(0, 1, 3, 5, 8), probe_digit=8, *, noise=0.2,
                 inhibitory_fraction=0.0, inhibitory_mode="rows", temperature=0.0, steps=1500,
                 dynamics="stable", speed=500, energy="classical", rng=None, prototypes=None,
                 recall=True):
        stored = _digits(stored_digits, "stored_digits")
        probe = _digits([probe_digit], "probe_digit")[0]
        noise = check_fraction(noise, "noise")
        inh = check_fraction(inhibitory_fraction, "inhibitory_fraction", high=0.9)
        if inhibitory_mode not in INHIBITORY_MODES:
            raise ValueError(f"inhibitory_mode must be one of {INHIBITORY_MODES}, got {inhibitory_mode!r}")
        temperature = check_temperature(temperature)
        if temperature > 3.0:
            raise ValueError(f"temperature must be at most 3 in the playground, got {temperature}")
        steps = check_positive_int(steps, "steps", minimum=0)
        if steps > 20_000:
            raise ValueError(f"steps must be at most 20000 in the playground, got {steps}")
        if dynamics not in [v for _, v in _DYNAMICS]:
            raise ValueError(f"dynamics must be 'stable', 'steps' or 'sync', got {dynamics!r}")
        if energy not in [v for _, v in ENERGIES]:
            raise ValueError(f"energy must be 'classical', an int n in 3..12 or 'exp', got {energy!r}")
        if speed not in SPEEDS:
            raise ValueError(f"speed must be one of {SPEEDS} updates per second, got {speed!r}")
        self.rng = as_generator(rng)
        self.prototypes = self._load_prototypes(prototypes)
        self.last_error = None
        self.busy = False
        self.network = None
        self._net_key = None
        self.original = self.corrupted = self.recalled = self.result = self.trajectory = None
        self._recall_digits = []
        self._canvas = -np.ones(_N, dtype=np.int64)
        self._energy: list[float] = []
        self._ovh: list[np.ndarray] = []
        self._pending = None
        self._timeline_key = None
        self._highlight = -1
        self._build(stored, probe, noise, inh, inhibitory_mode, temperature, steps, dynamics,
                    speed, energy)
        if recall and stored:
            self.recall()
        elif not stored:
            self._msg.say("Select at least one digit to store, then press Recall.", "warning")
        else:
            self._msg.say("Press Recall.")

    @staticmethod
    def _load_prototypes(prototypes):
        if prototypes is None:
            from ..data import mnist_prototypes  # the bundled MNIST images, read once

            prototypes = mnist_prototypes()
        if not isinstance(prototypes, dict) or not prototypes:
            raise TypeError("prototypes must be a dict {digit: 784-vector of ±1}")
        out = {}
        for d, v in prototypes.items():
            out[_digits([d], "prototype keys")[0]] = as_spin_vector(
                np.asarray(v).ravel(), name=f"prototype of digit {d}", n=_N).astype(np.int64)
        return out

    # ------------------------------------------------------------------ model
    @property
    def stored_digits(self) -> list[int]:
        """Digits currently selected for storage, in increasing order."""
        return [d for d, b in zip(range(10), self.digit_buttons) if b.value]

    @stored_digits.setter
    def stored_digits(self, digits):
        chosen = set(_digits(digits, "stored_digits"))
        for d, b in zip(range(10), self.digit_buttons):
            b.value = d in chosen

    @property
    def probe_digit(self) -> int:
        return self.probe_dropdown.value

    @property
    def message(self) -> str:
        return self._msg.text

    @property
    def state(self) -> np.ndarray:
        """What the 28x28 grid shows (a copy)."""
        return self._canvas.copy()

    @property
    def energy_history(self) -> np.ndarray | None:
        """Energy of the start, then after every update of the last recall."""
        if self.result is None:
            return None
        return np.concatenate([[self.result.initial_energy], self.result.energy])

    @property
    def overlap_history(self) -> np.ndarray | None:
        """(updates + 1, M) overlaps with the digits stored for the last recall."""
        return None if self.result is None else self.result.overlaps

    @property
    def overlaps(self) -> dict[int, float] | None:
        """Final overlap with each digit stored for the last recall."""
        if self.result is None:
            return None
        return {d: float(m) for d, m in zip(self._recall_digits, self.result.overlaps[-1])}

    # --------------------------------------------------------------- building
    def _build(self, stored, probe, noise, inh, inh_mode, temperature, steps, dynamics, speed,
               energy):
        self._msg = MessageLine("mnist-message")
        self.view = css(SpinView(rows=_SHAPE[0], cols=_SHAPE[1], max_px=336, rate=float(speed)),
                        "hopfield-view", "mnist-view")
        self.view.observe(self._on_stroke, names="strokes")
        self.view.observe(self._on_report, names="reports")
        self.digit_buttons = []
        for d in range(10):
            b = css(W.ToggleButton(value=d in stored, description=str(d),
                                   tooltip=f"store digit {d}",
                                   layout=W.Layout(width="30px", padding="0", margin="1px")),
                    "store-digit", f"digit-{d}")
            self.digit_buttons.append(b)
        missing = [d for d in range(10) if d not in self.prototypes]
        for d in missing:
            self.digit_buttons[d].value = False
            self.digit_buttons[d].disabled = True
        options = [d for d in range(10) if d in self.prototypes]
        if probe not in options:
            raise ValueError(f"probe_digit {probe} has no prototype")
        style = {"description_width": "130px"}
        wide = W.Layout(width="335px")

        def button(label, cls, tip, handler, style_=""):
            b = css(W.Button(description=label, tooltip=tip, button_style=style_,
                             layout=W.Layout(width="auto", margin="2px")), cls)
            b.on_click(handler)
            return b

        self.probe_dropdown = css(W.Dropdown(options=options, value=probe,
                                             description="probe digit", style=style,
                                             layout=W.Layout(width="200px")), "probe-digit")
        self.noise_slider = css(W.FloatSlider(value=noise, min=0.0, max=1.0, step=0.01,
                                              description="noise", readout_format=".2f",
                                              continuous_update=False, style=style, layout=wide),
                                "noise-slider")
        self.corrupt_button = button("New noisy probe", "btn-corrupt",
                                     "Put the probe digit with this noise on the grid",
                                     self._on_corrupt)
        self.brush_slider = css(W.IntSlider(value=2, min=1, max=5, description="brush",
                                            style=style, layout=wide), "brush-slider")
        self.view.brush = 2
        self.brush_slider.observe(lambda c: setattr(self.view, "brush", int(c["new"])), names="value")
        self.inhibitory_slider = css(W.FloatSlider(value=inh, min=0.0, max=0.9, step=0.05,
                                                   description="inhibitory fraction",
                                                   readout_format=".2f", continuous_update=False,
                                                   style=style, layout=wide),
                                     "inhibitory-slider")
        self.inhibitory_mode = css(W.ToggleButtons(options=list(INHIBITORY_MODES), value=inh_mode,
                                                   style={"button_width": "80px"},
                                                   tooltips=["negate their inputs (research notebook code)",
                                                             "negate their outputs (Dale-like)"]),
                                   "inhibitory-mode")
        self.temperature_slider = css(W.FloatSlider(value=temperature, min=0.0, max=3.0,
                                                    step=0.05, description="temperature T",
                                                    readout_format=".2f",
                                                    continuous_update=False, style=style,
                                                    layout=wide), "temperature-slider")
        self.energy_dropdown = css(W.Dropdown(options=list(ENERGIES), value=energy,
                                              description="energy", style=style,
                                              layout=W.Layout(width="335px")), "energy-choice")
        self.dynamics_dropdown = css(W.RadioButtons(options=list(_DYNAMICS), value=dynamics,
                                                    layout=W.Layout(width="auto")),
                                     "dynamics-choice")
        self.dynamics_help = css(W.HTML(_help_html(dynamics),
                                        layout=W.Layout(width="310px")), "dynamics-help")
        self.dynamics_dropdown.observe(
            lambda c: setattr(self.dynamics_help, "value", _help_html(c["new"])), names="value")
        self.steps_slider = css(W.IntSlider(value=steps, min=0, max=20_000, step=100,
                                            description="steps", continuous_update=False,
                                            style=style, layout=wide), "steps-slider")
        self.recall_button = button("Recall", "btn-recall",
                                    "Corrupt the probe digit and recall it at once",
                                    self._on_recall, "primary")
        self.play_button = button("Play", "btn-play",
                                  "Recall from what the grid shows, replayed at this speed",
                                  self._on_play, "primary")
        self.pause_button = button("Pause", "btn-pause", "Stop the replay where it is",
                                   self._on_pause)
        self.pause_button.disabled = True
        self.speed_slider = css(W.SelectionSlider(options=[(f"{s}/s", s) for s in SPEEDS],
                                                  value=speed, description="speed",
                                                  style=style, layout=wide), "speed-slider")
        self.speed_slider.observe(self._on_speed, names="value")
        self.status = css(W.HTML(layout=W.Layout(width="100%")), "hopfield-status",
                          "mnist-status")
        self.digits_image = png_image("digits-plot", _render.digits_px(3))

        self._build_layout()

    def _build_layout(self):
        """Control groups (wrapping rows), message, status, the view."""
        groups = [
            group("store", [W.HBox(self.digit_buttons, layout=W.Layout(flex_flow="row wrap"))],
                  "group-store", width="350px"),
            group("corrupt or draw", [self.probe_dropdown, self.noise_slider,
                                      self.corrupt_button, self.brush_slider], "group-corrupt",
                  width="350px"),
            group("network", [self.inhibitory_slider,
                              W.HBox([W.HTML("inhibitory mode&nbsp;",
                                             layout=W.Layout(width="132px")),
                                      self.inhibitory_mode]),
                              self.temperature_slider, self.energy_dropdown], "group-network",
                  width="350px"),
            group("run", [self.dynamics_dropdown, self.dynamics_help, self.steps_slider,
                          [self.recall_button, self.play_button, self.pause_button],
                          self.speed_slider], "group-run", width="350px"),
        ]
        self._busy_widgets = [*self.digit_buttons, self.probe_dropdown, self.noise_slider,
                              self.corrupt_button, self.brush_slider, self.inhibitory_slider,
                              self.inhibitory_mode, self.temperature_slider, self.energy_dropdown,
                              self.dynamics_dropdown, self.steps_slider, self.recall_button,
                              self.play_button]
        self.widget = css(W.VBox([
            controls_row(groups), self._msg.widget, self.status, self.view,
            W.HBox([self.digits_image], layout=W.Layout(flex_flow="row wrap")),
        ], layout=W.Layout(width="100%")), "mnist-playground")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self):
        return (f"MnistPlayground(stored {self.stored_digits}, probe {self.probe_digit}, "
                f"noise {self.noise_slider.value:.2f})")

    # ---------------------------------------------------------------- recall
    def _network(self, digits):
        key = (tuple(digits), self.inhibitory_slider.value, self.inhibitory_mode.value)
        if key != self._net_key:
            # Keep the same network (and its inhibitory neurons) while only the probe,
            # noise, temperature or steps change, so runs can be compared.
            net = HopfieldNetwork(_N, inhibitory_fraction=key[1], inhibitory_mode=key[2],
                                  rng=self.rng)
            net.train(np.array([self.prototypes[d] for d in digits]), normalization="neurons")
            self.network, self._net_key = net, key
        return self.network

    @property
    def energy(self):
        """The energy in use: "classical", an int n (dense, F(x) = x^n) or "exp"."""
        return self.energy_dropdown.value

    def _patterns(self):
        return np.array([self.prototypes[d] for d in self._recall_digits], dtype=np.int64)

    def _energy_of(self, state):
        """E of ``state`` with the energy in use (for "exp" the log-energy -ln(-E))."""
        if self.energy == "classical":
            return self.network.calculate_energy(state)
        return dense.dense_energy(state, self._patterns(), self.energy,
                                  log=self.energy == "exp")

    def _unstable(self, state):
        """How many neurons the T = 0 rule of the energy in use would still flip."""
        s = np.asarray(state, dtype=np.int64)
        if self.energy == "classical":
            return int(np.count_nonzero(np.where(self.network.local_field(s) >= 0, 1, -1) != s))
        xi = self._patterns()
        m = xi @ s
        return sum(dense._field_sign(xi[:, i], m - xi[:, i] * s[i], self.energy) != s[i]
                   for i in range(s.size))

    def _need_digits(self):
        digits = self.stored_digits
        if not digits:
            self._msg.say("No digit is selected for storage: select at least one digit "
                          "(toggle buttons 0-9), then press Recall.", "warning")
        return digits

    def _run(self, net, start):
        mode = self.dynamics_dropdown.value
        if self.energy != "classical":
            if mode == "sync":
                self._msg.say("Synchronous updates are only offered for the classical energy: "
                              "choose 'until stable' or the seed notebook's steps.", "warning")
                return None
            return dense_trajectory(self._patterns(), start, self.energy, schedule=mode,
                                    rng=self.rng, max_sweeps=_STABLE_SWEEPS,
                                    steps=self.steps_slider.value)
        return trajectory(net, start, schedule=mode, temperature=self.temperature_slider.value,
                          rng=self.rng, max_sweeps=_STABLE_SWEEPS, steps=self.steps_slider.value)

    def _start_timeline(self, net, state):
        self._timeline_key = (net, self.energy)
        self._canvas = np.asarray(state, dtype=np.int64).copy()
        self._energy = [self._energy_of(self._canvas)]
        self._ovh = [net.overlaps(self._canvas)]
        self._pending = None
        self._highlight = -1

    def new_probe(self):
        """Put the probe digit, corrupted by the noise slider, on the grid (no recall yet)."""
        digits = self._need_digits()
        if not digits:
            return None
        net = self._network(digits)
        self._recall_digits = list(digits)
        self.original = self.prototypes[self.probe_digit].copy()
        self.corrupted = add_noise(self.original, self.noise_slider.value,
                                   rng=self.rng).astype(np.int64)
        self._start_timeline(net, self.corrupted)
        self._push()
        flipped = int(np.count_nonzero(self.corrupted != self.original))
        self._msg.say(f"Digit {self.probe_digit} with {flipped} of {_N} pixels flipped is on the "
                      "grid. Paint on it if you like, then Play.")
        return self.corrupted

    def recall(self):
        """Corrupt the probe digit and run the dynamics with the current settings, at once.

        Returns the :class:`~hopfield_edu.engine.RecallResult`, or None (with a
        message) when the settings cannot work.
        """
        if self.new_probe() is None:
            return None
        tr = self._run(self.network, self._canvas)
        if tr is None:
            return None
        self._finish(tr, len(tr))
        return self.result

    def play(self):
        """Recall from what the grid shows; the browser replays it at the chosen speed."""
        digits = self._need_digits()
        if not digits:
            return None
        net = self._network(digits)
        # The replay starts from what the grid shows. A fresh probe or stroke keeps its
        # timeline; after a recall, or with other digits or another network, a new one starts.
        if (list(digits) != self._recall_digits or len(self._energy) != 1
                or (net, self.energy) != self._timeline_key):
            self._recall_digits = list(digits)
            self.corrupted = self._canvas.copy()
            self._start_timeline(net, self._canvas)
        if self.original is None:
            self.original = self.prototypes[self.probe_digit].copy()
        hot = self.temperature_slider.value > 0 and self.energy == "classical"
        if self.dynamics_dropdown.value == "stable" and not hot and not self._unstable(self._canvas):
            text, kind = attractor_sentence(self._canvas, np.array(
                [self.prototypes[d] for d in digits]), [str(d) for d in digits], unit="digit")
            self._msg.say(f"Already stable: {text}. Press New noisy probe or paint first.", kind)
            return None
        t0 = time.perf_counter()
        tr = self._run(net, self._canvas)
        if tr is None:
            return None
        ms = 1000 * (time.perf_counter() - t0)
        self._pending = tr
        self._set_busy(True)
        self._push(play=True)
        speed = self.speed_slider.value
        self._msg.say(f"Playing {len(tr)} updates at {speed} per second ({len(tr) / speed:.1f} s; "
                      f"computed in {ms:.0f} ms, replayed by the browser). Pause stops it.")
        return tr

    def finish_replay(self, position=None):
        """Commit a replay up to ``position`` updates (default: all of it)."""
        tr = self._pending
        if tr is None:
            return
        k = len(tr) if position is None else min(max(int(position), 0), len(tr))
        self._set_busy(False)
        self._finish(tr, k)

    def _finish(self, tr, k):
        self._pending = None
        self.trajectory = tr
        self._canvas = tr.state_at(k)
        self._energy.extend(float(e) for e in tr.energy[:k])
        self._ovh.extend(tr.overlaps[1:k + 1])
        if k and tr.schedule != "sync":
            self._highlight = int(tr.index[tr.ends[k - 1] - 1])
        if k == len(tr):
            self.result = tr.result()
            self.recalled = tr.final.copy()
        self._push()
        self._draw_digits()
        if k == len(tr):
            self._msg.say(*self._verdict(self._recall_digits, self.probe_digit, self.result))
        else:
            self._msg.say(f"Paused after {k} of {len(tr)} updates.")

    def _verdict(self, digits, probe, res):
        unit = "synchronous steps" if res.mode == "sync" else "single-neuron updates"
        parts = [f"{res.steps} {unit}, {res.flips} flips."]
        kind = "info"
        net = self.network
        names = [str(d) for d in digits]
        patterns = np.array([self.prototypes[d] for d in digits])
        if res.temperature > 0:
            recent = res.overlaps[-min(res.steps, _N):] if res.steps else res.overlaps
            text, kind = describe_temperature(res.temperature, recent, names, unit="digit")
            parts.append(text)
        else:
            unstable = self._unstable(res.state)
            if unstable:
                parts.append(f"Not stable yet: {unstable} neurons would still flip "
                             f"(a fixed number of updates, the seed notebook's recall, can stop "
                             "early; choose 'until stable').")
                best = int(np.argmax(np.abs(res.overlaps[-1])))
                parts.append(f"Closest stored digit now: {digits[best]} "
                             f"(m = {res.overlaps[-1][best]:+.2f}).")
                kind = "warning"
            elif res.cycle:
                parts.append("Stuck in a 2-cycle of the synchronous dynamics.")
                kind = "warning"
            else:
                text, kind = attractor_sentence(res.state, patterns, names, unit="digit")
                parts.append(f"Stable: {text}.")
                exact = [d for d in digits if np.array_equal(self.prototypes[d], res.state)]
                if exact and exact[0] != probe:
                    kind = "warning"
                    parts.append(f"(The probe was {probe}: the noise pushed it into another basin.)")
        if probe not in digits:
            parts.append(f"Digit {probe} is not stored, so it cannot be recalled.")
        if self.energy != "classical":
            what = "exp(x)" if self.energy == "exp" else f"x^{self.energy}"
            parts.insert(1, f"Dense associative memory, E = -Σ F(ξ·s) with F(x) = {what}.")
            if self.temperature_slider.value > 0 or self.inhibitory_slider.value > 0:
                parts.append("Temperature and inhibitory neurons apply to the classical "
                             "energy only; this dense recall ignores them.")
        elif net.inhibitory_neurons.size:
            parts.append(f"{net.inhibitory_neurons.size} inhibitory neurons "
                         f"({net.inhibitory_mode}): W is asymmetric, so the energy "
                         "need not decrease.")
        return " ".join(parts), kind

    # --------------------------------------------------------------- showing
    def _push(self, *, play=False):
        """Send the grid, the timeline (plus a pending replay) to the view."""
        net, digits = self.network, self._recall_digits
        refs = [self._energy_of(self.prototypes[d]) for d in digits] if net is not None else []
        self.view.energy_label = _energy_label(self.energy)
        self.view.show(self._canvas, self._energy, np.array(self._ovh, dtype=float),
                       [str(d) for d in digits], refs, replay=self._pending,
                       highlight=self._highlight, editable=not self.busy, play=play)
        self._refresh_status()

    def _refresh_status(self):
        if not self._energy:
            self.status.value = ""
            return
        m = self._ovh[-1]
        speed = (f" &nbsp;·&nbsp; last replay: {self.view.delivered:.0f} updates/s delivered"
                 if self.view.delivered else "")
        what = "−ln(−E)" if self.energy == "exp" else "E"
        self.status.value = (f"{what}: {self._energy[0]:.6g} → {self._energy[-1]:.6g} &nbsp;·&nbsp; "
                             f"updates: {len(self._energy) - 1}{speed}<br>"
                             + ", ".join(f"m<sub>{d}</sub> = {v:+.2f}"
                                         for d, v in zip(self._recall_digits, m)))

    def _draw_digits(self):
        if self.original is None:
            return
        self.digits_image.value = _render.figure_png(_render.digits_figure(
            [self.original, self.corrupted, self._canvas],
            [f"digit {self.probe_digit}", "start of recall", "now"], _SHAPE))

    def _set_busy(self, busy):
        self.busy = busy
        with self.view.hold_sync():
            for w in self._busy_widgets:
                w.disabled = busy
            for d in range(10):
                if d not in self.prototypes:
                    self.digit_buttons[d].disabled = True
            self.pause_button.disabled = not busy
            self.view.editable = not busy

    # ------------------------------------------------------------ callbacks
    @guarded
    def _on_recall(self, _):
        self.recall()

    @guarded
    def _on_corrupt(self, _):
        self.new_probe()

    @guarded
    def _on_play(self, _):
        self.play()

    @guarded
    @while_busy
    def _on_pause(self, _):
        self.pause()

    @guarded
    @while_busy
    def _on_speed(self, change):
        self.view.rate = float(change["new"])

    @guarded
    @while_busy
    def _on_report(self, _change):
        self.finish_replay(self.view.position - self.view.base)

    @guarded
    def _on_stroke(self, _change):
        new = self.view.read_state()
        if new.size != _N or np.array_equal(new, self._canvas):
            return
        changed = int(np.count_nonzero(new != self._canvas))
        self._canvas = new
        digits = self.stored_digits
        if digits:
            self._recall_digits = list(digits)
            self._start_timeline(self._network(digits), new)
        self.corrupted = new.copy()
        self._push()
        self._draw_digits()
        self._msg.say(f"Painted: {changed} pixel(s) changed. Press Play to recall from the grid.")
