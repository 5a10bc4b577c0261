"""``hopfield-edu reproduce``: re-run the research notebook's experiments and write a report.

::

    hopfield-edu reproduce --out results/            # the notebook's config: 20 runs per condition
    hopfield-edu reproduce --out quick/ --quick      # 3 runs, small animations: a smoke test
    hopfield-edu reproduce --out results/ --force    # write into a folder that has files

The folder receives the notebook's three figure files
(``noise_robustness_plot.png``, ``phase_space_complexity_centroids.png``,
``memory_capacity_plot.png``), the other figures, CSV tables, two GIF animations
and ``report.md`` that shows them with the numbers. A folder that already holds
files is refused unless ``--force``; even then only the files listed in
:data:`OUTPUT_FILES` are overwritten and nothing else in the folder is touched.

From Python: :func:`reproduce`.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from ._cli_args import fail, nonneg_int, pos_int, writable_folder

__all__ = ["OUTPUT_FILES", "SEED_FIGURES", "add_arguments", "run", "reproduce", "write_report"]

#: The figure files of the research notebook (same names).
SEED_FIGURES = (
    "noise_robustness_plot.png",
    "phase_space_complexity_centroids.png",
    "memory_capacity_plot.png",
)
#: Every file ``reproduce`` writes; with ``--force`` only these are replaced.
OUTPUT_FILES = SEED_FIGURES + (
    "noise_robustness_variants.png",
    "phase_space_variants.png",
    "memory_capacity_variants.png",
    "state_space_trajectory.png",
    "weight_matrices.png",
    "recall_demo.png",
    "recall_animation_standard.gif",
    "recall_animation_inhibitory.gif",
    "noise_robustness.csv",
    "capacity.csv",
    "centroids.csv",
    "config.json",
    "report.md",
)


# --------------------------------------------------------------------------- CLI
def add_arguments(parser):
    """Options of ``hopfield-edu reproduce``."""
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="folder for the figures, tables and report.md (created if missing)")
    parser.add_argument("--runs", type=pos_int, default=None, metavar="N",
                        help="runs per condition (default 20, the notebook's; 3 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a fast smoke run: 3 runs per condition, short animations, lower dpi")
    parser.add_argument("--seed", type=nonneg_int, default=0, metavar="S",
                        help="seed of all randomness (default 0); same seed, same numbers")
    parser.add_argument("--force", action="store_true",
                        help="write into a folder that already holds files (only this command's "
                             "own files are replaced; nothing else is touched)")
    parser.add_argument("--dpi", type=pos_int, default=None,
                        help="resolution of the PNG figures (default 150; 100 with --quick)")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="hide the progress bars")


def run(args) -> int:
    """Entry point of ``hopfield-edu reproduce``; returns the exit code."""
    try:  # before any computation: a folder that cannot be written must not cost a run
        if Path(args.out).is_dir():
            _check_out(Path(args.out), args.force)
        writable_folder(args.out)
    except OSError as exc:  # FileExistsError included
        return fail(f"argument --out: {exc}", "hopfield-edu reproduce")
    try:
        report = reproduce(args.out, runs=args.runs, quick=args.quick, seed=args.seed,
                           force=args.force, dpi=args.dpi, progress=getattr(args, "progress", True))
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Report written to {report}")
    return 0


# --------------------------------------------------------------------------- folder
def _check_out(out: Path, force: bool):
    """Refuse to write where a user's files could be replaced."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder")
    if out.is_dir():
        existing = sorted(p.name for p in out.iterdir())
        if existing and not force:
            ours = [n for n in existing if n in OUTPUT_FILES]
            hint = (f" ({len(ours)} of them from an earlier reproduce run)" if ours else "")
            raise FileExistsError(
                f"{out} is not empty ({len(existing)} entries{hint}); choose a new folder, "
                "or pass --force to replace this command's own files there (other files are kept)")
        # A symlink named like an output would let us overwrite a file elsewhere: refuse.
        blocked = [n for n in OUTPUT_FILES
                   if (out / n).is_symlink() or ((out / n).exists() and not (out / n).is_file())]
        if blocked:
            raise FileExistsError(f"{out} holds folders or links named like output files: {blocked}; "
                                  "move them or choose another folder")


# --------------------------------------------------------------------------- markdown
def _fmt(x, digits=3):
    if isinstance(x, (float, np.floating)):
        return "–" if not np.isfinite(x) else f"{x:.{digits}f}"
    return str(x)


def _md_table(header, rows) -> str:
    """A GitHub markdown table (written by hand: pandas' to_markdown needs tabulate)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _wide_table(summary, index, first_col, digits=3):
    """Rows = ``index`` values, columns = (network, mode) series, cells 'mean ± sd'."""
    series = list(dict.fromkeys(zip(summary["network"], summary["mode"])))
    header = [first_col] + [f"{n} · {m}" for n, m in series]
    rows = []
    for value in sorted(summary[index].unique()):
        row = [_fmt(value, 2) if isinstance(value, float) else str(value)]
        for n, m in series:
            sel = summary[(summary[index] == value) & (summary["network"] == n) & (summary["mode"] == m)]
            if len(sel):
                mean, sd = float(sel["mean"].iloc[0]), float(sel["sd"].iloc[0])
                row.append(_fmt(mean, digits) + ("" if not np.isfinite(sd) else f" ± {sd:.{digits}f}"))
            else:
                row.append("")
        rows.append(row)
    return _md_table(header, rows)


def _seed_rows(df):
    """The notebook's own conditions: mode 'steps', standard and rows-inhibitory networks."""
    return df[(df["mode"] == "steps") & df["inhibitory_mode"].isin(["none", "rows"])]


def _mean_at(summary, network, mode, key, value):
    sel = summary[(summary["network"] == network) & (summary["mode"] == mode) & (summary[key] == value)]
    return float(sel["mean"].iloc[0]) if len(sel) else float("nan")


# --------------------------------------------------------------------------- main
def reproduce(out, *, runs=None, quick=False, seed=0, force=False, dpi=None, progress=True) -> Path:
    """Run every experiment and write figures, tables, animations and ``report.md`` into ``out``.

    Parameters
    ----------
    out : path
        Folder (created if missing). If it holds anything, ``force=True`` is
        needed, and then only :data:`OUTPUT_FILES` are replaced.
    runs : int, optional
        Runs per condition (default: the notebook's 20, or 3 with ``quick``).
    quick : bool
        Smoke run: 3 runs, 41-frame animations, 100 dpi.
    seed : int
        Root of all randomness.

    Returns
    -------
    pathlib.Path
        The path of ``report.md``.

    Raises
    ------
    FileExistsError
        ``out`` is a file, or a non-empty folder without ``force`` — checked
        before any computation.
    """
    from . import __version__
    from .data import attribution
    from .experiments import (
        CONFIG,
        accuracy_by_noise,
        capacity_summary,
        never_updated_fraction,
        phase_space_centroids,
        run_all,
    )

    out = Path(out)
    _check_out(out, force)
    t0 = time.perf_counter()
    cfg = CONFIG
    if quick:
        cfg = cfg.replace(NUM_RUNS_PER_CONDITION=3)
    if runs is not None:
        cfg = cfg.replace(NUM_RUNS_PER_CONDITION=runs)
    cfg = cfg.replace(SEED=seed)
    dpi = dpi or (100 if quick else 150)
    record_every = 20 if quick else 5
    results = run_all(cfg, animation_steps=800, record_every=record_every, progress=progress)
    t_compute = time.perf_counter() - t0
    out.mkdir(parents=True, exist_ok=True)
    write_report(out, results, dpi=dpi, quick=quick, version=__version__,
                 attribution_text=attribution(), t_compute=t_compute, t_start=t0,
                 summaries=(accuracy_by_noise, capacity_summary, phase_space_centroids,
                            never_updated_fraction), progress=progress)
    return out / "report.md"


def write_report(out: Path, results, *, dpi, quick, version, attribution_text, t_compute, t_start,
                 summaries, progress=True):
    """Write every file of :data:`OUTPUT_FILES` for already computed ``results``."""
    from tqdm.auto import tqdm

    from ._figures import save_figures
    from .animation import save_recall_gif
    from .engine import HopfieldNetwork
    from .plotting import (
        plot_capacity,
        plot_noise_robustness,
        plot_phase_space,
        plot_recall_demo,
        plot_trajectories,
        plot_weight_matrices,
    )

    accuracy_by_noise, capacity_summary, phase_space_centroids, never_updated_fraction = summaries
    cfg = results.config
    noise, cap = results.noise, results.capacity
    seed_noise, seed_cap = _seed_rows(noise), _seed_rows(cap)

    # ---- tables
    noise.to_csv(out / "noise_robustness.csv", index=False)
    cap.to_csv(out / "capacity.csv", index=False)
    cents = phase_space_centroids(noise)
    cents.to_csv(out / "centroids.csv", index=False)
    (out / "config.json").write_text(json.dumps(
        {"hopfield_edu_version": version, "quick": quick, "config": cfg.to_dict()}, indent=2) + "\n",
        encoding="utf-8")

    # ---- figures (no bbox_inches="tight": it draws every figure twice, and the figures'
    # constrained layout already fits them to their canvas)
    jobs = [
        (lambda: plot_noise_robustness(seed_noise), "noise_robustness_plot.png"),
        (lambda: plot_noise_robustness(noise), "noise_robustness_variants.png"),
        (lambda: plot_phase_space(seed_noise), "phase_space_complexity_centroids.png"),
        (lambda: plot_phase_space(noise), "phase_space_variants.png"),
        (lambda: plot_capacity(seed_cap), "memory_capacity_plot.png"),
        (lambda: plot_capacity(cap), "memory_capacity_variants.png"),
        (lambda: plot_trajectories(results.trajectories), "state_space_trajectory.png"),
        (lambda: plot_weight_matrices(results.weights), "weight_matrices.png"),
        (lambda: plot_recall_demo(results.demo), "recall_demo.png"),
    ]
    gif_names = ["recall_animation_standard.gif", "recall_animation_inhibitory.gif"]
    with tqdm(total=len(jobs) + len(results.frames), desc="figures", disable=not progress,
              leave=False) as bar:
        save_figures(jobs, out, dpi, bar=bar)
        for frames, name in zip(results.frames, gif_names):
            save_recall_gif(frames, out / name, fps=20)  # Pillow, from the arrays: 0.1 s, not 4 s
            bar.update()

    # ---- numbers for the reading
    acc = accuracy_by_noise(noise)
    capsum = capacity_summary(cap)
    n = cfg.NUM_NEURONS
    steps = cfg.MAX_RECALL_STEPS
    unvisited = never_updated_fraction(n, steps)
    std, inh_rows, inh_cols = "Standard", None, None
    for name in dict.fromkeys(noise["network"]):
        if name.endswith("rows)"):
            inh_rows = name
        elif name.endswith("columns)"):
            inh_cols = name
    fracs = [f for f in cfg.INHIBITORY_FRACTIONS_TO_TEST if f > 0]
    f_inh = fracs[0] if fracs else 0.0
    levels = sorted(noise["noise"].unique())
    lo, hi = levels[0], levels[-1]
    below_half = [lv for lv in levels if lv < 0.5]
    hard = below_half[-1] if below_half else hi

    # Are the stored prototypes fixed points? (Correlated patterns need not be.)
    from .data import mnist_prototypes

    protos = mnist_prototypes(cfg.DIGITS_EXP1)
    net = HopfieldNetwork(n).train(list(protos.values()))
    unstable = {d: int(np.count_nonzero(np.where(net.local_field(p) >= 0, 1, -1) != p))
                for d, p in protos.items()}

    lines = []
    w = lines.append
    w("# Hopfield networks on MNIST: the research notebook, reproduced\n")
    w(f"Written by `hopfield-edu reproduce` (hopfield-edu {version}) with seed {cfg.SEED}, "
      f"{cfg.NUM_RUNS_PER_CONDITION} runs per condition{' (--quick)' if quick else ''}. "
      f"Computing took {t_compute:.1f} s. The same seed gives the same numbers; "
      "`config.json` holds every parameter.\n")
    w(f"Data: {attribution_text}\n")
    w("## Set-up\n")
    w(f"- N = {n} neurons (28×28 pixels, grey level > 127 → +1); one prototype per digit: its first "
      "MNIST training image.")
    w(f"- Hebbian weights W = (1/M) Σ ξξᵀ with zero diagonal; "
      f"{'inhibitory fraction ' + format(f_inh, '.0%') if fracs else 'no inhibitory neurons'}.")
    w(f"- **The notebook's conditions** (figures with its file names): recall = exactly {steps} "
      f"single-neuron updates with neurons drawn with replacement (mode `steps`), inhibitory neurons "
      "with negated *rows* of W.")
    w(f"- **Beyond the notebook**, side by side: recall until a whole sweep flips nothing (mode `stable`, "
      f"at most {cfg.MAX_SWEEPS} sweeps) and inhibitory neurons with negated *columns* (their outputs, "
      f"as the notebook's comment describes). {steps} updates are only {steps / n:.2f} sweeps of {n} "
      f"neurons: a neuron is never visited with probability (1 − 1/N)^{steps} = {unvisited:.3f}, "
      f"so about {unvisited:.0%} of the pixels keep their noise in mode `steps`.")
    w("- Every network type and mode recalls the *same* noisy probes (paired design).\n")

    # Exp 1
    w("## Experiment 1: robustness to noise\n")
    w(f"Stored digits {', '.join(map(str, cfg.DIGITS_EXP1))}; each trial corrupts a random stored "
      "digit and records the final overlap m = ξ·s/N (1 = perfect recall, −1 = the anti-pattern).\n")
    w("![Experiment 1](noise_robustness_plot.png)\n")
    w("Mean ± SD of the overlap, the notebook's conditions:\n")
    w(_wide_table(accuracy_by_noise(seed_noise), "noise", "noise") + "\n")
    w("All conditions:\n")
    w("![Experiment 1, all conditions](noise_robustness_variants.png)\n")
    w(_wide_table(acc, "noise", "noise") + "\n")
    s0 = _mean_at(acc, std, "steps", "noise", lo)
    st0 = _mean_at(acc, std, "stable", "noise", lo)
    sh = _mean_at(acc, std, "steps", "noise", hard)
    sth = _mean_at(acc, std, "stable", "noise", hard)
    w("**Reading.**")
    bad = {d: k for d, k in unstable.items() if k}
    w(f"- Even without noise the standard network ends at m = {s0:.3f} (`steps`) / {st0:.3f} "
      "(`stable`), not 1: the digit prototypes are strongly correlated (they share most background "
      "pixels), so the crosstalk between them is large. "
      + (f"In the network storing {', '.join(map(str, cfg.DIGITS_EXP1))}, "
         + ", ".join(f"digit {d} has {k} unstable pixels" for d, k in bad.items())
         + " (neurons whose field disagrees with the stored pixel): the stored images are not "
           "themselves fixed points." if bad else "All stored prototypes are fixed points."))
    if np.isfinite(sth) and sth > sh:
        w(f"- At noise {hard:.2f} the overlap is {sh:.3f} after {steps} updates but {sth:.3f} when "
          f"recall runs until stable: in mode `steps` the ~{unvisited:.0%} never-visited pixels keep "
          "their noise, which the notebook's curve counts as forgetting.")
    else:
        w(f"- At noise {hard:.2f} the overlap is {sh:.3f} after {steps} updates and {sth:.3f} when "
          "recall runs until stable.")
    if inh_rows:
        r0 = _mean_at(acc, inh_rows, "steps", "noise", lo)
        r0s = _mean_at(acc, inh_rows, "stable", "noise", lo)
        w(f"- The notebook's inhibitory network ({inh_rows}) ends near m = {r0:.3f} (`steps`) / "
          f"{r0s:.3f} (`stable`) even without noise. Negating row i makes neuron i follow the "
          f"*opposite* of its field, so in the attractor those {f_inh:.0%} of the bits are flipped: "
          f"m ≈ (1 − 2f) × (standard overlap) = {1 - 2 * f_inh:.2f} × {st0:.3f} = "
          f"{(1 - 2 * f_inh) * st0:.3f} once every neuron has been updated (in mode `steps` the "
          "never-visited inhibitory neurons keep their stored value, so m is a little higher). "
          "This is a property of the sign flip, not reduced robustness.")
    if inh_cols:
        c0 = _mean_at(acc, inh_cols, "steps", "noise", lo)
        if abs(c0 - s0) < 0.05:
            w(f"- Negating columns instead (outputs, {inh_cols}) keeps the memories: m = {c0:.3f} "
              f"without noise, close to the standard network's {s0:.3f}: near a stored pattern each "
              "field keeps its sign and only loses strength (for one pattern by the factor 1 − 2f).")
        else:
            w(f"- Negating columns instead (outputs, {inh_cols}) gives m = {c0:.3f} without noise "
              f"(standard network: {s0:.3f}).")
    if hi >= 0.5:
        w(f"- At noise {hi:.2f} the probe carries no information about the digit; the final overlaps "
          "spread between −1 and 1 (large SD), with anti-patterns (m < 0), which are attractors "
          "too because E(−s) = E(s) for symmetric W without thresholds.")
    w("")

    # Exp 2
    w("## Experiment 2: accuracy–complexity phase space\n")
    w("Sample entropy SampEn(m = 2, r = 0.2 σ) of each trial's energy trace (Richman & Moorman 2000), "
      "against its final overlap. As in the notebook, trials with overlap ≤ 0 are left out; the "
      "table says how many.\n")
    w("![Experiment 2](phase_space_complexity_centroids.png)\n")
    w("![Experiment 2, all conditions](phase_space_variants.png)\n")
    w("Centroids (mean of the kept trials), also in `centroids.csv`:\n")
    w(_md_table(["network", "mode", "accuracy", "entropy", "kept", "dropped"],
                [[r.network, r.mode, _fmt(r.accuracy), _fmt(r.entropy, 5), r.kept, r.dropped]
                 for r in cents.itertuples()]) + "\n")
    ent = {(r.network, r.mode): r.entropy for r in cents.itertuples()}
    e_steps, e_stable = ent.get((std, "steps"), np.nan), ent.get((std, "stable"), np.nan)
    w(f"**Reading.** The entropies are small (standard network: {e_steps:.5f} in `steps`, "
      f"{e_stable:.5f} in `stable`): a recall's energy trace is a staircase, flat between flips "
      "and flat once the state has settled, so most templates match and SampEn is near 0. It "
      "mostly measures how much of the trace is flat (mode `stable` ends with a whole sweep "
      "without a flip, hence its lower values), so compare conditions at equal trace length.")
    if inh_rows:
        e_rows = ent.get((inh_rows, "steps"), np.nan)
        rel = "above" if e_rows > e_steps else "below" if e_rows < e_steps else "at"
        w(f"The rows-inhibitory cloud sits at lower accuracy (≈ {1 - 2 * f_inh:.1f}) for the reason "
          f"given above, and its entropy centroid in `steps` ({e_rows:.5f}) is {rel} the standard "
          "network's; its asymmetric W no longer makes the energy a Lyapunov function, so the trace "
          "need not be monotonic.")
    w("")

    # Exp 3
    w("## Experiment 3: memory capacity\n")
    w(f"The first M digits of {list(cfg.DIGITS_TO_STORE)} are stored; each is probed with "
      f"{cfg.CAPACITY_NOISE:.0%} noise and the overlaps are averaged. Mean ± SD over "
      f"{cfg.NUM_RUNS_PER_CONDITION} runs (the notebook ran each M once).\n")
    w("![Experiment 3](memory_capacity_plot.png)\n")
    w(_wide_table(capacity_summary(seed_cap), "num_patterns", "M") + "\n")
    w("All conditions:\n")
    w("![Experiment 3, all conditions](memory_capacity_variants.png)\n")
    w(_wide_table(capsum, "num_patterns", "M") + "\n")
    ms = sorted(capsum["num_patterns"].unique())
    c_first, c_last = (_mean_at(capsum, std, "stable", "num_patterns", m) for m in (ms[0], ms[-1]))
    s_first = _mean_at(capsum, std, "steps", "num_patterns", ms[0])
    if ms[0] == 1:
        expect = 1 - 2 * cfg.CAPACITY_NOISE * unvisited
        w(f"**Reading.** With one stored digit, mode `steps` ends at m = {s_first:.3f}: the only errors "
          f"left are the noisy pixels that were never visited, 1 − 2 × {cfg.CAPACITY_NOISE:.2f} × "
          f"{unvisited:.3f} = {expect:.3f}.")
    w(f"With the standard network recalled until stable, m = {c_first:.3f} at M = {ms[0]} "
      f"and {c_last:.3f} at M = {ms[-1]}. For random unbiased patterns the Hebb rule holds about "
      f"0.138 N ≈ {0.138 * n:.0f} patterns (Amit, Gutfreund & Sompolinsky 1985); ten MNIST digits are "
      f"a load of only M/N = {ms[-1] / n:.3f}, yet recall degrades, because the capacity of "
      "correlated patterns is set by their mutual overlaps, not by M/N.")
    curve = [_mean_at(capsum, std, "stable", "num_patterns", m) for m in ms]
    if any(b > a + 1e-9 for a, b in zip(curve, curve[1:])):
        w("The curve is not monotonic: whether the newly added digit conflicts with the others "
          "matters more than how many digits are stored.")
    w("")

    # trajectory
    w("## State-space trajectory\n")
    t_first = results.trajectories[0]
    a, b = t_first.digits
    w(f"A network storing only {a} and {b} recalls a {t_first.noise:.0%}-noisy '{a}'; the path is "
      f"drawn in the plane of the overlaps with '{a}' and '{b}' (the two memories overlap by "
      f"{t_first.pattern_overlap:.3f}).\n")
    w("![Trajectory](state_space_trajectory.png)\n")
    if len(results.trajectories) > 1:
        same = [t.label for t in results.trajectories[1:]
                if np.array_equal(t.result.state, t_first.result.state)]
        if same:
            w(f"The {' and '.join(same)} network follows the same path as the {t_first.label} one here: "
              "every network starts from the same probe and updates the neurons in the same order, and "
              "with two memories every field is a combination of just two overlaps, so negating "
              "columns often changes no sign along the way (another seed can separate them).\n")
    w(_md_table(["network", "start (m_a, m_b)", "end (m_a, m_b)", "flips"],
                [[t.label, f"({t.overlaps[0, 0]:.3f}, {t.overlaps[0, 1]:.3f})",
                  f"({t.overlaps[-1, 0]:.3f}, {t.overlaps[-1, 1]:.3f})", t.result.flips]
                 for t in results.trajectories]) + "\n")

    # weights
    w("## Weight matrices\n")
    w("Digits 0–4 stored. The standard W is symmetric; negated rows give horizontal stripes "
      "(the notebook's comment speaks of columns), negated columns vertical ones.\n")
    w("![Weights](weight_matrices.png)\n")

    # demo + animation
    d = results.demo
    w("## Recall demonstration\n")
    w(f"Digit {d.digit} with {d.noise:.0%} of its bits flipped, in a network storing "
      f"{', '.join(map(str, d.train_digits))} (mode `{d.mode}`): overlap {d.overlap_before:.3f} → "
      f"{d.overlap_after:.3f}.\n")
    w("![Demo](recall_demo.png)\n")
    w("## Animated recall\n")
    w(f"A {results.frames[0].noise:.0%}-noisy {results.frames[0].digit}, network storing 0, 1, 3, 5, 8; "
      f"one frame every {int(results.frames[0].steps[1] - results.frames[0].steps[0])} updates.\n")
    for fr, name in zip(results.frames, gif_names):
        w(f"- {fr.label} (final overlap {fr.final_overlap:.3f}):\n\n  ![{fr.label}]({name})\n")
    w("## Files\n")
    w("- Tables: `noise_robustness.csv` (one row per trial and mode), `capacity.csv` (one row per "
      "network, mode, M and run), `centroids.csv`; parameters: `config.json`.")
    w("- The notebook's figures keep its file names: " + ", ".join(f"`{f}`" for f in SEED_FIGURES) + ".")
    w(f"\nTotal time including figures: {time.perf_counter() - t_start:.1f} s.")
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
