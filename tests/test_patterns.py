"""Patterns: the seed-001 letters, random patterns and grid helpers."""
import numpy as np
import pytest

import hopfield_edu as he


def test_letters_match_the_teaching_notebook():
    pats = he.letter_patterns()
    assert list(pats) == ["T", "L", "+"] == list(he.PATTERN_NAMES)
    grids = {k: v.reshape(5, 5) for k, v in pats.items()}
    # T: full top row and the middle column
    assert (grids["T"][0] == 1).all() and (grids["T"][:, 2] == 1).all()
    assert grids["T"].sum() == 9 - 16
    # L: left column and bottom row
    assert (grids["L"][:, 0] == 1).all() and (grids["L"][4] == 1).all() and grids["L"].sum() == 9 - 16
    # +: middle row and column
    assert (grids["+"][2] == 1).all() and (grids["+"][:, 2] == 1).all() and grids["+"].sum() == 9 - 16


def test_letters_are_fresh_copies():
    a = he.letter_patterns()
    a["T"][:] = 1
    assert he.letter_patterns()["T"].sum() == -7


def test_random_patterns_bias_and_reproducibility():
    p = he.random_patterns(50, 400, p_on=0.3, rng=1)
    assert p.shape == (50, 400) and set(np.unique(p)) == {-1, 1}
    # fraction of +1 is a binomial estimate of 0.3 with SD sqrt(.21/20000) = 0.0032
    assert abs((p == 1).mean() - 0.3) < 0.015
    assert np.array_equal(p, he.random_patterns(50, 400, p_on=0.3, rng=1))
    assert not np.array_equal(p, he.random_patterns(50, 400, p_on=0.3, rng=2))


def test_checkerboard_and_grids_round_trip():
    c = he.checkerboard((3, 4))
    g = he.to_grid(c, (3, 4))
    assert g[0, 0] == 1 and g[0, 1] == -1 and g[1, 0] == -1 and g[1, 1] == 1
    assert np.array_equal(he.from_grid(g), c)
    assert he.to_grid(he.pattern_T()).shape == (5, 5)
    with pytest.raises(ValueError, match="not a square grid"):
        he.to_grid(np.ones(24))
    with pytest.raises(ValueError, match="cannot reshape"):
        he.to_grid(np.ones(24), (5, 5))
    with pytest.raises(ValueError, match=r"\+1 and -1"):
        he.from_grid(np.zeros((2, 2)))
