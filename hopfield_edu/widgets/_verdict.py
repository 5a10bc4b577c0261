"""What the playgrounds say at the end of a recall: the attractor's name, and at T > 0 a
statement that follows the measured overlaps (never "the memories melt" while a pattern
is still retained)."""
from __future__ import annotations

import numpy as np

from ._attractor import classify_attractor

__all__ = ["attractor_sentence", "describe_temperature", "RETAINED", "BLURRED"]

#: Mean |overlap| at or above which a pattern counts as retained at T > 0.
RETAINED = 0.8
#: Mean |overlap| below which no pattern is retained at all (the memory has melted).
BLURRED = 0.3


def attractor_sentence(state, patterns, names, *, unit="pattern"):
    """(text, kind) naming where a T = 0 recall ended, from :func:`classify_attractor`.

    ``kind`` is the message colour: ``ok`` for a stored pattern, ``info`` otherwise.
    """
    a = classify_attractor(state, patterns, names)
    if a.kind == "pattern":
        return f"recalled the stored {unit} {a.detail} exactly", "ok"
    if a.kind == "anti-pattern":
        return (f"reached the {a.detail} (every bit flipped; E(-s) = E(s), so it is a "
                "memory too)"), "info"
    if a.kind == "mixture":
        return (f"reached a {a.detail}: a spurious memory made of three stored "
                f"{unit}s, not one of them"), "info"
    if a.kind == "spurious":
        return (f"reached a {a.detail}: a fixed point that is no stored {unit}, "
                "anti-pattern or 3-mixture"), "info"
    return "nothing is stored", "warning"


def describe_temperature(temperature, recent_overlaps, names, *, unit="pattern"):
    r"""(text, kind) for a run at T > 0, from the overlaps of its last updates.

    Parameters
    ----------
    temperature : float
    recent_overlaps : array, shape (K, M)
        Overlaps :math:`m_\mu` after each of the last K updates (e.g. the last sweep);
        their time average is what is judged, since the state keeps fluctuating.
    names : sequence of str

    The largest mean :math:`|\bar m_\mu|` decides: at least ``RETAINED`` (0.8) means the
    pattern is still retrieved, below ``BLURRED`` (0.3) that none is, in between that
    one is partly retained.
    """
    m = np.atleast_2d(np.asarray(recent_overlaps, dtype=float))
    if m.size == 0:
        return f"At T = {temperature:.2f}: nothing stored.", "warning"
    mean = m.mean(axis=0)
    best = int(np.argmax(np.abs(mean)))
    v = float(mean[best])
    who = f"{'the anti-pattern of ' if v < 0 else ''}{unit} {names[best]}"
    over = f"mean overlap {v:+.2f} over the last {m.shape[0]} updates"
    if abs(v) >= RETAINED:
        return (f"At T = {temperature:.2f} the state stays near {who} ({over}): retrieval "
                "survives this thermal noise; neurons keep flipping at random (Glauber "
                "dynamics), so there is no fixed point."), "ok"
    if abs(v) >= BLURRED:
        return (f"At T = {temperature:.2f} {who} is only partly retained ({over}): the "
                "thermal noise blurs the memory."), "info"
    return (f"At T = {temperature:.2f} no stored {unit} is retained (largest {over}, "
            f"{who}): the memories have melted into thermal noise."), "warning"
