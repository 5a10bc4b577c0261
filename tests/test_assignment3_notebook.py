"""Assignment 3: the instructor's solution runs top to bottom (visible and hidden tests pass),
and the release hides every solution."""
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SOLUTION = ROOT / "solutions" / "assignment3" / "assignment3.ipynb"
RELEASE = ROOT / "exercises" / "assignment3" / "assignment3.ipynb"

GRADED = ["glauber_probability", "mean_field_m", "estimate_alpha_c", "count_unstable_bits"]


@pytest.mark.slow  # runs the whole notebook in a kernel (~15 s)
def test_solution_notebook_executes_and_passes_its_tests(tmp_path):
    nbclient = pytest.importorskip("nbclient", reason="nbclient executes the notebook")
    nb = nbformat.read(SOLUTION, as_version=4)
    # the test cells contain the hidden tests in the source notebook: executing it runs them all
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    for name in GRADED:
        assert f"{name}: all visible tests passed" in printed


def test_solution_metadata_follows_the_course_conventions():
    nb = nbformat.read(SOLUTION, as_version=4)
    ids = [c.id for c in nb.cells]
    assert len(ids) == len(set(ids))
    tests = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}
    assert sorted(tests) == sorted(f"test_{n}" for n in GRADED)
    for name, cell in tests.items():
        assert cell.metadata["nbgrader"]["locked"] and cell.metadata["nbgrader"]["points"] == 2
        assert f"check_{name[5:]}({name[5:]})" in cell.source
        assert "### BEGIN HIDDEN TESTS" in cell.source
    answers = [c for c in nb.cells if c.cell_type == "markdown"
               and c.metadata.get("nbgrader", {}).get("grade")]
    assert sum(c.metadata["nbgrader"]["points"] for c in answers) == 12
    for name in GRADED:
        cell = next(c for c in nb.cells if c.id == name)
        assert "### BEGIN SOLUTION" in cell.source and cell.metadata["nbgrader"]["solution"]


def test_release_hides_solutions():
    assert RELEASE.exists(), "the release is committed: python -m hopfield_edu.course generate assignment3"
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
