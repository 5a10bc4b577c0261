"""Straightforward implementations of the research notebook's algorithms, for benchmarks.

These follow seed 000 line by line in spirit: an O(N)-per-step Numba recall loop
over a dense float weight matrix (with the seed's incremental energy, including its
column sum), and the numpy-broadcasting sample entropy. The neuron sequence is an
argument so that the same sequence can drive our engine; the seed drew it inside the
loop with ``np.random.randint``.
"""
import numpy as np
from numba import njit


@njit(cache=True)
def seed_recall_loop(current_state, weights, sequence, record_energy):
    n = len(current_state)
    max_steps = sequence.shape[0]
    energy_history = np.zeros(max_steps)
    initial_field = weights @ current_state
    current_energy = -0.5 * np.dot(current_state, initial_field)
    for step in range(max_steps):
        idx = sequence[step]
        local_field = 0.0
        for j in range(n):
            local_field += weights[idx, j] * current_state[j]
        old_spin = current_state[idx]
        new_spin = 1.0 if local_field >= 0 else -1.0
        if new_spin != old_spin:
            current_state[idx] = new_spin
            if record_energy:
                col_sum = 0.0
                for k in range(n):
                    col_sum += weights[k, idx] * current_state[k]
                delta_s = new_spin - old_spin
                current_energy -= 0.5 * delta_s * (local_field + col_sum)
        if record_energy:
            energy_history[step] = current_energy
    return current_state, energy_history


def seed_weights(patterns, inhibitory_neurons=()):
    """Seed 000's HopfieldNetwork.train: sum of outer products / M, zero diagonal, rows negated."""
    w = np.sum([np.outer(p, p) for p in patterns], axis=0).astype(np.float64)
    w /= len(patterns)
    np.fill_diagonal(w, 0)
    if len(inhibitory_neurons) > 0:
        w[np.asarray(inhibitory_neurons), :] *= -1
    return w


def seed_sampen(time_series, m=2, r_fraction=0.2):
    """Seed 000's calculate_sampen (numpy broadcasting, O(n^2) memory)."""
    n = len(time_series)
    if n < m + 1:
        return 0
    std_dev = np.std(time_series)
    if std_dev == 0:
        return 0
    r = r_fraction * std_dev
    templates_m = np.array([time_series[i: i + m] for i in range(n - m)])
    templates_m1 = np.array([time_series[i: i + m + 1] for i in range(n - m)])
    diff_m = np.abs(templates_m[:, None, :] - templates_m[None, :, :])
    b = np.sum(np.all(diff_m <= r, axis=-1)) - len(templates_m)
    diff_m1 = np.abs(templates_m1[:, None, :] - templates_m1[None, :, :])
    a = np.sum(np.all(diff_m1 <= r, axis=-1)) - len(templates_m1)
    if a > 0 and b > 0:
        return -np.log(a / b)
    return 0
