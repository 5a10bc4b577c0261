"""The research notebook's experiments (hopfield_edu.experiments) on small configurations."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from hopfield_edu import experiments as X
from hopfield_edu.data import mnist_prototypes

N = 784
SMALL = X.CONFIG.replace(NUM_RUNS_PER_CONDITION=2, NOISE_LEVELS_EXP1=(0.0, 0.2),
                         CAPACITY_TEST_PATTERNS_EXP3=(1, 2, 3))


def _flipped_overlap(noise, n=N):
    """Overlap of a pattern with itself after exactly int(noise * n) flips: 1 - 2k/n."""
    return 1 - 2 * int(noise * n) / n


# --------------------------------------------------------------------------- config
def test_config_has_the_notebooks_keys_and_defaults():
    seed_config = {  # seed 000, cell 2
        "NUM_NEURONS": 784,
        "DIGITS_TO_STORE": list(range(10)),
        "INHIBITORY_FRACTIONS_TO_TEST": [0.0, 0.2],
        "NOISE_LEVELS_EXP1": np.linspace(0.0, 0.5, 11),
        "CAPACITY_TEST_PATTERNS_EXP3": list(range(1, 11)),
        "NUM_RUNS_PER_CONDITION": 20,
        "MAX_RECALL_STEPS": 1500,
        "SAMPEN_M": 2,
        "SAMPEN_R_FRACTION": 0.2,
    }
    for key, value in seed_config.items():
        np.testing.assert_allclose(np.asarray(X.CONFIG[key], dtype=float), np.asarray(value, dtype=float))
    assert isinstance(X.CONFIG.SEED, int)
    # the notebook's own dict (with NumPy arrays) is accepted as overrides
    assert X.as_config(seed_config) == X.CONFIG
    with pytest.raises(dataclasses.FrozenInstanceError):
        X.CONFIG.NUM_NEURONS = 10
    with pytest.raises(KeyError):
        X.CONFIG["NOPE"]


@pytest.mark.parametrize("change, exc", [
    ({"NOISE_LEVELS_EXP1": (0.1, 1.5)}, ValueError),
    ({"INHIBITORY_FRACTIONS_TO_TEST": (1.0,)}, ValueError),
    ({"RECALL_MODES": ("fast",)}, ValueError),
    ({"INHIBITORY_MODES": ("diagonal",)}, ValueError),
    ({"NUM_RUNS_PER_CONDITION": 0}, ValueError),
    ({"DIGITS_TO_STORE": (1, 12)}, ValueError),
    ({"SEED": -1}, ValueError),
    ({"SEED": 1.5}, TypeError),
    ({"UNKNOWN": 1}, ValueError),
])
def test_bad_config_values_are_refused(change, exc):
    with pytest.raises(exc):
        X.CONFIG.replace(**change)


def test_never_updated_fraction_matches_simulation():
    p = X.never_updated_fraction(784, 1500)
    assert p == pytest.approx(np.exp(-1500 / 784), abs=1e-3)
    rng = np.random.default_rng(0)
    unvisited = [1 - np.unique(rng.integers(784, size=1500)).size / 784 for _ in range(300)]
    assert np.mean(unvisited) == pytest.approx(p, abs=0.005)


# --------------------------------------------------------------------------- Exp 1 + 2
@pytest.fixture(scope="module")
def noise_df():
    return X.run_noise_robustness(SMALL, progress=False)


def test_noise_robustness_rows_and_columns(noise_df):
    variants = X.network_variants(SMALL)
    assert variants == [(0.0, "none"), (0.2, "rows"), (0.2, "columns")]
    assert len(noise_df) == len(variants) * 2 * 2 * 2  # networks x noise levels x runs x modes
    for col in ("noise", "accuracy", "entropy", "inhibitory_fraction", "target", "mode",
                "inhibitory_mode", "network"):
        assert col in noise_df.columns
    assert set(noise_df["target"]) <= {0, 1, 2, 8}
    assert set(noise_df["mode"]) == {"steps", "stable"}
    assert noise_df["accuracy"].between(-1, 1).all()
    assert (noise_df["entropy"] >= 0).all()
    assert (noise_df.loc[noise_df["mode"] == "steps", "steps"] == 1500).all()
    # paired design: every network and mode saw the same target in each (noise, run)
    assert (noise_df.groupby(["noise", "run"])["target"].nunique() == 1).all()


def test_noise_robustness_is_reproducible(noise_df):
    again = X.run_noise_robustness(SMALL, progress=False)
    pd.testing.assert_frame_equal(noise_df, again)
    other = X.run_noise_robustness(SMALL, seed=1, progress=False)
    assert not noise_df["accuracy"].equals(other["accuracy"])
    g1 = X.run_noise_robustness(SMALL, seed=np.random.default_rng(7), modes=["steps"], progress=False)
    g2 = X.run_noise_robustness(SMALL, seed=np.random.default_rng(7), modes=["steps"], progress=False)
    pd.testing.assert_frame_equal(g1, g2)


def test_results_do_not_depend_on_which_other_conditions_run(noise_df):
    only = X.run_noise_robustness(SMALL.replace(NOISE_LEVELS_EXP1=(0.2,)), modes=["stable"],
                                  inhibitory_modes=["columns"], progress=False)
    full = noise_df[(noise_df["noise"] == 0.2) & (noise_df["mode"] == "stable")
                    & (noise_df["inhibitory_mode"].isin(["none", "columns"]))]
    pd.testing.assert_frame_equal(only.reset_index(drop=True), full.reset_index(drop=True))


def test_one_stored_pattern_without_noise_is_recalled_exactly():
    proto = mnist_prototypes([7])
    cfg = SMALL.replace(NOISE_LEVELS_EXP1=(0.0,))
    df = X.run_noise_robustness(cfg, proto, progress=False)
    std = df[df["network"] == "Standard"]
    assert (std["accuracy"] == 1.0).all()
    # constant energy trace: SampEn is 0 by the notebook's convention
    assert (std["entropy"] == 0.0).all()
    cap = X.run_capacity(cfg.replace(CAPACITY_TEST_PATTERNS_EXP3=(1,), CAPACITY_NOISE=0.0), proto,
                         progress=False)
    assert (cap.loc[cap["network"] == "Standard", "avg_accuracy"] == 1.0).all()


def test_inhibitory_rows_flip_exactly_the_inhibitory_bits_of_a_single_memory():
    # One stored pattern xi, start at xi. Row mode: inhibitory neuron i follows -sign(h_i) and
    # sign(h_i) = xi_i while the overlap stays positive, so the fixed point has exactly the
    # k = int(0.2 N) inhibitory bits flipped: m = 1 - 2k/N. Column mode keeps xi (m = 1).
    proto = mnist_prototypes([4])
    cfg = SMALL.replace(NOISE_LEVELS_EXP1=(0.0,), INHIBITORY_FRACTIONS_TO_TEST=(0.2,))
    df = X.run_noise_robustness(cfg, proto, modes=["stable"], progress=False)
    rows = df[df["inhibitory_mode"] == "rows"]["accuracy"]
    cols = df[df["inhibitory_mode"] == "columns"]["accuracy"]
    assert np.allclose(rows, 1 - 2 * int(0.2 * N) / N)
    assert np.allclose(cols, 1.0)


def test_patterns_may_be_an_array_and_are_validated():
    rng = np.random.default_rng(3)
    pats = np.where(rng.random((3, 100)) < 0.5, 1, -1)
    cfg = SMALL.replace(NUM_NEURONS=100, INHIBITORY_FRACTIONS_TO_TEST=(0.0,))
    df = X.run_noise_robustness(cfg, pats, modes=["stable"], progress=False)
    assert set(df["target"]) <= {0, 1, 2}
    with pytest.raises(ValueError, match="784"):
        X.run_noise_robustness(cfg, progress=False)  # MNIST needs N = 784
    with pytest.raises(ValueError):
        X.run_noise_robustness(SMALL, pats, progress=False)  # length 100 vs N = 784
    with pytest.raises(ValueError):
        X.run_noise_robustness(SMALL, {0: np.zeros(784)}, progress=False)  # not ±1


# --------------------------------------------------------------------------- Exp 3
def test_capacity_rows_columns_and_errors():
    cap = X.run_capacity(SMALL, progress=False)
    assert len(cap) == 3 * 3 * 2 * 2  # networks x M values x runs x modes
    for col in ("num_patterns", "avg_accuracy", "inhibitory_fraction", "mode", "network", "run"):
        assert col in cap.columns
    assert sorted(cap["num_patterns"].unique()) == [1, 2, 3]
    np.testing.assert_allclose(cap["load"], cap["num_patterns"] / N)
    pd.testing.assert_frame_equal(cap, X.run_capacity(SMALL, progress=False))
    with pytest.raises(ValueError, match="only 2"):
        X.run_capacity(SMALL, mnist_prototypes([0, 1]), progress=False)


def test_capacity_one_pattern_in_steps_mode_keeps_only_unvisited_noise():
    # One memory, 10 % noise: a visited neuron is corrected at once, so the errors left are the
    # noisy neurons never drawn in 1500 draws; E[m] = 1 - 2 * 0.1 * (1 - 1/N)^1500.
    cfg = SMALL.replace(CAPACITY_TEST_PATTERNS_EXP3=(1,), NUM_RUNS_PER_CONDITION=40,
                        INHIBITORY_FRACTIONS_TO_TEST=(0.0,))
    cap = X.run_capacity(cfg, modes=["steps"], progress=False)
    expected = 1 - 2 * 0.1 * X.never_updated_fraction(N, 1500)
    assert cap["avg_accuracy"].mean() == pytest.approx(expected, abs=0.005)


# --------------------------------------------------------------------------- the rest
def test_trajectory_overlaps():
    t = X.run_trajectory(SMALL, inhibitory_fraction=0.0)
    p = mnist_prototypes([3, 8])
    assert t.overlaps.shape == (1501, 2)
    assert t.overlaps[0, 0] == pytest.approx(_flipped_overlap(0.4))
    assert t.pattern_overlap == pytest.approx(p[3] @ p[8] / N)
    final = t.result.state
    np.testing.assert_allclose(t.overlaps[-1], [final @ p[3] / N, final @ p[8] / N])
    t2 = X.run_trajectory(SMALL, inhibitory_fraction=0.2)
    assert t2.overlaps[0, 0] == t.overlaps[0, 0]  # same probe for both networks
    np.testing.assert_array_equal(X.run_trajectory(SMALL).overlaps, t.overlaps)


def test_weight_matrices_against_hebb():
    ws = X.weight_matrices(SMALL, inhibitory_modes=["rows", "columns"])
    assert list(ws) == ["Standard", "Inhibitory (20%, rows)", "Inhibitory (20%, columns)"]
    xi = np.array(list(mnist_prototypes(range(5)).values()), dtype=float)
    hebb = xi.T @ xi / 5
    np.fill_diagonal(hebb, 0)
    np.testing.assert_allclose(ws["Standard"], hebb)
    k = int(0.2 * N)
    rows, cols = ws["Inhibitory (20%, rows)"], ws["Inhibitory (20%, columns)"]
    negated_rows = [i for i in range(N) if np.any(hebb[i]) and np.array_equal(rows[i], -hebb[i])]
    negated_cols = [j for j in range(N) if np.any(hebb[:, j]) and np.array_equal(cols[:, j], -hebb[:, j])]
    assert len(negated_rows) == k and negated_rows == negated_cols  # same inhibitory neurons
    assert not np.allclose(rows, rows.T)


def test_recall_frames_and_demo():
    fr = X.recall_frames(SMALL, steps=800, record_every=5)
    assert fr.frames.shape == (161, 784)
    np.testing.assert_array_equal(fr.steps, np.arange(161) * 5)
    eight = mnist_prototypes([8])[8]
    assert fr.frames[0] @ eight / N == pytest.approx(_flipped_overlap(0.2))
    assert fr.frames[-1] @ eight / N == pytest.approx(fr.final_overlap)
    demo = X.recall_demo(SMALL)
    assert demo.digit == 5 and demo.train_digits == (0, 1, 3, 5, 8)
    assert np.count_nonzero(demo.noisy != demo.original) == int(0.35 * N)
    assert demo.overlap_before == pytest.approx(_flipped_overlap(0.35))
    assert demo.overlap_after == pytest.approx(demo.recalled @ demo.original / N)
    with pytest.raises(ValueError, match="train_digits"):
        X.recall_demo(SMALL, digit=2)


def test_summaries_against_numpy():
    df = pd.DataFrame({
        "network": ["A"] * 4 + ["B"] * 2, "mode": ["steps"] * 6,
        "noise": [0.0, 0.0, 0.1, 0.1, 0.0, 0.0],
        "accuracy": [1.0, 0.5, -0.2, 0.8, 0.9, 0.7],
        "entropy": [0.1, 0.3, 0.9, 0.2, 0.0, 0.4],
    })
    acc = X.accuracy_by_noise(df)
    a0 = acc[(acc["network"] == "A") & (acc["noise"] == 0.0)].iloc[0]
    assert a0["mean"] == pytest.approx(0.75) and a0["sd"] == pytest.approx(np.std([1.0, 0.5], ddof=1))
    cents = X.phase_space_centroids(df).set_index("network")
    assert cents.loc["A", "dropped"] == 1 and cents.loc["A", "kept"] == 3
    assert cents.loc["A", "accuracy"] == pytest.approx(np.mean([1.0, 0.5, 0.8]))
    assert cents.loc["A", "entropy"] == pytest.approx(np.mean([0.1, 0.3, 0.2]))
    with pytest.raises(ValueError, match="columns"):
        X.phase_space_centroids(df.drop(columns="entropy"))


def test_run_all_small():
    res = X.run_all(SMALL, animation_steps=40, record_every=10, progress=False)
    assert len(res.trajectories) == 3 and len(res.frames) == 2
    assert res.frames[0].frames.shape == (5, 784)
    pd.testing.assert_frame_equal(res.noise, X.run_noise_robustness(SMALL, progress=False))


# --------------------------------------------------------------------------- attractors
from hopfield_edu import attractors as A  # noqa: E402
from hopfield_edu.engine import HopfieldNetwork  # noqa: E402
from hopfield_edu.patterns import random_patterns  # noqa: E402
from hopfield_edu.physics import symmetric_mixture  # noqa: E402


def _flip(x, k, rng):
    """x with exactly k distinct bits negated."""
    y = np.array(x, dtype=np.int64)
    y[rng.choice(y.size, size=k, replace=False)] *= -1
    return y


def test_majority_state_against_its_definition():
    rng = np.random.default_rng(0)
    xi = random_patterns(4, 101, rng=rng)
    # odd subsets: the symmetric mixture of the physics module (np.sign, never 0)
    np.testing.assert_array_equal(A.majority_state(xi[:3]), symmetric_mixture(xi, (0, 1, 2)))
    # even: a tie (sum 0) is +1 by the course's rule, or the tie-breaker's pixel
    total = xi.sum(axis=0)
    maj = A.majority_state(xi)
    assert np.all(maj[total == 0] == 1) and np.all(maj[total != 0] == np.sign(total[total != 0]))
    broken = A.majority_state(xi, tie_break=xi[2])
    np.testing.assert_array_equal(broken[total == 0], xi[2][total == 0])


def test_classify_states_names_each_kind_of_state():
    rng = np.random.default_rng(1)
    xi = random_patterns(5, 400, rng=rng)
    states = [
        _flip(xi[0], 2, rng),                        # target with 2 flips
        _flip(xi[3], 3, rng),                        # another stored pattern
        -xi[1],                                      # an anti-pattern
        A.majority_state(xi),                        # the majority of all five
        A.majority_state(xi[[0, 2, 4]]),             # the majority of a subset
        random_patterns(1, 400, rng=rng)[0],         # unrelated
    ]
    lab = A.classify_states(states, xi, [0, 0, 0, 0, 0, 0], labels=list("abcde"))
    assert lab["attractor"].tolist() == ["target", "other digit", "anti-pattern", "mixture", "mixture",
                                         "other"]
    assert lab["mixture_of"].iloc[3] == "a+b+c+d+e" and lab["mixture_of"].iloc[4] == "a+c+e"
    assert lab["nearest"].iloc[1] == "d"
    # every overlap column against the definition m = a.b / N
    s = np.array(states)
    np.testing.assert_allclose(lab["m_target"], s @ xi[0] / 400)
    np.testing.assert_allclose(lab["m_majority"], s @ A.majority_state(xi) / 400)
    np.testing.assert_allclose(lab["m_nearest"], (s @ xi.T / 400).max(axis=1))
    assert lab["m_mixture"].iloc[3] == 1.0 and lab["m_mixture"].iloc[5] < 0.5


def test_classify_states_tolerance_and_ties():
    rng = np.random.default_rng(2)
    xi = random_patterns(4, 200, rng=rng)
    # tol 0.95 on N = 200: 5 flips (m = 0.95) is the target, 6 flips (m = 0.94) is not
    five, six = _flip(xi[1], 5, rng), _flip(xi[1], 6, rng)
    lab = A.classify_states([five, six], xi, [1, 1])
    assert lab["attractor"].iloc[0] == "target" and lab["attractor"].iloc[1] != "target"
    # an even set's majority with its ties given to the target is a mixture, named so
    tied = A.majority_state(xi, tie_break=xi[2])
    lab = A.classify_states([tied], xi, [2])
    assert lab["attractor"].iloc[0] == "mixture" and lab["mixture_of"].iloc[0] == "0+1+2+3 (ties→2)"
    assert lab["m_majority_ties"].iloc[0] == 1.0
    assert lab["m_majority"].iloc[0] == pytest.approx(tied @ A.majority_state(xi) / 200)
    with pytest.raises(ValueError, match="targets"):
        A.classify_states([tied], xi, [7])


def test_classify_states_rows_networks_compare_with_negated_bits():
    rng = np.random.default_rng(3)
    xi = random_patterns(2, 300, rng=rng)
    d = np.ones(300, dtype=np.int64)
    d[rng.choice(300, size=60, replace=False)] = -1
    state = d * xi[0]
    assert A.classify_states([state], xi, [0])["attractor"].iloc[0] == "other"
    assert A.classify_states([state], xi, [0], flip=d)["attractor"].iloc[0] == "target"
    # and this is what a one-pattern "rows" network reaches (the engine's attractor)
    net = HopfieldNetwork(300, 0.2, "rows", rng=0).train(xi[:1])
    final = net.run(xi[0], mode="stable", rng=0, record_energy=False).state
    dn = np.ones(300, dtype=np.int64)
    dn[net.inhibitory_neurons] = -1
    np.testing.assert_array_equal(final, dn * xi[0])


def test_chance_baselines_against_definitions():
    protos = mnist_prototypes([0, 1, 2, 8])
    xi = np.array(list(protos.values()))
    base = A.chance_baselines(xi, num_random=2000, rng=0)
    white = (xi == 1).mean(axis=1)
    np.testing.assert_allclose(base["blank"], 1 - 2 * white)          # all-black image
    assert np.all(np.abs(base["random_mean"]) < 4 / np.sqrt(N * 2000))
    np.testing.assert_allclose(base["random_sd"], 1 / np.sqrt(N), rtol=0.1)
    np.testing.assert_allclose(base["majority"], xi @ A.majority_state(xi) / N)
    d = np.ones(N)
    d[:156] = -1
    flipped = A.chance_baselines(xi, num_random=10, flip=d, rng=0)
    np.testing.assert_allclose(flipped["ceiling"], 1 - 2 * 156 / N)
    np.testing.assert_allclose(flipped["blank"], xi @ -d / N)


def test_energy_increases_counts_rises_only():
    res = type("R", (), {})()
    res.initial_energy, res.energy = -1.0, np.array([-2.0, -1.5, -1.5 + 1e-13, -3.0, -2.0])
    assert X.energy_increases(res) == 2  # -2 -> -1.5 and -3 -> -2; the 1e-13 rise is rounding
    xi = np.array(list(mnist_prototypes([0, 1, 2, 8]).values()))
    probe = _flip(xi[0], 150, np.random.default_rng(0))
    std = HopfieldNetwork(N).train(xi).run(probe, mode="stable", rng=1)
    rows = HopfieldNetwork(N, 0.2, "rows", rng=0).train(xi).run(probe, mode="stable", rng=1)
    assert X.energy_increases(std) == 0 and X.energy_increases(rows) > 0
    e = np.concatenate([[rows.initial_energy], rows.energy])
    assert X.energy_increases(rows) == np.count_nonzero(np.diff(e) > 1e-6)


def test_experiment_tables_carry_the_attractor_reached():
    noise = X.run_noise_robustness(SMALL, progress=False)
    assert set(noise["attractor"]) <= set(A.ATTRACTOR_LABELS)
    std = noise[noise["network"] == "Standard"]
    assert (std["energy_increases"] == 0).all()  # symmetric W: E never rises
    cap = X.run_capacity(SMALL, progress=False)
    counts = cap[[X.attractor_count_column(lb) for lb in A.ATTRACTOR_LABELS]].sum(axis=1)
    np.testing.assert_array_equal(counts, cap["num_patterns"])
    # M = 3 digits, run until stable: every probe ends in the majority of the three
    three = cap[(cap["network"] == "Standard") & (cap["mode"] == "stable") & (cap["num_patterns"] == 3)]
    assert (three["n_mixture"] == 3).all() and np.allclose(three["avg_majority"], 1.0)


def test_demo_recall_is_a_recall_and_the_failure_a_mixture():
    ok = X.recall_demo(SMALL, **X.DEMO_RECALL)
    assert ok.attractor == "target" and ok.overlap_after >= A.DEFAULT_TOL
    bad = X.recall_demo(SMALL, **X.DEMO_FAILURE)
    assert bad.attractor == "mixture" and bad.m_mixture >= A.DEFAULT_TOL
    np.testing.assert_array_equal(ok.noisy, bad.noisy)  # the same probe, two stored sets


def test_neither_inhibitory_variant_gives_sign_constant_outputs():
    """The docstring's claim: negated rows or columns do not make a neuron's outgoing weights one sign."""
    mats = X.weight_matrices(SMALL, inhibitory_modes=("rows", "columns"))
    for name, w in mats.items():
        outgoing = [w[:, j] for j in range(N) if np.any(w[:, j])]
        mixed = sum(bool((col > 0).any() and (col < 0).any()) for col in outgoing)
        assert mixed > 0.9 * len(outgoing), name  # almost every neuron excites some and inhibits others


def test_classify_states_overlaps_equal_the_float_products():
    # the overlaps are computed in int64 (no BLAS); they must be the float definition's numbers
    rng = np.random.default_rng(7)
    xi = random_patterns(6, 250, rng=rng)
    states = random_patterns(40, 250, rng=rng)
    d = np.where(rng.random(250) < 0.2, -1.0, 1.0)
    lab = A.classify_states(states, xi, rng.integers(0, 6, size=40), flip=d)
    s = states.astype(float) * d
    m = s @ xi.astype(float).T / 250
    np.testing.assert_array_equal(lab["m_nearest"].to_numpy(), m.max(axis=1))
    np.testing.assert_array_equal(lab["m_majority"].to_numpy(), s @ A.majority_state(xi).astype(float) / 250)
    with pytest.raises(ValueError, match="flip must hold only"):
        A.classify_states(states, xi, np.zeros(40, dtype=int), flip=np.full(250, 0.5))
