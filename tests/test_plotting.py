"""Figures (hopfield_edu.plotting) and animations (hopfield_edu.animation)."""
import numpy as np
import pandas as pd
import pytest
from matplotlib.animation import FuncAnimation
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from PIL import Image

from hopfield_edu import add_noise, letter_patterns, train_hopfield
from hopfield_edu import animation as A
from hopfield_edu import experiments as X
from hopfield_edu import plotting as P

SMALL = X.CONFIG.replace(NUM_RUNS_PER_CONDITION=3, NOISE_LEVELS_EXP1=(0.0, 0.25, 0.5),
                         CAPACITY_TEST_PATTERNS_EXP3=(1, 2, 3))


@pytest.fixture(scope="module")
def results():
    return X.run_all(SMALL, animation_steps=60, record_every=20, progress=False)


@pytest.fixture(autouse=True)
def no_pyplot_figures():
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    yield
    assert set(plt.get_fignums()) == before, "library code must not create pyplot figures"


def _lines(ax):
    return [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1]


def test_noise_robustness_lines_are_group_means(results):
    df = results.noise
    fig = P.plot_noise_robustness(df)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = {ln.get_label(): ln for ln in _lines(ax)}
    assert len(lines) == df.groupby(["network", "mode"]).ngroups == 6
    sel = df[(df["network"] == "Standard") & (df["mode"] == "stable")]
    expected = [np.mean(sel.loc[sel["noise"] == lv, "accuracy"]) for lv in (0.0, 0.25, 0.5)]
    np.testing.assert_allclose(lines["Standard · stable"].get_ydata(), expected)
    assert len(ax.collections) == 6  # one ±SD band per line


def test_noise_robustness_band_is_mean_plus_minus_sd():
    df = pd.DataFrame({"network": ["S"] * 4, "mode": ["steps"] * 4, "noise": [0.0, 0.0, 0.1, 0.1],
                       "accuracy": [0.9, 0.5, 0.2, 0.4]})
    fig = P.plot_noise_robustness(df)
    band = fig.axes[0].collections[0]
    ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
    sd0 = np.std([0.9, 0.5], ddof=1)
    assert ys.max() == pytest.approx(0.7 + sd0)
    assert ys.min() == pytest.approx(0.3 - np.std([0.2, 0.4], ddof=1))


def test_plot_into_given_axes(results):
    fig = Figure()
    ax = fig.subplots()
    assert P.plot_capacity(results.capacity, ax=ax) is fig
    assert len(_lines(ax)) == results.capacity.groupby(["network", "mode"]).ngroups
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "3"]


def test_phase_space_centroids_are_marked_at_the_means(results):
    df = results.noise
    fig = P.plot_phase_space(df)
    ax = fig.axes[0]
    kept = df[df["accuracy"] > 0]
    sel = kept[(kept["network"] == "Standard") & (kept["mode"] == "steps")]
    centroid = [c for c in ax.collections if c.get_label().startswith("Centroid Standard · steps")]
    assert len(centroid) == 1
    np.testing.assert_allclose(centroid[0].get_offsets()[0],
                               [sel["accuracy"].mean(), sel["entropy"].mean()])
    assert f"({sel['accuracy'].mean():.3f}, {sel['entropy'].mean():.5f})" in centroid[0].get_label()
    # no dropped (m <= 0) trial appears among the scattered points
    points = np.concatenate([c.get_offsets() for c in ax.collections
                             if not c.get_label().startswith("Centroid")])
    assert (points[:, 0] > 0).all() and len(points) == len(kept)


def test_phase_space_centroids_have_distinct_styles_and_a_legend_not_labels(results):
    fig = P.plot_phase_space(results.noise)
    ax = fig.axes[0]
    cents = [c for c in ax.collections if c.get_label().startswith("Centroid")]
    assert len(cents) == results.noise.groupby(["network", "mode"]).ngroups == 6
    colors = {tuple(np.round(c.get_facecolor()[0], 6)) for c in cents}
    markers = {c.get_paths()[0].vertices.tobytes() for c in cents}
    assert len(colors) == len(cents) and len(markers) == len(cents)
    assert len(ax.texts) == 0  # no overlapping text labels: the numbers are in the legend
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert all(c.get_label() in legend for c in cents)


def test_single_run_has_no_band_and_no_sd_in_the_legend():
    df = pd.DataFrame({"network": ["S"] * 3, "mode": ["steps"] * 3, "noise": [0.0, 0.1, 0.2],
                       "accuracy": [1.0, 0.8, 0.3]})
    ax = P.plot_noise_robustness(df).axes[0]
    assert len(ax.collections) == 0
    title = ax.get_legend().get_title().get_text()
    assert "single run" in title and "SD" not in title
    cap = pd.DataFrame({"network": ["S"] * 2, "mode": ["steps"] * 2, "num_patterns": [1, 2],
                        "avg_accuracy": [1.0, 0.9]})
    ax = P.plot_capacity(cap).axes[0]
    assert len(ax.collections) == 0 and "single run" in ax.get_legend().get_title().get_text()


def test_sd_bands_are_clipped_to_the_overlap_range():
    # two runs at 1.0 and 0.2: mean 0.6, SD 0.566, so mean + SD = 1.166 > 1
    df = pd.DataFrame({"network": ["S"] * 4, "mode": ["steps"] * 4, "noise": [0.0, 0.0, 0.5, 0.5],
                       "accuracy": [1.0, 0.2, -1.0, -0.1]})
    ax = P.plot_noise_robustness(df).axes[0]
    ys = np.concatenate([p.vertices[:, 1] for p in ax.collections[0].get_paths()])
    assert ys.max() == pytest.approx(1.0) and ys.min() == pytest.approx(-1.0)
    assert "mean ± SD, 2 runs" in ax.get_legend().get_title().get_text()


def test_trajectories_weights_and_demo(results):
    fig = P.plot_trajectories(results.trajectories[:2])
    assert len(fig.axes) == 2
    lc = [c for c in fig.axes[0].collections if isinstance(c, LineCollection)][0]
    # one segment per step that moved the state (a step without a flip draws nothing),
    # coloured by its step number on the scale of all the steps
    xy = np.asarray(results.trajectories[0].overlaps, dtype=float)
    moves = [k for k in range(len(xy) - 1) if tuple(xy[k]) != tuple(xy[k + 1])]
    assert 0 < len(moves) < len(xy) - 1
    assert list(lc.get_array()) == moves
    assert lc.get_clim() == (0, len(xy) - 2)
    for seg, k in zip(lc.get_segments(), moves):
        np.testing.assert_array_equal(seg, xy[k:k + 2])

    fig = P.plot_weight_matrices(results.weights)
    images = [im for ax in fig.axes for im in ax.get_images()]
    assert len(images) == len(results.weights)
    np.testing.assert_array_equal(images[0].get_array(), results.weights["Standard"])

    fig = P.plot_recall_demo(results.demo)
    shown = [ax.get_images()[0].get_array() for ax in fig.axes if ax.get_images()]
    np.testing.assert_array_equal(shown[1], results.demo.noisy.reshape(28, 28))
    np.testing.assert_array_equal(shown[2], results.demo.recalled.reshape(28, 28))

    fig = P.plot_recall_demo([results.demo, results.demo_failure])
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 6
    assert titles[2].endswith("recalled the '5'") and results.demo.attractor == "target"
    assert "mixture state (0+1+3+5+8)" in titles[5] and results.demo_failure.attractor == "mixture"


def test_bad_inputs():
    with pytest.raises(TypeError):
        P.plot_trajectory("not a trajectory")
    with pytest.raises(TypeError):
        P.plot_recall_demo(None)
    with pytest.raises(ValueError):
        P.plot_weight_matrix(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="columns"):
        P.plot_noise_robustness(pd.DataFrame({"noise": [0.1]}))


def test_recall_gif_has_every_frame(results, tmp_path):
    frames = results.frames[0]
    anim = A.recall_animation(frames)
    assert isinstance(anim, FuncAnimation)
    path = A.save_gif(anim, tmp_path / "recall.gif", fps=10, dpi=40)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames == len(frames.frames)
        gif.seek(0)
        first = np.asarray(gif.convert("L"))
        gif.seek(gif.n_frames - 1)
        last = np.asarray(gif.convert("L"))
    assert not np.array_equal(first, last)  # the recall changes the picture
    with pytest.raises(ValueError, match=".gif"):
        A.save_gif(anim, tmp_path / "recall.mp4")


def test_convergence_frames_reach_a_fixed_point_reproducibly():
    p = letter_patterns()
    w = train_hopfield(list(p.values()))
    start = add_noise(p["T"], 0.16, rng=1)
    frames, converged = A.convergence_frames(start, w, rng=2, hold=3)
    assert converged
    np.testing.assert_array_equal(frames[0], start)
    last = frames[-1]
    np.testing.assert_array_equal(np.where(w @ last >= 0, 1, -1), last)  # every neuron agrees
    # one neuron at most changes per frame
    assert (np.count_nonzero(np.diff(frames, axis=0), axis=1) <= 1).all()
    again, _ = A.convergence_frames(start, w, rng=2, hold=3)
    np.testing.assert_array_equal(frames, again)


def test_convergence_animation_to_jshtml():
    p = letter_patterns()
    w = train_hopfield(list(p.values()))
    anim = A.convergence_animation(add_noise(p["L"], 0.16, rng=3), w, rng=4, hold=2)
    html = A.to_jshtml(anim)
    assert "<script" in html
    frames, _ = A.convergence_frames(add_noise(p["L"], 0.16, rng=3), w, rng=4, hold=2)
    assert html.count("data:image/png;base64") == len(frames)


def _outside_canvas(fig):
    """Panels (with their tick labels, titles, legends) and figure texts sticking out of the canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    w, h = fig.bbox.width, fig.bbox.height
    parts = [(f"panel {i} ({ax.get_title()!r})", ax.get_tightbbox(renderer)) for i, ax in enumerate(fig.axes)]
    parts += [(t.get_text(), t.get_window_extent(renderer)) for t in fig.texts if t.get_text()]
    out = [name for name, b in parts if b.x0 < -1 or b.y0 < -1 or b.x1 > w + 1 or b.y1 > h + 1]
    return out, renderer


def test_standalone_figures_keep_every_text_inside_and_panels_apart(results):
    # the figures made here have fixed margins (no layout engine): nothing may be cut off
    # and no panel's tick or axis labels may run into its neighbour
    figs = {
        "noise": P.plot_noise_robustness(results.noise),
        "phase": P.plot_phase_space(results.noise),
        "capacity": P.plot_capacity(results.capacity),
        "trajectories": P.plot_trajectories(results.trajectories),
        "weights": P.plot_weight_matrices(results.weights),
        "demo": P.plot_recall_demo([results.demo, results.demo_failure]),
        "one weight matrix": P.plot_weight_matrix(results.weights["Standard"]),
        "one trajectory": P.plot_trajectory(results.trajectories[0]),
        "digit": P.plot_digit(results.demo.original, title="a digit\nsecond line"),
    }
    for name, fig in figs.items():
        outside, renderer = _outside_canvas(fig)
        assert not outside, f"{name}: cut off at the edge: {outside}"
        boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
                overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
                assert not (overlap_x > 1 and overlap_y > 1), f"{name}: panels {i} and {j} overlap"
    # the legend beside the phase space stays clear of the axes
    fig = figs["phase"]
    ax = fig.axes[0]
    assert ax.get_legend().get_window_extent(renderer=None).x0 >= ax.get_window_extent().x1
