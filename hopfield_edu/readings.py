"""The sections of ``report.md``: each reading computes its numbers, then builds its sentences.

Every section of the ``hopfield-edu reproduce`` report is one function here
that takes the :class:`~hopfield_edu.experiments.ExperimentResults` (through a
:class:`Context` of summaries computed once) and returns a :class:`Section`:
the markdown text and the ``numbers`` dict of every value the text rests on.
No number is written by hand: a sentence that makes a claim (a recall, a
mixture, a zig-zag, a rise of the energy) is only written when the measured
numbers support it, and says what they are.

:func:`hopfield_edu.report.write_report` assembles the sections.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .attractors import ATTRACTOR_LABELS, DEFAULT_TOL, _int_dot, chance_baselines, majority_state
from .experiments import (
    ExperimentResults,
    accuracy_by_noise,
    attractor_count_column,
    never_updated_fraction,
    phase_space_centroids,
)

__all__ = ["Section", "Context", "context", "sections", "read_setup", "read_noise", "read_phase_space",
           "read_capacity", "read_trajectory", "read_weights", "read_demo", "read_animation"]


@dataclass
class Section:
    """One section of the report: its markdown and the numbers its sentences rest on."""

    markdown: str
    numbers: dict = field(default_factory=dict)


@dataclass
class Context:
    """Results and the summaries every reading uses (computed once)."""

    results: ExperimentResults
    cents: pd.DataFrame
    unvisited: float
    std: str
    inh_rows: str | None
    inh_cols: str | None
    f_inh: float
    runs: int
    quick: bool = False
    version: str = ""
    attribution: str = ""
    t_compute: float = float("nan")


def context(results, *, quick=False, version="", attribution="", t_compute=float("nan")) -> Context:
    """The :class:`Context` of ``results``."""
    cfg = results.config
    names = list(dict.fromkeys(results.noise["network"]))
    rows = next((n for n in names if n.endswith("rows)")), None)
    cols = next((n for n in names if n.endswith("columns)")), None)
    fracs = [f for f in cfg.INHIBITORY_FRACTIONS_TO_TEST if f > 0]
    return Context(results=results, cents=phase_space_centroids(results.noise),
                   unvisited=never_updated_fraction(cfg.NUM_NEURONS, cfg.MAX_RECALL_STEPS),
                   std="Standard", inh_rows=rows, inh_cols=cols, f_inh=fracs[0] if fracs else 0.0,
                   runs=cfg.NUM_RUNS_PER_CONDITION, quick=quick, version=version,
                   attribution=attribution, t_compute=t_compute)


# --------------------------------------------------------------------------- markdown helpers
def _fmt(x, digits=3):
    if isinstance(x, (float, np.floating)):
        return "–" if not np.isfinite(x) else f"{x:.{digits}f}"
    return str(x)


def _md_table(header, rows) -> str:
    """A GitHub markdown table (written by hand: pandas' to_markdown needs tabulate)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _counts_text(labels) -> str:
    """'mixture 18/20, target 2/20': the attractors reached, most frequent first."""
    labels = list(labels)
    n = len(labels)
    counts = Counter(labels)  # a pandas value_counts per table cell cost a tenth of a second in all
    order = sorted(counts, key=lambda k: (-counts[k], ATTRACTOR_LABELS.index(k)
                                          if k in ATTRACTOR_LABELS else 99))
    return ", ".join(f"{k} {counts[k]}/{n}" for k in order)


def _cell(mean, sd, runs, digits=3):
    """'m ± sd' with several runs, 'm' with one (no SD to show)."""
    if runs > 1 and np.isfinite(sd):
        return f"{_fmt(mean, digits)} ± {sd:.{digits}f}"
    return _fmt(mean, digits)


def _series(df):
    return list(dict.fromkeys(zip(df["network"], df["mode"])))


def _noise_table(ctx, trials):
    """Rows = noise levels; per (network, mode): overlap (mean ± SD) and the attractors reached."""
    summary = accuracy_by_noise(trials)
    series = _series(trials)
    size = ctx.results.config.NUM_NEURONS
    header = ["noise", "probe"] + [h for n, m in series for h in (f"{n} · {m}", "attractor")]
    rows = []
    # one groupby instead of a boolean mask per cell (same rows, in the same order)
    stats = {key: (mean, sd) for key, mean, sd in zip(
        zip(summary["noise"], summary["network"], summary["mode"]), summary["mean"], summary["sd"])}
    reached = {key: grp for key, grp in trials.groupby(["noise", "network", "mode"], sort=False)["attractor"]}
    for lv in sorted(trials["noise"].unique()):
        row = [_fmt(float(lv), 2), _fmt(1 - 2 * int(lv * size) / size)]
        for n, m in series:
            mean, sd = stats[lv, n, m]
            row += [_cell(float(mean), float(sd), ctx.runs), _counts_text(reached[lv, n, m])]
        rows.append(row)
    return _md_table(header, rows)


def _capacity_counts(counts):
    """Attractor labels of every probe, expanded from ``counts`` (per label column: a total)."""
    out = []
    for lb in ATTRACTOR_LABELS:
        out += [lb] * int(counts[attractor_count_column(lb)])
    return out


def _capacity_table(ctx, cap, baselines):
    series = _series(cap)
    header = (["M"] + [h for n, m in series for h in (f"{n} · {m}", "attractor")]
              + ["blank image", "majority state"])
    rows = []
    # one groupby for every cell (a mask and seven sums per cell cost ~40 ms per table)
    grouped = cap.groupby(["num_patterns", "network", "mode"], sort=False)
    acc = grouped["avg_accuracy"].agg(["mean", "std"])
    acc = dict(zip(acc.index, zip(acc["mean"], acc["std"])))
    counts = grouped[[attractor_count_column(lb) for lb in ATTRACTOR_LABELS]].sum().to_dict("index")
    for M in sorted(cap["num_patterns"].unique()):
        row = [str(M)]
        for n, m in series:
            mean, sd = acc[M, n, m]
            row += [_cell(float(mean), float(sd), ctx.runs),
                    _counts_text(_capacity_counts(counts[M, n, m]))]
        b = baselines[M]
        row += [_fmt(b["blank"]), _fmt(b["majority"])]
        rows.append(row)
    return _md_table(header, rows)


def _mean_sd_words(ctx):
    return "Mean ± SD" if ctx.runs > 1 else "Single runs (one per condition, so no SD)"


def _trials(ctx, network, mode, noise=None):
    df = ctx.results.noise
    sel = df[(df["network"] == network) & (df["mode"] == mode)]
    return sel if noise is None else sel[sel["noise"] == noise]


def _stored(digits):
    from .data import mnist_prototypes

    protos = mnist_prototypes(list(digits))
    return np.array([protos[d] for d in digits])


def _baseline_numbers(digits, flip=None, seed=0):
    """Mean over the stored digits of the blank-image, random-image and majority overlaps."""
    base = chance_baselines(_stored(digits), num_random=200, flip=flip, rng=seed)
    return {"blank": float(base["blank"].mean()), "blank_min": float(base["blank"].min()),
            "blank_max": float(base["blank"].max()), "random_mean": float(base["random_mean"].mean()),
            "random_sd": float(base["random_sd"].mean()), "majority": float(base["majority"].mean())}


# --------------------------------------------------------------------------- sections
def read_setup(ctx) -> Section:
    """Title, provenance and the set-up, with the never-visited fraction of mode ``steps``."""
    cfg = ctx.results.config
    n, steps = cfg.NUM_NEURONS, cfg.MAX_RECALL_STEPS
    u = ctx.unvisited
    nums = {"N": n, "steps": steps, "sweeps": steps / n, "unvisited": u,
            "capacity_noise_left": u * cfg.CAPACITY_NOISE}
    w = [
        "# Hopfield networks on MNIST: the research notebook, reproduced\n",
        f"Written by `hopfield-edu reproduce` (hopfield-edu {ctx.version}) with seed {cfg.SEED}, "
        f"{ctx.runs} run{'s' if ctx.runs > 1 else ''} per condition{' (--quick)' if ctx.quick else ''}. "
        f"Computing took {ctx.t_compute:.1f} s. The same seed gives the same numbers; "
        "`config.json` holds every parameter.\n",
        f"Data: {ctx.attribution}\n",
        "## Set-up\n",
        f"- N = {n} neurons (28×28 pixels, grey level > 127 → +1); one prototype per digit: its first "
        "MNIST training image.",
        "- Hebbian weights W = (1/M) Σ ξξᵀ with zero diagonal; "
        + (f"inhibitory fraction {ctx.f_inh:.0%}." if ctx.f_inh else "no inhibitory neurons."),
        f"- **The notebook's conditions** (figures with its file names): recall = exactly {steps} "
        "single-neuron updates with neurons drawn with replacement (mode `steps`), inhibitory neurons "
        "with negated *rows* of W.",
        f"- **Beyond the notebook**, side by side: recall until a whole sweep flips nothing (mode `stable`, "
        f"at most {cfg.MAX_SWEEPS} sweeps) and inhibitory neurons with negated *columns* (their outputs, "
        f"as the notebook's comment describes). {steps} updates are only {steps / n:.2f} sweeps of {n} "
        f"neurons: a neuron is never visited with probability (1 − 1/N)^{steps} = {u:.3f}, so in mode "
        f"`steps` about {u:.0%} of the *flipped* pixels keep their noise — {u:.3f} × ν of all pixels "
        f"at noise ν (e.g. {u * cfg.CAPACITY_NOISE:.4f} of them at ν = {cfg.CAPACITY_NOISE:g}).",
        "- Every network type and mode recalls the *same* noisy probes (paired design).",
        f"- **Which attractor?** Each final state is named by the state it matches with overlap ≥ "
        f"{DEFAULT_TOL} (at most {(1 - DEFAULT_TOL) / 2:.1%} of the pixels differ), the closest if "
        "several do: the *target* digit, *another stored digit*, an *anti-pattern* (−ξ), a *mixture* "
        "(the majority sign(Σ ξ^μ) of three or more stored digits; a tie, possible for an even number, "
        "is +1 by the course's rule sign(0) = +1 or goes to the probe's own digit), or *other* "
        "(`hopfield_edu.attractors`). For the negated-rows network the names refer to those states "
        "with the inhibitory bits negated, the states that network settles in. After "
        f"{steps} updates (mode `steps`) about {u:.3f} × ν of the pixels still carry their noise, so "
        f"above ν = {(1 - DEFAULT_TOL) / (2 * u):.2f} a state is not expected to come within "
        f"{DEFAULT_TOL} of any named state even on its way to one: such states are *other* because "
        "they have not settled.\n",
    ]
    return Section("\n".join(w), nums)


def read_noise(ctx) -> Section:
    """Experiment 1: overlap against noise, the attractors reached and the baselines."""
    res, cfg = ctx.results, ctx.results.config
    noise = res.noise
    seed_trials = noise[(noise["mode"] == "steps") & noise["inhibitory_mode"].isin(["none", "rows"])]
    levels = sorted(noise["noise"].unique())
    lo, hi = levels[0], levels[-1]
    below_half = [lv for lv in levels if lv < 0.5]
    hard = below_half[-1] if below_half else hi
    base = _baseline_numbers(cfg.DIGITS_EXP1, seed=cfg.SEED)
    mean = {(n, m, lv): float(g["accuracy"].mean()) for (n, m, lv), g in
            noise.groupby(["network", "mode", "noise"], sort=False)}
    nums = {"base": base, "lo": lo, "hard": hard, "hi": hi}
    w = ["## Experiment 1: robustness to noise\n",
         f"Stored digits {', '.join(map(str, cfg.DIGITS_EXP1))}; each trial corrupts a random stored "
         "digit and records the final overlap m = ξ·s/N (1 = perfect recall, −1 = the anti-pattern) "
         "and the attractor reached. `probe` is the overlap of the noisy probe itself, 1 − 2ν.\n",
         "![Experiment 1](noise_robustness_plot.png)\n",
         f"{_mean_sd_words(ctx)} of the overlap, the notebook's conditions:\n",
         _noise_table(ctx, seed_trials) + "\n",
         "All conditions:\n",
         "![Experiment 1, all conditions](noise_robustness_variants.png)\n",
         _noise_table(ctx, noise) + "\n",
         "**Reading.**",
         f"- **Baselines.** An all-black image already has overlap {base['blank']:.3f} with the stored "
         f"digits on average ({base['blank_min']:.3f}–{base['blank_max']:.3f}: the digits are mostly "
         f"black background), a random ±1 image {base['random_mean']:+.3f} ± {base['random_sd']:.3f}, "
         f"and the majority state of the stored digits {base['majority']:.3f}. An overlap is evidence "
         "of recall only above these, and only the attractor column says which state was reached."]
    w += _noise_clean(ctx, nums, mean, lo)
    w += _noise_steps_vs_stable(ctx, nums, mean, hard)
    w += _noise_inhibitory(ctx, nums, mean, lo)
    w += _noise_high(ctx, nums, hi)
    w.append("")
    return Section("\n".join(w), nums)


def _noise_clean(ctx, nums, mean, lo):
    """Noise-free recall: overlap, attractors, unstable pixels of the stored digits."""
    from .engine import HopfieldNetwork

    cfg = ctx.results.config
    s0, st0 = mean.get((ctx.std, "steps", lo), np.nan), mean.get((ctx.std, "stable", lo), np.nan)
    clean = _trials(ctx, ctx.std, "stable", lo)
    xi = _stored(cfg.DIGITS_EXP1)
    net = HopfieldNetwork(cfg.NUM_NEURONS).train(xi)
    unstable = {d: int(np.count_nonzero(np.where(net.local_field(p) >= 0, 1, -1) != p))
                for d, p in zip(cfg.DIGITS_EXP1, xi)}
    gram = _int_dot(xi, xi.T) / xi.shape[1]
    pair = float(gram[np.triu_indices(len(xi), 1)].mean()) if len(xi) > 1 else float("nan")
    nums.update(std_steps_clean=s0, std_stable_clean=st0, unstable=unstable, pair_overlap=pair,
                clean_attractors=_counts_text(clean["attractor"]) if len(clean) else "")
    text = (f"- **Without noise** the standard network ends at m = {s0:.3f} (`steps`) / {st0:.3f} "
            f"(`stable`), not 1.")
    bad = {d: k for d, k in unstable.items() if k}
    if bad:
        text += (" The stored digits are not themselves fixed points: in the network storing "
                 f"{', '.join(map(str, cfg.DIGITS_EXP1))}, "
                 + ", ".join(f"digit {d} has {k} unstable pixels" for d, k in bad.items())
                 + " (neurons whose field disagrees with the stored pixel), because the prototypes are "
                   f"strongly correlated (mean overlap between two of them {pair:.3f}).")
    else:
        text += " All stored prototypes are fixed points."
    if len(clean):
        mix = clean[clean["attractor"] == "mixture"]
        text += f" Run until stable, the noise-free probes reach: {nums['clean_attractors']}"
        if len(mix):
            names = ", ".join(f"{k} ({v}×)" for k, v in mix["mixture_of"].value_counts().items())
            text += (f"; the mixtures are {names} (the digits whose majority it is; \"ties→d\": its "
                     "ties go to digit d, the probe's own)")
        text += "."
    return [text]


def _noise_steps_vs_stable(ctx, nums, mean, hard):
    steps = ctx.results.config.MAX_RECALL_STEPS
    sh, sth = mean.get((ctx.std, "steps", hard), np.nan), mean.get((ctx.std, "stable", hard), np.nan)
    left = ctx.unvisited * hard
    nums.update(std_steps_hard=sh, std_stable_hard=sth, noisy_left_hard=left)
    if np.isfinite(sth) and sth > sh:
        return [f"- At noise {hard:.2f} the overlap is {sh:.3f} after {steps} updates but {sth:.3f} when "
                f"recall runs until stable: in mode `steps` about {ctx.unvisited:.0%} of the flipped "
                f"pixels ({left:.3f} of all pixels, lowering m by about {2 * left:.3f}) were never "
                "visited and keep their noise, which the notebook's curve counts as forgetting."]
    return [f"- At noise {hard:.2f} the overlap is {sh:.3f} after {steps} updates and {sth:.3f} when "
            "recall runs until stable."]


def _rows_ceiling(ctx):
    """Overlap of a digit with itself after its inhibitory bits are negated: 1 − 2k/N."""
    n = ctx.results.config.NUM_NEURONS
    return 1 - 2 * int(ctx.f_inh * n) / n


def _noise_inhibitory(ctx, nums, mean, lo):
    out = []
    n = ctx.results.config.NUM_NEURONS
    st0 = mean.get((ctx.std, "stable", lo), np.nan)
    if ctx.inh_rows:
        r0 = mean.get((ctx.inh_rows, "steps", lo), np.nan)
        r0s = mean.get((ctx.inh_rows, "stable", lo), np.nan)
        k = int(ctx.f_inh * n)
        ceiling = _rows_ceiling(ctx)
        lab = _trials(ctx, ctx.inh_rows, "stable")
        named = int((lab["attractor"] != "other").sum())
        nums.update(rows_steps_clean=r0, rows_stable_clean=r0s, rows_ceiling=ceiling,
                    rows_named=named, rows_total=len(lab))
        out.append(
            f"- The notebook's inhibitory network ({ctx.inh_rows}) ends at m = {r0:.3f} (`steps`) / "
            f"{r0s:.3f} (`stable`) without noise. Negating row i makes neuron i follow the *opposite* "
            f"of its field, so the network settles in states with its {k} inhibitory bits negated: "
            f"{named} of its {len(lab)} `stable` recalls end within {DEFAULT_TOL} of a target, stored "
            f"digit, anti-pattern or mixture with those bits negated (attractor column). The digit with "
            f"its inhibitory bits negated has overlap 1 − 2k/N = {ceiling:.3f} with the digit itself "
            f"(standard network: {st0:.3f}; (1 − 2f) × {st0:.3f} = {(1 - 2 * ctx.f_inh) * st0:.3f})."
            + (" The low overlap is this sign flip, not a loss of robustness." if 2 * named >= len(lab)
               else " Fewer than half of the recalls end in such a state, so the sign flip does not "
                    "explain the low overlap alone."))
    if ctx.inh_cols:
        c0, s0 = mean.get((ctx.inh_cols, "steps", lo), np.nan), mean.get((ctx.std, "steps", lo), np.nan)
        lab = _trials(ctx, ctx.inh_cols, "stable", lo)
        nums.update(cols_steps_clean=c0)
        out.append(f"- Negating columns instead (outputs, {ctx.inh_cols}) gives m = {c0:.3f} without "
                   f"noise (standard network: {s0:.3f}); its noise-free `stable` recalls reach "
                   f"{_counts_text(lab['attractor'])}.")
    return out


def _noise_high(ctx, nums, hi):
    if hi < 0.5:
        return []
    sel = _trials(ctx, ctx.std, "stable", hi)
    anti = int((sel["accuracy"] < 0).sum())
    nums.update(high_anti=anti, high_total=len(sel))
    return [f"- At noise {hi:.2f} the probe carries no information about the digit; the standard "
            f"network's `stable` recalls reach {_counts_text(sel['attractor'])}, and {anti} of "
            f"{len(sel)} end with m < 0. Anti-patterns are attractors too, because E(−s) = E(s) for a "
            "symmetric W without thresholds."]


def read_phase_space(ctx) -> Section:
    """Experiment 2: sample entropy of the energy traces, and whether the energy ever rises."""
    cfg = ctx.results.config
    cents, noise = ctx.cents, ctx.results.noise
    w = ["## Experiment 2: accuracy–complexity phase space\n",
         f"Sample entropy SampEn(m = {cfg.SAMPEN_M}, r = {cfg.SAMPEN_R_FRACTION:g} σ) of each trial's "
         "energy trace (Richman & Moorman 2000), against its final overlap. As in the notebook, trials "
         "with overlap ≤ 0 are left out; the table says how many. `energy rises` counts the updates "
         "that raised E = −½ sᵀWs, per trace.\n",
         "![Experiment 2](phase_space_complexity_centroids.png)\n",
         "![Experiment 2, all conditions](phase_space_variants.png)\n",
         "Centroids (mean of the kept trials), also in `centroids.csv`:\n"]
    rises = {}
    rows = []
    for r in cents.itertuples():
        tr = noise[(noise["network"] == r.network) & (noise["mode"] == r.mode)]["energy_increases"]
        rises[r.network, r.mode] = (int((tr > 0).sum()), len(tr), float(tr.mean()))
        rows.append([r.network, r.mode, _fmt(r.accuracy), _fmt(r.entropy, 5), r.kept, r.dropped,
                     f"{rises[r.network, r.mode][0]}/{len(tr)} traces, {tr.mean():.1f} per trace"])
    w.append(_md_table(["network", "mode", "accuracy", "entropy", "kept", "dropped", "energy rises"],
                       rows) + "\n")
    ent = {(r.network, r.mode): r.entropy for r in cents.itertuples()}
    acc = {(r.network, r.mode): r.accuracy for r in cents.itertuples()}
    e_steps, e_stable = ent.get((ctx.std, "steps"), np.nan), ent.get((ctx.std, "stable"), np.nan)
    nums = {"entropy": ent, "accuracy": acc, "rises": rises}
    w.append(f"**Reading.** The entropies are small (standard network: {e_steps:.5f} in `steps`, "
             f"{e_stable:.5f} in `stable`): a recall's energy trace is a staircase, flat between flips "
             "and flat once the state has settled, so most templates match and SampEn is near 0. It "
             "mostly measures how much of the trace is flat (mode `stable` ends with a whole sweep "
             "without a flip), so compare conditions at equal trace length.")
    w += _phase_space_inhibitory(ctx, nums)
    w.append("")
    return Section("\n".join(w), nums)


def _phase_space_inhibitory(ctx, nums):
    ent, rises, acc = nums["entropy"], nums["rises"], nums["accuracy"]
    std_rises = rises.get((ctx.std, "steps"), (0, 0, 0.0))
    out = []
    if ctx.inh_rows:
        e0, e_rows = ent.get((ctx.std, "steps"), np.nan), ent.get((ctx.inh_rows, "steps"), np.nan)
        rel = "above" if e_rows > e0 else "below" if e_rows < e0 else "equal to"
        out.append(f"The rows-inhibitory cloud sits at lower accuracy (centroid "
                   f"{acc.get((ctx.inh_rows, 'steps'), np.nan):.3f} in `steps`; the digit with its "
                   f"inhibitory bits negated scores {_rows_ceiling(ctx):.3f}, see Experiment 1), and "
                   f"its entropy centroid in `steps` ({e_rows:.5f}) is {rel} the standard network's "
                   f"({e0:.5f}).")
    inh = [n for n in (ctx.inh_rows, ctx.inh_cols) if n and (n, "steps") in rises]
    if inh:
        parts = [f"{n}: {rises[n, 'steps'][0]}/{rises[n, 'steps'][1]} traces, "
                 f"{rises[n, 'steps'][2]:.1f} rises per trace" for n in inh]
        rising = [n for n in inh if rises[n, "steps"][0] > 0]
        out.append(f"Energy rises during recall in `steps` ({'; '.join(parts)}; standard network: "
                   f"{std_rises[0]}/{std_rises[1]} traces)"
                   + (": E is no Lyapunov function of the asymmetric W." if rising else "."))
        higher = [n for n in inh if ent.get((n, "steps"), np.nan) > ent.get((ctx.std, "steps"), np.nan)]
        if rising and set(higher) == set(inh) and set(rising) == set(inh):
            out.append("Both inhibitory variants, whose traces are not monotonic, have a higher entropy "
                       "centroid than the standard network; these runs do not separate that from the "
                       "other differences between the networks (they also end in other states).")
        elif rising:
            out.append("Not every variant with a non-monotonic energy has a higher entropy centroid, so "
                       "these runs do not tie the entropy to the loss of the Lyapunov function.")
    nums["inhibitory_entropy_higher"] = inh and all(
        ent.get((n, "steps"), np.nan) > ent.get((ctx.std, "steps"), np.nan) for n in inh)
    return out


def read_capacity(ctx) -> Section:
    """Experiment 3: overlap against the number of stored digits, the mixtures and the baselines."""
    cfg, cap = ctx.results.config, ctx.results.capacity
    digits = list(cfg.DIGITS_TO_STORE)
    ms = sorted(cap["num_patterns"].unique())
    xi_all = _stored(digits)
    baselines = {}
    for M in ms:
        xi = xi_all[:M]
        baselines[M] = {"blank": float(np.mean(1 - 2 * (xi == 1).mean(axis=1))),
                        "majority": float(np.mean(xi @ majority_state(xi) / xi.shape[1])),
                        "majority_ties": float(np.mean([p @ majority_state(xi, tie_break=p) / xi.shape[1]
                                                        for p in xi])),
                        "ties": int(np.count_nonzero(xi.astype(int).sum(axis=0) == 0))}
    seed_cap = cap[(cap["mode"] == "steps") & cap["inhibitory_mode"].isin(["none", "rows"])]
    w = ["## Experiment 3: memory capacity\n",
         f"The first M digits of {digits} are stored; each is probed with {cfg.CAPACITY_NOISE:.0%} noise "
         "and the overlaps are averaged. "
         + (f"Mean ± SD over {ctx.runs} runs" if ctx.runs > 1 else "One run per condition (no SD)")
         + " (the notebook ran each M once). `attractor` counts the "
         "probes by the state they reached; `blank image` is the mean overlap of an all-black image "
         "with the M stored digits, `majority state` that of their majority sign(Σ ξ^μ) (ties → +1).\n",
         "![Experiment 3](memory_capacity_plot.png)\n",
         _capacity_table(ctx, seed_cap, baselines) + "\n",
         "All conditions:\n",
         "![Experiment 3, all conditions](memory_capacity_variants.png)\n",
         _capacity_table(ctx, cap, baselines) + "\n"]
    std = cap[(cap["network"] == ctx.std) & (cap["mode"] == "stable")]
    by_m = {M: std[std["num_patterns"] == M] for M in ms}
    curve = {M: float(g["avg_accuracy"].mean()) for M, g in by_m.items() if len(g)}
    nums = {"baselines": baselines, "curve": curve}
    w.append("**Reading.**")
    w += _capacity_single(ctx, nums, cap, ms)
    if curve:
        w += _capacity_mixtures(ctx, nums, by_m, baselines)
    w.append("")
    return Section("\n".join(w), nums)


def _capacity_single(ctx, nums, cap, ms):
    cfg = ctx.results.config
    if ms[0] != 1:
        return []
    one = cap[(cap["network"] == ctx.std) & (cap["mode"] == "steps") & (cap["num_patterns"] == 1)]
    if not len(one):
        return []
    s_first = float(one["avg_accuracy"].mean())
    expect = 1 - 2 * cfg.CAPACITY_NOISE * ctx.unvisited
    nums.update(single_steps=s_first, single_expected=expect)
    return [f"- With one stored digit, mode `steps` ends at m = {s_first:.3f}: the only errors left are "
            f"the noisy pixels that were never visited, 1 − 2 × {cfg.CAPACITY_NOISE:.2f} × "
            f"{ctx.unvisited:.3f} = {expect:.3f}."]


def _capacity_mixtures(ctx, nums, by_m, baselines):
    """Which attractor each M reaches (standard network, until stable), and the odd/even zig-zag."""
    n = ctx.results.config.NUM_NEURONS
    curve = nums["curve"]
    ms = sorted(curve)
    out = []
    recalled = [M for M in ms if by_m[M]["n_target"].sum() == by_m[M]["num_patterns"].sum()]
    big = [M for M in ms if M >= 3]
    mixed = {M: (int(by_m[M]["n_mixture"].sum()), int(by_m[M]["num_patterns"].sum())) for M in big}
    in_major = {M: int(by_m[M]["n_majority"].sum()) for M in big}
    in_ties = {M: int(by_m[M]["n_majority_ties"].sum()) for M in big}
    nums.update(recalled=recalled, mixed=mixed, in_majority=in_major, in_majority_ties=in_ties)
    out.append(f"- Standard network, recalled until stable: m = {curve[ms[0]]:.3f} at M = {ms[0]} and "
               f"{curve[ms[-1]]:.3f} at M = {ms[-1]}. "
               + (f"Every probe is recalled (ends at its own digit) for M = "
                  f"{', '.join(map(str, recalled))}. " if recalled else "No M recalls every probe. ")
               + ("For M ≥ 3 the probes end in mixture states: "
                  + ", ".join(f"M = {M}: {a}/{b}" for M, (a, b) in mixed.items()) + "." if big else ""))
    odd = [M for M in big if M % 2 == 1]
    odd_all = [M for M in odd if in_major[M] == mixed[M][1]]
    if odd_all:
        out.append(f"- For M = {', '.join(map(str, odd_all))} every probe ends in the single majority "
                   "state sign(Σ_μ ξ^μ) of the M digits (overlap ≥ "
                   f"{DEFAULT_TOL} with it), whichever digit it started from; its overlap with the "
                   "stored digits is the `majority state` column ("
                   + ", ".join(f"{baselines[M]['majority']:.3f} at M = {M}" for M in odd_all)
                   + "), which is what the curve shows there — a mixture, not a recall.")
    out += _capacity_zigzag(ctx, nums, by_m, baselines, big, in_ties)
    last = ms[-1]
    b = baselines[last]["blank"]
    rel = "below" if curve[last] < b else "above"
    out.append(f"- Against the baselines: at M = {last} the mean overlap {curve[last]:.3f} is {rel} the "
               f"{b:.3f} of an all-black image. For random unbiased patterns the Hebb rule holds about "
               f"0.138 N ≈ {0.138 * n:.0f} patterns (Amit, Gutfreund & Sompolinsky 1985); {last} MNIST "
               f"digits are a load of only M/N = {last / n:.3f}"
               + (", yet no M ≥ 3 recalls a single probe: correlated patterns have mixture states that "
                  "attract the probes first." if not any(by_m[M]["n_target"].sum() for M in big) else
                  "; with correlated patterns the mixture states, not M/N, limit recall."))
    return out


def _capacity_zigzag(ctx, nums, by_m, baselines, big, in_ties):
    """Explain the odd/even alternation by the ties of the majority, as far as it is measured."""
    curve = nums["curve"]
    even = [M for M in big if M % 2 == 0 and M - 1 in curve]
    peaks = [M for M in even if curve[M] > max(curve[M - 1], curve.get(M + 1, -np.inf))]
    flat = [M for M in even if M not in peaks]
    nums.update(zigzag_peaks=peaks, zigzag_not=flat)
    if not peaks:
        return ["- The curve does not alternate between odd and even M here."] if even else []
    probes = {M: int(by_m[M]["num_patterns"].sum()) for M in even}
    text = (f"- The curve zig-zags: at M = {', '.join(map(str, peaks))} the overlap is above that at the "
            "neighbouring odd M"
            + ("; at M = " + ", ".join(f"{M} it is not ({curve[M]:.3f} against {curve[M - 1]:.3f} at "
                                       f"M = {M - 1})" for M in flat) if flat else "")
            + ". For even M the majority has ties ("
            + ", ".join(f"{baselines[M]['ties']} pixels at M = {M}" for M in even)
            + "). Given to the probe's own digit instead of +1, they make a mixture closer to that digit "
              "(mean overlap with it "
            + ", ".join(f"{baselines[M]['majority_ties']:.3f} instead of {baselines[M]['majority']:.3f} "
                        f"at M = {M}" for M in even)
            + "), and probes end there: "
            + ", ".join(f"M = {M}: {in_ties[M]}/{probes[M]}" for M in even) + " probes")
    most = [M for M in peaks if in_ties[M] * 2 >= probes[M]]
    if most:
        text += (f". For M = {', '.join(map(str, most))} at least half of the probes end there, which "
                 "accounts for the higher overlap; the attractor column says where the others end.")
    else:
        text += "; fewer than half of the probes of each even M end there, so the ties do not explain it."
    return [text]


def read_trajectory(ctx) -> Section:
    res = ctx.results
    t0 = res.trajectories[0]
    a, b = t0.digits
    w = ["## State-space trajectory\n",
         f"A network storing only {a} and {b} recalls a {t0.noise:.0%}-noisy '{a}'; the path is drawn in "
         f"the plane of the overlaps with '{a}' and '{b}' (the two memories overlap by "
         f"{t0.pattern_overlap:.3f}).\n",
         "![Trajectory](state_space_trajectory.png)\n"]
    same = [t.label for t in res.trajectories[1:]
            if t.overlaps.shape == t0.overlaps.shape and np.array_equal(t.overlaps, t0.overlaps)]
    if same:
        w.append(f"The {' and '.join(same)} network follows the same path as the {t0.label} one here: "
                 "every network starts from the same probe and updates the neurons in the same order, "
                 "and with two memories every field is, up to the self-coupling, a combination of just two "
                 "overlaps ξ·s; negating the inhibitory columns replaces them by ξ·Ds (D = ±1 on the "
                 "diagonal) and, along this path, changed the outcome of no update.\n")
    w.append(_md_table(["network", "start (m_a, m_b)", "end (m_a, m_b)", "flips", "attractor"],
                       [[t.label, f"({t.overlaps[0, 0]:.3f}, {t.overlaps[0, 1]:.3f})",
                         f"({t.overlaps[-1, 0]:.3f}, {t.overlaps[-1, 1]:.3f})", t.result.flips,
                         t.attractor]
                        for t in res.trajectories]) + "\n")
    note = _unsettled_note(ctx, t0.mode, ctx.results.config.MAX_RECALL_STEPS, t0.noise,
                           [t.attractor for t in res.trajectories])
    if note:
        w.append(note + "\n")
    return Section("\n".join(w), {"attractors": {t.label: t.attractor for t in res.trajectories}})


def _unsettled_note(ctx, mode, steps, noise, attractors):
    """Why a recall of a fixed number of updates can be 'other': its never-visited noisy pixels."""
    if mode != "steps" or "other" not in attractors:
        return ""
    n = ctx.results.config.NUM_NEURONS
    left = never_updated_fraction(n, steps) * noise
    if 2 * left <= 1 - DEFAULT_TOL:
        return ""
    return (f"After {steps} updates from {noise:.0%} noise, a fraction {left:.3f} of the pixels are "
            f"expected to be noisy ones never visited; they cost on average {2 * left:.3f} of overlap with "
            f"whatever state the recall is heading to, more than the {1 - DEFAULT_TOL:.2f} the tolerance "
            "allows: *other* here means not settled, not necessarily a spurious attractor.")


def read_weights(ctx) -> Section:
    sym = {name: bool(np.array_equal(w, w.T)) for name, w in ctx.results.weights.items()}
    sym_names = [n for n, v in sym.items() if v]
    asym = [n for n, v in sym.items() if not v]
    w = ["## Weight matrices\n",
         "Hebbian W of the digits 0–4 (as in the notebook). Symmetric: "
         + (", ".join(sym_names) or "none") + "; asymmetric: " + (", ".join(asym) or "none")
         + ". Negated rows give horizontal stripes (the notebook's comment speaks of columns), "
         "negated columns vertical ones.\n",
         "![Weights](weight_matrices.png)\n"]
    return Section("\n".join(w), {"symmetric": sym})


def _demo_sentence(d):
    stored = ", ".join(map(str, d.train_digits))
    what = {"target": f"it is recalled: the final state is the {d.digit}",
            "mixture": f"it is **not** recalled: the final state is the mixture state {d.mixture_of} "
                       f"(overlap {d.m_mixture:.3f} with it)",
            }.get(d.attractor, f"it is **not** recalled: the final state is labelled '{d.attractor}'")
    return (f"- Digit {d.digit} with {d.noise:.0%} of its bits flipped, in a network storing {stored} "
            f"(mode `{d.mode}`): overlap {d.overlap_before:.3f} → {d.overlap_after:.3f}; {what}.")


def read_demo(ctx) -> Section:
    res = ctx.results
    demos = [d for d in (res.demo, getattr(res, "demo_failure", None)) if d is not None]
    w = ["## Recall demonstration\n"]
    w += [_demo_sentence(d) for d in demos]
    if len(demos) > 1 and np.array_equal(demos[0].noisy, demos[1].noisy):
        w.append("- Both rows start from the same noisy probe; only the stored set differs.")
    w.append("\n![Demo](recall_demo.png)\n")
    return Section("\n".join(w), {"demos": [(d.attractor, d.overlap_after) for d in demos]})


def read_animation(ctx, gif_names) -> Section:
    fr0 = ctx.results.frames[0]
    step = int(fr0.steps[1] - fr0.steps[0]) if len(fr0.steps) > 1 else 0
    w = ["## Animated recall\n",
         f"A {fr0.noise:.0%}-noisy {fr0.digit}, network storing {', '.join(map(str, fr0.train_digits))}, "
         f"{int(fr0.steps[-1])} single-neuron updates (mode `steps`); one frame every {step} updates.\n"]
    for fr, name in zip(ctx.results.frames, gif_names):
        mix = (f", overlap {fr.m_mixture:.3f} with the mixture {fr.mixture_of}"
               if np.isfinite(fr.m_mixture) else "")
        w.append(f"- {fr.label}: final overlap {fr.final_overlap:.3f} with the {fr.digit}{mix}; "
                 f"attractor: {fr.attractor}.\n\n  ![{fr.label}]({name})\n")
    note = _unsettled_note(ctx, "steps", int(fr0.steps[-1]), fr0.noise,
                           [fr.attractor for fr in ctx.results.frames])
    if note:
        w.append(note + "\n")
    return Section("\n".join(w), {"attractors": [fr.attractor for fr in ctx.results.frames]})


def sections(ctx, gif_names) -> list:
    """Every section of the report, in order."""
    return [read_setup(ctx), read_noise(ctx), read_phase_space(ctx), read_capacity(ctx),
            read_trajectory(ctx), read_weights(ctx), read_demo(ctx), read_animation(ctx, gif_names)]

