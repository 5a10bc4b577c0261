"""Assignment 4: the instructor's solution runs top to bottom (visible and hidden tests pass) and
shows what the text says; the release hides every solution; an nbgrader cycle gives the solution
full marks and the untouched release zero."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
A = "assignment4"
SOLUTION = ROOT / "solutions" / A / f"{A}.ipynb"
RELEASE = ROOT / "exercises" / A / f"{A}.ipynb"

GRADED = {"dense_energy": 2, "dense_update": 3, "modern_retrieve": 2, "attention": 2}
WRITTEN_POINTS = 11


def _stdout(nb, cell_id):
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nbclient = pytest.importorskip("nbclient", reason="nbclient executes the notebook")
    from traitlets.config import Config

    nb = nbformat.read(SOLUTION, as_version=4)
    cfg = Config()
    cfg.KernelManager.transport_encryption = "auto"
    # the test cells contain the hidden tests in the source notebook: executing it runs them all
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", config=cfg, resources={
        "metadata": {"path": str(tmp_path_factory.mktemp("a4"))}}).execute()
    return nb


@pytest.mark.slow  # runs the whole notebook in a kernel (~15 s)
def test_solution_passes_its_tests(executed):
    for name in GRADED:
        assert f"{name}: all visible tests passed" in _stdout(executed, f"test_{name}")


@pytest.mark.slow
def test_solution_shows_what_the_text_says(executed):
    energy = _stdout(executed, "energy_demo")
    a, b = re.findall(r"dense_energy = (\S+),  2 N E_Hebb - M N = (\S+)", energy)[0]
    assert a == b  # n = 2 is the classical energy up to 2N and MN
    assert "(never positive)" in _stdout(executed, "update_demo")
    assert "+0  (never positive)" in _stdout(executed, "update_demo")
    assert _stdout(executed, "update_demo").count("would still flip: 0") == 3
    table = _stdout(executed, "mnist_recall")
    rows = {ln.split()[0]: [int(v) for v in ln.split()[1:]] for ln in table.splitlines()[2:]
            if ln.strip() and ln.split()[0] in {"2", "3", "4", "5", "8", "12", "exp"}}
    for n in ("2", "3", "4", "5"):
        assert rows[n] == [0, 0, 50, 0], (n, rows[n])      # every probe in the mixture
    for n in ("8", "12", "exp"):
        assert rows[n] == [50, 0, 0, 0], (n, rows[n])      # every probe recalled
    fits = _stdout(executed, "capacity").splitlines()[1:]
    for line in fits:
        n, slope = int(line.split()[0]), float(line.split()[1])
        assert abs(slope - (n - 1)) <= 0.4, line
    modern = _stdout(executed, "modern_demo")
    assert "beta =  1000: one step retrieves 30/30" in modern
    assert "beta =     1: one step retrieves  0/30" in modern
    fixed = _stdout(executed, "fixed_points")
    assert "global average" in fixed and "metastable subset" in fixed and "single pattern" in fixed
    att = _stdout(executed, "attention_demo")
    diff = float(re.search(r"beta = 1/sqrt\(d\)\)\| = (\S+)", att).group(1))
    assert diff < 1e-12


def test_solution_metadata_follows_the_course_conventions():
    nb = nbformat.read(SOLUTION, as_version=4)
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids))
    assert nb.cells[1].id == "setup" and nb.cells[1].metadata["nbgrader"]["locked"]
    tests = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    assert sorted(tests) == sorted(f"test_{n}" for n in GRADED)
    for grade_id, cell in tests.items():
        name = grade_id[len("test_"):]
        meta = cell.metadata["nbgrader"]
        assert meta["locked"] and meta["points"] == GRADED[name]
        code = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")]
        # only the check calls and a print: the trusted grader parses these cells
        assert code[0] == f"check_{name}({name})"
        assert code[1] == f'print("{name}: all visible tests passed")'
        assert re.fullmatch(rf"check_{name}\({name}, seed=\d+\)", code[2])
        assert len(code) == 3 and "### BEGIN HIDDEN TESTS" in cell.source
    answers = [c for c in nb.cells if c.cell_type == "markdown"
               and c.metadata.get("nbgrader", {}).get("grade")]
    assert all(c.metadata["nbgrader"]["solution"] for c in answers)
    assert sum(c.metadata["nbgrader"]["points"] for c in answers) == WRITTEN_POINTS
    for name in GRADED:
        cell = next(c for c in nb.cells if c.id == name)
        assert "### BEGIN SOLUTION" in cell.source and cell.metadata["nbgrader"]["solution"]
        assert f"def {name}(" in cell.source


def test_release_hides_solutions():
    assert RELEASE.exists(), f"the release is committed: python -m hopfield_edu.course generate {A}"
    nb = nbformat.read(RELEASE, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    for name in GRADED:
        cell = next(c for c in nb.cells if c.id == name)
        assert 'raise NotImplementedError("Student exercise' in cell.source
        assert f"def {name}(" in cell.source
    answers = [c for c in nb.cells if c.cell_type == "markdown"
               and c.metadata.get("nbgrader", {}).get("grade")]
    assert answers and all(c.source.strip() == "YOUR ANSWER HERE" for c in answers)


# ----------------------------------------------------------------------------- nbgrader cycle
def _nbgrader(course, *args):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=900)


def _strip_markers(src):
    return "\n".join(ln for ln in src.splitlines()
                     if not re.match(r"\s*### (BEGIN|END) (SOLUTION|HIDDEN TESTS)", ln))


@pytest.mark.nbgrader
def test_nbgrader_cycle_solution_full_marks_release_zero(tmp_path):
    pytest.importorskip("nbgrader", reason="nbgrader runs the cycle")
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
    gen = _nbgrader(course, "generate_assignment", A, "--force")
    assert gen.returncode == 0, gen.stderr[-3000:]
    release = nbformat.read(course / "exercises" / A / f"{A}.ipynb", as_version=4)
    source = {c.metadata["nbgrader"]["grade_id"]: c for c in nbformat.read(SOLUTION, as_version=4).cells
              if "nbgrader" in c.metadata}
    solved = nbformat.from_dict(release)
    for cell in solved.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = (_strip_markers(source[meta["grade_id"]].source)
                           if cell.cell_type == "code" else "My answer: ...")
    for student, nb in {"alice": solved, "bob": nbformat.from_dict(release)}.items():
        d = course / "submitted" / student / A
        d.mkdir(parents=True)
        nbformat.write(nb, d / f"{A}.ipynb")
        (d / "timestamp.txt").write_text("2026-01-15 12:00:00.000000 UTC")
    auto = _nbgrader(course, "autograde", A, "--create", "--force")
    assert auto.returncode == 0, auto.stderr[-3000:]
    full = sum(GRADED.values())
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: (gb.find_submission(A, s).code_score, gb.find_submission(A, s).max_code_score)
                  for s in ("alice", "bob")}
    assert scores == {"alice": (full, full), "bob": (0, full)}
