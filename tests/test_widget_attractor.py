"""classify_attractor and neighbour_energies against their definitions, and the
temperature sentences of the playgrounds against the overlaps they are given."""
from __future__ import annotations

import numpy as np
import pytest

from hopfield_edu.widgets._attractor import classify_attractor, neighbour_energies
from hopfield_edu.dynamics import compute_energy
from hopfield_edu.learning import train_hopfield
from hopfield_edu.patterns import letter_patterns, random_patterns
from hopfield_edu.physics import symmetric_mixture
from hopfield_edu.widgets._verdict import describe_temperature


@pytest.fixture()
def xi():
    return np.random.default_rng(0).choice([-1, 1], size=(5, 101))


def test_patterns_and_anti_patterns_are_named(xi):
    names = list("ABCDE")
    for mu in range(5):
        a = classify_attractor(xi[mu], xi, names)
        assert (a.kind, a.detail, a.indices) == ("pattern", names[mu], (mu,))
        kind, detail = classify_attractor(-xi[mu], xi, names)
        assert (kind, detail) == ("anti-pattern", f"anti-pattern of {names[mu]}")
    np.testing.assert_allclose(classify_attractor(xi[2], xi).overlaps, xi @ xi[2] / 101)


def test_every_signed_3_mixture_is_found(xi):
    for idx in [(0, 1, 2), (1, 3, 4)]:
        for signs in [(1, 1, 1), (1, -1, 1), (-1, -1, 1)]:
            state = np.sign(np.asarray(signs) @ xi[list(idx)])
            a = classify_attractor(state, xi, list("ABCDE"))
            assert a.kind == "mixture"
            # the mixture it names rebuilds the state (it may find an equal one first)
            assert np.array_equal(np.sign(np.asarray(a.signs) @ xi[list(a.indices)]), state)
    # physics.symmetric_mixture is the all-plus case
    assert classify_attractor(symmetric_mixture(xi, (0, 2, 4)), xi).kind == "mixture"


def test_anything_else_is_spurious_with_its_closest_pattern(xi):
    state = xi[3].copy()
    state[:10] *= -1                                     # m = 81/101 with pattern 3
    a = classify_attractor(state, xi, list("ABCDE"))
    assert a.kind == "spurious" and a.indices == (3,)
    assert "closest: D (m = +0.80)" in a.detail
    assert classify_attractor(state, np.zeros((0, 101))).kind == "nothing stored"


def test_bad_input_is_a_clear_error(xi):
    with pytest.raises(ValueError, match="names must have one entry per pattern"):
        classify_attractor(xi[0], xi, ["A"])
    with pytest.raises(ValueError, match="max_mixture must be an odd int"):
        classify_attractor(xi[0], xi, max_mixture=2)
    with pytest.raises(ValueError):
        classify_attractor(xi[0][:50], xi)


def test_neighbour_energies_are_the_energies_of_single_flips():
    rng = np.random.default_rng(1)
    p = random_patterns(3, 25, rng=rng)
    w = train_hopfield(p)
    theta = rng.normal(size=25) * 0.1
    s = rng.choice([-1, 1], size=25)
    got = neighbour_energies(s, w, theta)
    for i in range(25):
        t = s.copy()
        t[i] *= -1
        assert got[i] == pytest.approx(compute_energy(t, w, theta))
    # a stored letter is a fixed point: no flip lowers the energy
    letters = np.array(list(letter_patterns().values()))
    wl = train_hopfield(letters)
    assert np.all(neighbour_energies(letters[0], wl) >= compute_energy(letters[0], wl) - 1e-12)


def test_temperature_sentences_follow_the_overlaps():
    names = ["A", "B"]
    text, kind = describe_temperature(0.8, np.tile([0.7, 0.1], (50, 1)), names)
    assert "partly retained" in text and "melt" not in text and "+0.70" in text
    text, kind = describe_temperature(0.5, np.tile([0.05, -0.93], (50, 1)), names)
    assert "stays near the anti-pattern of pattern B" in text and kind == "ok"
    text, kind = describe_temperature(2.0, np.tile([0.1, 0.05], (50, 1)), names)
    assert "melted" in text and kind == "warning"
