"""hopfield-edu: Hopfield networks as energy-based models, for teaching.

Where things live
-----------------
- :mod:`~hopfield_edu.patterns`     the 5x5 letters, random patterns, grid helpers
- :mod:`~hopfield_edu.learning`     the Hebb rule; :mod:`~hopfield_edu.rules` pseudo-inverse and Storkey
- :mod:`~hopfield_edu.dynamics`     reference energy, updates, noise and overlap
- :mod:`~hopfield_edu.engine`       the fast Numba :class:`HopfieldNetwork`
- :mod:`~hopfield_edu.analysis`     sample entropy
- :mod:`~hopfield_edu.data`         bundled MNIST prototypes
- :mod:`~hopfield_edu.experiments`  the research notebook's experiments
- :mod:`~hopfield_edu.plotting`, :mod:`~hopfield_edu.animation`, :mod:`~hopfield_edu.widgets`
- :mod:`~hopfield_edu.checks`       the graders' checks of student functions, shared by
  :mod:`~hopfield_edu.selfcheck` (``hopfield-edu check``), :mod:`~hopfield_edu.pytest_plugin`
  (``pytest --notebook``) and the nbgrader test cells; :mod:`~hopfield_edu.course` builds the release
- :mod:`~hopfield_edu.physics`, :mod:`~hopfield_edu.theory`  temperature and capacity
- :mod:`~hopfield_edu.report`       ``hopfield-edu reproduce``
- :mod:`~hopfield_edu.cli`          the ``hopfield-edu`` command
"""
from . import data, physics, rules, theory
from .analysis import sample_entropy
from .data import load_mnist, mnist_examples, mnist_prototypes
from .dynamics import (
    add_noise,
    compute_energy,
    local_field,
    overlap,
    update_state,
    update_synchronous,
)
from .engine import BatchResult, HopfieldNetwork, RecallResult
from .experiments import CONFIG, ExperimentConfig, run_all, run_capacity, run_noise_robustness
from .learning import train_hopfield
from .physics import (
    capacity_curve,
    glauber_probability,
    mixture_stability,
    overlap_vs_temperature,
    symmetric_mixture,
)
from .rules import pseudo_inverse, storkey
from .theory import ags_critical_load, ags_retrieval_overlap, mean_field_overlap
from .patterns import (
    PATTERN_NAMES,
    checkerboard,
    from_grid,
    letter_patterns,
    pattern_L,
    pattern_plus,
    pattern_T,
    random_patterns,
    to_grid,
)

__version__ = "0.1.0"

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
