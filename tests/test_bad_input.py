"""Every public entry point rejects bad input with a clear ValueError/TypeError
(never a Numba typing traceback)."""
import numpy as np
import pytest

import hopfield_edu as he

P = he.pattern_T()
W = he.train_hopfield([P])


def trained(n=25, **kw):
    return he.HopfieldNetwork(n, rng=0, **kw).train([P])


CASES = [
    # (callable, exception, words the message must contain)
    (lambda: he.train_hopfield([]), ValueError, "empty"),
    (lambda: he.train_hopfield([P, P[:10]]), ValueError, "same length"),
    (lambda: he.train_hopfield([P * 0]), ValueError, r"\+1 and -1"),
    (lambda: he.train_hopfield(P), ValueError, "list of patterns"),
    (lambda: he.train_hopfield([P.reshape(5, 5)]), ValueError, "1-D"),
    (lambda: he.train_hopfield("TL+"), TypeError, r"array of \+1/-1"),
    (lambda: he.update_state(P, W[:5, :5]), ValueError, "N = 25"),
    (lambda: he.update_state(P, np.ones((25, 24))), ValueError, "square"),
    (lambda: he.update_state(P.astype(float) * 0.5, W), ValueError, r"\+1 and -1"),
    (lambda: he.update_state(P, W * np.nan), ValueError, "finite"),
    (lambda: he.update_state(P, W, theta=np.ones(3)), ValueError, "theta"),
    (lambda: he.update_state(P, W, rng=np.random.RandomState(0)), TypeError, "Generator"),
    (lambda: he.update_state(P, W, rng="seed"), TypeError, "Generator"),
    (lambda: he.compute_energy(P.reshape(5, 5), W), ValueError, "1-D"),
    (lambda: he.compute_energy(P, None), TypeError, "matrix"),
    (lambda: he.add_noise(P, 1.5), ValueError, r"\[0.0, 1.0\]"),
    (lambda: he.add_noise(P, -0.1), ValueError, "noise_level"),
    (lambda: he.add_noise(P, "0.1"), TypeError, "noise_level"),
    (lambda: he.add_noise(np.array([]), 0.1), ValueError, "empty"),
    (lambda: he.overlap(P, P[:5]), ValueError, "length"),
    (lambda: he.HopfieldNetwork(0), ValueError, "num_neurons"),
    (lambda: he.HopfieldNetwork(2.5), TypeError, "num_neurons"),
    (lambda: he.HopfieldNetwork(25, inhibitory_fraction=1.0), ValueError, "inhibitory_fraction"),
    (lambda: he.HopfieldNetwork(25, inhibitory_mode="outputs"), ValueError, "rows"),
    (lambda: he.HopfieldNetwork(25).train([]), ValueError, "empty"),
    (lambda: he.HopfieldNetwork(24).train([P]), ValueError, "N = 24"),
    (lambda: he.HopfieldNetwork(25).train([P], normalization="M"), ValueError, "normalization"),
    (lambda: he.HopfieldNetwork(25).recall(P), ValueError, "train"),
    (lambda: trained().recall(P[:24]), ValueError, "N = 25"),
    (lambda: trained().recall(np.zeros(25)), ValueError, r"\+1 and -1"),
    (lambda: trained().recall(P, max_steps=-1), ValueError, "max_steps"),
    (lambda: trained().recall(P, max_steps="10"), TypeError, "max_steps"),
    (lambda: trained().recall(P, mode="fast"), ValueError, "mode"),
    (lambda: trained().recall(P, temperature=-1.0), ValueError, "temperature"),
    (lambda: trained().recall(P, temperature=float("inf")), ValueError, "temperature"),
    (lambda: trained().run(P, sequence=[0, 25]), ValueError, "sequence"),
    (lambda: trained().run(P, sequence=[0.5]), TypeError, "sequence"),
    (lambda: trained().run(P, mode="stable", sequence=[0]), ValueError, "sequence"),
    (lambda: trained().run(P, max_sweeps=0), ValueError, "max_sweeps"),
    (lambda: trained().run(P, record_every=0), ValueError, "record_every"),
    (lambda: trained().calculate_energy(P[:3]), ValueError, "N = 25"),
    (lambda: trained().set_weights(np.full((25, 25), np.inf)), ValueError, "finite"),
    (lambda: trained().set_weights(np.ones((24, 24))), ValueError, "N = 25"),
    (lambda: trained().recall_batch(P), ValueError, "list of patterns"),
    (lambda: trained().recall_batch(np.ones((3, 24))), ValueError, "N = 25"),
    (lambda: he.HopfieldNetwork(25).set_weights(W).run(P, record_overlaps=True), ValueError, "Hebbian"),
    (lambda: he.random_patterns(3, 25, p_on=2), ValueError, "p_on"),
    (lambda: he.random_patterns(-1, 25), ValueError, "num_patterns"),
    (lambda: he.HopfieldNetwork(25, rng=-3), ValueError, "seed"),
]


@pytest.mark.parametrize("call, exc, words", CASES, ids=[str(i) for i in range(len(CASES))])
def test_bad_input_gets_a_clear_error(call, exc, words):
    with pytest.raises(exc, match=words) as info:
        call()
    text = str(info.value)
    assert "numba" not in text.lower() and "typing" not in text.lower()


def test_valid_inputs_of_other_dtypes_are_accepted():
    net = trained()
    for state in (P.astype(np.int8), P.astype(float), list(P), P.astype(np.int32)):
        assert net.recall(state, max_steps=10)[0].dtype == np.int64
    assert he.compute_energy(list(P), W.tolist()) == pytest.approx(he.compute_energy(P, W))
