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

__all__ = ["figure_png", "weights_figure", "digits_figure"]

# Small figures at a modest resolution: one redraw is ~40 ms. (The live plots of the
# dynamics are drawn by the browser, see _view.js; these are the on-demand pictures.)
_DPI = 80
#: Figure sizes in inches; at _DPI they give the pixel sizes below.
_WEIGHTS_IN = (3.6, 3.0)
_DIGIT_IN = (1.6, 1.9)
#: Pixel sizes of the pictures (width, height), for fixed-size Image widgets.
WEIGHTS_PX = (round(_WEIGHTS_IN[0] * _DPI), round(_WEIGHTS_IN[1] * _DPI))


def digits_px(count):
    """Pixel size of :func:`digits_figure` with ``count`` panels."""
    return round(_DIGIT_IN[0] * count * _DPI), round(_DIGIT_IN[1] * _DPI)


def figure_png(fig: Figure) -> bytes:
    """Render a figure to PNG bytes (no timestamp in the metadata, so equal figures give equal bytes)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi, metadata={"Software": None})
    return buf.getvalue()


def _new_axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, dpi=_DPI, layout="constrained")
    return fig, fig.add_subplot()


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
