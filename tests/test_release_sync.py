"""The committed student releases (exercises/) are exactly what the sources generate.

For every assignment folder in solutions/ (graded or not), a fresh
`python -m hopfield_edu.course generate` into a temporary folder must give byte-identical
files to exercises/<assignment>/. If this fails, regenerate with that command and commit.
"""
import json
from pathlib import Path

import pytest

from hopfield_edu.grading import course

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = course.assignments(ROOT)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    course.generate_into(out, ASSIGNMENTS, ROOT)  # one nbgrader run for all of them
    return out


def _files(d):
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()
            and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}


def test_every_source_folder_is_an_assignment():
    expected = sorted(p.name for p in (ROOT / "solutions").iterdir()
                      if p.is_dir() and any(p.glob("*.ipynb")))
    assert ASSIGNMENTS == expected and "assignment1" in ASSIGNMENTS


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_committed_release_equals_fresh_generation(fresh, name):
    committed = ROOT / "exercises" / name
    assert committed.is_dir(), f"exercises/{name} is missing: run python -m hopfield_edu.course generate {name}"
    new, old = _files(fresh / name), _files(committed)
    assert sorted(new) == sorted(old), f"files differ in exercises/{name}"
    stale = [f for f in new if new[f] != old[f]]
    assert not stale, (f"exercises/{name}: {stale} differ from a fresh generation; run "
                       f"python -m hopfield_edu.course generate {name}")


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_hides_solutions_and_hidden_tests(fresh, name):
    for nb_path in (fresh / name).rglob("*.ipynb"):
        text = nb_path.read_text(encoding="utf-8")
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME"):
            assert marker not in text, f"{nb_path.name} still contains {marker}"
        nb = json.loads(text)
        for cell in nb["cells"]:
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None
            assert "execution" not in cell["metadata"]  # no run timestamps


def test_generation_is_deterministic_and_leaves_no_gradebook(tmp_path, fresh):
    course.generate_into(tmp_path, ["assignment1"], ROOT)
    assert _files(tmp_path / "assignment1") == _files(fresh / "assignment1")
    assert not (ROOT / "gradebook.db").exists()


def test_assignment1_release_has_stubs_and_ids():
    nb = json.loads((ROOT / "exercises" / "assignment1" / "assignment1.ipynb").read_text(encoding="utf-8"))
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids)
    by_id = {c["id"]: c for c in nb["cells"]}
    for name in ("train_hopfield", "update_state", "compute_energy", "add_noise"):
        src = by_id[name]["source"]
        assert f"def {name}(" in src and 'raise NotImplementedError("Student exercise' in src
        assert by_id[f"test_{name}"]["metadata"]["nbgrader"]["locked"] is True


def test_check_command_reports_sync(capsys):
    assert course.main(["--root", str(ROOT), "check", "assignment1"]) == 0
    assert "OK    assignment1" in capsys.readouterr().out
    assert course.main(["--root", str(ROOT), "generate", "no-such-assignment"]) == 2
