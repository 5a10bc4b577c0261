"""The assignment-1 checks pass the reference and correct alternatives, and each fails
on a wrong variant that makes one real student mistake, with a hint naming it.

Every wrong variant is written out as source code (what a student might type), run
through the registry's runner, and must FAIL with a message containing the key words
of the mistake; it must never PASS.
"""
import inspect
import textwrap

import numpy as np
import pytest

from hopfield_edu import dynamics, learning
from hopfield_edu.grading import checks
from hopfield_edu.grading.checks import assignment1 as a1


def _define(src, name):
    ns = {"np": np}
    exec(textwrap.dedent(src), ns)
    return ns[name]


def _run(name, func):
    return checks.run_checks({name: func}, names=[name])[0]


# ----------------------------------------------------------------------------- passing

REFERENCES = {
    "train_hopfield": learning.train_hopfield,
    "update_state": dynamics.update_state,
    "compute_energy": dynamics.compute_energy,
    "add_noise": dynamics.add_noise,
}

# Correct solutions written differently from the reference (other loops, other draws,
# float results): the checks must accept them.
ALTERNATIVES = {
    "train_hopfield": """
        def train_hopfield(patterns):
            N = len(patterns[0])
            W = np.zeros((N, N))
            for p in patterns:
                for i in range(N):
                    for j in range(N):
                        if i != j:
                            W[i, j] += p[i] * p[j] / N
            return W
    """,
    "update_state": """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            if theta is None:
                theta = np.zeros(len(state))
            s = np.array(state, dtype=float)
            i = rng.choice(len(s))
            h = np.dot(weights[i], s) - theta[i]
            s[i] = np.sign(h) if h != 0 else 1.0
            return s
    """,
    "compute_energy": """
        def compute_energy(state, weights, theta=None):
            N = len(state)
            E = 0.0
            for i in range(N):
                for j in range(N):
                    E -= 0.5 * weights[i][j] * state[i] * state[j]
            if theta is not None:
                E += sum(theta[i] * state[i] for i in range(N))
            return E
    """,
    "add_noise": """
        def add_noise(pattern, noise_level, rng=None):
            rng = np.random.default_rng(rng)
            out = pattern.astype(float)
            k = int(noise_level * pattern.size)
            idx = rng.permutation(pattern.size)[:k]
            out[idx] = -out[idx]
            return out
    """,
}


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_reference_passes(name):
    # The reference's own code (unwrapped: submitted as it is, it is not the student's).
    res = _run(name, inspect.unwrap(REFERENCES[name]))
    assert res.status == checks.PASS, res.message
    assert res.points == res.max_points == a1.POINTS[name]


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_the_reference_itself_or_a_wrapper_is_not_own_code(name):
    ref = REFERENCES[name]
    res = _run(name, ref)
    assert res.status == checks.FAIL and res.hint_id == "not-own-code", res
    wrapper = lambda *args, **kwargs: ref(*args, **kwargs)  # noqa: E731
    res = _run(name, wrapper)
    assert res.status == checks.FAIL and res.hint_id == "not-own-code", res
    assert "must be your own code" in res.message


@pytest.mark.parametrize("name", sorted(ALTERNATIVES))
def test_correct_alternative_passes(name):
    res = _run(name, _define(ALTERNATIVES[name], name))
    assert res.status == checks.PASS, res.message


@pytest.mark.parametrize("seed", [1, 2])
def test_hidden_seeds_pass_reference(seed):
    for name, check in a1.CHECKS.items():
        check(REFERENCES[name], seed=seed)


# ----------------------------------------------------------------------------- failing

# (function, mistake id, source, words the hint must contain)
WRONG = [
    # train_hopfield
    ("train_hopfield", "divides by P", """
        def train_hopfield(patterns):
            W = sum(np.outer(p, p) for p in patterns) / len(patterns)
            np.fill_diagonal(W, 0)
            return W
     """, "1/P"),
    ("train_hopfield", "nonzero diagonal", """
        def train_hopfield(patterns):
            return sum(np.outer(p, p) for p in patterns) / len(patterns[0])
     """, "diagonal"),
    ("train_hopfield", "no normalisation", """
        def train_hopfield(patterns):
            W = sum(np.outer(p, p) for p in patterns).astype(float)
            np.fill_diagonal(W, 0)
            return W
     """, "1/N"),
    ("train_hopfield", "wrong sign", """
        def train_hopfield(patterns):
            W = -sum(np.outer(p, p) for p in patterns) / len(patterns[0])
            np.fill_diagonal(W, 0)
            return W
     """, "sign"),
    ("train_hopfield", "overwrites W", """
        def train_hopfield(patterns):
            for p in patterns:
                W = np.outer(p, p) / len(p)
            np.fill_diagonal(W, 0)
            return W
     """, "last pattern"),
    ("train_hopfield", "mutates input", """
        def train_hopfield(patterns):
            N = len(patterns[0])
            W = np.zeros((N, N))
            for p in patterns:
                p *= -1          # harmless for W, but changes the caller's patterns
                W += np.outer(p, p) / N
            np.fill_diagonal(W, 0)
            return W
     """, "in place"),
    ("train_hopfield", "returns nothing", """
        def train_hopfield(patterns):
            W = sum(np.outer(p, p) for p in patterns) / len(patterns[0])
            np.fill_diagonal(W, 0)
     """, "return"),
    # update_state
    ("update_state", "updates all neurons", """
        def update_state(state, weights, rng=None, theta=None):
            return np.where(weights @ state >= 0, 1, -1)
     """, "ONE"),
    ("update_state", "fixed neuron", """
        def update_state(state, weights, rng=None, theta=None):
            s = state.copy()
            s[0] = 1 if weights[0] @ state >= 0 else -1
            return s
     """, "same neuron"),
    ("update_state", "fixed seed inside", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(42)
            s = state.copy(); i = rng.integers(len(s))
            s[i] = 1 if weights[i] @ state >= 0 else -1
            return s
     """, "same neuron"),
    ("update_state", "round robin", """
        _calls = [0]
        def update_state(state, weights, rng=None, theta=None):
            s = state.copy(); i = _calls[0] % len(s); _calls[0] += 1
            s[i] = 1 if weights[i] @ state >= 0 else -1
            return s
     """, "fixed order"),
    ("update_state", "off-by-one draw", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            s = state.copy(); i = rng.integers(0, len(s) - 1)
            s[i] = 1 if weights[i] @ state >= 0 else -1
            return s
     """, "last neuron"),
    ("update_state", "global random module (seed 001)", """
        import random
        def update_state(state, weights, rng=None, theta=None):
            s = state.copy(); i = random.randrange(len(s))
            s[i] = 1 if weights[i] @ state >= 0 else -1
            return s
     """, "rng"),
    ("update_state", "ignores theta", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            s = state.copy(); i = rng.integers(len(s))
            s[i] = 1 if weights[i] @ state >= 0 else -1
            return s
     """, "theta"),
    ("update_state", "adds theta", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            th = np.zeros(len(state)) if theta is None else theta
            s = state.copy(); i = rng.integers(len(s))
            s[i] = 1 if weights[i] @ state + th[i] >= 0 else -1
            return s
     """, "theta"),
    ("update_state", "tie gives -1", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            th = np.zeros(len(state)) if theta is None else theta
            s = state.copy(); i = rng.integers(len(s))
            s[i] = 1 if weights[i] @ state - th[i] > 0 else -1
            return s
     """, "exactly 0"),
    ("update_state", "np.sign tie gives 0", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            th = np.zeros(len(state)) if theta is None else theta
            s = state.copy(); i = rng.integers(len(s))
            s[i] = np.sign(weights[i] @ state - th[i])
            return s
     """, "np.sign(0)"),
    ("update_state", "column instead of row", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            th = np.zeros(len(state)) if theta is None else theta
            s = state.copy(); i = rng.integers(len(s))
            s[i] = 1 if weights[:, i] @ state - th[i] >= 0 else -1
            return s
     """, "ROW i"),
    ("update_state", "mutates input", """
        def update_state(state, weights, rng=None, theta=None):
            rng = np.random.default_rng(rng)
            th = np.zeros(len(state)) if theta is None else theta
            i = rng.integers(len(state))
            state[i] = 1 if weights[i] @ state - th[i] >= 0 else -1
            return state
     """, "in place"),
    ("update_state", "seed 001 signature", """
        def update_state(state, weights):
            s = state.copy()
            return s
     """, "signature"),
    # compute_energy
    ("compute_energy", "missing 1/2", """
        def compute_energy(state, weights, theta=None):
            th = 0 if theta is None else theta @ state
            return -state @ weights @ state + th
     """, "1/2"),
    ("compute_energy", "ignores theta (seed 001)", """
        def compute_energy(state, weights, theta=None):
            return -0.5 * state @ weights @ state
     """, "threshold term is missing"),
    # the teaching seed's sign, -theta^T s, next to the subtracting update rule
    ("compute_energy", "theta sign (seed 001)", """
        def compute_energy(state, weights, theta=None):
            th = 0 if theta is None else theta @ state
            return -0.5 * state @ weights @ state - th
     """, "threshold term has the wrong sign: with s_i <- sign(sum_j w_ij s_j - theta_i) "
         "the energy that never rises is E = -1/2 s^T W s + sum_i theta_i s_i"),
    ("compute_energy", "overall sign", """
        def compute_energy(state, weights, theta=None):
            th = 0 if theta is None else theta @ state
            return 0.5 * state @ weights @ state - th
     """, "energy has the wrong sign"),
    ("compute_energy", "overall sign, theta kept", """
        def compute_energy(state, weights, theta=None):
            th = 0 if theta is None else theta @ state
            return 0.5 * state @ weights @ state + th
     """, "energy has the wrong sign"),
    ("compute_energy", "returns an array", """
        def compute_energy(state, weights, theta=None):
            return -0.5 * state * (weights @ state)
     """, "one number"),
    ("compute_energy", "mutates input", """
        def compute_energy(state, weights, theta=None):
            np.fill_diagonal(weights, 0.0)
            weights *= 1.0000001
            th = 0 if theta is None else theta @ state
            return -0.5 * state @ weights @ state + th
     """, "in place"),
    # add_noise
    ("add_noise", "with replacement", """
        def add_noise(pattern, noise_level, rng=None):
            rng = np.random.default_rng(rng)
            out = pattern.copy()
            for i in rng.integers(0, len(out), size=int(noise_level * len(out))):
                out[i] *= -1
            return out
     """, "chosen twice"),
    ("add_noise", "round instead of int", """
        def add_noise(pattern, noise_level, rng=None):
            rng = np.random.default_rng(rng)
            out = pattern.copy()
            out[rng.choice(len(out), size=round(noise_level * len(out)), replace=False)] *= -1
            return out
     """, "round"),
    ("add_noise", "mutates input", """
        def add_noise(pattern, noise_level, rng=None):
            rng = np.random.default_rng(rng)
            pattern[rng.choice(len(pattern), size=int(noise_level * len(pattern)), replace=False)] *= -1
            return pattern
     """, "in place"),
    ("add_noise", "global np.random (seed 001)", """
        def add_noise(pattern, noise_level, rng=None):
            out = pattern.copy()
            out[np.random.choice(len(out), size=int(noise_level * len(out)), replace=False)] *= -1
            return out
     """, "rng"),
    ("add_noise", "first k bits", """
        def add_noise(pattern, noise_level, rng=None):
            out = pattern.copy()
            out[: int(noise_level * len(out))] *= -1
            return out
     """, "same positions"),
    ("add_noise", "biased positions", """
        def add_noise(pattern, noise_level, rng=None):
            rng = np.random.default_rng(rng)
            out = pattern.copy(); n = len(out); k = int(noise_level * n)
            p = np.linspace(1, 3, n); p /= p.sum()
            out[rng.choice(n, size=k, replace=False, p=p)] *= -1
            return out
     """, "uniformly"),
]


@pytest.mark.parametrize("name,mistake,src,words", WRONG, ids=[f"{w[0]}-{w[1]}" for w in WRONG])
def test_wrong_variant_fails_with_hint(name, mistake, src, words):
    res = _run(name, _define(src, name))
    assert res.status != checks.PASS, f"the check accepted a variant that {mistake}"
    assert res.label == "FAIL" and res.points == 0
    assert words.lower() in res.message.lower(), res.message


def test_threshold_sign_the_check_wants_is_the_lyapunov_one():
    # Why check_compute_energy insists on +theta^T s: written out from the definitions (not
    # from the package), E = -1/2 s^T W s + theta^T s never rises under the update rule
    # s_i <- sign(sum_j w_ij s_j - theta_i), while the seed's -theta^T s does rise.
    def e_ours(s, w, th):
        return -0.5 * s @ w @ s + th @ s

    def e_seed(s, w, th):
        return -0.5 * s @ w @ s - th @ s

    # one neuron, w = 0, theta = 0.5, s = +1: the field 0 - 0.5 < 0 turns it to -1
    w1, th1, s1 = np.zeros((1, 1)), np.array([0.5]), np.array([1])
    new = dynamics.update_state(s1, w1, rng=0, theta=th1)
    assert new.tolist() == [-1]
    assert (e_seed(s1, w1, th1), e_seed(new, w1, th1)) == (-0.5, 0.5)    # rises
    assert (e_ours(s1, w1, th1), e_ours(new, w1, th1)) == (0.5, -0.5)    # falls
    # random symmetric W (zero diagonal) and thresholds: every flip to the sign of the
    # thresholded field lowers ours; the seed's energy rises for some flips
    gen = np.random.default_rng(5)
    seed_rises = 0
    for _ in range(200):
        n = 8
        a = gen.normal(size=(n, n))
        w = (a + a.T) / 2
        np.fill_diagonal(w, 0.0)
        th = gen.normal(size=n)
        s = np.where(gen.random(n) < 0.5, -1, 1)
        i = gen.integers(n)
        t = s.copy()
        t[i] = 1 if w[i] @ s - th[i] >= 0 else -1
        assert e_ours(t, w, th) <= e_ours(s, w, th) + 1e-12
        assert np.isclose(a1._ref_dyn.compute_energy(t, w, th), e_ours(t, w, th))
        seed_rises += e_seed(t, w, th) > e_seed(s, w, th) + 1e-12
    assert seed_rises > 0


def test_every_function_has_wrong_variants():
    covered = {w[0] for w in WRONG}
    assert covered == set(a1.CHECKS)


def test_stub_is_todo_and_runner_never_raises():
    def train_hopfield(patterns):
        raise NotImplementedError("Student exercise: implement the Hebbian rule")

    def update_state(state, weights, rng=None, theta=None):
        raise IndexError("index 7 is out of bounds")

    results = checks.run_checks({"train_hopfield": train_hopfield, "update_state": update_state},
                                assignment="assignment1")
    by = {r.name: r for r in results}
    assert by["train_hopfield"].status == checks.TODO
    assert checks.format_result(by["train_hopfield"]) == "TODO train_hopfield: not implemented yet"
    assert by["update_state"].status == checks.ERROR
    assert "IndexError" in by["update_state"].message
    assert by["compute_energy"].status == checks.MISSING
    assert "Score: 0/9 points (0 of 4 functions pass)" == checks.format_score(results)


def test_checks_are_deterministic():
    # A student using the global random module gets the same verdict every time, and the
    # caller's global random state is restored afterwards.
    import random

    src = next(w[2] for w in WRONG if w[1] == "global random module (seed 001)")
    f = _define(src, "update_state")
    random.seed(5)
    before = random.random()
    random.seed(5)
    msgs = {_run("update_state", f).message for _ in range(3)}
    assert len(msgs) == 1
    assert random.random() == before


def test_registry_exposes_check_functions():
    for name in a1.CHECKS:
        assert getattr(checks, f"check_{name}").raw is a1.CHECKS[name]
        assert checks.assignment_of(name) == "assignment1"
    with pytest.raises(KeyError, match="known"):
        checks.checks_for("assignment99")
    with pytest.raises(TypeError, match="namespace"):
        checks.run_checks(42)
