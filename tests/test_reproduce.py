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


# --------------------------------------------------------------------------- the readings
def _tables(text, first):
    """Every markdown table whose header starts with ``| first |``, as lists of row dicts."""
    out, lines = [], text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"| {first} |"):
            header = [c.strip() for c in line.strip("|").split("|")]
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                rows.append([c.strip() for c in row.strip("|").split("|")])
            out.append((header, rows))
    return out


def _cell_counts(cell):
    """'mixture 2/3, other 1/3' -> {'mixture': 2, 'other': 1}."""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"([a-z][a-z -]*?) (\d+)/\d+", cell)}


def _series_cells(header, row):
    """{(network, mode): (overlap cell, attractor cell)} of one wide-table row."""
    out = {}
    for j, name in enumerate(header):
        if " · " in name:
            network, mode = name.split(" · ")
            out[network, mode] = (row[j], row[j + 1])
    return out


def test_attractor_columns_match_the_trial_tables(outdir):
    text = (outdir / "report.md").read_text(encoding="utf-8")
    trials = pd.read_csv(outdir / "noise_robustness.csv")
    header, rows = _tables(text, "noise")[1]  # all conditions
    assert len(rows) == trials["noise"].nunique()
    for row in rows:
        level = float(row[0])
        assert float(row[1]) == pytest.approx(1 - 2 * int(level * 784) / 784, abs=5e-4)  # the probe
        for (network, mode), (overlap_cell, attr_cell) in _series_cells(header, row).items():
            sel = trials[(np.isclose(trials["noise"], level)) & (trials["network"] == network)
                         & (trials["mode"] == mode)]
            assert float(overlap_cell.split(" ± ")[0]) == pytest.approx(sel["accuracy"].mean(), abs=5e-4)
            assert _cell_counts(attr_cell) == sel["attractor"].value_counts().to_dict()
    cap = pd.read_csv(outdir / "capacity.csv")
    header, rows = _tables(text, "M")[1]
    for row in rows:
        m = int(row[0])
        for (network, mode), (overlap_cell, attr_cell) in _series_cells(header, row).items():
            sel = cap[(cap["num_patterns"] == m) & (cap["network"] == network) & (cap["mode"] == mode)]
            expected = {lb: int(sel[f"n_{lb.replace(' ', '_').replace('-', '_')}"].sum())
                        for lb in ["target", "other digit", "anti-pattern", "mixture", "other"]}
            assert _cell_counts(attr_cell) == {k: v for k, v in expected.items() if v}
            assert float(overlap_cell.split(" ± ")[0]) == pytest.approx(sel["avg_accuracy"].mean(), abs=5e-4)


def test_capacity_reading_agrees_with_its_table(outdir):
    text = (outdir / "report.md").read_text(encoding="utf-8")
    cap = pd.read_csv(outdir / "capacity.csv")
    std = cap[(cap["network"] == "Standard") & (cap["mode"] == "stable")]
    curve = std.groupby("num_patterns")["avg_accuracy"].mean()
    probes = std.groupby("num_patterns")["num_patterns"].sum()
    in_major = std.groupby("num_patterns")["n_majority"].sum()
    # "For M = 3, 5, ... every probe ends in the single majority state"
    found = re.search(r"For M = ([\d, ]+) every probe ends in the single majority state", text)
    odd_all = [m for m in curve.index if m >= 3 and m % 2 == 1 and in_major[m] == probes[m]]
    if odd_all:
        assert found and [int(x) for x in found.group(1).split(", ")] == odd_all
        # ... and the majority, computed here from the digits, is where they are: overlap 1 with it
        assert np.allclose(std[std["num_patterns"].isin(odd_all)]["avg_majority"], 1.0)
    else:
        assert not found
    # the zig-zag sentence names exactly the even M above their odd neighbours
    peaks = [m for m in curve.index if m >= 4 and m % 2 == 0 and m - 1 in curve.index
             and curve[m] > max(curve[m - 1], curve.get(m + 1, -np.inf))]
    zig = re.search(r"The curve zig-zags: at M = ([\d, ]+) the overlap", text)
    assert (zig is not None) == bool(peaks)
    if peaks:
        assert [int(x) for x in zig.group(1).split(", ")] == peaks
    first, last = curve.index[0], curve.index[-1]
    assert (f"m = {curve[first]:.3f} at M = {first} and {curve[last]:.3f} at M = {last}") in text
    # the blank-image baseline column, from the digits themselves
    from hopfield_edu.data import mnist_prototypes

    protos = mnist_prototypes(list(range(10)))
    header, rows = _tables(text, "M")[0]
    for row in rows:
        m = int(row[0])
        blank = np.mean([1 - 2 * np.mean(protos[d] == 1) for d in range(m)])
        assert float(row[header.index("blank image")]) == pytest.approx(blank, abs=5e-4)


def test_noise_reading_agrees_with_its_tables(outdir):
    text = (outdir / "report.md").read_text(encoding="utf-8")
    trials = pd.read_csv(outdir / "noise_robustness.csv")
    clean = trials[trials["noise"] == 0]
    s, st = (clean[(clean["network"] == "Standard") & (clean["mode"] == m)]["accuracy"].mean()
             for m in ("steps", "stable"))
    assert f"the standard network ends at m = {s:.3f} (`steps`) / {st:.3f} (`stable`)" in text
    from hopfield_edu.data import mnist_prototypes

    protos = mnist_prototypes([0, 1, 2, 8])
    blank = np.mean([1 - 2 * np.mean(p == 1) for p in protos.values()])
    assert f"An all-black image already has overlap {blank:.3f}" in text
    pairs = [protos[a] @ protos[b] / 784 for i, a in enumerate([0, 1, 2, 8]) for b in [0, 1, 2, 8][i + 1:]]
    assert f"mean overlap between two of them {np.mean(pairs):.3f}" in text
    # energy rises: counted per trace in the CSV, quoted in the centroid table
    for (network, mode), grp in trials.groupby(["network", "mode"]):
        rises = int((grp["energy_increases"] > 0).sum())
        assert re.search(rf"\| {re.escape(network)} \| {mode} \|.*\| {rises}/{len(grp)} traces,", text)
    std_rises = trials[trials["network"] == "Standard"]["energy_increases"]
    assert (std_rises == 0).all()  # a symmetric W never raises E: the Lyapunov property holds
    # the entropy sentence is written only when the centroids support it
    cents = pd.read_csv(outdir / "centroids.csv").set_index(["network", "mode"])
    inh = [n for n in trials["network"].unique() if n != "Standard"]
    rises = [(trials[(trials["network"] == n) & (trials["mode"] == "steps")]["energy_increases"] > 0).any()
             for n in inh]
    higher = all(cents.loc[(n, "steps"), "entropy"] > cents.loc[("Standard", "steps"), "entropy"] for n in inh)
    assert ("E is no Lyapunov function" in text) == any(rises)
    assert ("Both inhibitory variants, whose traces are not monotonic, have a higher entropy" in text) == (
        all(rises) and higher)
    # no number written by hand, no "15 % of the pixels" (it is 15 % of the *flipped* pixels)
    assert "≈ 0.6" not in text and "of the pixels keep their noise" not in text
    assert "of the *flipped* pixels keep their noise" in text


def test_demo_is_a_recall_and_the_failure_is_named(outdir):
    from hopfield_edu import experiments as X

    text = (outdir / "report.md").read_text(encoding="utf-8")
    cfg = X.CONFIG.replace(NUM_RUNS_PER_CONDITION=3, SEED=3)
    ok = X.recall_demo(cfg, **X.DEMO_RECALL)
    bad = X.recall_demo(cfg, **X.DEMO_FAILURE)
    # the definitions, independently of the labelling code
    assert ok.recalled @ ok.original / 784 >= 0.95
    from hopfield_edu.data import mnist_prototypes

    stored = np.array([mnist_prototypes([d])[d] for d in bad.train_digits])
    majority = np.sign(stored.sum(axis=0))  # five digits: no ties
    assert bad.recalled @ majority / 784 >= 0.95 and bad.recalled @ bad.original / 784 < 0.95
    assert (f"overlap {ok.overlap_before:.3f} → {ok.overlap_after:.3f}; it is recalled: the final state "
            f"is the {ok.digit}") in text
    assert (f"overlap {bad.overlap_before:.3f} → {bad.overlap_after:.3f}; it is **not** recalled: the "
            "final state is the mixture state 0+1+3+5+8") in text


def test_a_single_run_report_shows_no_sd():
    from hopfield_edu import experiments as X
    from hopfield_edu import readings as R

    cfg = X.CONFIG.replace(NUM_RUNS_PER_CONDITION=1, NOISE_LEVELS_EXP1=(0.0, 0.3),
                           CAPACITY_TEST_PATTERNS_EXP3=(1, 2, 3, 4))
    res = X.run_all(cfg, animation_steps=40, record_every=20, progress=False)
    ctx = R.context(res)
    text = "\n".join(sec.markdown for sec in R.sections(ctx, ("a.gif", "b.gif")))
    tables = [line for line in text.splitlines() if line.startswith("|")]
    assert tables and not any("±" in line for line in tables)  # one run: no SD in any cell
    assert "Mean ± SD" not in text and "SD over" not in text
    assert "Single runs (one per condition, so no SD)" in text
    assert "1 run per condition" in text


def test_docs_numbers_are_recomputed(outdir):
    """Every number docs/experiments.md quotes about the readings, recomputed (and the run agrees)."""
    from pathlib import Path

    from hopfield_edu.attractors import majority_state
    from hopfield_edu.data import mnist_prototypes
    from hopfield_edu.engine import HopfieldNetwork
    from hopfield_edu.experiments import never_updated_fraction

    doc = (Path(__file__).resolve().parents[1] / "docs" / "experiments.md").read_text(encoding="utf-8")
    flat = " ".join(doc.split())
    protos = mnist_prototypes(list(range(10)))
    xi = np.array([protos[d] for d in range(10)])
    blank = 1 - 2 * (xi == 1).mean(axis=1)
    assert f"by {blank.min():.2f}–{blank.max():.2f}" in flat
    assert f"({blank[[0, 1, 2, 8]].mean():.3f} on average for 0, 1, 2, 8)" in flat
    major = [np.mean(xi[:m] @ majority_state(xi[:m]) / 784) for m in range(3, 11)]
    assert f"is {min(major):.2f}–{max(major):.2f} for M = 3 … 10" in flat
    four = xi[:4]
    ties = np.mean([p @ majority_state(four, tie_break=p) / 784 for p in four])
    assert f"mean overlap {ties:.3f} instead of {major[1]:.3f}" in flat
    net = HopfieldNetwork(784).train(xi[[0, 1, 2, 8]])
    unstable = [int(np.count_nonzero(np.where(net.local_field(p) >= 0, 1, -1) != p))
                for p in xi[[0, 1, 2, 8]]]
    assert f"{min(unstable)}–{max(unstable)} pixels whose field disagrees" in flat
    u = never_updated_fraction(784, 1500)
    assert f"≈ {u:.3f}" in flat and f"= {1 - 2 * 0.1 * u:.3f}" in flat
    assert f"1 − 2k/N = {1 - 2 * int(0.2 * 784) / 784:.3f} for k = {int(0.2 * 784)} of 784" in flat
    # the claims about the run, against this run's tables
    cap = pd.read_csv(outdir / "capacity.csv")
    std = cap[(cap["network"] == "Standard") & (cap["mode"] == "stable")].assign(
        probes=lambda d: d["num_patterns"]).groupby("num_patterns").sum(numeric_only=True)
    assert "M = 3, 5, 7, 9 every probe ends in the single majority state" in flat
    assert all(std.loc[m, "n_majority"] == std.loc[m, "probes"] for m in (3, 5, 7, 9))
    assert "at M = 4 every probe does" in flat and std.loc[4, "n_majority_ties"] == std.loc[4, "probes"]
    assert all(std.loc[m, "n_target"] == std.loc[m, "probes"] for m in (1, 2))  # "one or two are recalled"
    trials = pd.read_csv(outdir / "noise_robustness.csv")
    clean = trials[(trials["network"] == "Standard") & (trials["mode"] == "stable") & (trials["noise"] == 0)]
    assert "every probe ends in the majority of the four digits" in flat
    assert (clean["attractor"] == "mixture").all() and clean["mixture_of"].str.startswith("0+1+2+8").all()


_TIMING = re.compile(r"(Computing took|Total time including figures:) [0-9.]+ s( \(two processes\))?")


def test_one_process_writes_the_same_files_as_two(outdir, tmp_path, capsys):
    # `outdir` used the default, two processes where the machine can (it can in CI)
    from hopfield_edu.report import default_jobs

    one = tmp_path / "one"
    assert main(["reproduce", "--out", str(one), "--quick", "--seed", "3", "--no-progress",
                 "--jobs", "1"]) == 0
    report = (outdir / "report.md").read_text()
    assert ("(two processes)" in report) == (default_jobs() == 2)
    for path in sorted(outdir.iterdir()):
        if path.name == "report.md":
            assert _TIMING.sub("T", path.read_text()) == _TIMING.sub("T", (one / path.name).read_text())
        else:
            assert path.read_bytes() == (one / path.name).read_bytes(), path.name


def test_jobs_must_be_a_positive_integer(tmp_path):
    from hopfield_edu.report import reproduce

    with pytest.raises(ValueError, match="jobs must be a positive integer"):
        reproduce(tmp_path / "x", quick=True, jobs=0)
