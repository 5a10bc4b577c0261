r"""Learning rules beyond Hebb: pseudo-inverse (projection) and Storkey.

Both have the interface of :func:`hopfield_edu.train_hopfield`: ``rule(patterns) -> W``,
an (N, N) float64 symmetric matrix, usable with the reference functions of
:mod:`hopfield_edu.dynamics` or with the engine through
:meth:`HopfieldNetwork.set_weights <hopfield_edu.engine.HopfieldNetwork.set_weights>`::

    W = pseudo_inverse(patterns)
    net = HopfieldNetwork(N).set_weights(W)
    result = net.run(noisy, mode="stable")

Zero diagonal
-------------
Like ``train_hopfield``, both rules return :math:`w_{ii} = 0` by default
(``zero_diagonal=True``). A self-coupling :math:`w_{ii} > 0` adds :math:`w_{ii} s_i` to the
field of neuron i, i.e. it rewards *keeping* the current value, so every state near a
memory becomes a little stickier and spurious fixed points multiply; with zero diagonal
the asynchronous dynamics still decrease the energy monotonically (W symmetric,
:math:`w_{ii} \ge 0`). For the pseudo-inverse rule the zero-diagonal version is the one
of Kanter & Sompolinsky (1987): every stored pattern stays a fixed point (its field is
:math:`(1 - P_{ii})\xi_i`, aligned with :math:`\xi_i` because :math:`0 \le P_{ii} < 1`) and
the basins of attraction become larger. ``zero_diagonal=False`` gives the textbook
projector, whose fields are exactly :math:`h = \xi`.

References
----------
- L. Personnaz, I. Guyon, G. Dreyfus, "Information storage and retrieval in spin-glass
  like neural networks", J. Physique Lett. 46, L359 (1985).
- I. Kanter, H. Sompolinsky, "Associative recall of memory without errors",
  Phys. Rev. A 35, 380 (1987).
- A. J. Storkey, "Increasing the capacity of a Hopfield network without sacrificing
  functionality", ICANN'97, LNCS 1327, 451-456 (1997).
- A. J. Storkey, R. Valabregue, "The basins of attraction of a new Hopfield learning
  rule", Neural Networks 12, 869-876 (1999).
"""
from __future__ import annotations

import numpy as np

from ._validation import as_spin_matrix, as_theta, as_weights
from ._graded import graded_reference

__all__ = ["pseudo_inverse", "storkey", "unstable_bits", "RULES"]


def pseudo_inverse(patterns, *, zero_diagonal=True) -> np.ndarray:
    r"""Weights of the pseudo-inverse (projection) rule.

    .. math::

        W = \Xi^\top (\Xi\,\Xi^\top)^{+}\, \Xi = \Xi^{+}\Xi,
        \qquad \Xi \in \{\pm1\}^{M\times N} \text{ (one pattern per row)},

    the orthogonal projector onto the span of the patterns, so :math:`W\xi^\mu = \xi^\mu`
    for every stored pattern however correlated the patterns are (Hebb's
    :math:`\frac1N\Xi^\top\Xi` is the special case of orthogonal patterns, where
    :math:`\Xi\Xi^\top = N I`). The Moore-Penrose inverse handles linearly dependent
    (e.g. repeated) patterns. Capacity: up to M = N linearly independent patterns are
    fixed points, compared with 0.138 N (with errors) for Hebb.

    Parameters
    ----------
    patterns : list of 1-D arrays or array of shape (M, N), values ±1
    zero_diagonal : bool, default True
        Set :math:`w_{ii} = 0` (Kanter & Sompolinsky 1987; see the module notes).

    Returns
    -------
    numpy.ndarray
        Symmetric float64 (N, N) matrix.
    """
    xi = as_spin_matrix(patterns, name="patterns").astype(np.float64)
    # pinv via SVD of the (M, N) matrix: cheap for M << N, stable for dependent patterns.
    w = np.linalg.pinv(xi) @ xi
    w = 0.5 * (w + w.T)  # exact symmetry (rounding makes it differ by ~1e-16)
    if zero_diagonal:
        np.fill_diagonal(w, 0.0)
    return w


def storkey(patterns, *, zero_diagonal=True) -> np.ndarray:
    r"""Weights of Storkey's incremental learning rule (Storkey 1997).

    Starting from :math:`W^0 = 0`, pattern :math:`\nu` is added with

    .. math::

        w^{\nu}_{ij} = w^{\nu-1}_{ij} + \frac1N\left(\xi^\nu_i\xi^\nu_j
            - \xi^\nu_i h^\nu_{ji} - h^\nu_{ij}\xi^\nu_j\right),
        \qquad h^\nu_{ij} = \sum_{k \ne i, j} w^{\nu-1}_{ik}\xi^\nu_k .

    The first term is Hebb's; the other two subtract the part of the new pattern that
    the existing weights already predict (the local field), which reduces crosstalk:
    the capacity of random patterns grows to about :math:`N/\sqrt{2\ln N}`, and the rule
    stays local and incremental. The result depends on the order of the patterns.

    Parameters
    ----------
    patterns : list of 1-D arrays or array of shape (M, N), values ±1
    zero_diagonal : bool, default True
        Return :math:`w_{ii} = 0`. Because :math:`h_{ij}` excludes k = i, the diagonal
        never influences the off-diagonal weights, so zeroing it at the end is the same
        as holding it at zero throughout.

    Returns
    -------
    numpy.ndarray
        Symmetric float64 (N, N) matrix. With one pattern it equals Hebb's
        :math:`\frac1N\xi\xi^\top`.
    """
    xi = as_spin_matrix(patterns, name="patterns").astype(np.float64)
    n = xi.shape[1]
    w = np.zeros((n, n))
    for x in xi:
        d = np.diag(w)
        h = w @ x                                        # h_i = sum_k w_ik x_k
        # H[i, j] = h_ij = h_i - w_ii x_i - w_ij x_j   (the sum without k = i, j)
        H = (h - d * x)[:, None] - w * x[None, :]
        H[np.diag_indices(n)] += d * x                  # for j = i only k = i is left out
        w += (np.outer(x, x) - x[:, None] * H.T - H * x[None, :]) / n
    w = 0.5 * (w + w.T)
    if zero_diagonal:
        np.fill_diagonal(w, 0.0)
    return w


@graded_reference("count_unstable_bits")
def unstable_bits(weights, patterns, theta=None) -> np.ndarray:
    r"""Which bits of each pattern the T = 0 update rule would flip.

    Bit i of pattern :math:`\xi` is unstable when the sign rule
    :math:`s_i \leftarrow +1` if :math:`h_i = \sum_j w_{ij}\xi_j - \theta_i \ge 0` else -1
    (the engine's tie rule) disagrees with :math:`\xi_i`. A pattern is a fixed point of
    the asynchronous dynamics exactly when none of its bits is unstable.

    Parameters
    ----------
    weights : (N, N) array
    patterns : (M, N) array or list of ±1 vectors
    theta : None, float or (N,) array

    Returns
    -------
    ndarray of bool, shape (M, N)
    """
    xi = as_spin_matrix(patterns, name="patterns")
    w = as_weights(weights, n=xi.shape[1])
    th = as_theta(theta, xi.shape[1])
    h = xi.astype(np.float64) @ w.T - th
    return np.where(h >= 0, 1, -1) != xi


#: Name -> learning rule, for comparisons (all take ``patterns`` and return (N, N) weights).
RULES = {"pseudo_inverse": pseudo_inverse, "storkey": storkey}
