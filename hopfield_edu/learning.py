"""Learning rules: from patterns to a weight matrix.

The reference Hebb rule here is the one students write in assignment 1. Other
rules (pseudo-inverse, Storkey) share its interface: ``rule(patterns) -> W``.
"""
from __future__ import annotations

import numpy as np

from ._validation import as_spin_matrix
from ._graded import graded_reference

__all__ = ["train_hopfield"]


@graded_reference("train_hopfield")
def train_hopfield(patterns) -> np.ndarray:
    r"""Weight matrix from the Hebbian learning rule.

    .. math::

        w_{ij} = \frac{1}{N} \sum_{\mu=1}^{P} p_i^{(\mu)} p_j^{(\mu)}, \qquad w_{ii} = 0

    "Neurons that fire together wire together": every stored pattern adds its
    outer product. The diagonal is zeroed because a self-connection only
    pushes a neuron to keep its current value and so deepens spurious minima.

    Parameters
    ----------
    patterns : list of 1-D arrays or array of shape (P, N)
        The patterns to store, values ±1.

    Returns
    -------
    numpy.ndarray
        Symmetric float64 matrix of shape (N, N) with zero diagonal.

    Notes
    -----
    The research engine (:class:`hopfield_edu.HopfieldNetwork`) divides by the
    number of patterns P instead of N. Both are positive constants, so the
    sign of every local field, and hence the dynamics, is the same; only the
    energy scale differs by the factor N/P.
    """
    xi = as_spin_matrix(patterns, name="patterns").astype(np.float64)
    n = xi.shape[1]
    w = xi.T @ xi / n
    np.fill_diagonal(w, 0.0)
    return w
