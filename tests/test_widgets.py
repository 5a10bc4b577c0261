"""The playgrounds driven through the ipywidgets API (no browser): press buttons,
move sliders, and check the model against the reference definitions of
:mod:`hopfield_edu.dynamics` / :mod:`hopfield_edu.learning` and what the
outputs show (message text, status text, PNG bytes)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from hopfield_edu.dynamics import compute_energy, local_field, overlap, update_synchronous
from hopfield_edu.learning import train_hopfield
from hopfield_edu.patterns import letter_patterns
from hopfield_edu.widgets import MnistPlayground, PatternPlayground

ROOT = Path(__file__).resolve().parents[1]
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

DIAGONAL = [(i, i) for i in range(5)]


def _draw(pg, cells):
    for r, c in cells:
        pg.cell(r, c).click()


def _png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return Image.open(io.BytesIO(data)).size


def _is_fixed_point(state, weights):
    h = local_field(state, weights)
    return np.array_equal(np.where(h >= 0, 1, -1), state)


@pytest.fixture()
def diag():
    """A playground with the 5x5 diagonal drawn and stored."""
    pg = PatternPlayground(rng=0)
    _draw(pg, DIAGONAL)
    pg.store_button.click()
    return pg


def _diagonal_vector():
    v = -np.ones((5, 5), dtype=int)
    np.fill_diagonal(v, 1)
    return v.ravel()


# --------------------------------------------------------------- pattern playground
def test_clicking_cells_draws_and_shows_the_state():
    pg = PatternPlayground(rng=0)
    assert np.array_equal(pg.state, -np.ones(25))
    _draw(pg, DIAGONAL)
    assert np.array_equal(pg.state, _diagonal_vector())
    on, off = pg.cell(2, 2), pg.cell(2, 3)
    assert "on" in on._dom_classes and "off" not in on._dom_classes
    assert "off" in off._dom_classes
    assert on.style.button_color != off.style.button_color
    assert pg.message == "Cell (4, 4) set to +1."
    pg.cell(4, 4).click()                        # a second click erases
    assert pg.state[24] == -1 and "off" in pg.cell(4, 4)._dom_classes


def test_store_builds_hebbian_weights_and_energy(diag):
    p = _diagonal_vector()
    assert diag.pattern_names == ["P1"]
    assert np.array_equal(diag.stored_patterns, p[None, :])
    # 1/N Hebb with zero diagonal: the teaching notebook's train_hopfield.
    np.testing.assert_allclose(diag.network.weights, train_hopfield(p[None, :]))
    np.testing.assert_allclose(diag.energy_history, [compute_energy(p, train_hopfield(p[None, :]))])
    np.testing.assert_allclose(diag.overlaps, [1.0])
    assert "Stored P1" in diag.message and diag._msg.kind == "ok"
    assert "P1: +1.00" in diag.status.value
    diag.store_button.click()                   # the same drawing again
    assert len(diag.stored_patterns) == 1
    assert "already stored as P1" in diag.message


def test_dynamics_without_memory_show_a_message_not_a_traceback():
    pg = PatternPlayground(rng=0)
    _draw(pg, DIAGONAL)
    before = pg.state
    for press in (pg.step_button.click, pg.run_button.click):
        press()
        assert "Nothing is stored yet" in pg.message and pg._msg.kind == "warning"
    pg.play.playing = True
    pg.play.value = 1                            # a Play tick
    assert "Nothing is stored yet" in pg.message
    assert pg.play.playing is False              # Play is stopped, not left spinning
    assert np.array_equal(pg.state, before)
    assert pg.last_error is None


def test_noise_then_run_recalls_the_stored_pattern(diag):
    p = _diagonal_vector()
    w = train_hopfield(p[None, :])
    overlap_png, energy_png = diag.overlap_image.value, diag.energy_image.value
    diag.noise_slider.value = 0.2
    diag.noise_button.click()
    noisy = diag.state
    assert np.count_nonzero(noisy != p) == 5                 # int(0.2 * 25) distinct bits
    assert diag.message.startswith("Flipped 5 of 25 cells")
    np.testing.assert_allclose(diag.overlaps, [overlap(noisy, p)])
    assert diag.overlaps[0] == pytest.approx(0.6)
    assert diag.overlap_image.value != overlap_png           # the bar chart was redrawn
    energy_noisy = diag.energy_image.value
    assert energy_noisy != energy_png

    diag.run_button.click()
    assert np.array_equal(diag.state, p)
    assert "recalled P1" in diag.message
    e = diag.energy_history
    assert e[0] == pytest.approx(compute_energy(noisy, w))
    assert e[-1] == pytest.approx(compute_energy(p, w))
    assert np.all(np.diff(e) <= 1e-12)                        # asynchronous, T = 0: never up
    assert len(e) == diag.updates + 1
    assert diag.energy_image.value != energy_noisy
    assert "P1: +1.00" in diag.status.value

    diag.reset_button.click()
    assert np.array_equal(diag.state, noisy)
    np.testing.assert_allclose(diag.energy_history, [compute_energy(noisy, w)])
    assert diag.updates == 0


def test_async_step_changes_one_neuron_and_tracks_the_energy(diag):
    w = diag.network.weights
    diag.noise_slider.value = 0.4
    diag.noise_button.click()
    for _ in range(15):
        prev = diag.state
        diag.step_button.click()
        now = diag.state
        assert np.count_nonzero(now != prev) <= 1
        i = diag._last_cell                                   # the neuron that was updated
        h = local_field(prev, w)[i]
        assert now[i] == (1 if h >= 0 else -1)                # the sign rule, ties to +1
        assert diag.energy_history[-1] == pytest.approx(compute_energy(now, w))
        assert diag.cells[i].layout.border.startswith("2px")  # highlighted on the grid
    assert len(diag.energy_history) == 16


def test_sync_step_matches_the_reference_and_spots_2_cycles():
    # Two neurons storing (+1, -1): from (+1, +1) synchronous updates swap forever.
    pg = PatternPlayground(shape=(1, 2), rng=0)
    pg.store([1, -1])
    pg.set_state([1, 1])
    pg.mode_toggle.value = "sync"
    w = train_hopfield(np.array([[1, -1]]))
    pg.step_button.click()
    assert np.array_equal(pg.state, update_synchronous(np.array([1, 1]), w))
    assert np.array_equal(pg.state, [-1, -1])
    pg.step_button.click()
    assert np.array_equal(pg.state, [1, 1])
    assert "2-cycle" in pg.message
    pg.run_button.click()
    assert "2-cycle" in pg.message and pg._msg.kind == "warning"


def test_sync_run_on_letters_reaches_a_fixed_point_of_the_reference_rule():
    pg = PatternPlayground(rng=3)
    pg.letters_button.click()
    pg.mode_toggle.value = "sync"
    pg.set_state(letter_patterns()["L"])
    pg.add_noise(0.12)
    pg.run_button.click()
    w = train_hopfield(np.array(list(letter_patterns().values())))
    assert ("Stable" in pg.message) == _is_fixed_point(pg.state, w)
    assert "Stable" in pg.message or "2-cycle" in pg.message


def test_play_ticks_step_and_stop_at_a_fixed_point(diag):
    diag.noise_button.click()
    diag.speed_slider.value = 30
    diag.play.playing = True
    for tick in range(1, 2000):
        diag.play.value = tick
        if not diag.play.playing:
            break
    assert diag.play.playing is False, "Play never stopped"
    assert "Stable" in diag.message
    assert _is_fixed_point(diag.state, diag.network.weights)
    assert diag.updates == tick                    # one update per tick
    # Stop (the front end resets value to 0) is not a tick.
    diag.play.value = 0
    assert diag.updates == tick


def test_speed_slider_sets_the_play_interval():
    pg = PatternPlayground(rng=0)
    pg.speed_slider.value = 20
    assert pg.play.interval == 50


def test_load_letters_and_put_one_on_the_grid():
    pg = PatternPlayground(rng=1)
    pg.letters_button.click()
    letters = letter_patterns()
    assert pg.pattern_names == list(letters)
    assert np.array_equal(pg.stored_patterns, np.array(list(letters.values())))
    assert pg.pattern_picker.value == "T"
    pg.pattern_picker.value = "+"
    pg.show_button.click()
    assert np.array_equal(pg.state, letters["+"])
    np.testing.assert_allclose(pg.overlaps, [overlap(letters["+"], v) for v in letters.values()])


def test_grid_size_mismatch_is_a_message():
    pg = PatternPlayground(shape=(4, 6), rng=0)
    assert len(pg.cells) == 24 and pg.grid.layout.grid_template_columns == "repeat(6, 30px)"
    pg.letters_button.click()
    assert "Grid size mismatch" in pg.message and "4x6" in pg.message
    assert pg.stored_patterns.shape == (0, 24)

    pg.cell(0, 0).click()
    pg.store_button.click()
    pg.rows_input.value, pg.cols_input.value = 5, 5
    pg.resize_button.click()
    assert "Grid size mismatch" in pg.message
    assert pg.shape == (4, 6) and len(pg.cells) == 24
    pg.forget_button.click()
    pg.resize_button.click()
    assert pg.shape == (5, 5) and len(pg.cells) == 25 and len(pg.grid.children) == 25
    pg.letters_button.click()
    assert len(pg.stored_patterns) == 3
    assert pg.last_error is None


def test_weights_on_demand(diag):
    assert diag.weights_image.layout.display == "none"
    diag.weights_toggle.value = True
    assert diag.weights_image.layout.display is None
    one = diag.weights_image.value
    _png_size(one)
    diag.cell(0, 4).click()
    diag.store_button.click()                   # a second memory changes W: redrawn
    two = diag.weights_image.value
    assert two != one
    diag.forget_button.click()
    diag.store_button.click()                   # a different pattern, named P1 again
    assert diag.pattern_names == ["P1"] and diag.weights_image.value not in (one, two)
    diag.weights_toggle.value = False
    assert diag.weights_image.layout.display == "none"


def test_same_seed_same_session_and_hot_runs_are_noisy():
    def session(seed):
        pg = PatternPlayground(rng=seed)
        pg.letters_button.click()
        pg.show_button.click()
        pg.temperature_slider.value = 3.0
        pg.noise_button.click()
        pg.run_button.click()
        for _ in range(5):
            pg.step_button.click()
        return pg

    a, b, c = session(7), session(7), session(8)
    assert np.array_equal(a.state, b.state)
    np.testing.assert_array_equal(a.energy_history, b.energy_history)
    assert a.energy_image.value == b.energy_image.value
    assert not (np.array_equal(a.state, c.state)
                and np.array_equal(a.energy_history, c.energy_history))
    assert "T = 3.00" in a.message or a.message.startswith("Neuron")
    # At T = 3, far above T_c = 1, the energy trace goes up as well as down.
    assert np.any(np.diff(a.energy_history) > 0)


def test_callback_errors_become_messages(diag, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(diag.network, "run", broken)
    diag.run_button.click()
    assert diag.message == "Could not do that: RuntimeError: kaputt"
    assert isinstance(diag.last_error, RuntimeError)
    assert diag._msg.kind == "error"


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(ValueError, match="between 1x1 and 30x30"):
        PatternPlayground(shape=(0, 5))
    with pytest.raises(ValueError, match="mode must be"):
        PatternPlayground(mode="parallel")
    with pytest.raises(ValueError, match="at most 3"):
        PatternPlayground(temperature=5.0)
    with pytest.raises(ValueError, match="letters are 5x5"):
        PatternPlayground(shape=(3, 3), patterns="letters")
    pg = PatternPlayground(rng=0)
    with pytest.raises(ValueError, match="length"):
        pg.store(np.ones(24))
    with pytest.raises(ValueError, match="does not fit"):
        pg.set_state(np.ones((4, 4)))


def test_displays_as_a_widget_and_leaves_no_pyplot_figures():
    plt.close("all")
    pg = PatternPlayground(rng=0, patterns="letters")
    bundle = pg._repr_mimebundle_()
    assert bundle[WIDGET_MIME]["model_id"] == pg.widget.model_id
    for _ in range(5):
        pg.noise_button.click()
        pg.run_button.click()
    assert plt.get_fignums() == []
    for img in (pg.energy_image, pg.overlap_image):
        w, h = _png_size(img.value)
        assert w > 100 and h > 100


# ----------------------------------------------------------------- MNIST playground
@pytest.fixture(scope="module")
def prototypes():
    from hopfield_edu.data import mnist_prototypes
    return mnist_prototypes()


def test_mnist_playground_opens_with_a_recall(prototypes):
    mp = MnistPlayground(rng=0)
    assert mp.stored_digits == [0, 1, 3, 5, 8] and mp.probe_digit == 8
    assert np.array_equal(mp.original, prototypes[8])
    assert np.count_nonzero(mp.corrupted != mp.original) == int(0.2 * 784)
    res = mp.result
    assert res.steps == 1500 and res.mode == "steps"
    assert np.array_equal(mp.recalled, res.state)
    assert len(mp.energy_history) == 1501
    # Energies and overlaps against the reference definitions (1/N Hebb).
    w = train_hopfield(np.array([prototypes[d] for d in mp.stored_digits]))
    assert mp.energy_history[0] == pytest.approx(compute_energy(mp.corrupted, w))
    assert mp.energy_history[-1] == pytest.approx(compute_energy(mp.recalled, w))
    assert np.all(np.diff(mp.energy_history) <= 1e-9)        # symmetric W, T = 0
    assert mp.overlaps == pytest.approx({d: overlap(prototypes[d], mp.recalled)
                                         for d in mp.stored_digits})
    assert mp.overlap_history.shape == (1501, 5)
    for img in (mp.digits_image, mp.energy_image, mp.overlap_image, mp.frame_image):
        _png_size(img.value)
    assert "1500 single-neuron updates" in mp.message
    assert "m<sub>8</sub>" in mp.status.value


def test_mnist_two_different_digits_are_recalled_exactly(prototypes):
    mp = MnistPlayground(stored_digits=(0, 1), probe_digit=1, noise=0.1, dynamics="stable",
                         rng=1)
    assert np.array_equal(mp.recalled, prototypes[1])
    assert mp.result.converged
    assert "Recalled digit 1 exactly" in mp.message and mp._msg.kind == "ok"
    assert mp.overlaps[1] == 1.0


def test_mnist_animation_frames_follow_the_recall():
    mp = MnistPlayground(stored_digits=(0, 1), probe_digit=0, noise=0.3, steps=2000, rng=2)
    frames, steps = mp.frames, mp.frame_steps
    assert np.array_equal(frames[0], mp.corrupted)
    assert np.array_equal(frames[-1], mp.recalled)
    assert steps[0] == 0 and steps[-1] == 2000 and np.all(np.diff(steps) > 0)
    assert 2 <= len(frames) <= 80
    assert mp.frame_slider.max == len(frames) - 1 == mp.frame_play.max
    assert mp.frame_slider.value == mp.frame_play.value == len(frames) - 1
    last = mp.frame_image.value
    mp.frame_slider.value = 0                 # what Play (jslinked to the slider) does
    assert mp.frame_image.value != last
    size = _png_size(mp.frame_image.value)
    assert size == (140, 140)
    assert "after 0 updates" in mp.frame_label.value
    # Frame k is the engine's snapshot after frame_steps[k] updates: replay them.
    k = len(frames) // 2
    mp.frame_slider.value = k
    pixels = np.asarray(Image.open(io.BytesIO(mp.frame_image.value)))[::5, ::5]
    assert np.array_equal(pixels.ravel() == 0, frames[k] == 1)


def test_mnist_empty_selection_and_unstored_probe_are_messages(prototypes):
    mp = MnistPlayground(rng=0)
    before = mp.result
    mp.stored_digits = []
    mp.recall_button.click()
    assert "No digit is selected for storage" in mp.message and mp._msg.kind == "warning"
    assert mp.result is before and mp.last_error is None
    mp.stored_digits = [0, 1]
    mp.probe_dropdown.value = 7
    mp.recall_button.click()
    assert "Digit 7 is not stored" in mp.message
    assert set(mp.overlaps) == {0, 1}
    empty = MnistPlayground(stored_digits=(), rng=0)
    assert empty.result is None and "Select at least one digit" in empty.message


def test_mnist_inhibitory_and_hot_settings(prototypes):
    mp = MnistPlayground(stored_digits=(1,), probe_digit=1, noise=0.0, inhibitory_fraction=0.2,
                         dynamics="stable", rng=4)
    assert mp.network.inhibitory_neurons.size == int(0.2 * 784)
    assert "inhibitory neurons (rows)" in mp.message
    # Rows mode: inhibitory neurons follow the opposite of their field, so recall ends
    # with exactly those bits flipped (overlap 1 - 2f).
    flipped = np.flatnonzero(mp.recalled != prototypes[1])
    assert np.array_equal(flipped, mp.network.inhibitory_neurons)
    net = mp.network
    mp.noise_slider.value = 0.1
    mp.recall_button.click()
    assert mp.network is net                  # same settings: same inhibitory neurons
    mp.inhibitory_mode.value = "columns"
    mp.recall_button.click()
    assert mp.network is not net and mp.network.inhibitory_mode == "columns"

    hot = MnistPlayground(stored_digits=(1,), probe_digit=1, temperature=2.5, dynamics="stable",
                          rng=5)
    assert hot.result.steps == 50 * 784       # no fixed point at T > 0: all sweeps run
    assert len(hot.frames) <= 80 and np.array_equal(hot.frames[-1], hot.recalled)
    assert abs(hot.overlaps[1]) < 0.3         # far above T_c = 1 the memory melts
    assert "T = 2.50" in hot.message


def test_mnist_same_seed_same_pictures():
    a, b = MnistPlayground(rng=11), MnistPlayground(rng=11)
    assert np.array_equal(a.recalled, b.recalled)
    assert a.digits_image.value == b.digits_image.value
    assert a.energy_image.value == b.energy_image.value


def test_mnist_bad_arguments():
    with pytest.raises(ValueError, match="stored_digits"):
        MnistPlayground(stored_digits=(3, 12))
    with pytest.raises(ValueError, match="dynamics"):
        MnistPlayground(dynamics="fast")
    with pytest.raises(ValueError, match="length"):
        MnistPlayground(prototypes={0: np.ones(100)}, probe_digit=0, stored_digits=(0,))
    with pytest.raises(ValueError, match="no prototype"):
        MnistPlayground(prototypes={0: np.ones(784)}, probe_digit=3, stored_digits=(0,))


# ---------------------------------------------------------------------- the notebook
def test_playground_notebook_runs_and_holds_no_graded_cells():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    path = ROOT / "solutions" / "playground" / "playground.ipynb"
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        assert not meta.get("grade") and not meta.get("solution"), cell.id
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    shown = [c for c in nb.cells if c.cell_type == "code"
             and any(WIDGET_MIME in o.get("data", {}) for o in c.outputs)]
    assert len(shown) == 2
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
    text = json.dumps([c.source for c in nb.cells])
    for prompt in ("similar digits", "noise level where recall breaks", "Raise T past 1"):
        assert prompt in text
