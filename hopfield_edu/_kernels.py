"""Numba kernels behind :class:`hopfield_edu.engine.HopfieldNetwork`.

Private: every public entry point validates its inputs before calling these,
so a user never meets a Numba typing error.

Hebbian representation (no N x N matrix is touched)
---------------------------------------------------
With stored patterns xi (M x N, ±1), the Hebbian matrix is
``W = (xi^T xi - M I) / scale`` (zero diagonal). Keep the integer overlaps
``m_mu = sum_j xi_j^mu s_j``; then ``scale * (W s)_i = sum_mu xi_i^mu m_mu - M s_i``
(the ``- M s_i`` removes the self-coupling). One step costs O(M), a flip
updates the M overlaps in O(M), and everything is an exact integer, so the tie
rule ``h_i = 0 -> +1`` is applied exactly.

Inhibitory neurons I (sign d_i = -1 for i in I, +1 otherwise):

- ``rows``   : W' = D W   (the seed's code; negates the *inputs* of i in I)
  ``a_i = d_i (sum_mu xi_i^mu m_mu - M s_i)``
- ``columns``: W' = W D   (negates the *outputs* of i in I, Dale-like)
  ``a_i = sum_mu xi_i^mu (m_mu - 2 mt_mu) - M d_i s_i``  with
  ``mt_mu = sum_{j in I} xi_j^mu s_j``.

In both cases ``s^T W' s = s^T D W s`` and

    2 * scale * E = -( sum_mu (m_mu^2 - 2 m_mu mt_mu) - M sum_i d_i )

which is tracked exactly in integers.
"""
from __future__ import annotations

import numpy as np
from numba import njit


# --- input checks (used by hopfield_edu._validation, which imports this module lazily) ---
@njit(cache=True)
def all_pm1(arr):
    """True if every entry of ``arr`` is +1 or -1: one pass, no temporaries."""
    for v in arr.flat:
        if v != 1 and v != -1:
            return False
    return True


# --- random stream: SplitMix64 + Lemire (see hopfield_edu/_rng.py for the why) ---
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_MASK32 = np.uint64(0xFFFFFFFF)
_TWO32 = np.uint64(1 << 32)


@njit(cache=True, inline="always")
def splitmix_t(x):
    """One SplitMix64 step on a register value: returns (output, new state)."""
    x = x + _GOLDEN
    z = x
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31)), x


@njit(cache=True, inline="always")
def bounded_t(x, spare, has_spare, n):
    """Uniform integer in [0, n), 0 < n < 2**32, on a stream held in registers.

    Lemire's multiply-and-reject (exact). Each 64-bit output gives two 32-bit
    draws (high half first). Returns ``(value, x, spare, has_spare)``.
    """
    nn = np.uint64(n)
    while True:
        if has_spare:
            r = spare
            has_spare = False
        else:
            z, x = splitmix_t(x)
            spare = z & _MASK32
            has_spare = True
            r = z >> np.uint64(32)
        m = r * nn
        low = m & _MASK32
        if low >= nn or low >= (_TWO32 - nn) % nn:
            return np.int64(m >> np.uint64(32)), x, spare, has_spare


@njit(cache=True, inline="always")
def next_u64(state):
    z, state[0] = splitmix_t(state[0])
    return z


@njit(cache=True, inline="always")
def next_double(state):
    """Uniform float in [0, 1) with 53 random bits."""
    return np.float64(next_u64(state) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def bounded(state, n):
    """Uniform integer in [0, n) drawn from a state array ``[x, spare, has_spare]``."""
    v, x, spare, has = bounded_t(state[0], state[1], state[2] != 0, n)
    state[0] = x
    state[1] = spare
    state[2] = np.uint64(1) if has else np.uint64(0)
    return v


@njit(cache=True)
def shuffle(state, arr):
    """Fisher–Yates shuffle in place."""
    for i in range(arr.shape[0] - 1, 0, -1):
        j = bounded(state, i + 1)
        tmp = arr[i]
        arr[i] = arr[j]
        arr[j] = tmp


SCHEDULE_STEPS = 0  # exactly max_steps single-neuron updates, neuron drawn with replacement
SCHEDULE_SWEEPS = 1  # random-permutation sweeps; at T = 0 stop after a sweep with no flip

INH_NONE = 0
INH_ROWS = 1
INH_COLUMNS = 2


@njit(cache=True)
def _hebb_energy_numerator(m, mt, inh_mode):
    q = 0
    for mu in range(m.shape[0]):
        if inh_mode == INH_NONE:
            q += m[mu] * m[mu]
        else:
            q += m[mu] * m[mu] - 2 * m[mu] * mt[mu]
    return q


def hebb_run_buffers(n, m_pat, schedule, max_steps, max_sweeps, n_sequence, record_energy,
                     record_overlaps, record_every):
    """The work arrays of :func:`hebb_run` (in Python: allocating them inside the kernel
    made it compile a second slower), in its argument order from ``m`` to ``perm``."""
    if schedule == SCHEDULE_STEPS:
        cap = n_sequence if n_sequence > 0 else max_steps
    else:
        cap = max_sweeps * n
    n_snap = (cap // record_every + 1) if record_every > 0 else 0
    return (np.zeros(m_pat, dtype=np.int64), np.zeros(m_pat, dtype=np.int64),
            np.empty(cap if record_energy else 0, dtype=np.float64),
            np.empty((cap + 1 if record_overlaps else 0, m_pat), dtype=np.int64),
            np.empty((n_snap, n), dtype=np.int8), np.arange(n))


@njit(cache=True)
def hebb_run(xiT, d, inh_mode, scale, state, schedule, max_steps, max_sweeps,
             temperature, rng, sequence, record_energy, record_overlaps, record_every,
             m, mt, energies, overlaps, snapshots, perm):
    """Asynchronous (T = 0 or Glauber) dynamics with Hebbian weights.

    ``state`` (int8) is modified in place; ``rng`` is a SplitMix64 state
    (see :mod:`hopfield_edu._rng`). ``m`` to ``perm`` are the work arrays of
    :func:`hebb_run_buffers` (``m`` and ``mt`` zeros, ``perm`` = 0..N-1). Returns
    ``(steps, sweeps, converged, flips, energies, overlaps, snapshots, e0)``;
    ``overlaps`` and ``snapshots`` include the initial state as row 0.
    """
    n, m_pat = xiT.shape
    inh = inh_mode != INH_NONE
    for j in range(n):
        sj = np.int64(state[j])
        for mu in range(m_pat):
            m[mu] += xiT[j, mu] * sj
    if inh:
        for j in range(n):
            if d[j] < 0:
                sj = np.int64(state[j])
                for mu in range(m_pat):
                    mt[mu] += xiT[j, mu] * sj
    sum_d = 0
    for j in range(n):
        sum_d += d[j]
    const = m_pat * sum_d
    q = _hebb_energy_numerator(m, mt, inh_mode)
    inv2s = 1.0 / (2.0 * scale)
    e0 = -(q - const) * inv2s

    use_seq = sequence.shape[0] > 0
    if schedule == SCHEDULE_STEPS:
        cap = sequence.shape[0] if use_seq else max_steps
    else:
        cap = max_sweeps * n
    if record_overlaps:
        for mu in range(m_pat):
            overlaps[0, mu] = m[mu]
    if record_every > 0:
        for j in range(n):
            snapshots[0, j] = state[j]
    snap_i = 1
    glauber = temperature > 0
    beta2 = 2.0 / (scale * temperature) if glauber else 0.0
    flips_at_sweep_start = 0
    step = 0
    sweeps = 0
    flips = 0
    converged = False
    while True:
        if schedule == SCHEDULE_STEPS:
            if step >= cap:
                break
            i = sequence[step] if use_seq else bounded(rng, n)
        else:
            pos = step % n
            if pos == 0:
                if sweeps >= max_sweeps:
                    break
                shuffle(rng, perm)
                flips_at_sweep_start = flips
            i = perm[pos]
        old = np.int64(state[i])
        # integer local field a = scale * h_i (exact: ties are decided exactly)
        acc = 0
        if inh_mode == INH_COLUMNS:
            for mu in range(m_pat):
                acc += xiT[i, mu] * (m[mu] - 2 * mt[mu])
            a = acc - m_pat * d[i] * old
        else:
            for mu in range(m_pat):
                acc += xiT[i, mu] * m[mu]
            a = acc - m_pat * old
            if inh_mode == INH_ROWS:
                a = d[i] * a
        if glauber:
            # Glauber heat bath: P(s_i = +1) = 1 / (1 + exp(-2 h_i / T))
            p_up = 1.0 / (1.0 + np.exp(-beta2 * a))
            new = np.int64(1) if next_double(rng) < p_up else np.int64(-1)
        else:
            new = np.int64(1) if a >= 0 else np.int64(-1)
        if new != old:
            delta = new - old
            state[i] = new
            flips += 1
            if inh and d[i] < 0:
                for mu in range(m_pat):
                    x = xiT[i, mu] * delta
                    m[mu] += x
                    mt[mu] += x
                q = _hebb_energy_numerator(m, mt, inh_mode)
            else:
                q = 0
                for mu in range(m_pat):
                    m[mu] += xiT[i, mu] * delta
                    q += m[mu] * (m[mu] - 2 * mt[mu]) if inh else m[mu] * m[mu]
        if record_energy:
            energies[step] = -(q - const) * inv2s
        if record_overlaps:
            for mu in range(m_pat):
                overlaps[step + 1, mu] = m[mu]
        step += 1
        if record_every > 0 and step % record_every == 0:
            for j in range(n):
                snapshots[snap_i, j] = state[j]
            snap_i += 1
        if schedule == SCHEDULE_SWEEPS and step % n == 0:
            sweeps += 1
            if not glauber and flips == flips_at_sweep_start:
                converged = True
                break
    if schedule == SCHEDULE_STEPS:
        sweeps = step // n
    return step, sweeps, converged, flips, snap_i, e0


@njit(cache=True)
def hebb_steps_fast(xi, xiT, d, inh_mode, scale, init, max_steps, seed63, record_energy):
    """The hot path of the research workload: ``hebb_run`` specialised to T = 0 and
    ``max_steps`` random steps with nothing recorded but the energy (any inhibitory
    mode). Same arithmetic and random stream as ``hebb_run``; the tests check that
    both give identical results.

    ``init`` is the caller's array, any numeric dtype: it is checked (±1, length N)
    and copied here, which saves the Python-side validation on this hot path.
    Returns ``(ok, state, flips, energies, e0)``; ``ok`` is False when ``init`` holds
    a value other than ±1 (then nothing else is meaningful).
    """
    n, m_pat = xiT.shape
    state = np.empty(n, dtype=np.int64)
    for j in range(n):
        v = init[j]
        if v != 1 and v != -1:
            return False, state, 0, np.empty(0, dtype=np.float64), 0.0
        state[j] = 1 if v == 1 else -1
    inh = inh_mode != INH_NONE
    m = np.zeros(m_pat, dtype=np.int64)
    mt = np.zeros(m_pat, dtype=np.int64)
    for mu in range(m_pat):  # xi (M, N) row by row: contiguous, vectorised
        acc = 0
        for j in range(n):
            acc += np.int32(xi[mu, j]) * np.int32(state[j])
        m[mu] = acc
    sum_d = 0
    if inh:
        for j in range(n):
            sum_d += d[j]
            if d[j] < 0:
                sj = np.int64(state[j])
                for mu in range(m_pat):
                    mt[mu] += xiT[j, mu] * sj
    else:
        sum_d = n
    q = _hebb_energy_numerator(m, mt, inh_mode)
    const = m_pat * sum_d
    inv2s = 1.0 / (2.0 * scale)
    e0 = -(q - const) * inv2s
    energies = np.empty(max_steps if record_energy else 0, dtype=np.float64)
    flips = 0
    # the random stream lives in registers for the loop (an array would be reloaded)
    rx, rspare, rhas = np.uint64(seed63), np.uint64(0), False
    e_now = e0
    for step in range(max_steps):
        i, rx, rspare, rhas = bounded_t(rx, rspare, rhas, n)
        old = np.int64(state[i])
        acc = 0
        if inh_mode == INH_COLUMNS:
            for mu in range(m_pat):
                acc += xiT[i, mu] * (m[mu] - 2 * mt[mu])
            a = acc - m_pat * d[i] * old
        else:
            for mu in range(m_pat):
                acc += xiT[i, mu] * m[mu]
            a = acc - m_pat * old
            if inh_mode == INH_ROWS:
                a = d[i] * a
        new = np.int64(1) if a >= 0 else np.int64(-1)
        if new != old:
            delta = new - old
            state[i] = new
            flips += 1
            if inh and d[i] < 0:
                for mu in range(m_pat):
                    x = xiT[i, mu] * delta
                    m[mu] += x
                    mt[mu] += x
            else:
                for mu in range(m_pat):
                    m[mu] += xiT[i, mu] * delta
            q = _hebb_energy_numerator(m, mt, inh_mode)
            e_now = -(q - const) * inv2s
        if record_energy:
            energies[step] = e_now
    return True, state, flips, energies, e0


@njit(cache=True)
def dense_run(w, theta, symmetric, state, schedule, max_steps, max_sweeps,
              temperature, rng, sequence, record_energy, record_every):
    """Asynchronous dynamics for arbitrary dense weights and thresholds.

    Field ``h_i - theta_i``; energy ``E = -1/2 s^T W s + theta^T s`` (the sign that
    makes E a Lyapunov function of this update rule for symmetric W).

    Keeps ``h = W s`` (and ``g = W^T s`` for asymmetric W, for the energy) and
    updates them only on a flip: O(1) per step without a flip, O(N) with one.
    """
    n = w.shape[0]
    sf = state.astype(np.float64)
    # Plain loops, not ``w @ sf``: inside Numba that calls multithreaded BLAS, whose
    # thread start-up cost 10-45x the whole recall for N ~ 1000.
    h = np.zeros(n)
    g = np.zeros(n)
    for i in range(n):
        acc = 0.0
        for j in range(n):
            acc += w[i, j] * sf[j]
        h[i] = acc
    if not symmetric:
        for j in range(n):
            sj = sf[j]
            for i in range(n):
                g[i] += w[j, i] * sj
    energy = 0.0
    for i in range(n):
        energy += -0.5 * sf[i] * h[i] + theta[i] * sf[i]
    e0 = energy
    use_seq = sequence.shape[0] > 0
    if schedule == SCHEDULE_STEPS:
        cap = sequence.shape[0] if use_seq else max_steps
    else:
        cap = max_sweeps * n
    energies = np.empty(cap if record_energy else 0, dtype=np.float64)
    n_snap = (cap // record_every + 1) if record_every > 0 else 0
    snapshots = np.empty((n_snap, n), dtype=np.int8)
    if record_every > 0:
        for j in range(n):
            snapshots[0, j] = state[j]
    snap_i = 1
    perm = np.arange(n)
    flips_at_sweep_start = 0
    step = 0
    sweeps = 0
    flips = 0
    converged = False
    while True:
        if schedule == SCHEDULE_STEPS:
            if step >= cap:
                break
            i = sequence[step] if use_seq else bounded(rng, n)
        else:
            pos = step % n
            if pos == 0:
                if sweeps >= max_sweeps:
                    break
                shuffle(rng, perm)
                flips_at_sweep_start = flips
            i = perm[pos]
        field = h[i] - theta[i]
        if temperature > 0:
            p_up = 1.0 / (1.0 + np.exp(-2.0 * field / temperature))
            new = 1 if next_double(rng) < p_up else -1
        else:
            new = 1 if field >= 0 else -1
        if new != state[i]:
            delta = 2.0 * new
            col = h[i] if symmetric else g[i]  # (W^T s)_i; g is only kept for asymmetric W
            energy += -0.5 * (delta * h[i] + delta * col + delta * delta * w[i, i]) + theta[i] * delta
            state[i] = new
            flips += 1
            for k in range(n):
                h[k] += w[k, i] * delta
            if not symmetric:
                for k in range(n):
                    g[k] += w[i, k] * delta
        if record_energy:
            energies[step] = energy
        step += 1
        if record_every > 0 and step % record_every == 0:
            for j in range(n):
                snapshots[snap_i, j] = state[j]
            snap_i += 1
        if schedule == SCHEDULE_SWEEPS and step % n == 0:
            sweeps += 1
            if temperature == 0 and flips == flips_at_sweep_start:
                converged = True
                break
    if schedule == SCHEDULE_STEPS:
        sweeps = step // n
    return (step, sweeps, converged, flips, energies[:step] if record_energy else energies,
            snapshots[:snap_i], e0)


# --------------------------------------------------------------------------------------
# Dense associative memory (Krotov & Hopfield 2016; Demircigil et al. 2017)
#
# Energy E = -sum_mu F(m_mu) with integer overlaps m_mu = sum_j xi_j^mu s_j. For neuron i
# with the rest r_mu = m_mu - xi_i^mu s_i, the move that lowers E most is
#     s_i <- sign( sum_mu xi_i^mu G(r_mu) ),   G(r) = F(r + 1) - F(r - 1)
# (ties -> +1). r is an integer in [-(N-1), N-1], so G is a table: one lookup per pattern,
# O(M) per update, and a flip updates the M overlaps in O(M) - as hebb_run does.
DENSE_INT = 0    # G in exact int64 (sums cannot overflow): ties decided exactly
DENSE_FLOAT = 1  # G in float64 (large n): ties within a rounding bound count as ties
DENSE_EXP = 2    # F = exp: G(r) is proportional to exp(r - r_max); table of exp(-k)


@njit(cache=True)
def _dense_energy_now(m, n, kind, ftab, etab):
    """E = -sum F(m_mu) (kinds INT/FLOAT) or the log-energy -lse(m) (kind EXP)."""
    if kind == DENSE_EXP:
        mmax = m[0]
        for mu in range(1, m.shape[0]):
            if m[mu] > mmax:
                mmax = m[mu]
        acc = 0.0
        for mu in range(m.shape[0]):
            acc += etab[mmax - m[mu]]
        return -(mmax + np.log(acc))
    acc = 0.0
    for mu in range(m.shape[0]):
        acc += ftab[m[mu] + n]
    return -acc


@njit(cache=True)
def dense_am_run(xiT, kind, gtab_i, gtab_f, ftab, etab, state, max_sweeps, rng,
                 record_energy, record_overlaps):
    """Asynchronous T = 0 sweeps (fresh random permutation each) of a dense associative
    memory until a sweep flips nothing or ``max_sweeps`` sweeps are done.

    ``gtab_i`` / ``gtab_f``: G(r) at index r + N (kind INT / FLOAT); ``ftab``: F(m) at
    index m + N (energy); ``etab``: exp(-k), k = 0..2N (kind EXP). ``state`` (int8) is
    changed in place. Returns ``(steps, sweeps, converged, flips, energies, overlaps, e0)``.
    """
    n, m_pat = xiT.shape
    m = np.zeros(m_pat, dtype=np.int64)
    for j in range(n):
        sj = np.int64(state[j])
        for mu in range(m_pat):
            m[mu] += xiT[j, mu] * sj
    e0 = _dense_energy_now(m, n, kind, ftab, etab)
    cap = max_sweeps * n
    energies = np.empty(cap if record_energy else 0, dtype=np.float64)
    overlaps = np.empty((cap + 1 if record_overlaps else 0, m_pat), dtype=np.int64)
    if record_overlaps:
        for mu in range(m_pat):
            overlaps[0, mu] = m[mu]
    # rounding bound for the float kinds: a |sum| this small relative to sum |terms| is a tie
    tie_tol = 4.0 * (m_pat + 1) * 2.220446049250313e-16
    e_now = e0
    perm = np.arange(n)
    step = 0
    sweeps = 0
    flips = 0
    flips_at_sweep_start = 0
    converged = False
    while sweeps < max_sweeps:
        shuffle(rng, perm)
        flips_at_sweep_start = flips
        for pos in range(n):
            i = perm[pos]
            old = np.int64(state[i])
            if kind == DENSE_INT:
                acc_i = 0
                for mu in range(m_pat):
                    x = np.int64(xiT[i, mu])
                    acc_i += x * gtab_i[m[mu] - x * old + n]
                up = acc_i >= 0
            elif kind == DENSE_FLOAT:
                acc = 0.0
                mag = 0.0
                for mu in range(m_pat):
                    x = np.int64(xiT[i, mu])
                    g = gtab_f[m[mu] - x * old + n]
                    acc += x * g
                    mag += abs(g)
                up = acc >= -tie_tol * mag
            else:
                rmax = m[0] - np.int64(xiT[i, 0]) * old
                for mu in range(1, m_pat):
                    r = m[mu] - np.int64(xiT[i, mu]) * old
                    if r > rmax:
                        rmax = r
                acc = 0.0
                mag = 0.0
                for mu in range(m_pat):
                    x = np.int64(xiT[i, mu])
                    g = etab[rmax - (m[mu] - x * old)]
                    acc += x * g
                    mag += g
                up = acc >= -tie_tol * mag
            new = np.int64(1) if up else np.int64(-1)
            if new != old:
                delta = new - old
                state[i] = new
                flips += 1
                for mu in range(m_pat):
                    m[mu] += xiT[i, mu] * delta
                if record_energy:
                    e_now = _dense_energy_now(m, n, kind, ftab, etab)
            if record_energy:
                energies[step] = e_now
            if record_overlaps:
                overlaps[step + 1, :] = m
            step += 1
        sweeps += 1
        if flips == flips_at_sweep_start:
            converged = True
            break
    return (step, sweeps, converged, flips, energies[:step] if record_energy else energies,
            overlaps[:step + 1] if record_overlaps else overlaps, e0)
