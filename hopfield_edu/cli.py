"""The ``hopfield-edu`` command.

Sub-commands live in the module that owns them; each such module defines
``add_arguments(parser)`` and ``run(args) -> int``:

- ``demo``       this module: store the 5x5 letters, recall a noisy one
- ``reproduce``  :mod:`hopfield_edu.report`: the research notebook's experiments
- ``check``      :mod:`hopfield_edu.grading.selfcheck`: check a student's notebook
- ``grade``      :mod:`hopfield_edu.grading.batch`: grade a class (instructors)

A sub-command's module is imported only when that sub-command runs, so that
``hopfield-edu --help`` costs no NumPy, pandas or Numba. Bad arguments give one line
on stderr and exit status 2 (:mod:`hopfield_edu._cli_args`).
"""
from __future__ import annotations

import importlib
import importlib.util
import sys

from ._cli_args import OneLineParser, fail, fraction, new_file, nonneg_int

_SUBCOMMANDS = {
    # name: (module, one-line help)
    "reproduce": ("hopfield_edu.report", "re-run the MNIST research experiments and write a report"),
    "check": ("hopfield_edu.grading.selfcheck", "check the functions you wrote in an assignment notebook"),
    "grade": ("hopfield_edu.grading.batch",
              "grade a class's submissions (sandboxed, in parallel) into the nbgrader gradebook"),
}


def _demo_arguments(parser):
    parser.add_argument("--noise", type=fraction, default=0.2, help="fraction of flipped bits in [0, 1] (default 0.2)")
    parser.add_argument("--seed", type=nonneg_int, default=0, help="random seed, an integer >= 0 (default 0)")
    parser.add_argument("--out", default=None,
                        help="new PNG file for the energy plot in an existing folder (not written if omitted)")


def _demo_run(args) -> int:
    if args.out:
        try:  # before any work: a bad path must not cost a run
            new_file(args.out, (".png",))
        except OSError as exc:
            return fail(f"argument --out: {exc}", "hopfield-edu demo")
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
        out = new_file(args.out, (".png",))  # again: it must still not exist
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


def _command_of(argv):
    """The sub-command named in ``argv`` (its first word that is not an option), or None."""
    for word in argv:
        if word == "--":
            return None
        if not word.startswith("-"):
            return word
    return None


def build_parser(command="*") -> OneLineParser:
    """The ``hopfield-edu`` parser; only ``command``'s module is imported (``"*"``: all of them).

    The other sub-commands are listed with their one-line help without importing
    their modules; a module that does not exist (an optional part) is left out.
    """
    parser = OneLineParser(
        prog="hopfield-edu",
        description="Hopfield networks as energy-based models: course tools.",
    )
    from ._version import __version__

    parser.add_argument("--version", action="version", version=f"hopfield-edu {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="store the 5x5 letters and recall a noisy T",
                          description="store the 5x5 letters and recall a noisy T")
    _demo_arguments(demo)
    demo.set_defaults(_run=_demo_run)
    for name, (module_name, help_text) in _SUBCOMMANDS.items():
        if importlib.util.find_spec(module_name) is None:
            continue
        p = sub.add_parser(name, help=help_text, description=help_text)
        if command in ("*", name):
            module = importlib.import_module(module_name)
            module.add_arguments(p)
            p.set_defaults(_run=module.run)
    return parser


# Commands after which the process may end at once: they leave no threads or children
# behind and have closed every file they wrote.
_EXIT_AT_ONCE = {"reproduce"}
_last_command = None


def main(argv=None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    global _last_command
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        # no command: the help is what was asked for (exit 0)
        parser.print_help()
        return 0
    code = int(args._run(args) or 0)
    _last_command = args.command
    return code


def entry():
    """The ``hopfield-edu`` program: :func:`main`, then the process ends.

    After ``reproduce`` it ends without the interpreter's teardown of every module and
    object (numba/llvmlite, pandas, matplotlib), which takes 0.3-0.5 s and writes
    nothing: the ``atexit`` handlers run and the standard streams are flushed, then
    :func:`os._exit`. Other commands exit as usual.
    """
    code = main()
    if _last_command in _EXIT_AT_ONCE:
        import atexit
        import os

        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (``| head``) or a closed stream
                pass
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    entry()
