"""GIFs drawn by Pillow from the state arrays show exactly those states."""
import numpy as np
import pytest
from PIL import Image

from hopfield_edu import add_noise, letter_patterns, train_hopfield
from hopfield_edu.animation import convergence_frames, save_recall_gif, write_gif
from hopfield_edu.experiments import recall_frames


def _decode(path):
    im = Image.open(path)
    out = []
    for i in range(im.n_frames):
        im.seek(i)
        out.append(np.asarray(im.convert("L")))
    return out, im.info


def _cells(frame, rows, cols):
    """Read the grid back at the cell centres of the image (its black frame located from the pixels)."""
    dark = frame < 128
    # the frame's box: the longest dark rows/columns are its outline
    r = np.where(dark.sum(axis=1) > 0.7 * frame.shape[1] * 0.8)[0]
    c = np.where(dark.sum(axis=0) > 0.7 * frame.shape[0] * 0.8)[0]
    top, bottom, left, right = r.min(), r.max(), c.min(), c.max()
    ys = top + (np.arange(rows) + 0.5) * (bottom - top) / rows
    xs = left + (np.arange(cols) + 0.5) * (right - left) / cols
    return np.where(frame[np.ix_(ys.astype(int), xs.astype(int))] > 128, 1, -1)


def test_recall_gif_frames_are_the_recall_states(tmp_path):
    rec = recall_frames(steps=100, record_every=20, seed=0)
    path = save_recall_gif(rec, tmp_path / "r.gif", fps=20)
    frames, info = _decode(path)
    assert len(frames) == len(rec.frames) and frames[0].shape == (320, 320)
    assert info["duration"] == 50 and info["loop"] == 0
    for got, want in zip(frames, rec.frames):
        assert np.array_equal(_cells(got, 28, 28).ravel(), want)


def test_grid_lines_and_labels(tmp_path):
    p = letter_patterns()
    frames, _ = convergence_frames(add_noise(p["T"], 0.2, rng=1), train_hopfield(list(p.values())),
                                   rng=2, hold=1)
    labels = [f"update {i}" for i in range(len(frames))]
    path = write_gif(frames, tmp_path / "c.gif", labels=labels, title="Hopfield Convergence", fps=10,
                     size=240, grid_lines=True)
    decoded, info = _decode(path)
    assert info["duration"] == 100 and decoded[0].shape == (240, 240)
    for got, want in zip(decoded, frames):
        assert np.array_equal(_cells(got, 5, 5).ravel(), want)
    # the title is drawn: dark pixels above the image
    assert (decoded[0][:30] < 128).any()


@pytest.mark.parametrize("kwargs, error", [
    (dict(path="x.png"), "end in .gif"),
    (dict(labels=["a"]), "labels has 1 entries"),
])
def test_write_gif_bad_input(tmp_path, kwargs, error):
    args = dict(path=tmp_path / "x.gif")
    args.update(kwargs)
    with pytest.raises(ValueError, match=error):
        write_gif(np.ones((3, 25)), **args)
