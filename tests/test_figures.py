"""save_figures writes each figure once, as a PNG of the figure's size at the given dpi."""
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


def test_figures_are_written_at_their_size(tmp_path):
    calls = []

    class Bar:
        def update(self, n=1):
            calls.append(n)

    jobs = [(_fig(k), f"f{k}.png") for k in range(3)]
    paths = save_figures(jobs, tmp_path, 50, bar=Bar())
    assert [p.name for p in paths] == ["f0.png", "f1.png", "f2.png"] and sum(calls) == 3
    for p in paths:
        with Image.open(p) as im:
            assert im.format == "PNG" and im.size == (150, 100)  # 3 x 2 inches at 50 dpi
