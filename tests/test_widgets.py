"""The playgrounds driven through the ipywidgets API (no browser): press buttons,
move sliders, and check the model against the reference definitions of
:mod:`hopfield_edu.dynamics` / :mod:`hopfield_edu.learning` and what the
outputs show (message text, status text, PNG bytes)."""
from __future__ import annotations

import io
import json
import os
import re
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
    """What the browser does at the end of a stroke: send the whole grid, count the stroke."""
    v = pg.view.read_state()
    for r, c in cells:
        v[r * pg.shape[1] + c] *= -1
    pg.view.state = v.astype(np.int8).tobytes()
    pg.view.strokes += 1


def _replay(pg, upto=None):
    """What the browser does when a replay ends (or Pause stops it): report the position."""
    v = pg.view
    n = len(np.frombuffer(v.traj_ends, dtype="<i4"))
    v.position = v.base + (n if upto is None else upto)
    v.playing = False
    v.reports += 1


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
def test_a_stroke_draws_and_the_view_shows_the_state():
    pg = PatternPlayground(rng=0)
    assert np.array_equal(pg.state, -np.ones(25))
    assert np.array_equal(pg.view.read_state(), -np.ones(25))
    _draw(pg, DIAGONAL)
    assert np.array_equal(pg.state, _diagonal_vector())
    assert pg.message == "Painted: 5 cell(s) changed; 5 of 25 cells are black (+1)."
    _draw(pg, [(4, 4)])                          # a second stroke over a black cell erases
    assert pg.state[24] == -1 and pg.view.read_state()[24] == -1
    # Python-side changes reach the view as one int8 array
    pg.set_state(-_diagonal_vector())
    assert pg.view.state == (-_diagonal_vector()).astype(np.int8).tobytes()
    assert pg.view.editable and pg.view.rows == 5 and pg.view.cols == 5


def test_brush_and_tool_controls_reach_the_view():
    pg = PatternPlayground((28, 28), rng=0)
    pg.brush_slider.value = 3
    pg.tool_toggle.value = "erase"
    assert pg.view.brush == 3 and pg.view.tool == "erase"


def test_store_builds_hebbian_weights_and_energy(diag):
    p = _diagonal_vector()
    assert diag.pattern_names == ["P1"]
    assert np.array_equal(diag.stored_patterns, p[None, :])
    # 1/N Hebb with zero diagonal: the teaching notebook's train_hopfield.
    np.testing.assert_allclose(diag.network.weights, train_hopfield(p[None, :]))
    np.testing.assert_allclose(diag.energy_history, [compute_energy(p, train_hopfield(p[None, :]))])
    np.testing.assert_allclose(diag.overlaps, [1.0])
    # the view's plots get the same numbers (energy trace, overlaps, W for the neighbour panel)
    np.testing.assert_allclose(np.frombuffer(diag.view.energy, "<f8"), diag.energy_history)
    np.testing.assert_allclose(np.frombuffer(diag.view.overlaps, "<f4"), [1.0])
    np.testing.assert_allclose(np.frombuffer(diag.view.weights, "<f8").reshape(25, 25),
                               train_hopfield(p[None, :]))
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
    pg.play_button.click()
    assert "Nothing is stored yet" in pg.message
    assert pg.view.playing is False and not pg.busy   # nothing is replayed, nothing locked
    assert np.array_equal(pg.state, before)
    assert pg.last_error is None


def test_noise_then_run_recalls_the_stored_pattern(diag):
    p = _diagonal_vector()
    w = train_hopfield(p[None, :])
    energy_bytes = diag.view.energy
    diag.noise_slider.value = 0.2
    diag.noise_button.click()
    noisy = diag.state
    assert np.count_nonzero(noisy != p) == 5                 # int(0.2 * 25) distinct bits
    assert diag.message.startswith("Flipped 5 of 25 cells")
    np.testing.assert_allclose(diag.overlaps, [overlap(noisy, p)])
    assert diag.overlaps[0] == pytest.approx(0.6)
    np.testing.assert_allclose(np.frombuffer(diag.view.overlaps, "<f4"), [0.6], rtol=1e-6)
    energy_noisy = diag.view.energy
    assert energy_noisy != energy_bytes

    diag.run_button.click()
    assert np.array_equal(diag.state, p)
    assert "recalled the stored pattern P1 exactly" in diag.message
    e = diag.energy_history
    assert e[0] == pytest.approx(compute_energy(noisy, w))
    assert e[-1] == pytest.approx(compute_energy(p, w))
    assert np.all(np.diff(e) <= 1e-12)                        # asynchronous, T = 0: never up
    assert len(e) == diag.updates + 1
    np.testing.assert_allclose(np.frombuffer(diag.view.energy, "<f8"), e)
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
        i = diag.highlight                                    # the neuron that was updated
        h = local_field(prev, w)[i]
        assert now[i] == (1 if h >= 0 else -1)                # the sign rule, ties to +1
        assert diag.energy_history[-1] == pytest.approx(compute_energy(now, w))
        assert diag.view.highlight == i                       # highlighted on the grid
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


def test_play_sends_the_recall_to_the_browser_and_commits_where_it_stopped(diag):
    w = diag.network.weights
    diag.noise_slider.value = 0.4
    diag.noise_button.click()
    start = diag.state
    diag.speed_slider.value = 60
    diag.play_button.click()
    v = diag.view
    assert v.playing and v.rate == 60 and diag.busy and not v.editable
    assert diag.run_button.disabled and diag.store_button.disabled and not diag.pause_button.disabled
    ends = np.frombuffer(v.traj_ends, "<i4")
    traj = np.frombuffer(v.traj, "<i4")
    assert len(ends) % 25 == 0 and np.array_equal(ends, np.arange(1, len(ends) + 1))
    # Replay the encoded updates with the reference rule: each sets sign(h_i) of the neuron.
    s = start.copy()
    for code in traj:
        i = abs(code) - 1
        assert (1 if code > 0 else -1) == (1 if local_field(s, w)[i] >= 0 else -1)
        s[i] = 1 if code > 0 else -1
    assert _is_fixed_point(s, w)
    # the last sweep flipped nothing: a whole sweep of neurons already at sign(h_i)
    assert len({abs(c) for c in traj[-25:]}) == 25
    # plots get the whole timeline: the browser draws it up to the current position
    e = np.frombuffer(v.energy, "<f8")
    assert len(e) == len(ends) + 1 and np.all(np.diff(e) <= 1e-12)
    # clicks while busy are dropped, not queued
    diag.step_button.click()
    assert diag.updates == 0 and diag.busy
    # Pause after 7 updates: the model holds the state after exactly those 7
    _replay(diag, 7)
    assert not diag.busy and not diag.run_button.disabled and diag.pause_button.disabled
    assert diag.updates == 7 and "Paused after 7" in diag.message
    s7 = start.copy()
    for code in traj[:7]:
        s7[abs(code) - 1] = 1 if code > 0 else -1
    assert np.array_equal(diag.state, s7)
    assert diag.highlight == abs(traj[6]) - 1
    np.testing.assert_allclose(diag.energy_history, e[:8])
    # Play again to the end: stable, named
    diag.play_button.click()
    _replay(diag)
    assert _is_fixed_point(diag.state, w) and "Stable" in diag.message
    assert "recalled the stored pattern P1" in diag.message or "anti-pattern of P1" in diag.message
    assert diag.energy_history[-1] == pytest.approx(compute_energy(diag.state, w))
    diag.play_button.click()                              # nothing left to do
    assert "Already stable" in diag.message and not diag.busy
    # A page closed during a replay never reports: Pause commits where the view was.
    diag.noise_button.click()
    diag.play_button.click()
    assert diag.busy
    diag.view.playing = False                             # the front end is gone
    diag.pause_button.click()
    assert not diag.busy and diag.updates == 0 and "Paused after 0" in diag.message


def test_speed_slider_sets_the_replay_rate():
    pg = PatternPlayground(rng=0)
    pg.speed_slider.value = 60
    assert pg.view.rate == 60


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
    assert (pg.view.rows, pg.view.cols) == (4, 6) and len(pg.view.read_state()) == 24
    pg.letters_button.click()
    assert "Grid size mismatch" in pg.message and "4x6" in pg.message
    assert pg.stored_patterns.shape == (0, 24)

    _draw(pg, [(0, 0)])
    pg.store_button.click()
    pg.rows_input.value, pg.cols_input.value = 5, 5
    pg.resize_button.click()
    assert "Grid size mismatch" in pg.message
    assert pg.shape == (4, 6) and len(pg.view.read_state()) == 24
    pg.forget_button.click()
    pg.resize_button.click()
    assert pg.shape == (5, 5) and (pg.view.rows, pg.view.cols) == (5, 5)
    assert len(pg.view.read_state()) == 25
    pg.letters_button.click()
    assert len(pg.stored_patterns) == 3
    assert pg.last_error is None


def test_weights_on_demand(diag):
    assert diag.weights_image.layout.display == "none"
    diag.weights_toggle.value = True
    assert diag.weights_image.layout.display is None
    one = diag.weights_image.value
    _png_size(one)
    _draw(diag, [(0, 4)])
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
    assert a.view.energy == b.view.energy
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
    with pytest.raises(ValueError, match="between 1x1 and 64x64"):
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
    pg.weights_toggle.value = True
    w, h = _png_size(pg.weights_image.value)
    assert w > 100 and h > 100


def test_a_30x30_grid_is_one_widget_and_builds_fast():
    import time

    t0 = time.perf_counter()
    pg = PatternPlayground((30, 30), rng=0)
    elapsed = time.perf_counter() - t0
    print(f"30x30 PatternPlayground built in {elapsed * 1000:.1f} ms")
    assert len(pg.view.read_state()) == 900
    # the grid is one widget: the whole playground holds a few dozen widgets, not 900 buttons
    def count(w):
        return 1 + sum(count(c) for c in getattr(w, "children", ()))
    assert count(pg.widget) < 80


# ----------------------------------------------------------------- MNIST playground
@pytest.fixture(scope="module")
def prototypes():
    from hopfield_edu.data import mnist_prototypes
    return mnist_prototypes()


def test_mnist_playground_opens_with_a_recall_until_stable(prototypes):
    mp = MnistPlayground(rng=0)
    assert mp.stored_digits == [0, 1, 3, 5, 8] and mp.probe_digit == 8
    assert np.array_equal(mp.original, prototypes[8])
    assert np.count_nonzero(mp.corrupted != mp.original) == int(0.2 * 784)
    res = mp.result
    assert res.mode == "stable" and res.converged and res.steps % 784 == 0
    assert np.array_equal(mp.recalled, res.state)
    assert len(mp.energy_history) == res.steps + 1
    # Energies and overlaps against the reference definitions (1/N Hebb).
    w = train_hopfield(np.array([prototypes[d] for d in mp.stored_digits]))
    assert mp.energy_history[0] == pytest.approx(compute_energy(mp.corrupted, w))
    assert mp.energy_history[-1] == pytest.approx(compute_energy(mp.recalled, w))
    assert np.all(np.diff(mp.energy_history) <= 1e-9)        # symmetric W, T = 0
    assert _is_fixed_point(mp.recalled, w)                    # "until stable" means it
    assert mp.overlaps == pytest.approx({d: overlap(prototypes[d], mp.recalled)
                                         for d in mp.stored_digits})
    assert mp.overlap_history.shape == (res.steps + 1, 5)
    _png_size(mp.digits_image.value)
    assert f"{res.steps} single-neuron updates" in mp.message and "Stable" in mp.message
    assert "m<sub>8</sub>" in mp.status.value
    # the grid shows the recalled digit; the plots get the whole timeline
    assert np.array_equal(mp.view.read_state(), mp.recalled)
    np.testing.assert_allclose(np.frombuffer(mp.view.energy, "<f8"), mp.energy_history)


def test_mnist_seed_notebook_steps_say_when_the_state_is_not_stable(prototypes):
    mp = MnistPlayground(dynamics="steps", rng=0)
    res = mp.result
    assert res.mode == "steps" and res.steps == 1500 and len(mp.energy_history) == 1501
    w = train_hopfield(np.array([prototypes[d] for d in mp.stored_digits]))
    h = local_field(mp.recalled, w)
    unstable = int(np.count_nonzero(np.where(h >= 0, 1, -1) != mp.recalled))
    if unstable:
        assert f"Not stable yet: {unstable} neurons would still flip" in mp.message
    else:
        assert "Stable" in mp.message
    assert "1.9 sweeps" in mp.dynamics_help.value


def test_mnist_two_different_digits_are_recalled_exactly(prototypes):
    mp = MnistPlayground(stored_digits=(0, 1), probe_digit=1, noise=0.1, dynamics="stable",
                         rng=1)
    assert np.array_equal(mp.recalled, prototypes[1])
    assert mp.result.converged
    assert "recalled the stored digit 1 exactly" in mp.message and mp._msg.kind == "ok"
    assert mp.overlaps[1] == 1.0


def test_mnist_replay_draw_and_pause(prototypes):
    mp = MnistPlayground(stored_digits=(0, 1), probe_digit=0, noise=0.3, rng=2)
    w = train_hopfield(np.array([prototypes[0], prototypes[1]]))
    mp.corrupt_button.click()
    start = mp.state
    assert np.count_nonzero(start != prototypes[0]) == int(0.3 * 784)
    assert np.array_equal(mp.view.read_state(), start)
    # paint a stroke: the grid is the new start of the recall
    drawn = start.copy()
    drawn[:56] = 1
    mp.view.state = drawn.astype(np.int8).tobytes()
    mp.view.strokes += 1
    assert np.array_equal(mp.state, drawn) and "Painted: " in mp.message
    assert np.frombuffer(mp.view.energy, "<f8")[0] == pytest.approx(compute_energy(drawn, w))
    mp.play_button.click()
    assert mp.busy and mp.view.playing and mp.recall_button.disabled
    traj = np.frombuffer(mp.view.traj, "<i4")
    s = drawn.copy()
    for code in traj:                          # the reference rule, update by update
        i = abs(code) - 1
        assert (1 if code > 0 else -1) == (1 if local_field(s, w)[i] >= 0 else -1)
        s[i] = 1 if code > 0 else -1
    assert _is_fixed_point(s, w)
    mp.recall_button.click()                   # dropped while busy
    assert mp.busy and np.array_equal(mp.state, drawn)
    v = mp.view
    v.position, v.playing = v.base + 100, False
    v.reports += 1
    assert not mp.busy and "Paused after 100" in mp.message
    s100 = drawn.copy()
    for code in traj[:100]:
        s100[abs(code) - 1] = 1 if code > 0 else -1
    assert np.array_equal(mp.state, s100)
    mp.play_button.click()
    v.position, v.playing = v.base + len(np.frombuffer(v.traj_ends, "<i4")), False
    v.reports += 1
    assert _is_fixed_point(mp.state, w) and "Stable" in mp.message
    assert np.array_equal(mp.recalled, mp.state)
    mp.play_button.click()                     # nothing left to replay
    assert "Already stable" in mp.message and not mp.busy


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
    assert abs(hot.overlaps[1]) < 0.3         # far above T_c = 1 the memory melts
    assert "T = 2.50" in hot.message and "melted" in hot.message
    # Below T_c the message follows the measured overlaps: retained, not "melting".
    warm = MnistPlayground(stored_digits=(1,), probe_digit=1, temperature=0.5, dynamics="stable",
                           rng=5)
    mean = warm.overlap_history[-784:, 0].mean()
    assert mean > 0.8 and "melt" not in warm.message
    assert f"mean overlap {mean:+.2f}" in warm.message


@pytest.mark.parametrize("energy", [3, 12, "exp"])
def test_mnist_dense_energies_follow_the_dense_rule(prototypes, energy):
    from hopfield_edu.dense import dense_energy, dense_update

    digits = (0, 1, 3, 5, 8)
    xi = np.array([prototypes[d] for d in digits])
    mp = MnistPlayground(stored_digits=digits, probe_digit=8, energy=energy, rng=3)
    tr = mp.trajectory
    log = energy == "exp"
    assert mp.result.converged and mp.result.mode == "stable"
    s = mp.corrupted.copy()
    assert mp.energy_history[0] == pytest.approx(dense_energy(s, xi, energy, log=log))
    for k in range(len(tr)):                   # every update is dense_update's, in order
        i = int(tr.index[k])
        s = dense_update(s, xi, energy, i=i)
        assert s[i] == tr.value[k]
        if k % 500 == 0:
            assert tr.energy[k] == pytest.approx(dense_energy(s, xi, energy, log=log), rel=1e-12)
    assert np.array_equal(s, mp.recalled)
    assert np.all(np.diff(mp.energy_history) <= 1e-9 * np.abs(mp.energy_history[:-1]))
    # stable: no neuron changes under the dense rule
    assert all(np.array_equal(dense_update(s, xi, energy, i=i), s) for i in range(0, 784, 7))
    assert "Dense associative memory" in mp.message and "Stable" in mp.message
    label = mp.view.energy_label
    assert ("ln" in label) if log else (f"^{energy}" in label)
    np.testing.assert_allclose(mp.overlap_history[-1], xi @ mp.recalled / 784)


def test_mnist_dense_choices_that_cannot_work_are_messages():
    mp = MnistPlayground(rng=0, energy=4, recall=False)
    mp.dynamics_dropdown.value = "sync"
    mp.recall_button.click()
    assert "only offered for the classical energy" in mp.message and mp._msg.kind == "warning"
    assert mp.result is None and mp.last_error is None
    mp.dynamics_dropdown.value = "stable"
    mp.temperature_slider.value = 1.5
    mp.recall_button.click()
    assert "apply to the classical energy only" in mp.message
    assert mp.result.temperature == 0.0
    with pytest.raises(ValueError, match="energy must be"):
        MnistPlayground(energy=2, recall=False)


def test_mnist_same_seed_same_pictures():
    a, b = MnistPlayground(rng=11), MnistPlayground(rng=11)
    assert np.array_equal(a.recalled, b.recalled)
    assert a.digits_image.value == b.digits_image.value
    assert a.view.energy == b.view.energy


def test_mnist_bad_arguments():
    with pytest.raises(ValueError, match="stored_digits"):
        MnistPlayground(stored_digits=(3, 12))
    with pytest.raises(ValueError, match="dynamics"):
        MnistPlayground(dynamics="fast")
    with pytest.raises(ValueError, match="length"):
        MnistPlayground(prototypes={0: np.ones(100)}, probe_digit=0, stored_digits=(0,))
    with pytest.raises(ValueError, match="no prototype"):
        MnistPlayground(prototypes={0: np.ones(784)}, probe_digit=3, stored_digits=(0,))


# ------------------------------------------------------------------------- offline
def test_animation_html_asks_no_cdn():
    from hopfield_edu import animation as A
    from hopfield_edu.dynamics import add_noise

    p = letter_patterns()
    w = train_hopfield(list(p.values()))
    html = A.to_jshtml(A.convergence_animation(add_noise(p["L"], 0.16, rng=3), w, rng=4, hold=2))
    assert "font-awesome" not in html.lower() and "fontawesome" not in html.lower()
    assert "http://" not in html and "https://" not in html
    assert 'class="fa ' not in html and "\u25b6" in html          # icons became characters
    assert 'title="Play"' in html


def test_view_front_end_requests_nothing_from_outside():
    from pathlib import Path as P

    import hopfield_edu.widgets as hw

    here = P(hw.__file__).parent
    for name in ("_view.js", "_view.css"):
        text = (here / name).read_text()
        assert "http://" not in text and "https://" not in text, name
        assert not re.search(r"^\s*import\b", text, re.M) and "fetch(" not in text, name


def test_offline_voila_launcher(tmp_path, capsys):
    from hopfield_edu.widgets import serve

    nb = ROOT / "exercises" / "playground" / "playground.ipynb"
    cmd, env, cwd = serve.voila_command(nb, port=9999)
    assert cwd == str(nb.parent) and cmd[-1] == "playground.ipynb"        # the folder's voila.json
    assert f"--template={serve.TEMPLATE}" in cmd and "--port=9999" in cmd
    template = Path(env["JUPYTER_PATH"].split(os.pathsep)[0]) / "voila" / "templates" / serve.TEMPLATE
    text = (template / "index.html.j2").read_text()
    assert "fontawesome" in text and "{{ super() }}" in text              # the links it removes
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    config = json.loads((nb.parent / "voila.json").read_text())
    assert "@jupyter/nbgrader" in config["VoilaConfiguration"]["extension_denylist"]
    assert config["MappingKernelManager"]["cull_connected"] is False
    assert serve.main([str(tmp_path / "missing.ipynb")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no such notebook") and err.count("\n") == 1


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
