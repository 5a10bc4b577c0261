"""Sample entropy against the definition (Richman & Moorman 2000), written out plainly."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import hopfield_edu as he


def sampen_definition(x, m=2, r=0.2):
    """Pairs loop straight from the definition; returns (A, B)."""
    x = list(map(float, x))
    n = len(x)
    tol = r * float(np.std(x))
    a = b = 0
    for i in range(n - m):
        for j in range(n - m):
            if i == j:
                continue
            if max(abs(x[i + k] - x[j + k]) for k in range(m)) <= tol:
                b += 1
                if abs(x[i + m] - x[j + m]) <= tol:
                    a += 1
    return a, b


def seed_broadcast(x, m=2, r=0.2):
    """Seed 000's numpy-broadcasting version (returns 0 where undefined)."""
    n = len(x)
    sd = np.std(x)
    if n < m + 1 or sd == 0:
        return 0
    tol = r * sd
    tm = np.array([x[i:i + m] for i in range(n - m)])
    tm1 = np.array([x[i:i + m + 1] for i in range(n - m)])
    b = np.sum(np.all(np.abs(tm[:, None] - tm[None]) <= tol, axis=-1)) - len(tm)
    a = np.sum(np.all(np.abs(tm1[:, None] - tm1[None]) <= tol, axis=-1)) - len(tm1)
    return -np.log(a / b) if a > 0 and b > 0 else 0


def staircase(rng, n, steps):
    """A Hopfield-like energy trace: flat runs with downward jumps."""
    jumps = np.zeros(n)
    jumps[rng.choice(n, steps, replace=False)] = -rng.integers(1, 5, steps) / 3
    return np.cumsum(jumps) - 100.0


@pytest.mark.parametrize("kind", ["random", "sine", "staircase"])
@pytest.mark.parametrize("m", [1, 2, 3])
def test_equals_the_definition(kind, m):
    rng = np.random.default_rng(m)
    n = 150
    x = {"random": rng.normal(size=n),
         "sine": np.sin(np.arange(n) * 0.3) + 0.05 * rng.normal(size=n),
         "staircase": staircase(rng, n, 12)}[kind]
    a, b = sampen_definition(x, m, 0.2)
    assert a > 0 and b > 0
    assert he.sample_entropy(x, m=m, r=0.2) == pytest.approx(-math.log(a / b), rel=1e-12)


@pytest.mark.parametrize("kind", ["random", "sine", "staircase"])
def test_equals_the_seed_on_long_traces(kind):
    rng = np.random.default_rng(0)
    n = 1500
    x = {"random": rng.normal(size=n), "sine": np.sin(np.arange(n) * 0.05),
         "staircase": staircase(rng, n, 60)}[kind]
    assert he.sample_entropy(x) == pytest.approx(seed_broadcast(x), rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(0, 40), elements=st.sampled_from([-2.0, -1.0, 0.0, 0.5, 3.0])),
       st.integers(1, 3), st.sampled_from([0.0, 0.1, 0.2, 0.5, 1.0]))
def test_property_equals_definition_with_many_ties(x, m, r):
    got_zero = he.sample_entropy(x, m=m, r=r)
    got_nan = he.sample_entropy(x, m=m, r=r, undefined="nan")
    if len(x) < m + 1:
        assert got_zero == 0 and math.isnan(got_nan)
        return
    a, b = sampen_definition(x, m, r)
    if np.std(x) == 0:
        assert got_zero == 0
    if a > 0 and b > 0:
        assert got_nan == pytest.approx(-math.log(a / b), rel=1e-12)
    elif b > 0:
        assert got_nan == math.inf
    else:
        assert math.isnan(got_nan)
    if np.std(x) > 0:
        assert got_zero == (got_nan if math.isfinite(got_nan) else 0)


def test_gaussian_white_noise_has_the_theoretical_value():
    # For i.i.d. N(0, 1) data A/B -> P(|X - Y| <= r) = erf(r / 2) with r = 0.2
    # (Richman & Moorman 2000), so SampEn -> -ln erf(0.1) = 2.1848.
    x = np.random.default_rng(1).normal(size=4000)
    assert he.sample_entropy(x) == pytest.approx(-math.log(math.erf(0.1)), abs=0.08)


def test_regular_signals_have_low_entropy():
    t = np.arange(1000)
    assert he.sample_entropy(np.sin(t * 0.1)) < 0.3 < he.sample_entropy(
        np.random.default_rng(0).normal(size=1000))


def test_undefined_cases():
    assert he.sample_entropy([1.0, 1.0, 1.0, 1.0]) == 0.0
    assert he.sample_entropy([1.0, 1.0, 1.0, 1.0], undefined="nan") == 0.0  # all match: A = B
    assert math.isnan(he.sample_entropy([1.0, 2.0], undefined="nan"))
    assert he.sample_entropy([1.0, 2.0]) == 0.0
    x = np.array([0.0, 10.0, 0.0, 20.0, 0.0, 30.0, 0.0, 40.0])
    a, b = sampen_definition(x, 2, 0.01)
    assert b == 0 and math.isnan(he.sample_entropy(x, r=0.01, undefined="nan"))


@pytest.mark.parametrize("bad, err, msg", [
    (np.ones((3, 3)), ValueError, "1-D"),
    ([1.0, np.nan, 2.0], ValueError, "finite"),
    ("abc", TypeError, "numeric"),
])
def test_bad_series(bad, err, msg):
    with pytest.raises(err, match=msg):
        he.sample_entropy(bad)


@pytest.mark.parametrize("kwargs, msg", [
    (dict(m=0), "m"), (dict(m=1.5), "m"), (dict(r=-0.1), "r"), (dict(r=float("nan")), "r"),
    (dict(undefined="inf"), "undefined"),
])
def test_bad_parameters(kwargs, msg):
    with pytest.raises(ValueError, match=msg):
        he.sample_entropy(np.arange(10.0), **kwargs)
