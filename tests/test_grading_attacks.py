"""Grades that a student's notebook cannot forge, end to end through `nbgrader autograde`.

A temporary course (this repository's nbgrader_config.py and solutions/assignment1) gets
one submission per attack below, written the way a student would write it; ONE
`nbgrader autograde assignment1` run grades them all, from the course root, with an
empty HOME. For every student and every graded function the autograded points must be
exactly what the function's own code deserves (correct code full, wrong code, stubs and
every cheat 0), no file outside autograded/ and the gradebook may change (a canary file
outside the course and the grader's HOME included), and nobody may take more than 60 s.

Each attack is a regression test of a defence in docs/grading.md ("Threat model").
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[1]
A = "assignment1"
POINTS = {"train_hopfield": 2, "update_state": 3, "compute_energy": 2, "add_noise": 2}
FULL = {n: p for n, p in POINTS.items()}
ZERO = {n: 0 for n in POINTS}

WRONG = {  # plausible mistakes: each must earn 0 however the grader is attacked
    "train_hopfield": "def train_hopfield(patterns):\n    P = np.array(patterns)\n"
                      "    return P.T @ P / len(P)\n",
    "update_state": "def update_state(state, weights, rng=None, theta=None):\n"
                    "    return np.where(np.asarray(weights) @ state >= 0, 1, -1)\n",
    "compute_energy": "def compute_energy(state, weights, theta=None):\n"
                      "    return -state @ weights @ state\n",
    "add_noise": "def add_noise(pattern, noise_level, rng=None):\n    return pattern.copy()\n",
}


def _strip(src):
    return "\n".join(ln for ln in src.splitlines()
                     if not re.match(r"\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", ln))


def _source_cells():
    nb = nbformat.read(ROOT / "solutions" / A / f"{A}.ipynb", as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


SOURCE = _source_cells()
CORRECT = {n: _strip(SOURCE[n].source) for n in POINTS}


def _all(code):
    return dict.fromkeys(POINTS, code)


# Each attack: (cells {grade_id: source} replacing the release's, extra files, expected points).
# "{course}" in a source is replaced by the absolute course path (the attacker knows it).
ATTACKS = {
    "honest": ({n: CORRECT[n] for n in POINTS}, {}, FULL),
    "honest_but_warns": ({n: "import warnings, sys\n" + CORRECT[n] + (
        f"\n_inner_{n} = {n}\n"
        f"def {n}(*args, **kwargs):\n"
        "    warnings.warn('just a warning')\n"
        "    print('to stderr', file=sys.stderr)\n"
        f"    return _inner_{n}(*args, **kwargs)\n") for n in POINTS}, {}, FULL),
    "untouched_stubs": ({}, {}, ZERO),
    "wrong": (dict(WRONG), {}, ZERO),
    "one_wrong": ({**CORRECT, "update_state": WRONG["update_state"]}, {},
                  {**FULL, "update_state": 0}),
    "gradebook_sqlite": ({"train_hopfield": """
import sqlite3, glob, os
for path in ["../../../gradebook.db", "../../gradebook.db", "{course}/gradebook.db"]:
    try:
        db = sqlite3.connect(path)
        db.execute("UPDATE grade SET extra_credit = 400")
        db.execute("UPDATE grade SET manual_score = 100")
        db.commit()
    except Exception as exc:
        print("no luck", path, exc)
""" + WRONG["train_hopfield"]}, {}, ZERO),
    "read_others_and_solutions": ({"update_state": """
import glob, re, json
stolen = ""
for pattern in ["../../*/assignment1/*.ipynb", "{course}/submitted/*/assignment1/*.ipynb",
                "{course}/solutions/assignment1/*.ipynb", "{course}/autograded/*/assignment1/*.ipynb"]:
    for path in glob.glob(pattern):
        for cell in json.load(open(path))["cells"]:
            src = "".join(cell["source"])
            if src.startswith("def ") and "NotImplementedError" not in src:
                stolen += src + "\\n"
try:
    open("{course}/solutions/assignment1/pwned.txt", "w").write("x")
except Exception as exc:
    print(exc)
exec(re.sub(r"### (BEGIN|END) SOLUTION", "", stolen))
"""}, {}, ZERO),
    "hide_errors": ({"train_hopfield": """
ip = get_ipython()
ip.showtraceback = lambda *a, **k: None
ip._showtraceback = lambda *a, **k: None
_orig = ip.run_code
def run_code(code_obj, result=None, *, async_=False):
    try:
        return _orig(code_obj, result, async_=async_)
    except BaseException:
        return False
ip.run_code = run_code
"""}, {}, ZERO),
    "rebind_checks": ({"train_hopfield": """
import hopfield_edu, hopfield_edu.checks as C
for name in list(vars(C)):
    if name.startswith("check_"):
        globals()[name] = lambda *a, **k: None
        setattr(C, name, lambda *a, **k: None)
check_update_state = check_train_hopfield = lambda *a, **k: print("all visible tests passed")
""" + WRONG["train_hopfield"], "update_state": WRONG["update_state"]}, {},
        {**FULL, "train_hopfield": 0, "update_state": 0, "compute_energy": 0, "add_noise": 0}),
    "patch_numpy_and_references": ({"train_hopfield": """
import numpy, hopfield_edu, hopfield_edu.dynamics as D, hopfield_edu.learning as L
numpy.allclose = lambda *a, **k: True
numpy.array_equal = lambda *a, **k: True
numpy.isclose = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
D.update_state = L.train_hopfield = lambda *a, **k: None
hopfield_edu.update_state = hopfield_edu.train_hopfield = lambda *a, **k: None
""" + WRONG["train_hopfield"], "update_state": WRONG["update_state"]}, {},
        {**ZERO}),
    "shadow_package": (dict(WRONG), {"hopfield_edu/__init__.py": "def check(*a, **k):\n    return None\n"
                                     "letter_patterns = to_grid = update_synchronous = check\n",
                                     "hopfield_edu/checks.py": "check_train_hopfield = check_update_state = "
                                     "check_compute_energy = check_add_noise = lambda *a, **k: None\n"},
                       ZERO),
    "import_reference": ({"train_hopfield": "from hopfield_edu import train_hopfield",
                          "update_state": "from hopfield_edu import update_state",
                          "compute_energy": "from hopfield_edu.dynamics import compute_energy",
                          "add_noise": "import hopfield_edu\nadd_noise = hopfield_edu.add_noise"}, {}, ZERO),
    "wrap_reference": ({"update_state": "import hopfield_edu.dynamics as _d\n"
                                        "def update_state(state, weights, rng=None, theta=None):\n"
                                        "    return _d.update_state(state, weights, rng, theta)\n",
                        "train_hopfield": "import functools, hopfield_edu\n"
                                          "train_hopfield = functools.partial(hopfield_edu.train_hopfield)\n"},
                       {}, ZERO),
    "exec_reference_source": ({"update_state": """
import inspect, re, hopfield_edu.dynamics as d
src = inspect.getsource(d)
exec(re.sub(r"@graded_reference\\(.*\\)\\n", "", src))
"""}, {}, ZERO),
    "copy_reference_from_disk": ({"compute_energy": """
import os, sys, glob, hopfield_edu
text = ""
candidates = [os.path.join(os.path.dirname(hopfield_edu.__file__), "dynamics.py"),
              "{repo}/hopfield_edu/dynamics.py",
              *glob.glob(os.path.join(sys.prefix, "lib", "python3*", "site-packages", "hopfield_edu", "dynamics.py"))]
for path in candidates:
    try:
        text = open(path).read()
    except OSError as exc:
        print(exc)
text = text.replace("@graded_reference", "(lambda n: (lambda f: f))")
text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("from ."))
exec(text, globals())
"""}, {}, ZERO),
    "endless_loop_in_function": ({**CORRECT, "update_state": "def update_state(state, weights, rng=None, "
                                  "theta=None):\n    while True:\n        pass\n"}, {},
                                 {**FULL, "update_state": 0}),
    "endless_loop_in_cell": ({**CORRECT, "train_hopfield": CORRECT["train_hopfield"]
                              + "\nimport signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nwhile True:\n    pass\n"},
                             {}, {**FULL, "train_hopfield": 0}),
    "kills_its_process": ({**CORRECT, "compute_energy": CORRECT["compute_energy"]
                           + "\nimport os\nos._exit(0)\n"}, {}, {**FULL, "compute_energy": 0}),
    "kills_during_a_call": ({**CORRECT, "add_noise": "def add_noise(pattern, noise_level, rng=None):\n"
                             "    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n"}, {},
                            {**FULL, "add_noise": 0}),
    "memory_bomb": ({**CORRECT, "add_noise": "def add_noise(pattern, noise_level, rng=None):\n"
                     "    return bytearray(64 * 2**30)\n"}, {}, {**FULL, "add_noise": 0}),
    "fake_pass_lines": ({n: f"print('PASS {n}')\nprint('__HOPFIELD_EDU_RESULT__{{\"status\": \"pass\"}}')\n"
                         + WRONG[n] for n in POINTS}, {}, ZERO),
    "odd_return_values": ({"train_hopfield": """
class Always:
    def __eq__(self, other): return True
    def __array__(self, dtype=None, copy=None): return np.zeros((25, 25))
    shape = (25, 25)
def train_hopfield(patterns):
    return Always()
""", "update_state": """
class Sub(np.ndarray):
    def __eq__(self, other): return np.ones(self.shape, bool)
    def __ne__(self, other): return np.zeros(self.shape, bool)
def update_state(state, weights, rng=None, theta=None):
    return np.asarray(state).copy().view(Sub)[::-1]
""", "compute_energy": """
class Num(float):
    def __eq__(self, other): return True
    def __sub__(self, other): return 0.0
    __rsub__ = __sub__
def compute_energy(state, weights, theta=None):
    return Num(123.0)
"""}, {}, ZERO),
    "forge_the_channel": ({**CORRECT, "add_noise": """
import os
def add_noise(pattern, noise_level, rng=None):
    for fd in range(3, 64):
        try:
            os.write(fd, b"\\x00\\x00\\x00\\x10{\\"msg\\": {\\"status\\": \\"ok\\"}}")
        except OSError:
            pass
    return pattern
"""}, {}, {**FULL, "add_noise": 0}),
    "rewrites_its_inputs": ({**CORRECT, "compute_energy": """
def compute_energy(state, weights, theta=None):
    weights[...] = 0          # so that the energy the grader recomputes afterwards is 0 too
    if theta is not None:
        theta[...] = 0
    return 0.0
""", "add_noise": """
def add_noise(pattern, noise_level, rng=None):
    out = pattern.copy()
    pattern[...] = 1          # the grader's copy of the pattern, rewritten
    return np.ones_like(pattern)
"""}, {}, {**FULL, "compute_energy": 0, "add_noise": 0}),
    "writes_startup_files": ({**CORRECT, "train_hopfield": CORRECT["train_hopfield"] + """
import os, sys, site
evil = "open('/tmp/evil_ran', 'w').write('x')\\n"
for folder in [os.path.expanduser("~/.ipython/profile_default/startup"), os.path.expanduser("~"),
               *site.getsitepackages(), "{course}", "/tmp"]:
    for name in ("00-evil.py", "sitecustomize.py", "usercustomize.py", "nbgrader_config.py"):
        try:
            os.makedirs(folder, exist_ok=True)
            open(os.path.join(folder, name), "w").write(evil)
        except Exception:
            pass
try:
    open("big.bin", "wb").write(b"x" * 2**28)
except Exception as exc:
    print(exc)
"""}, {}, FULL),
    "network_and_processes": ({**CORRECT, "compute_energy": CORRECT["compute_energy"] + """
import socket, subprocess, os
try:
    socket.create_connection(("8.8.8.8", 53), timeout=2)
except OSError as exc:
    print("no network:", exc)
procs = []
try:
    for _ in range(400):
        procs.append(subprocess.Popen(["sleep", "600"]))
except OSError as exc:
    print("process limit:", exc)
"""}, {}, FULL),
}


def _tamper_metadata(nb):
    """Promote the (wrong) update_state solution cell to a 100-point test cell; add a bonus cell."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "update_state":
            meta.update({"grade": True, "solution": False, "points": 100})
    nb.cells.append(nbformat.v4.new_code_cell("print('free points')", metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": False, "points": 50, "grade_id": "bonus",
        "schema_version": 3}}))
    return nb


def _delete_test_cell(nb):
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_update_state"]
    return nb


ATTACKS["tampered_metadata"] = ({**CORRECT, "update_state": WRONG["update_state"]}, {},
                                {**FULL, "update_state": 0})
ATTACKS["deleted_test_cell"] = (dict(CORRECT), {}, FULL)
EDITS = {"tampered_metadata": _tamper_metadata, "deleted_test_cell": _delete_test_cell}


def _digest_tree(root: Path, skip=()):
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if rel.parts and rel.parts[0] in skip:
            continue
        if p.is_file():
            out[str(rel)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _nbgrader(course, home, *args, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONWARNINGS",)}
    env.update({"HOME": str(home), **(extra_env or {})})
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=1800)


def make_course(tmp: Path, attacks: dict):
    course = tmp / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
    home = tmp / "home"
    home.mkdir()
    gen = _nbgrader(course, home, "generate_assignment", A, "--force")
    assert gen.returncode == 0, gen.stderr
    release = nbformat.read(course / "exercises" / A / f"{A}.ipynb", as_version=4)
    for student, (cells, files, _) in attacks.items():
        nb = nbformat.from_dict(release)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in cells:
                cell.source = cells[gid].replace("{course}", str(course)).replace("{repo}", str(ROOT))
        nb = EDITS.get(student, lambda x: x)(nb)
        folder = course / "submitted" / student / A
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{A}.ipynb")
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
    return course, home


def points(course, student):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(A, A, student)
        by = {g.name: (g.auto_score, g.manual_score, g.extra_credit) for g in nb.grades}
    for name, (auto, manual, extra) in by.items():
        assert not extra and manual is None, f"{student}: {name} has manual/extra credit {manual}/{extra}"
    return {n: by[f"test_{n}"][0] for n in POINTS}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    course, home = make_course(tmp, ATTACKS)
    canary = tmp / "canary.txt"
    canary.write_text("untouched")
    before = _digest_tree(course, skip=("autograded",))
    before_home = _digest_tree(home)
    for leftover in ("/tmp/evil_ran", "/tmp/sitecustomize.py"):
        Path(leftover).unlink(missing_ok=True)
    proc = _nbgrader(course, home, "autograde", A, "--create")
    return course, home, canary, before, before_home, proc


def test_autograde_exits_zero_with_failing_students(graded):
    _, _, _, _, _, proc = graded
    assert proc.returncode == 0, proc.stderr[-4000:]


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_every_function_gets_what_its_code_deserves(graded, student):
    course = graded[0]
    assert points(course, student) == ATTACKS[student][2]


@pytest.mark.parametrize("student", sorted(ATTACKS))
def test_nobody_takes_more_than_60_seconds(graded, student):
    course = graded[0]
    record = json.loads((course / "autograded" / student / A / "hopfield_grading.json").read_text())
    assert record["seconds"] < 60, record["seconds"]
    assert record["isolation"] == "namespaces", record["isolation_detail"]


def test_no_file_outside_autograded_changes(graded):
    course, home, canary, before, before_home, _ = graded
    after = _digest_tree(course, skip=("autograded",))
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    assert changed == {"gradebook.db"}, changed
    assert canary.read_text() == "untouched"
    assert _digest_tree(home) == before_home
    assert not Path("/tmp/evil_ran").exists() and not Path("/tmp/sitecustomize.py").exists()


def test_verdicts_name_what_happened(graded):
    course = graded[0]

    def result(student, name):
        record = json.loads((course / "autograded" / student / A / "hopfield_grading.json").read_text())
        return next(r for r in record["results"] if r["name"] == name), record

    r, _ = result("import_reference", "update_state")
    assert r["hint_id"] == "not-own-code" and "must be your own code" in r["message"]
    r, _ = result("wrap_reference", "update_state")
    assert r["hint_id"] == "not-own-code"
    r, _ = result("endless_loop_in_function", "update_state")
    assert r["status"] == "timeout"
    r, rec = result("endless_loop_in_cell", "train_hopfield")
    assert any(n.startswith("timed out at cell") for n in rec["notes"]), rec["notes"]
    r, rec = result("kills_its_process", "compute_energy")
    assert any(n.startswith("crashed at cell") for n in rec["notes"]), rec["notes"]
    r, _ = result("kills_during_a_call", "add_noise")
    assert r["hint_id"] == "crashed"


def test_gradebook_comments_and_export_carry_the_notes(graded):
    course, home = graded[0], graded[1]
    out = _nbgrader(course, home, "export", "--to", str(course.parent / "grades.csv"))
    assert out.returncode == 0, out.stderr[-2000:]
    import csv

    rows = {r["student_id"]: r for r in csv.DictReader(open(course.parent / "grades.csv"))}
    assert "timed out at cell" in rows["endless_loop_in_cell"]["grading_notes"]
    assert "crashed at cell" in rows["kills_its_process"]["grading_notes"]
    assert rows["honest"]["grading_notes"] == ""
    assert float(rows["honest"]["raw_score"]) == sum(POINTS.values())


def test_feedback_shows_verdicts_never_test_code(graded):
    course, home = graded[0], graded[1]
    fb = _nbgrader(course, home, "generate_feedback", A, "--student", "one_wrong")
    assert fb.returncode == 0, fb.stderr[-2000:]
    html = (course / "feedback" / "one_wrong" / A / f"{A}.html").read_text()
    assert "changes ONE" in html  # the hint
    assert "seed=7342" not in html and "HIDDEN TESTS" not in html and "check_update_state(" not in html


def test_one_call_per_student_with_a_fresh_home(tmp_path):
    """The issue's scenario: `nbgrader autograde A --student S`, one call each, empty HOME."""
    chosen = {k: ATTACKS[k] for k in ("honest", "one_wrong", "import_reference")}
    course, home = make_course(tmp_path, chosen)
    import time

    for student, (_, _, expected) in chosen.items():
        fresh = tmp_path / f"home-{student}"
        fresh.mkdir()
        t = time.monotonic()
        proc = _nbgrader(course, fresh, "autograde", A, "--student", student, "--create")
        took = time.monotonic() - t
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert points(course, student) == expected
        assert took < 60, took


def test_refuses_to_grade_without_isolation_unless_allowed(tmp_path):
    chosen = {"honest": ATTACKS["honest"]}
    course, home = make_course(tmp_path, chosen)
    forced = {"HOPFIELD_EDU_SANDBOX": "process"}
    proc = _nbgrader(course, home, "autograde", A, "--create", extra_env=forced)
    assert proc.returncode != 0
    assert "refusing to grade" in proc.stderr
    proc = _nbgrader(course, home, "autograde", A, "--create", "--force",
                     "--TrustedExecute.allow_unisolated=True", extra_env=forced)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert points(course, "honest") == FULL
    record = json.loads((course / "autograded" / "honest" / A / "hopfield_grading.json").read_text())
    assert record["isolation"] == "process"
