"""Figures drawn half in a forked child are the same files as figures drawn in this process."""
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from hopfield_edu._figures import save_figures


def _fig(k):
    def make():
        fig = Figure(figsize=(3, 2), layout="constrained")
        ax = fig.subplots()
        ax.plot(np.arange(10), np.arange(10) ** (1 + k / 4))
        ax.set_title(f"figure {k}")
        return fig
    return make


def test_parallel_and_serial_write_the_same_pixels(tmp_path):
    jobs = [(_fig(k), f"f{k}.png") for k in range(5)]
    (tmp_path / "par").mkdir()
    (tmp_path / "ser").mkdir()
    save_figures(jobs, tmp_path / "par", 60, parallel=True)
    save_figures(jobs, tmp_path / "ser", 60, parallel=False)
    for _, name in jobs:
        a = np.asarray(Image.open(tmp_path / "par" / name))
        b = np.asarray(Image.open(tmp_path / "ser" / name))
        assert a.shape == b.shape and np.array_equal(a, b), name


def test_a_failing_figure_raises_here(tmp_path):
    def broken():
        raise RuntimeError("bad figure")

    jobs = [(_fig(0), "a.png"), (broken, "b.png")]  # "b" is the child's half
    try:
        save_figures(jobs, tmp_path, 60, parallel=True)
    except RuntimeError as exc:
        assert "bad figure" in str(exc)
    else:
        raise AssertionError("the error of the child's figure was not raised")
