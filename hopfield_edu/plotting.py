"""Figures of the research notebook (seed 000), drawn with matplotlib only.

Every function takes an optional ``ax`` (or ``axes``/``fig`` for the side-by-side
figures), draws into it, and returns the :class:`matplotlib.figure.Figure`.
Without ``ax`` a new standalone :class:`~matplotlib.figure.Figure` is made (not
through ``pyplot``), so nothing accumulates in pyplot's figure registry and no
window opens; in a notebook, display it by leaving it as the cell's last
expression, save it with ``fig.savefig(...)``. Nothing here calls ``plt.show()``.

The notebook drew its line plots with seaborn (``errorbar="sd"``); seaborn is not
a dependency, so the same "mean ± standard deviation" band (SD with ddof = 1, as
pandas and seaborn compute it) is drawn with ``fill_between``.
"""
from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from .experiments import (
    RecallDemo,
    Trajectory,
    accuracy_by_noise,
    capacity_summary,
    phase_space_centroids,
)

__all__ = [
    "plot_digit",
    "plot_noise_robustness",
    "plot_phase_space",
    "plot_capacity",
    "plot_trajectory",
    "plot_trajectories",
    "plot_weight_matrix",
    "plot_weight_matrices",
    "plot_recall_demo",
    "network_colors",
]

_LINESTYLES = {"steps": "-", "stable": "--", "sync": ":"}
# A fixed title position (just above the axes, as matplotlib's automatic placement puts
# it when there are no tick labels on top and no offset text on the y axis, as in the
# plots given this): the automatic placement measures every y tick label again at each
# draw, about a sixth of the figures' drawing time. Not for the phase space, whose small
# entropies could get an offset text ("1e-3") that the title must clear.
_TITLE_AT_TOP = {"y": 1.0}
_MARKERS = ["o", "s", "^", "D", "v", "P"]


def _new_figure(figsize):
    # No layout engine: constrained layout measures every text twice more at each draw,
    # a third of the drawing time of `reproduce`'s figures. The figures made here get
    # fixed margins in inches instead (_place), sized for their titles and labels.
    return Figure(figsize=figsize)


def _place(fig, *, left=0.85, right=0.25, bottom=0.65, top=0.45, ncols=1, nrows=1, wgap=0.0, hgap=0.0):
    """Fixed margins (inches) around a grid of ``nrows`` x ``ncols`` axes, ``wgap``/``hgap`` between them."""
    w, h = fig.get_size_inches()
    cell_w = (w - left - right - (ncols - 1) * wgap) / ncols
    cell_h = (h - top - bottom - (nrows - 1) * hgap) / nrows
    fig.subplots_adjust(left=left / w, right=1 - right / w, bottom=bottom / h, top=1 - top / h,
                        wspace=wgap / cell_w, hspace=hgap / cell_h)


def _fig_ax(ax, figsize):
    if ax is None:
        fig = _new_figure(figsize)
        return fig, fig.subplots()
    return ax.figure, ax


def _fig_axes(axes, n, figsize, fig=None):
    if axes is not None:
        axes = list(np.ravel(axes))
        if len(axes) < n:
            raise ValueError(f"need {n} axes, got {len(axes)}")
        return axes[0].figure, axes[:n]
    fig = fig if fig is not None else _new_figure(figsize)
    return fig, list(np.ravel(fig.subplots(1, n, squeeze=False)))


def network_colors(names) -> dict:
    """One viridis colour per network name, in order (the notebook's palette)."""
    from matplotlib import colormaps

    names = list(dict.fromkeys(names))
    cmap = colormaps["viridis"]
    pos = np.linspace(0.0, 0.8, len(names)) if len(names) > 1 else [0.0]
    return {n: cmap(p) for n, p in zip(names, pos)}


def _series_label(network, mode, modes):
    return network if len(modes) == 1 else f"{network} · {mode}"


def plot_digit(vector, ax=None, title="", shape=None, cmap="gray"):
    """Show a flattened ±1 state as an image (28x28 for 784 values; +1 white as in the notebook)."""
    from .patterns import to_grid

    own = ax is None
    fig, ax = _fig_ax(ax, (3, 3))
    ax.imshow(to_grid(vector, shape), cmap=cmap, vmin=-1, vmax=1, interpolation="nearest")
    ax.set_title(title, **_TITLE_AT_TOP)
    ax.axis("off")
    if own:
        _place(fig, left=0.1, right=0.1, bottom=0.1, top=0.1 + 0.25 * (1 + title.count("\n")))
    return fig


def _mean_sd_lines(ax, summary, x, modes, colors, low=-1.0, high=1.0):
    """One line per (network, mode): the mean, and a ±1 SD band clipped to [low, high].

    Overlaps live in [−1, 1], so a band beyond that would show values no run
    can have. Groups of a single run have no SD and get no band. Returns
    whether any band was drawn (the legend says "mean ± SD" only then).
    """
    banded = False
    for (name, mode), grp in summary.groupby(["network", "mode"], sort=False):
        grp = grp.sort_values(x)
        xs, mean, sd = grp[x].to_numpy(float), grp["mean"].to_numpy(float), grp["sd"].to_numpy(float)
        color = colors[name]
        ax.plot(xs, mean, color=color, linestyle=_LINESTYLES.get(mode, "-"), marker="o",
                label=_series_label(name, mode, modes))
        if np.isfinite(sd).any():
            sd = np.nan_to_num(sd)
            ax.fill_between(xs, np.clip(mean - sd, low, high), np.clip(mean + sd, low, high),
                            color=color, alpha=0.2, linewidth=0)
            banded = True
    return banded


def _legend_title(summary, banded):
    """'mean ± SD over n runs', or 'single run' when every group has one run."""
    runs = summary["n"].max() if "n" in summary and len(summary) else 1
    if not banded or runs <= 1:
        return "Network Type (single run)" if runs <= 1 else "Network Type (mean)"
    return f"Network Type (mean ± SD, {runs} runs)"


def plot_noise_robustness(df, ax=None):
    """Experiment 1: mean recall overlap against noise, with ±1 SD bands (clipped to [−1, 1]).

    One line per network type (colour) and recall mode (line style). Input:
    the DataFrame of :func:`~hopfield_edu.experiments.run_noise_robustness`
    (filter it first to show fewer lines).
    """
    summary = accuracy_by_noise(df)
    own = ax is None
    fig, ax = _fig_ax(ax, (9, 6))
    modes = list(dict.fromkeys(summary["mode"]))
    banded = _mean_sd_lines(ax, summary, "noise", modes, network_colors(summary["network"]))
    ax.set_title("Experiment 1: Robustness to Noise", **_TITLE_AT_TOP)
    ax.set_xlabel("Noise Level (Fraction of Flipped Bits)")
    ax.set_ylabel("Recall Accuracy (Overlap)")
    ax.set_ylim(-1.1, 1.1)
    ax.grid(True, alpha=0.5)
    ax.legend(title=_legend_title(summary, banded))
    if own:
        _place(fig)
    return fig


def _series_styles(series):
    """A distinct colour and marker per (network, mode) series."""
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    return {key: (cmap(i % 10), _MARKERS[i % len(_MARKERS)]) for i, key in enumerate(series)}


def plot_phase_space(df, ax=None, min_accuracy=0.0):
    """Experiment 2: accuracy–entropy phase space with the centroids marked.

    As in the notebook, trials with overlap ≤ ``min_accuracy`` (0: anti-patterns
    and worse) are left out. Each (network, mode) series has its own colour and
    marker; its centroid — the mean (accuracy, entropy) of the kept trials
    (:func:`~hopfield_edu.experiments.phase_space_centroids`) — is the same
    marker, large and outlined, and the legend gives its coordinates and how many
    trials were dropped (a legend, not text labels, so close centroids stay readable).
    """
    cents = phase_space_centroids(df, min_accuracy)
    kept = df[df["accuracy"] > min_accuracy]
    own = ax is None
    fig, ax = _fig_ax(ax, (10, 7))
    modes = list(dict.fromkeys(df["mode"]))
    styles = _series_styles(list(dict.fromkeys(zip(df["network"], df["mode"]))))
    for (name, mode), grp in kept.groupby(["network", "mode"], sort=False):
        color, marker = styles[name, mode]
        ax.scatter(grp["accuracy"], grp["entropy"], color=color, alpha=0.35, s=18, marker=marker,
                   label=_series_label(name, mode, modes))
    for _, row in cents.iterrows():
        if not np.isfinite(row["accuracy"]):
            continue
        color, marker = styles[row["network"], row["mode"]]
        ax.scatter(row["accuracy"], row["entropy"], s=220, color=color, marker=marker,
                   edgecolor="black", linewidth=1.5, zorder=5,
                   label=f"Centroid {_series_label(row['network'], row['mode'], modes)}: "
                         f"({row['accuracy']:.3f}, {row['entropy']:.5f}), {row['dropped']} dropped")
    ax.axvline(0.9, color="red", linestyle="--", alpha=0.5, label="Success Threshold")
    ax.set_title("Phase Space: Trajectory Complexity with Centroid Analysis")
    ax.set_xlabel(f"Final Accuracy (Overlap > {min_accuracy:g})")
    ax.set_ylabel("Trajectory Complexity (Sample Entropy)")
    ax.grid(True, alpha=0.5)
    legend = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    if own:
        _place_beside_legend(fig, legend, left=0.85)
    return fig


def _place_beside_legend(fig, legend, *, left, gap=0.01, pad=0.25):
    """Fixed margins that leave room on the right for ``legend`` (anchored at x = 1 + ``gap`` of the axes)."""
    from matplotlib.backends.backend_agg import RendererAgg

    w, h = fig.get_size_inches()
    # the legend's size does not depend on where the axes end: measure it once (at the
    # figure's dpi; hinted text is a little wider at 150 dpi, which ``pad`` leaves room for)
    width = legend.get_window_extent(RendererAgg(w * fig.dpi, h * fig.dpi, fig.dpi)).width / fig.dpi
    # right = width + gap * (axes width) + pad, with axes width = w - left - right
    right = (width + gap * (w - left) + pad) / (1 + gap)
    _place(fig, left=left, right=right)


def plot_capacity(df, ax=None):
    """Experiment 3: average recall accuracy against the number of stored patterns.

    ±1 SD over runs as a band clipped to [−1, 1]; with a single run per
    condition there is no band and the legend says "single run".
    """
    summary = capacity_summary(df)
    own = ax is None
    fig, ax = _fig_ax(ax, (9, 6))
    modes = list(dict.fromkeys(summary["mode"]))
    banded = _mean_sd_lines(ax, summary, "num_patterns", modes, network_colors(summary["network"]))
    ax.set_title("Experiment 3: Memory Capacity", **_TITLE_AT_TOP)
    ax.set_xlabel("Number of Stored Patterns")
    ax.set_ylabel("Average Recall Accuracy")
    ax.set_ylim(-0.1, 1.1)
    ax.set_xticks(sorted(summary["num_patterns"].unique()))
    ax.grid(True, alpha=0.5)
    ax.legend(title=_legend_title(summary, banded))
    if own:
        _place(fig)
    return fig


def plot_trajectory(traj: Trajectory, ax=None):
    """The recall path in the plane (overlap with memory a, overlap with memory b).

    Colour runs from dark (start) to yellow (end) along the path; the start,
    the end and both perfect memories — a at (1, m_ab), b at (m_ab, 1) — are marked.
    """
    if not isinstance(traj, Trajectory):
        raise TypeError(f"traj must be a Trajectory (from run_trajectory), got {type(traj).__name__}")
    own = ax is None
    fig, ax = _fig_ax(ax, (7, 7))
    xy = np.asarray(traj.overlaps, dtype=float)
    a, b = traj.digits
    if len(xy) > 1:
        # one segment per step, coloured by its step; a step without a flip does not move
        # and its zero-length segment draws nothing, so only the moves are kept (5-10x fewer
        # paths for matplotlib to build), with the colour scale of all the steps
        moved = np.flatnonzero(np.any(xy[1:] != xy[:-1], axis=1))
        segs = np.stack([xy[moved], xy[moved + 1]], axis=1)
        lc = LineCollection(segs, cmap="viridis", linewidth=1.5)
        lc.set_array(moved)
        lc.set_clim(0, len(xy) - 2)
        ax.add_collection(lc)
    ax.scatter(*xy[0], color="blue", s=100, zorder=10, label=f"Start (Noisy '{a}')")
    ax.scatter(*xy[-1], color="red", s=100, zorder=10, marker="X", label="End (Final State)")
    m = traj.pattern_overlap
    ax.plot(1, m, "go", markersize=10, label=f"Perfect '{a}' Memory")
    ax.plot(m, 1, "o", color="gold", markersize=10, label=f"Perfect '{b}' Memory")
    title = f"Network Type: {traj.label}"
    if traj.mode != "steps":
        title += f" ({traj.mode})"
    ax.set_title(title, **_TITLE_AT_TOP)
    ax.set_xlabel(f"Overlap with Digit '{a}'")
    ax.set_ylabel(f"Overlap with Digit '{b}'")
    lo = min(0.0, float(xy.min()) - 0.05)  # the notebook cut negative overlaps off
    ax.set_xlim(lo, 1.1)
    ax.set_ylim(lo, 1.1)
    ax.set_aspect("equal", adjustable="box")
    ax.grid(True, linestyle="--", alpha=0.6)
    ax.legend(fontsize=8, loc="lower left")
    if own:
        _place(fig)
    return fig


def plot_trajectories(trajectories, axes=None, fig=None):
    """Trajectories side by side (the notebook: standard vs inhibitory)."""
    trajectories = list(trajectories)
    if not trajectories:
        raise ValueError("give at least one Trajectory")
    own = axes is None and fig is None
    fig, axes = _fig_axes(axes, len(trajectories), (6 * len(trajectories), 6.5), fig)
    for t, ax in zip(trajectories, axes):
        plot_trajectory(t, ax=ax)
    fig.suptitle("State Space Trajectory During Memory Recall")
    if own:
        _place(fig, top=0.8, ncols=len(axes), wgap=0.9)
    return fig


def plot_weight_matrix(weights, ax=None, title="", colorbar=True):
    """Heat map of a weight matrix W (row i = inputs of neuron i), viridis as in the notebook."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2 or w.shape[0] != w.shape[1]:
        raise ValueError(f"weights must be a square matrix, got shape {w.shape}")
    own = ax is None
    fig, ax = _fig_ax(ax, (6, 5))
    if own:  # before the colour bar, which takes its room from the axes' slot
        _place(fig, left=0.45, right=0.7, bottom=0.45, top=0.45)
    im = ax.imshow(w, cmap="viridis", interpolation="nearest", aspect="equal")
    if colorbar:
        fig.colorbar(im, ax=ax, shrink=0.8)
    ax.set_title(title, **_TITLE_AT_TOP)
    ax.set_xlabel("Neuron j")
    ax.set_ylabel("Neuron i")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig


def plot_weight_matrices(matrices, axes=None, fig=None):
    """Weight matrices side by side; ``matrices`` is ``{title: W}`` (see
    :func:`~hopfield_edu.experiments.weight_matrices`)."""
    items = list(dict(matrices).items())
    if not items:
        raise ValueError("give at least one weight matrix")
    own = axes is None and fig is None
    fig, axes = _fig_axes(axes, len(items), (5.5 * len(items), 5), fig)
    if own:  # before the colour bars, which take their room from the axes' slots
        _place(fig, left=0.35, right=0.65, bottom=0.3, top=0.6, ncols=len(axes), wgap=0.85)
    for (title, w), ax in zip(items, axes):
        sym = "symmetric" if np.array_equal(w, np.asarray(w).T) else "asymmetric"
        plot_weight_matrix(w, ax=ax, title=f"{title} ({sym})")
    fig.suptitle("Visualization of the Synaptic Weight Matrix (W)")
    return fig


def _attractor_caption(demo):
    """'recalled the 5' / 'mixture state 0+1+3+5+8' / ... for a panel title."""
    kind = getattr(demo, "attractor", "")
    if kind == "target":
        return f"recalled the '{demo.digit}'"
    if kind == "mixture":
        # two lines: on one, a five-digit mixture is wider than its panel
        return f"mixture state ({demo.mixture_of}),\nnot the '{demo.digit}'"
    if kind:
        return f"{kind}, not the '{demo.digit}'"
    return ""


def plot_recall_demo(demo, axes=None, fig=None):
    """The notebook's triptych: original, corrupted input, reconstructed pattern.

    ``demo`` is a :class:`~hopfield_edu.experiments.RecallDemo` or a list of them
    (one row each, e.g. a recall next to a failure); the third panel names the
    attractor the recall reached (target, mixture state, ...).
    """
    demos = list(demo) if isinstance(demo, (list, tuple)) else [demo]
    for d in demos:
        if not isinstance(d, RecallDemo):
            raise TypeError(f"demo must be a RecallDemo (from recall_demo), got {type(d).__name__}")
    rows = len(demos)
    if axes is None:
        # constrained layout here: the captions' lengths vary (a long one may be wider than
        # its panel), and fixed margins could cut them off at the edge
        fig = fig if fig is not None else Figure(figsize=(10, 3.8 * rows), layout="constrained")
        axes = np.atleast_2d(fig.subplots(rows, 3))
    else:
        fig, flat = _fig_axes(axes, 3 * rows, None)
        axes = np.reshape(flat, (rows, 3))
    for d, (a0, a1, a2) in zip(demos, axes):
        stored = ", ".join(map(str, d.train_digits))
        plot_digit(d.original, a0, title=f"Original Pattern ('{d.digit}')\nstored: {stored}")
        plot_digit(d.noisy, a1, title=f"Corrupted Input ({d.noise:.0%} Noise)\n"
                                      f"overlap {d.overlap_before:.3f}")
        caption = _attractor_caption(d)
        plot_digit(d.recalled, a2, title=f"Reconstructed Pattern\noverlap {d.overlap_after:.3f}"
                                         + (f"\n{caption}" if caption else ""))
    fig.suptitle("Visual Demonstration of Associative Memory Recall")
    return fig
