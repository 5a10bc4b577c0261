"""save_png writes a figure once, as a PNG of the figure's size at the given dpi."""
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from hopfield_edu._figures import save_png


def _fig(k):
    def make():
        fig = Figure(figsize=(3, 2), layout="constrained")
        ax = fig.subplots()
        ax.plot(np.arange(10), np.arange(10) ** (1 + k / 4))
        ax.set_title(f"figure {k}")
        return fig
    return make


def test_figures_are_written_at_their_size(tmp_path):
    paths = [save_png(_fig(k)(), tmp_path / f"f{k}.png", 50) for k in range(3)]
    assert [p.name for p in paths] == ["f0.png", "f1.png", "f2.png"]
    for p in paths:
        with Image.open(p) as im:
            assert im.format == "PNG" and im.size == (150, 100)  # 3 x 2 inches at 50 dpi
