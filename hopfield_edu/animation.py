"""Animated recall: GIF files (through Pillow) and JavaScript HTML for notebooks.

No ffmpeg is needed. GIF files are drawn by Pillow straight from the state arrays
(:func:`write_gif`, :func:`save_recall_gif`): the same layout as the matplotlib figure
(title above a framed 28x28 image, DejaVu Sans), 20-40 times faster than rendering every
frame with matplotlib, which :func:`save_gif` still does for any ``FuncAnimation``.
Notebooks get ``anim.to_jshtml()`` (frames embedded as PNGs with a play bar), instead of
the research notebook's ``to_html5_video()`` that needs ffmpeg.

- :func:`recall_animation` — the research notebook's 28x28 recall (seed 000), from
  :func:`hopfield_edu.experiments.recall_frames`.
- :func:`convergence_animation` — the teaching notebook's 5x5 convergence
  (seed 001), with a seeded generator.

In a notebook::

    from IPython.display import HTML
    HTML(to_jshtml(recall_animation(frames)))
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ._validation import as_generator, as_spin_matrix, as_spin_vector, as_weights, check_positive_int
from .dynamics import local_field, update_state
from .patterns import _infer_shape

if TYPE_CHECKING:  # matplotlib is imported where it is used (the GIF writer does not need it)
    from matplotlib.animation import FuncAnimation

__all__ = [
    "grid_animation",
    "recall_animation",
    "convergence_frames",
    "convergence_animation",
    "save_gif",
    "save_recall_gif",
    "write_gif",
    "to_jshtml",
]


def grid_animation(frames, *, labels=None, shape=None, title="", interval=50, figsize=(4, 4),
                   cmap="gray", grid_lines=False) -> FuncAnimation:
    """Animate a sequence of ±1 states drawn as images.

    Parameters
    ----------
    frames : array (F, N) of ±1
        One state per frame.
    labels : sequence of str, optional
        Per-frame subtitle (e.g. the update count).
    shape : (rows, cols), optional
        Image shape; square by default (784 → 28x28, 25 → 5x5).
    grid_lines : bool
        Draw cell borders (for the 5x5 letters, as in the teaching notebook).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        On a standalone Figure (not registered with pyplot). Save with
        :func:`save_gif` or embed with :func:`to_jshtml`.
    """
    # matplotlib is imported here, not at module level: the GIF writer does not need it
    from matplotlib.animation import FuncAnimation
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    x = as_spin_matrix(frames, name="frames")
    rows, cols = _infer_shape(x.shape[1], shape)
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"labels has {len(labels)} entries for {len(x)} frames")
    # No layout engine: it would re-run on every frame and triple the rendering time.
    fig = Figure(figsize=figsize)
    fig.subplots_adjust(left=0.04, right=0.96, bottom=0.04, top=0.84)
    FigureCanvasAgg(fig)  # a real canvas: frames are grabbed by rendering it
    ax = fig.subplots()
    im = ax.imshow(x[0].reshape(rows, cols), cmap=cmap, vmin=-1, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if grid_lines:
        ax.set_xticks(np.arange(-0.5, cols, 1), minor=True)
        ax.set_yticks(np.arange(-0.5, rows, 1), minor=True)
        ax.grid(which="minor", color="black", linestyle="-", linewidth=1)
        ax.tick_params(which="minor", bottom=False, left=False)
    text = ax.set_title(title if labels is None else f"{title}\n{labels[0]}".strip())

    def update(i):
        im.set_data(x[i].reshape(rows, cols))
        if labels is not None:
            text.set_text(f"{title}\n{labels[i]}".strip())
        return [im, text]

    return FuncAnimation(fig, update, frames=len(x), interval=interval, blit=False, repeat=False)


def recall_animation(recall, *, interval=50, figsize=(4, 4)) -> FuncAnimation:
    """Animate a :class:`~hopfield_edu.experiments.RecallFrames` (the notebook's animated recall)."""
    from .experiments import RecallFrames

    if not isinstance(recall, RecallFrames):
        raise TypeError(f"recall must be RecallFrames (from recall_frames), got {type(recall).__name__}")
    labels = [f"Recall Step: {s}" for s in recall.steps]
    return grid_animation(recall.frames, labels=labels, interval=interval, figsize=figsize,
                          title=f"{recall.label}: noisy '{recall.digit}'")


def convergence_frames(initial_state, weights, *, rng=None, max_steps=400, hold=10):
    """States of an asynchronous recall until it reaches a fixed point (teaching notebook).

    One frame per single-neuron update (:func:`hopfield_edu.update_state`, the
    reference rule, with the given generator). The teaching notebook stopped
    after 80 updates in a row changed nothing, which can stop early at a state
    that is not stable; here the loop stops once the state *is* a fixed point —
    every neuron agrees with its field, :math:`s_i = \\operatorname{sign}(h_i)` — and
    then repeats the last frame ``hold`` times so the end is visible.

    Returns
    -------
    frames : ndarray (F, N) of ±1
    converged : bool
        Whether a fixed point was reached within ``max_steps`` updates.
    """
    state = as_spin_vector(initial_state, name="initial_state").astype(np.int64)
    w = as_weights(weights, n=state.size)
    gen = as_generator(rng)
    max_steps = check_positive_int(max_steps, "max_steps", minimum=0)
    hold = check_positive_int(hold, "hold", minimum=0)

    def is_fixed(s):
        return bool(np.all(np.where(local_field(s, w) >= 0, 1, -1) == s))

    frames = [state.copy()]
    converged = is_fixed(state)
    steps = 0
    while not converged and steps < max_steps:
        state = update_state(state, w, rng=gen)
        frames.append(state.copy())
        steps += 1
        converged = is_fixed(state)
    frames.extend([state.copy()] * hold)
    return np.array(frames), converged


def convergence_animation(initial_state, weights, *, rng=None, max_steps=400, hold=10, interval=100,
                          figsize=(3, 3)) -> FuncAnimation:
    """The teaching notebook's 5x5 convergence animation, reproducible with ``rng``.

    Example::

        from hopfield_edu import letter_patterns, train_hopfield, add_noise
        p = letter_patterns(); W = train_hopfield(list(p.values()))
        anim = convergence_animation(add_noise(p["T"], 0.15, rng=1), W, rng=2)
    """
    frames, converged = convergence_frames(initial_state, weights, rng=rng, max_steps=max_steps, hold=hold)
    moving = len(frames) - hold
    labels = [f"update {min(i, moving - 1)}" + (" (fixed point)" if converged and i >= moving - 1 else "")
              for i in range(len(frames))]
    return grid_animation(frames, labels=labels, title="Hopfield Convergence", interval=interval,
                          figsize=figsize, grid_lines=True)


def save_gif(anim: FuncAnimation, path, *, fps=20, dpi=80):
    """Write an animation to a GIF file with Pillow (no ffmpeg). Returns the path."""
    from matplotlib.animation import FuncAnimation, PillowWriter

    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    fps = check_positive_int(fps, "fps")
    path = os.fspath(path)
    if not path.lower().endswith(".gif"):
        raise ValueError(f"path must end in .gif, got {path!r}")
    anim.save(path, writer=PillowWriter(fps=fps), dpi=dpi)
    return path


def _title_font(px):
    """DejaVu Sans (matplotlib's default font, found without importing matplotlib) at ``px`` pixels."""
    import importlib.util

    from PIL import ImageFont

    spec = importlib.util.find_spec("matplotlib")
    for root in (spec.submodule_search_locations or []) if spec else []:
        try:
            return ImageFont.truetype(os.path.join(root, "mpl-data", "fonts", "ttf", "DejaVuSans.ttf"), px)
        except OSError:
            continue
    return ImageFont.load_default(px)


def write_gif(frames, path, *, labels=None, title="", shape=None, fps=20, size=320, grid_lines=False):
    """Write ±1 states as an animated GIF with Pillow, straight from the arrays.

    The frame looks like :func:`grid_animation`'s figure at ``figsize=(4, 4), dpi=80``
    (``size=320``): the title (and the frame's label on a second line) centred above
    the image, +1 white and -1 black, pixels enlarged without smoothing, a black frame.

    Parameters
    ----------
    frames : array (F, N) of ±1
        One state per frame.
    path : str or path-like
        A new or replaceable file ending in ``.gif``.
    labels : sequence of str, optional
        Per-frame second title line (e.g. ``"Recall Step: 40"``).
    shape : (rows, cols), optional
        Image shape; square by default (784 -> 28x28).
    fps : int
        Frames per second (each frame shows for ``1000 // fps`` ms); the GIF loops.
    size : int
        Width and height in pixels.
    grid_lines : bool
        Draw cell borders (the 5x5 letters).

    Returns
    -------
    str
        ``path``.
    """
    from PIL import Image, ImageDraw

    x = as_spin_matrix(frames, name="frames")
    rows, cols = _infer_shape(x.shape[1], shape)
    if labels is not None and len(labels) != len(x):
        raise ValueError(f"labels has {len(labels)} entries for {len(x)} frames")
    fps = check_positive_int(fps, "fps")
    size = check_positive_int(size, "size", minimum=32)
    path = os.fspath(path)
    if not path.lower().endswith(".gif"):
        raise ValueError(f"path must end in .gif, got {path!r}")
    # The figure's axes box: top at 84 % of the height, 80 % of it tall, centred.
    side = int(round(0.80 * size))
    cell = max(1, side // max(rows, cols))
    w_img, h_img = cell * cols, cell * rows
    x0, y0 = (size - w_img) // 2, int(round(0.16 * size)) + (side - h_img) // 2
    font = _title_font(max(8, int(round(size / 24))))  # 12 pt at 80 dpi on a 320-pixel frame
    grey = np.where(x > 0, 255, 0).astype(np.uint8).reshape(len(x), rows, cols)
    images = []
    for i in range(len(x)):
        frame = Image.new("L", (size, size), 255)
        frame.paste(Image.fromarray(grey[i]).resize((w_img, h_img), Image.NEAREST), (x0, y0))
        draw = ImageDraw.Draw(frame)
        if grid_lines:
            for c in range(1, cols):
                draw.line([(x0 + c * cell, y0), (x0 + c * cell, y0 + h_img)], fill=0)
            for r in range(1, rows):
                draw.line([(x0, y0 + r * cell), (x0 + w_img, y0 + r * cell)], fill=0)
        draw.rectangle([x0 - 1, y0 - 1, x0 + w_img, y0 + h_img], outline=0)
        text = title if labels is None else f"{title}\n{labels[i]}".strip()
        if text:
            draw.multiline_text((size / 2, y0 - 6), text, fill=0, font=font, anchor="md", align="center")
        images.append(frame)
    images[0].save(path, save_all=True, append_images=images[1:], duration=1000 // fps, loop=0,
                   optimize=False)  # palette optimisation: slower and, here, larger files
    return path


def save_recall_gif(recall, path, *, fps=20, size=320):
    """Write a :class:`~hopfield_edu.experiments.RecallFrames` as a GIF with Pillow.

    The same frames, titles and timing as ``save_gif(recall_animation(recall), path,
    fps=fps, dpi=80)``, drawn by :func:`write_gif` without matplotlib.
    """
    from .experiments import RecallFrames

    if not isinstance(recall, RecallFrames):
        raise TypeError(f"recall must be RecallFrames (from recall_frames), got {type(recall).__name__}")
    return write_gif(recall.frames, path, labels=[f"Recall Step: {s}" for s in recall.steps],
                     title=f"{recall.label}: noisy '{recall.digit}'", fps=fps, size=size)


def to_jshtml(anim: FuncAnimation, *, default_mode="once") -> str:
    """HTML with JavaScript controls for a notebook: ``IPython.display.HTML(to_jshtml(anim))``."""
    from matplotlib.animation import FuncAnimation

    if not isinstance(anim, FuncAnimation):
        raise TypeError(f"anim must be a matplotlib FuncAnimation, got {type(anim).__name__}")
    return _offline_jshtml(anim.to_jshtml(default_mode=default_mode))


#: Text stand-ins for the Font Awesome icons of matplotlib's player (no font is fetched).
_ICON_TEXT = {
    "fa fa-minus": "\u2212", "fa fa-plus": "+", "fa fa-fast-backward": "|\u25c0",
    "fa fa-step-backward": "\u25c1", "fa fa-play fa-flip-horizontal": "\u25c0",
    "fa fa-pause": "\u2759\u2759", "fa fa-play": "\u25b6", "fa fa-step-forward": "\u25b7",
    "fa fa-fast-forward": "\u25b6|",
}


def _offline_jshtml(html: str) -> str:
    """Matplotlib's player HTML without its Font Awesome stylesheet from a CDN.

    A classroom may have no internet: the ``<link>`` is removed and the button icons
    become plain characters (the buttons keep their titles), so the HTML requests
    nothing from outside.
    """
    import re

    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html, flags=re.IGNORECASE)

    def icon(match):
        return f'<span aria-hidden="true">{_ICON_TEXT.get(match.group(1), "?")}</span>'

    return re.sub(r'<i class="(fa [^"]*)"></i>', icon, html)
