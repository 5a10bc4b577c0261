"""The ``hopfield-edu`` command.

Sub-commands live in the module that owns them; each such module defines
``add_arguments(parser)`` and ``run(args) -> int``:

- ``demo``       this module: store the 5x5 letters, recall a noisy one
- ``reproduce``  :mod:`hopfield_edu.report`: the research notebook's experiments
- ``check``      :mod:`hopfield_edu.grading.selfcheck`: check a student's notebook
- ``grade``      :mod:`hopfield_edu.grading.batch`: grade a class (instructors)
"""
from __future__ import annotations

import argparse
import importlib
import sys

_SUBCOMMANDS = {
    # name: (module, one-line help)
    "reproduce": ("hopfield_edu.report", "re-run the MNIST research experiments and write a report"),
    "check": ("hopfield_edu.grading.selfcheck", "check the functions you wrote in an assignment notebook"),
    "grade": ("hopfield_edu.grading.batch",
              "grade a class's submissions (sandboxed, in parallel) into the nbgrader gradebook"),
}


def _demo_arguments(parser):
    parser.add_argument("--noise", type=float, default=0.2, help="fraction of flipped bits (default 0.2)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", default=None, help="PNG file for the energy plot (not written if omitted)")


def _demo_run(args) -> int:
    from pathlib import Path

    import numpy as np

    from . import HopfieldNetwork, add_noise, letter_patterns, overlap, to_grid

    rng = np.random.default_rng(args.seed)
    pats = letter_patterns()
    net = HopfieldNetwork(25, rng=rng).train(list(pats.values()), normalization="neurons")
    noisy = add_noise(pats["T"], args.noise, rng=rng)
    res = net.run(noisy, mode="stable", rng=rng)
    print(f"stored {', '.join(pats)}; probe: T with {int(args.noise * 25)} of 25 bits flipped")
    print(f"overlap before {overlap(noisy, pats['T']):+.2f}, after {overlap(res.state, pats['T']):+.2f} "
          f"({res.sweeps} sweeps, converged={res.converged})")
    for row_in, row_out in zip(to_grid(noisy), to_grid(res.state)):
        print("".join("#" if v > 0 else "." for v in row_in), "  ->  ",
              "".join("#" if v > 0 else "." for v in row_out))
    if args.out:
        out = Path(args.out)
        if out.exists():
            print(f"error: {out} exists; choose another file name", file=sys.stderr)
            return 2
        from matplotlib.figure import Figure

        fig = Figure(figsize=(5, 3))
        ax = fig.subplots()
        ax.step(np.arange(len(res.energy) + 1), np.r_[res.initial_energy, res.energy], where="post")
        ax.set_xlabel("single-neuron update")
        ax.set_ylabel("energy E")
        ax.set_title("Energy never rises in asynchronous recall")
        fig.tight_layout()
        fig.savefig(out, dpi=120)
        print(f"energy plot written to {out}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hopfield-edu",
        description="Hopfield networks as energy-based models: course tools.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"hopfield-edu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="store the 5x5 letters and recall a noisy T")
    _demo_arguments(demo)
    demo.set_defaults(_run=_demo_run)
    for name, (module_name, help_text) in _SUBCOMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        p = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 1
    return int(args._run(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
