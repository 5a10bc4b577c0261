"""Interactive playgrounds (ipywidgets 8) for JupyterLab 4, Notebook 7 and Voila.

- :class:`PatternPlayground`: draw patterns on a clickable grid, store them,
  corrupt them, and watch asynchronous or synchronous recall step by step, with
  the energy curve, the overlaps and the weight matrix.
- :class:`MnistPlayground`: store MNIST digit prototypes, corrupt one, recall it
  (with inhibitory neurons and temperature if you like) and replay the recall.

Both are plain objects holding the model (state, stored patterns, energy
history, overlaps, message) and an ``ipywidgets`` tree in ``.widget``; putting
one at the end of a notebook cell displays it::

    from hopfield_edu.widgets import PatternPlayground, MnistPlayground
    PatternPlayground(rng=0)

Pictures are PNGs rendered from :class:`matplotlib.figure.Figure` (never pyplot)
into :class:`ipywidgets.Image` widgets whose value is replaced in place.
"""
from .mnist import MnistPlayground
from .pattern import PatternPlayground

__all__ = ["PatternPlayground", "MnistPlayground"]
