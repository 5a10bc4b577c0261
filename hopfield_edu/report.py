"""``hopfield-edu reproduce``: re-run the research notebook's experiments and write a report.

::

    hopfield-edu reproduce --out results/            # the notebook's config: 20 runs per condition
    hopfield-edu reproduce --out quick/ --quick      # 3 runs, small animations: a smoke test
    hopfield-edu reproduce --out results/ --force    # write into a folder that has files
    hopfield-edu reproduce --out results/ --jobs 1   # one process (default: two where it helps)

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

from ._cli_args import fail, nonneg_int, pos_int, writable_folder

__all__ = ["OUTPUT_FILES", "SEED_FIGURES", "add_arguments", "default_jobs", "run", "reproduce",
           "write_report"]

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
    parser.add_argument("--jobs", type=pos_int, default=None, metavar="N",
                        help="processes to use: 2 runs the capacity experiment beside the others "
                             "(default: 2 on Linux with two or more cores, else 1; more than 2 "
                             "is the same as 2)")
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
                           force=args.force, dpi=args.dpi, progress=getattr(args, "progress", True),
                           jobs=args.jobs or default_jobs())
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


# --------------------------------------------------------------------------- main
def default_jobs() -> int:
    """2 where a second process helps (Linux, two or more cores), else 1."""
    import os

    from ._lanes import can_fork

    return 2 if can_fork() and (os.cpu_count() or 1) >= 2 else 1


def reproduce(out, *, runs=None, quick=False, seed=0, force=False, dpi=None, progress=True,
              jobs=1) -> Path:
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
    jobs : {1, 2}
        2 runs the capacity experiment and its figures in a second process (forked on
        Linux, see :mod:`hopfield_edu._lanes`) while this one runs the rest: the same
        files, in about 60 % of the time on two cores. Elsewhere it is the same as 1.

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
    from ._lanes import collector_paused

    out = Path(out)
    _check_out(out, force)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    t0 = time.perf_counter()
    opts = {"dpi": dpi or (100 if quick else 150), "quick": quick, "progress": progress,
            "record_every": 20 if quick else 5}
    with collector_paused() as loaded:  # the imports below make objects that live to the end
        from .experiments import CONFIG

        cfg = CONFIG
        if quick:
            cfg = cfg.replace(NUM_RUNS_PER_CONDITION=3)
        if runs is not None:
            cfg = cfg.replace(NUM_RUNS_PER_CONDITION=runs)
        cfg = cfg.replace(SEED=seed)
        results, t_compute, lanes = _compute_and_draw(out, cfg, jobs=jobs, t0=t0, loaded=loaded,
                                                      **opts)
        _write_tables(out, results, version=_version(), quick=quick)
        _write_markdown(out, results, quick=quick, t_compute=t_compute, t_start=t0, lanes=lanes)
    return out / "report.md"


def _version():
    from . import __version__

    return __version__


def _compute_and_draw(out, cfg, *, jobs, t0, loaded, dpi, quick, progress, record_every):
    """Run the experiments and draw every figure; returns (results, compute seconds, processes).

    The drawing modules and the Numba kernels are loaded first, and the single runs
    (trajectories, animations, demos, weights: milliseconds) run; then ``loaded()``
    (:func:`hopfield_edu._lanes.collector_paused`) freezes everything made so far (where
    it may) and turns the collector back on. With two lanes a forked child then runs
    Experiment 3 and draws its figures while this process runs Experiments 1-2 and draws
    theirs, and whichever lane is done first takes the remaining figures one by one.
    Every experiment draws from its own child stream of the root seed, so the numbers
    are the same as with one lane (tested).
    """
    from ._lanes import SharedCounter, can_fork, run_two
    from .experiments import ExperimentResults, _root, run_capacity, run_examples, run_noise_robustness

    root = _root(cfg.SEED)
    parallel = jobs >= 2 and can_fork()
    # first: on a cold cache with two lanes the largest kernel then compiles in a second process
    _load_drawing_and_kernels(progress, processes=2 if parallel else 1)
    examples = run_examples(cfg, root, animation_steps=800, record_every=record_every)
    loaded()
    if not parallel:
        noise = run_noise_robustness(cfg, seed=root, progress=progress)
        cap = run_capacity(cfg, seed=root, progress=progress)
        t_compute = time.perf_counter() - t0
        out.mkdir(parents=True, exist_ok=True)
        _draw(out, _noise_jobs(noise, dpi) + _capacity_jobs(cap, dpi) + _example_jobs(examples, dpi),
              progress)
        return (ExperimentResults(config=cfg, seed=cfg.SEED, noise=noise, capacity=cap, **examples),
                t_compute, 1)
    out.mkdir(parents=True, exist_ok=True)
    shared = _example_jobs(examples, dpi)
    claims = SharedCounter()  # which of the shared jobs is taken: each is drawn once

    def capacity_lane():  # in the child: no progress bars (they would garble the terminal)
        cap = run_capacity(cfg, seed=root, progress=False)
        done = time.perf_counter()  # CLOCK_MONOTONIC: comparable across the two processes
        _draw(out, _capacity_jobs(cap, dpi), False, shared, claims)
        return cap, done

    def noise_lane():
        noise = run_noise_robustness(cfg, seed=root, progress=progress)
        done = time.perf_counter()
        _draw(out, _noise_jobs(noise, dpi), progress, shared, claims)
        return noise, done

    (noise, t_noise), (cap, t_cap) = run_two(noise_lane, capacity_lane)
    results = ExperimentResults(config=cfg, seed=cfg.SEED, noise=noise, capacity=cap, **examples)
    return results, max(t_noise, t_cap) - t0, 2


def _load_drawing_and_kernels(progress, processes):
    """Import the drawing modules and load the Numba kernels, before any lane starts.

    With two lanes, both processes then start with them loaded: the work is split, not
    repeated. A one-line note says whether the kernels compile (first run) or load.
    """
    from . import _figures, animation, plotting  # noqa: F401
    from ._progress import simple_bar, warm_up_note
    from .warmup import is_warm, warm_up

    if not is_warm():
        with simple_bar(0, warm_up_note(), progress, bar_format="{desc}"):
            warm_up(processes=processes)


GIF_NAMES = ("recall_animation_standard.gif", "recall_animation_inhibitory.gif")


def write_report(out: Path, results, *, dpi, quick, version, attribution_text=None, t_compute,
                 t_start, progress=True):
    """Write every file of :data:`OUTPUT_FILES` for already computed ``results``.

    The tables and figures come first; ``report.md`` is assembled from the
    sections of :mod:`hopfield_edu.readings`, each of which computes the numbers
    its sentences state.
    """
    examples = {k: getattr(results, k)
                for k in ("trajectories", "frames", "demo", "demo_failure", "weights")}
    _write_tables(out, results, version=version, quick=quick)
    _draw(out, _noise_jobs(results.noise, dpi) + _capacity_jobs(results.capacity, dpi)
          + _example_jobs(examples, dpi), progress)
    _write_markdown(out, results, quick=quick, t_compute=t_compute, t_start=t_start, lanes=1,
                    version=version, attribution_text=attribution_text)


def _write_markdown(out, results, *, quick, t_compute, t_start, lanes, version=None,
                    attribution_text=None):
    from .data import attribution
    from .readings import context, sections

    ctx = context(results, quick=quick, version=version or _version(),
                  attribution=attribution_text or attribution(), t_compute=t_compute)
    parts = [sec.markdown for sec in sections(ctx, GIF_NAMES)]
    where = " (two processes)" if lanes == 2 else ""
    parts.append("## Files\n\n"
                 "- Tables: `noise_robustness.csv` (one row per trial and mode, with the attractor "
                 "reached), `capacity.csv` (one row per network, mode, M and run, with the attractors "
                 "counted), `centroids.csv`; parameters: `config.json`.\n"
                 "- The notebook's figures keep its file names: "
                 + ", ".join(f"`{f}`" for f in SEED_FIGURES) + ".\n"
                 f"\nTotal time including figures: {time.perf_counter() - t_start:.1f} s{where}.")
    (out / "report.md").write_text("\n".join(parts) + "\n", encoding="utf-8")


def _write_tables(out, results, *, version, quick):
    from .experiments import phase_space_centroids

    cfg = results.config
    results.noise.to_csv(out / "noise_robustness.csv", index=False)
    results.capacity.to_csv(out / "capacity.csv", index=False)
    phase_space_centroids(results.noise).to_csv(out / "centroids.csv", index=False)
    (out / "config.json").write_text(json.dumps(
        {"hopfield_edu_version": version, "quick": quick, "config": cfg.to_dict()}, indent=2) + "\n",
        encoding="utf-8")


def _seed_rows(df):
    """The notebook's own conditions: mode 'steps', standard and rows-inhibitory networks."""
    return df[(df["mode"] == "steps") & df["inhibitory_mode"].isin(["none", "rows"])]


def _png(make, dpi):
    """A job writing the figure ``make()`` returns as a PNG (see :mod:`hopfield_edu._figures`)."""
    from ._figures import save_png

    return lambda path: save_png(make(), path, dpi)


def _noise_jobs(noise, dpi):
    """(file name, write(path)) for the figures of Experiments 1-2."""
    from .plotting import plot_noise_robustness, plot_phase_space

    seed_noise = _seed_rows(noise)
    return [
        ("noise_robustness_plot.png", _png(lambda: plot_noise_robustness(seed_noise), dpi)),
        ("noise_robustness_variants.png", _png(lambda: plot_noise_robustness(noise), dpi)),
        ("phase_space_complexity_centroids.png", _png(lambda: plot_phase_space(seed_noise), dpi)),
        ("phase_space_variants.png", _png(lambda: plot_phase_space(noise), dpi)),
    ]


def _capacity_jobs(cap, dpi):
    """(file name, write(path)) for the figures of Experiment 3."""
    from .plotting import plot_capacity

    return [
        ("memory_capacity_plot.png", _png(lambda: plot_capacity(_seed_rows(cap)), dpi)),
        ("memory_capacity_variants.png", _png(lambda: plot_capacity(cap), dpi)),
    ]


def _example_jobs(examples, dpi):
    """(file name, write(path)) for the trajectories, the weights, the recall demo and the GIFs."""
    from .animation import save_recall_gif
    from .plotting import plot_recall_demo, plot_trajectories, plot_weight_matrices

    demos = [d for d in (examples["demo"], examples["demo_failure"]) if d is not None]
    gifs = [(name, lambda path, fr=fr: save_recall_gif(fr, path, fps=20))  # Pillow: 0.1 s each
            for fr, name in zip(examples["frames"], GIF_NAMES)]
    # the longest first (0.2-0.3 s, 0.15-0.25 s, 0.1 s, 0.03 s each): whichever lane is free
    # then takes the next, and the two lanes end close together
    return [
        ("weight_matrices.png", _png(lambda: plot_weight_matrices(examples["weights"]), dpi)),
        ("state_space_trajectory.png", _png(lambda: plot_trajectories(examples["trajectories"]), dpi)),
        ("recall_demo.png", _png(lambda: plot_recall_demo(demos), dpi)),
    ] + gifs


def _draw(out, jobs, progress, shared=(), claims=None):
    """Write every job of ``jobs`` into ``out``, then the ``shared`` jobs this process claims.

    ``claims`` (a :class:`~hopfield_edu._lanes.SharedCounter` both processes hold) hands
    out each shared job once; the lane that finishes its own jobs first takes more of them.
    """
    from ._progress import simple_bar  # silent, without tqdm, in the forked child

    with simple_bar(len(jobs) + len(shared), "figures", progress) as bar:
        for name, write in jobs:
            write(out / name)
            bar.update()
        while claims is not None and (i := claims.take()) < len(shared):
            name, write = shared[i]
            write(out / name)
            bar.update()
