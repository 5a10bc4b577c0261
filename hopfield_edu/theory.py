r"""Closed-form and self-consistent numbers of Hopfield-network theory.

Everything here is a number the literature predicts, computed with NumPy and the
standard library only (SciPy is a test dependency, used there as an independent
check). The simulations that are compared with these numbers live in
:mod:`hopfield_edu.physics`.

Conventions: ±1 neurons, Hebbian weights :math:`w_{ij} = \frac1N\sum_\mu \xi^\mu_i\xi^\mu_j`
with :math:`w_{ii}=0`, energy :math:`E = -\frac12 \sum_{ij} w_{ij}s_is_j`, Glauber dynamics
:math:`P(s_i=+1) = 1/(1+e^{-2h_i/T})`, load :math:`\alpha = M/N`.

References
----------
.. [AGS85] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Spin-glass models of neural
   networks", Phys. Rev. A 32, 1007 (1985).
.. [AGS87] D. J. Amit, H. Gutfreund, H. Sompolinsky, "Statistical mechanics of neural
   networks near saturation", Ann. Phys. 173, 30-67 (1987).
.. [McE87] R. J. McEliece, E. C. Posner, E. R. Rodemich, S. S. Venkatesh, "The capacity
   of the Hopfield associative memory", IEEE Trans. Inf. Theory 33, 461-482 (1987).
.. [HKP91] J. Hertz, A. Krogh, R. G. Palmer, *Introduction to the Theory of Neural
   Computation*, Addison-Wesley (1991), chapter 2.
.. [EN78] R. S. Ellis, C. M. Newman, "Limit theorems for sums of dependent random
   variables occurring in statistical mechanics", Z. Wahrsch. verw. Gebiete 44,
   117-139 (1978).
"""
from __future__ import annotations

import math
import numbers

import numpy as np
from ._graded import graded_reference

__all__ = [
    "CRITICAL_TEMPERATURE",
    "mean_field_overlap",
    "paramagnetic_abs_overlap",
    "ags_retrieval_overlap",
    "ags_critical_load",
    "ags_error_fraction",
    "crosstalk_error_probability",
    "mceliece_capacity",
]

#: T_c of the one-pattern (Mattis / Curie-Weiss) network in units where w = xi xi^T / N.
CRITICAL_TEMPERATURE = 1.0

_SQRT_PI = math.sqrt(math.pi)


def _real(x, name, low=None, low_inclusive=True):
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    if low is not None and (x < low or (x == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {x}")
    return x


def _bisect(f, lo, hi, tol=1e-15, max_iter=200):
    """Root of f in [lo, hi] (f(lo), f(hi) of opposite sign) by bisection."""
    flo = f(lo)
    if flo == 0:
        return lo
    for _ in range(max_iter):
        mid = 0.5 * (lo + hi)
        fm = f(mid)
        if fm == 0 or hi - lo < tol:
            return mid
        if (fm < 0) == (flo < 0):
            lo, flo = mid, fm
        else:
            hi = mid
    return 0.5 * (lo + hi)


def _vectorize(func, x):
    """Apply a scalar function to a number (-> float) or to an array (-> ndarray)."""
    if isinstance(x, numbers.Real):
        return func(x)
    arr = np.asarray(x)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise TypeError(f"expected a real number or an array of real numbers, got {x!r}")
    return np.vectorize(func, otypes=[float])(arr.astype(float))


# ----------------------------------------------------------------- finite temperature
def _mean_field_scalar(t):
    t = _real(t, "temperature", low=0.0)
    if t == 0.0:
        return 1.0
    if t >= CRITICAL_TEMPERATURE:
        return 0.0
    # f(m) = m - tanh(m/T): negative just above 0 (slope 1 - 1/T < 0), positive at m = 1.
    return _bisect(lambda m: m - math.tanh(m / t), 1e-300, 1.0)


@graded_reference("mean_field_m")
def mean_field_overlap(temperature):
    r"""Mean-field overlap m(T) of a network storing one pattern.

    With one stored pattern the Hopfield network is the Mattis model, a gauge-transformed
    Curie-Weiss ferromagnet, and mean-field theory is exact for N -> infinity [AGS85]_,
    [HKP91]_ (chapter 2):

    .. math:: m = \tanh\!\left(\frac{m}{T}\right).

    For :math:`T \ge T_c = 1` the only solution is m = 0 (paramagnet); below T_c the
    stable solution is the positive root returned here (m(0) = 1).

    Parameters
    ----------
    temperature : float or array_like of float, T >= 0

    Returns
    -------
    float or ndarray
        The largest non-negative solution m(T), solved by bisection to ~1e-15.
    """
    return _vectorize(_mean_field_scalar, temperature)


def paramagnetic_abs_overlap(temperature, num_neurons):
    r"""Expected :math:`\langle |m| \rangle` of a finite network above :math:`T_c` (one pattern).

    Above T_c the overlap of the Curie-Weiss/Mattis model is Gaussian with mean 0 and
    variance :math:`\chi/N`, :math:`\chi = 1/(1 - 1/T)` the susceptibility [EN78]_, so

    .. math:: \langle |m| \rangle = \sqrt{\frac{2}{\pi}}\sqrt{\frac{T}{(T-1)N}}.

    This is the finite-size size of "m is approximately 0": it shrinks like
    :math:`1/\sqrt N` and diverges as T -> 1+ (critical slowing down of the fluctuations).

    Parameters
    ----------
    temperature : float, T > 1
    num_neurons : int, N >= 1
    """
    t = _real(temperature, "temperature", low=CRITICAL_TEMPERATURE, low_inclusive=False)
    n = _real(num_neurons, "num_neurons", low=1.0)
    return math.sqrt(2.0 / math.pi) * math.sqrt(t / ((t - 1.0) * n))


# ----------------------------------------------------------------- AGS, T = 0
def _ags_f(y):
    r""":math:`F(y) = \mathrm{erf}(y)/y - \frac{2}{\sqrt\pi} e^{-y^2}`, so that :math:`\sqrt{2\alpha} = F(y)`."""
    return math.erf(y) / y - 2.0 / _SQRT_PI * math.exp(-y * y)


def _ags_f_prime(y):
    e = math.exp(-y * y)
    return 2.0 / _SQRT_PI * e / y - math.erf(y) / (y * y) + 4.0 * y / _SQRT_PI * e


_AGS_CACHE: dict = {}


def _ags_peak():
    """(y*, alpha_c): the maximum of F, where the retrieval solution disappears."""
    if "peak" not in _AGS_CACHE:
        # F'(y) > 0 for small y, < 0 for large y; F has a single maximum near y = 1.5.
        y_star = _bisect(_ags_f_prime, 0.5, 5.0)
        _AGS_CACHE["peak"] = (y_star, 0.5 * _ags_f(y_star) ** 2)
    return _AGS_CACHE["peak"]


def ags_critical_load() -> float:
    r"""Storage capacity :math:`\alpha_c \approx 0.138` of the Hebbian network at T = 0.

    Largest load :math:`\alpha = M/N` at which the replica-symmetric retrieval solution
    of Amit, Gutfreund and Sompolinsky exists [AGS87]_ (their value 0.138; solved
    here to full precision, 0.137906...). See :func:`ags_retrieval_overlap` for the
    equations. At :math:`\alpha_c` the retrieval overlap jumps from about 0.967 to 0.
    """
    return _ags_peak()[1]


def _ags_m_scalar(alpha):
    alpha = _real(alpha, "alpha", low=0.0)
    if alpha == 0.0:
        return 1.0
    y_star, a_c = _ags_peak()
    if alpha > a_c:
        return 0.0
    target = math.sqrt(2.0 * alpha)
    # Retrieval branch: y >= y*, where F decreases from F(y*) to 0 (F ~ 1/y for large y).
    hi = max(2.0 * y_star, 2.0 / target)
    while _ags_f(hi) > target:
        hi *= 2.0
    y = _bisect(lambda v: _ags_f(v) - target, y_star, hi)
    return math.erf(y)


def ags_retrieval_overlap(alpha):
    r"""Replica-symmetric retrieval overlap m(alpha) at T = 0 [AGS87]_.

    The T -> 0 limit of the AGS saddle-point equations, with
    :math:`C = \beta(1-q)` and :math:`r` the spin-glass order parameter, is

    .. math::

        m = \operatorname{erf}(y), \qquad y = \frac{m}{\sqrt{2\alpha r}}, \qquad
        C = \sqrt{\frac{2}{\pi\alpha r}}\, e^{-y^2}, \qquad r = \frac{1}{(1-C)^2}.

    Eliminating m, C and r leaves one equation for y ([HKP91]_, chapter 2):

    .. math:: \sqrt{2\alpha} = F(y) = \frac{\operatorname{erf}(y)}{y} - \frac{2}{\sqrt\pi}e^{-y^2}.

    F has a single maximum at :math:`y^* \approx 1.51`; :math:`\alpha_c = F(y^*)^2/2 \approx 0.138`.
    For :math:`\alpha < \alpha_c` the retrieval state is the solution with :math:`y > y^*`
    (the other root is the unstable branch), found by bisection.

    Parameters
    ----------
    alpha : float or array_like, alpha >= 0

    Returns
    -------
    float or ndarray
        m(alpha); 1 at alpha = 0, about 0.9932 at 0.12, about 0.967 at alpha_c, and 0
        for alpha > alpha_c (no retrieval state exists; only spin-glass states with
        vanishing overlap remain).
    """
    return _vectorize(_ags_m_scalar, alpha)


def ags_error_fraction(alpha):
    r"""Fraction of wrong bits in the retrieval state, :math:`(1 - m(\alpha))/2` [AGS87]_.

    About 1.6 % just below :math:`\alpha_c`, and 0.34 % at alpha = 0.12.
    """
    return (1.0 - ags_retrieval_overlap(alpha)) / 2.0


def _crosstalk_scalar(alpha):
    alpha = _real(alpha, "alpha", low=0.0)
    if alpha == 0.0:
        return 0.0
    return 0.5 * math.erfc(1.0 / math.sqrt(2.0 * alpha))


def crosstalk_error_probability(alpha):
    r"""Probability that one bit of a stored pattern is unstable on the first update.

    The crosstalk of the other M - 1 patterns is approximately Gaussian with variance
    :math:`\alpha`, so a bit flips when it exceeds the signal 1 ([HKP91]_, chapter 2):

    .. math:: P_\text{error} = \tfrac12 \operatorname{erfc}\!\left(\frac{1}{\sqrt{2\alpha}}\right).

    This is the one-step estimate; the avalanche of further flips that it triggers is
    what the AGS theory (:func:`ags_retrieval_overlap`) accounts for.
    """
    return _vectorize(_crosstalk_scalar, alpha)


def mceliece_capacity(num_neurons, *, all_patterns=False) -> float:
    r"""Patterns storable with *no* errors, after McEliece et al. [McE87]_.

    .. math::

        M_\text{max} = \frac{N}{2\ln N} \quad\text{(each given pattern a fixed point w.h.p.)},
        \qquad
        M_\text{max} = \frac{N}{4\ln N} \quad\text{(all patterns fixed points at once)}.

    These asymptotic bounds demand perfect recall, which is why they vanish as
    :math:`1/\ln N` compared with the AGS load 0.138 N that tolerates ~1.6 % errors.

    Parameters
    ----------
    num_neurons : int, N >= 2
    all_patterns : bool, default False
        False: N / (2 ln N); True: N / (4 ln N).
    """
    n = _real(num_neurons, "num_neurons", low=2.0)
    return n / ((4.0 if all_patterns else 2.0) * math.log(n))
