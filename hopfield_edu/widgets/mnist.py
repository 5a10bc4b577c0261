"""The MNIST playground: store some digit prototypes in a 784-neuron network,
corrupt one digit and watch the recall, with or without inhibitory neurons and
thermal noise.

The network is :class:`hopfield_edu.engine.HopfieldNetwork`, the prototypes come
from :func:`hopfield_edu.data.mnist_prototypes` (the research notebook's first
training image of each digit, binarized), the noise from
:func:`hopfield_edu.dynamics.add_noise`. This module only wires them to widgets.
"""
from __future__ import annotations

import ipywidgets as W
import numpy as np

from .._validation import (
    as_generator,
    as_spin_vector,
    check_fraction,
    check_positive_int,
    check_temperature,
)
from ..dynamics import add_noise
from ..engine import INHIBITORY_MODES, HopfieldNetwork
from . import _render
from ._common import MessageLine, css, guarded, png_image

__all__ = ["MnistPlayground"]

_SHAPE = (28, 28)
_N = 784
#: Sweeps of the "stable" dynamics (stops earlier at a fixed point when T = 0).
_STABLE_SWEEPS = 50
#: Screen pixels per neuron in the animation.
_FRAME_SCALE = 5
#: At most this many frames in the recall animation.
_MAX_FRAMES = 80
_DYNAMICS = (
    ("steps: fixed number of single-neuron updates (research notebook)", "steps"),
    ("stable: random sweeps until nothing flips", "stable"),
    ("sync: all neurons at once", "sync"),
)


def _digits(values, name):
    out = []
    for d in values:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= 9:
            raise ValueError(f"{name} must hold integers 0-9, got {d!r}")
        if int(d) not in out:
            out.append(int(d))
    return out


class MnistPlayground:
    r"""Recall of corrupted MNIST digits in a 784-neuron Hopfield network.

    Choose the digits to store (toggle buttons 0-9), the digit to corrupt and
    recall, the noise (fraction of flipped pixels), the inhibitory fraction and
    mode, the temperature, the dynamics and the number of updates, then press
    **Recall**. The playground shows the original, corrupted and recalled digit,
    the energy trace, the overlap with every stored digit over time and an
    animation of the recall (Play, or drag the frame slider).

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
        Updates in the ``steps`` mode (the notebook's 1500), synchronous steps in ``sync``.
    dynamics : {"steps", "stable", "sync"}, default "steps"
    rng : None, int or numpy.random.Generator
        Seed of the noise, the inhibitory neurons and the dynamics.
    prototypes : dict digit -> 784-vector, optional
        Default: :func:`hopfield_edu.data.mnist_prototypes`.
    recall : bool, default True
        Run one recall at once, so the playground opens with pictures.

    Attributes
    ----------
    widget : ipywidgets.VBox
    stored_digits, probe_digit, original, corrupted, recalled, result,
    energy_history, overlaps, overlap_history, frames, frame_steps, message, network
        The model, for code and tests (``None`` before the first recall).
    """

    def __init__(self, stored_digits=(0, 1, 3, 5, 8), probe_digit=8, *, noise=0.2,
                 inhibitory_fraction=0.0, inhibitory_mode="rows", temperature=0.0, steps=1500,
                 dynamics="steps", rng=None, prototypes=None, recall=True):
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
            raise ValueError(f"dynamics must be 'steps', 'stable' or 'sync', got {dynamics!r}")
        self.rng = as_generator(rng)
        self.prototypes = self._load_prototypes(prototypes)
        self.last_error = None
        self.network = None
        self._net_key = None
        self.original = self.corrupted = self.recalled = self.result = None
        self.frames = None
        self.frame_steps = None
        self._frame_png = []
        self._recall_digits = []
        self._build(stored, probe, noise, inh, inhibitory_mode, temperature, steps, dynamics)
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
    def energy_history(self) -> np.ndarray | None:
        """Energy of the corrupted start, then after every update of the last recall."""
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
    def _build(self, stored, probe, noise, inh, inh_mode, temperature, steps, dynamics):
        self._msg = MessageLine("mnist-message")
        self.digit_buttons = []
        for d in range(10):
            b = css(W.ToggleButton(value=d in stored, description=str(d),
                                   tooltip=f"store digit {d}",
                                   layout=W.Layout(width="34px")), "store-digit", f"digit-{d}")
            self.digit_buttons.append(b)
        missing = [d for d in range(10) if d not in self.prototypes]
        for d in missing:
            self.digit_buttons[d].value = False
            self.digit_buttons[d].disabled = True
        options = [d for d in range(10) if d in self.prototypes]
        if probe not in options:
            raise ValueError(f"probe_digit {probe} has no prototype")
        style = {"description_width": "130px"}
        wide = W.Layout(width="380px")
        self.probe_dropdown = css(W.Dropdown(options=options, value=probe,
                                             description="probe digit", style=style),
                                  "probe-digit")
        self.noise_slider = css(W.FloatSlider(value=noise, min=0.0, max=1.0, step=0.01,
                                              description="noise", readout_format=".2f",
                                              continuous_update=False, style=style, layout=wide),
                                "noise-slider")
        self.inhibitory_slider = css(W.FloatSlider(value=inh, min=0.0, max=0.9, step=0.05,
                                                   description="inhibitory fraction",
                                                   readout_format=".2f", continuous_update=False,
                                                   style=style, layout=wide),
                                     "inhibitory-slider")
        self.inhibitory_mode = css(W.ToggleButtons(options=list(INHIBITORY_MODES), value=inh_mode,
                                                   style={"button_width": "90px"},
                                                   tooltips=["negate their inputs (research notebook code)",
                                                             "negate their outputs (Dale-like)"]),
                                   "inhibitory-mode")
        self.temperature_slider = css(W.FloatSlider(value=temperature, min=0.0, max=3.0,
                                                    step=0.05, description="temperature T",
                                                    readout_format=".2f",
                                                    continuous_update=False, style=style,
                                                    layout=wide), "temperature-slider")
        self.dynamics_dropdown = css(W.Dropdown(options=list(_DYNAMICS), value=dynamics,
                                                description="dynamics", style=style,
                                                layout=W.Layout(width="480px")),
                                     "dynamics-dropdown")
        self.steps_slider = css(W.IntSlider(value=steps, min=0, max=20_000, step=100,
                                            description="steps", continuous_update=False,
                                            style=style, layout=wide), "steps-slider")
        self.recall_button = css(W.Button(description="Recall", icon="play",
                                          button_style="primary"), "btn-recall")
        self.recall_button.on_click(self._on_recall)
        self.status = css(W.HTML(), "hopfield-status", "mnist-status")
        self.digits_image = png_image("digits-plot", _render.digits_px(3))
        self.energy_image = png_image("energy-plot", _render.PLOT_PX)
        self.overlap_image = png_image("overlap-plot", _render.PLOT_PX)
        side = _SHAPE[0] * _FRAME_SCALE
        self.frame_image = png_image("frame-image", (side, side))
        self.frame_play = css(W.Play(value=0, min=0, max=0, step=1, interval=80,
                                     show_repeat=False, description="play recall"), "frame-play")
        self.frame_slider = css(W.IntSlider(value=0, min=0, max=0, description="frame",
                                            readout=True), "frame-slider")
        W.jslink((self.frame_play, "value"), (self.frame_slider, "value"))
        self.frame_slider.observe(self._on_frame, names="value")
        self.frame_label = css(W.HTML(), "frame-label")

        self.widget = css(W.VBox([
            W.HBox([W.HTML("<b>store</b>&nbsp;", layout=W.Layout(width="130px")),
                    *self.digit_buttons]),
            self.probe_dropdown, self.noise_slider, self.inhibitory_slider,
            # A ToggleButtons' own description wraps above it in Voila: label it by hand.
            W.HBox([W.HTML("inhibitory mode", layout=W.Layout(width="130px")),
                    self.inhibitory_mode]),
            self.temperature_slider, self.dynamics_dropdown,
            self.steps_slider,
            W.HBox([self.recall_button, self.status]),
            self._msg.widget,
            W.HBox([self.digits_image,
                    W.VBox([self.frame_image, W.HBox([self.frame_play, self.frame_slider]),
                            self.frame_label], layout=W.Layout(margin="0 0 0 16px"))],
                   layout=W.Layout(align_items="flex-start")),
            W.HBox([self.energy_image, self.overlap_image]),
        ]), "mnist-playground")

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

    def recall(self):
        """Corrupt the probe digit and run the dynamics with the current settings.

        Returns the :class:`~hopfield_edu.engine.RecallResult`, or None (with a
        message) when the settings cannot work.
        """
        digits = self.stored_digits
        if not digits:
            self._msg.say("No digit is selected for storage: select at least one digit "
                          "(toggle buttons 0-9), then press Recall.", "warning")
            return None
        net = self._network(digits)
        probe = self.probe_digit
        mode = self.dynamics_dropdown.value
        steps = self.steps_slider.value
        T = self.temperature_slider.value
        self.original = self.prototypes[probe].copy()
        self.corrupted = add_noise(self.original, self.noise_slider.value,
                                   rng=self.rng).astype(np.int64)
        # Frames: at most ~_MAX_FRAMES snapshots over the longest possible run.
        longest = {"steps": steps, "stable": _STABLE_SWEEPS * _N, "sync": steps}[mode]
        every = 1 if mode == "sync" else max(1, longest // _MAX_FRAMES)
        if mode == "stable" and T == 0:
            every = max(1, _N // 16)  # usually stable within a few sweeps
        res = net.run(self.corrupted, mode=mode, max_steps=steps, max_sweeps=_STABLE_SWEEPS,
                      temperature=T, record_energy=True, record_overlaps=True,
                      record_every=every, rng=self.rng)
        self.result = res
        self.recalled = res.state.copy()
        self._recall_digits = list(digits)
        frames = np.asarray(res.snapshots, dtype=np.int64)
        frame_steps = np.arange(frames.shape[0]) * every
        if res.steps % every:          # the last updates did not fall on a snapshot
            frames = np.vstack([frames, res.state[None, :]])
            frame_steps = np.append(frame_steps, res.steps)
        if frames.shape[0] > _MAX_FRAMES:  # long hot runs: keep evenly spaced frames and the last
            keep = np.unique(np.linspace(0, frames.shape[0] - 1, _MAX_FRAMES).round().astype(int))
            frames, frame_steps = frames[keep], frame_steps[keep]
        self.frames, self.frame_steps = frames, frame_steps
        self._draw()
        self._msg.say(*self._verdict(digits, probe, res))
        return res

    def _verdict(self, digits, probe, res):
        m = self.overlaps
        best = max(m, key=lambda d: m[d])
        unit = "synchronous steps" if res.mode == "sync" else "single-neuron updates"
        parts = [f"{res.steps} {unit}, {res.flips} flips."]
        kind = "info"
        exact = [d for d in digits if np.array_equal(self.prototypes[d], res.state)]
        if exact:
            parts.append(f"Recalled digit {exact[0]} exactly.")
            kind = "ok" if exact[0] == probe else "warning"
            if exact[0] != probe:
                parts.append(f"(The probe was {probe}: the noise pushed it into another basin.)")
        else:
            parts.append(f"Closest stored digit: {best} (overlap {m[best]:+.2f}); "
                         "the state is not exactly a stored digit.")
        if probe not in digits:
            parts.append(f"Digit {probe} is not stored, so it cannot be recalled.")
        if self.network.inhibitory_neurons.size:
            parts.append(f"{self.network.inhibitory_neurons.size} inhibitory neurons "
                         f"({self.network.inhibitory_mode}): W is asymmetric, so the energy "
                         "need not decrease.")
        if res.temperature > 0:
            parts.append(f"At T = {res.temperature:.2f} neurons flip at random "
                         "(Glauber dynamics); above T = 1 the memories melt.")
        return " ".join(parts), kind

    def _draw(self):
        res = self.result
        names = [str(d) for d in self._recall_digits]
        self.digits_image.value = _render.figure_png(_render.digits_figure(
            [self.original, self.corrupted, self.recalled],
            ["original", f"corrupted ({self.noise_slider.value:.2f})", "recalled"], _SHAPE))
        refs = {d: self.network.calculate_energy(self.prototypes[d]) for d in self._recall_digits}
        self.energy_image.value = _render.figure_png(_render.energy_figure(
            self.energy_history, references=refs, title="Energy (dotted: stored digits)",
            xlabel="synchronous step" if res.mode == "sync" else "update"))
        self.overlap_image.value = _render.figure_png(_render.overlap_trace_figure(
            names, res.overlaps))
        self._frame_png = [_render.spins_png(f, _SHAPE, scale=_FRAME_SCALE) for f in self.frames]
        last = len(self._frame_png) - 1
        self.frame_play.playing = False
        self.frame_play.max = last
        self.frame_slider.max = last
        # Both ends of the browser-side link agree on the last frame (pressing Play at
        # the end restarts from frame 0).
        self.frame_play.value = last
        self.frame_slider.value = last
        self._show_frame(last)  # (assigning equal bytes again sends nothing)
        e = self.energy_history
        self.status.value = (f"E: {e[0]:.2f} → {e[-1]:.2f} &nbsp;·&nbsp; "
                             + ", ".join(f"m<sub>{d}</sub> = {v:+.2f}" for d, v in self.overlaps.items()))

    def _show_frame(self, k):
        if not self._frame_png:
            return
        k = min(max(int(k), 0), len(self._frame_png) - 1)
        self.frame_image.value = self._frame_png[k]
        self.frame_label.value = (f"frame {k + 1}/{len(self._frame_png)}: after "
                                  f"{int(self.frame_steps[k])} updates")

    # ------------------------------------------------------------ callbacks
    @guarded
    def _on_recall(self, _):
        self.recall()

    @guarded
    def _on_frame(self, change):
        self._show_frame(change["new"])
