"""`hopfield-edu reproduce` end to end in a temporary folder (with --quick)."""
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from hopfield_edu.cli import main

SEED_FILES = ["noise_robustness_plot.png", "phase_space_complexity_centroids.png",
              "memory_capacity_plot.png"]
TABLES = ["noise_robustness.csv", "capacity.csv", "centroids.csv"]


@pytest.fixture(scope="module")
def outdir(tmp_path_factory):
    out = tmp_path_factory.mktemp("repro") / "results"  # does not exist yet: created by the command
    proc = subprocess.run(
        [sys.executable, "-m", "hopfield_edu.cli", "reproduce", "--out", str(out), "--quick",
         "--seed", "3", "--no-progress"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert str(out / "report.md") in proc.stdout  # says where the report is
    return out


def test_all_files_are_written(outdir):
    names = {p.name for p in outdir.iterdir()}
    for name in SEED_FILES + TABLES + ["report.md"]:
        assert name in names
    assert any(n.endswith(".gif") for n in names)
    from hopfield_edu.report import OUTPUT_FILES

    assert names == set(OUTPUT_FILES)


def test_pngs_decode_and_are_not_blank(outdir):
    pngs = sorted(outdir.glob("*.png"))
    assert len(pngs) >= len(SEED_FILES)
    for path in pngs:
        with Image.open(path) as im:
            im.verify()
        with Image.open(path) as im:
            grey = np.asarray(im.convert("L"))
        assert grey.shape[0] > 200 and grey.shape[1] > 200, path.name
        assert np.unique(grey).size > 20 and grey.std() > 5, f"{path.name} is (nearly) a single colour"


def test_gifs_are_animated(outdir):
    for path in outdir.glob("*.gif"):
        with Image.open(path) as gif:
            assert gif.n_frames > 2
            gif.seek(0)
            first = np.asarray(gif.convert("L"))
            gif.seek(gif.n_frames - 1)
            last = np.asarray(gif.convert("L"))
        assert not np.array_equal(first, last), path.name


def test_report_links_resolve_and_numbers_are_there(outdir):
    text = (outdir / "report.md").read_text(encoding="utf-8")
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert set(SEED_FILES) <= set(links)
    for link in links:
        assert (outdir / link).is_file(), link
    # the accuracy-by-noise table has one row per noise level of the notebook
    for level in np.linspace(0, 0.5, 11):
        assert re.search(rf"^\| {level:.2f} \|", text, flags=re.M), level
    # the centroid table agrees with the trial table, recomputed here
    trials = pd.read_csv(outdir / "noise_robustness.csv")
    kept = trials[trials["accuracy"] > 0]
    std = kept[(kept["network"] == "Standard") & (kept["mode"] == "steps")]
    row = f"| Standard | steps | {std['accuracy'].mean():.3f} | {std['entropy'].mean():.5f} |"
    assert row in text


def test_tables_have_the_notebooks_columns(outdir):
    noise = pd.read_csv(outdir / "noise_robustness.csv")
    assert {"noise", "accuracy", "entropy", "inhibitory_fraction", "target", "mode"} <= set(noise.columns)
    assert len(noise) == 3 * 11 * 3 * 2  # networks x noise levels x 3 quick runs x modes
    cap = pd.read_csv(outdir / "capacity.csv")
    assert {"num_patterns", "avg_accuracy", "inhibitory_fraction"} <= set(cap.columns)
    cents = pd.read_csv(outdir / "centroids.csv")
    assert {"network", "mode", "accuracy", "entropy"} <= set(cents.columns)


def test_refuses_a_non_empty_folder(outdir, capsys):
    before = {p.name: p.read_bytes() for p in outdir.iterdir()}
    assert main(["reproduce", "--out", str(outdir), "--quick", "--no-progress"]) == 2
    assert "--force" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in outdir.iterdir()} == before


def test_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "results"
    target.write_text("mine")
    assert main(["reproduce", "--out", str(target), "--quick", "--no-progress"]) == 2
    assert target.read_text() == "mine"


def test_force_replaces_only_its_own_files(outdir, tmp_path, capsys):
    work = tmp_path / "shared"
    work.mkdir()
    (work / "notes.txt").write_text("my notes")
    (work / "sub").mkdir()
    (work / "sub" / "data.csv").write_text("1,2")
    (work / "report.md").write_text("old report")
    code = main(["reproduce", "--out", str(work), "--quick", "--seed", "3", "--force", "--no-progress"])
    assert code == 0
    assert (work / "notes.txt").read_text() == "my notes"
    assert (work / "sub" / "data.csv").read_text() == "1,2"
    assert (work / "report.md").read_text() != "old report"
    # same seed, same numbers as the first run
    for table in TABLES:
        assert (work / table).read_bytes() == (outdir / table).read_bytes(), table


def test_force_never_writes_through_a_link(tmp_path, capsys):
    outside = tmp_path / "precious.md"
    outside.write_text("keep me")
    work = tmp_path / "results"
    work.mkdir()
    (work / "report.md").symlink_to(outside)
    assert main(["reproduce", "--out", str(work), "--quick", "--force", "--no-progress"]) == 2
    assert "link" in capsys.readouterr().err
    assert outside.read_text() == "keep me"
