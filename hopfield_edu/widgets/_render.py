"""Pictures for the playgrounds, as PNG bytes for an :class:`ipywidgets.Image`.

Every figure is a :class:`matplotlib.figure.Figure` built without pyplot, so
nothing is registered with pyplot's figure manager: redrawing a playground a
thousand times leaves no figures behind and never opens a window. Replacing
``image.value`` with new bytes updates the picture in place in every front end
(JupyterLab, Notebook 7, Voila).
"""
from __future__ import annotations

import io

import numpy as np
from matplotlib.figure import Figure
from PIL import Image as PILImage

__all__ = [
    "figure_png",
    "spins_png",
    "energy_figure",
    "overlap_bar_figure",
    "overlap_trace_figure",
    "weights_figure",
    "digits_figure",
]

# Small figures at a modest resolution: one redraw is ~40 ms, so playing the
# dynamics stays responsive on a slow machine.
_DPI = 80
#: Figure sizes in inches; at _DPI they give the pixel sizes in PIXELS.
_PLOT_IN = (3.6, 2.4)
_WEIGHTS_IN = (3.6, 3.0)
_DIGIT_IN = (1.6, 1.9)
#: Pixel sizes of the pictures (width, height), for fixed-size Image widgets.
PLOT_PX = (round(_PLOT_IN[0] * _DPI), round(_PLOT_IN[1] * _DPI))
WEIGHTS_PX = (round(_WEIGHTS_IN[0] * _DPI), round(_WEIGHTS_IN[1] * _DPI))


def digits_px(count):
    """Pixel size of :func:`digits_figure` with ``count`` panels."""
    return round(_DIGIT_IN[0] * count * _DPI), round(_DIGIT_IN[1] * _DPI)


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes (no timestamp in the metadata, so equal figures give equal bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buf.getvalue()


def spins_png(vector, shape, scale=5) -> bytes:
    """A ±1 state as a black (+1) on white (-1) PNG, each neuron ``scale`` pixels wide.

    Pillow does this in about a millisecond for a 28x28 digit, fast enough to
    prepare every frame of a recall animation up front.
    """
    grid = np.asarray(vector).reshape(shape)
    pixels = np.where(grid > 0, 0, 255).astype(np.uint8)
    img = PILImage.fromarray(pixels, mode="L")
    img = img.resize((shape[1] * scale, shape[0] * scale), PILImage.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _new_axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, dpi=_DPI, layout="constrained")
    return fig, fig.add_subplot()


def energy_figure(energy, *, references=None, title="Energy", xlabel="update", ax=None):
    """Energy trace E(t), with dotted lines at the energies of the stored patterns.

    Parameters
    ----------
    energy : 1-D array
        E after each update; entry 0 is the starting state.
    references : dict name -> float, optional
        Energies of the stored patterns (the minima recall should reach).
    ax : matplotlib Axes, optional
        Draw into this axes instead of a new figure.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _new_axes(ax, _PLOT_IN)
    e = np.asarray(energy, dtype=float)
    for name, value in (references or {}).items():
        ax.axhline(value, color="0.6", lw=0.8, ls=":")
        ax.annotate(str(name), (0.99, value), xycoords=("axes fraction", "data"),
                    fontsize=7, color="0.4", ha="right", va="bottom")
    if e.size:
        ax.plot(np.arange(e.size), e, color="tab:blue", lw=1.2, drawstyle="steps-post")
        ax.plot([e.size - 1], [e[-1]], "o", color="tab:blue", ms=4)
    else:
        ax.text(0.5, 0.5, "no trace yet", ha="center", va="center", transform=ax.transAxes,
                color="0.5")
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel("E", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return fig


def overlap_bar_figure(names, overlaps, *, title="Overlap with each stored pattern", ax=None):
    r"""Bar chart of the overlaps :math:`m_\mu = \frac1N \sum_i \xi_i^\mu s_i`, on [-1, 1]."""
    fig, ax = _new_axes(ax, _PLOT_IN)
    m = np.asarray(overlaps, dtype=float)
    if m.size:
        colors = ["tab:green" if v >= 0.999 else ("tab:red" if v <= -0.999 else "tab:gray") for v in m]
        ax.bar(range(m.size), m, color=colors)
        ax.set_xticks(range(m.size), [str(n) for n in names], fontsize=8)
    else:
        ax.text(0.5, 0.5, "nothing stored", ha="center", va="center", transform=ax.transAxes,
                color="0.5")
        ax.set_xticks([])
    ax.axhline(0, color="k", lw=0.6)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("m", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return fig


def overlap_trace_figure(names, overlap_history, *, title="Overlap with each stored digit",
                         ax=None):
    """Overlap with every stored pattern after each update (rows = time, columns = patterns)."""
    fig, ax = _new_axes(ax, _PLOT_IN)
    h = np.asarray(overlap_history, dtype=float)
    if h.ndim == 2 and h.size:
        t = np.arange(h.shape[0])
        for k, name in enumerate(names):
            ax.plot(t, h[:, k], lw=1.2, label=str(name))
        ax.legend(fontsize=7, ncol=min(5, len(names)), loc="lower right", frameon=False)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("update", fontsize=8)
    ax.set_ylabel("m", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return fig


def weights_figure(weights, *, title="Weight matrix W", ax=None):
    """The weight matrix as a diverging heat map (row i = inputs of neuron i), symmetric colour scale."""
    fig, ax = _new_axes(ax, _WEIGHTS_IN)
    w = np.asarray(weights, dtype=float)
    vmax = float(np.abs(w).max()) or 1.0
    im = ax.imshow(w, cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest")
    fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_xlabel("j (presynaptic)", fontsize=8)
    ax.set_ylabel("i (postsynaptic)", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.tick_params(labelsize=7)
    return fig


def digits_figure(images, titles, shape=(28, 28)):
    """Several ±1 states side by side (e.g. original / corrupted / recalled)."""
    fig = Figure(figsize=(_DIGIT_IN[0] * len(images), _DIGIT_IN[1]), dpi=_DPI,
                 layout="constrained")
    axes = fig.subplots(1, len(images), squeeze=False)[0]
    for ax, img, title in zip(axes, images, titles):
        ax.imshow(np.asarray(img).reshape(shape), cmap="gray_r", vmin=-1, vmax=1,
                  interpolation="nearest")
        ax.set_title(title, fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    return fig
