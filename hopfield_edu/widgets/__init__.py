"""Interactive playgrounds for JupyterLab 4, Notebook 7, Voila and VS Code.

- :class:`PatternPlayground`: paint patterns on a grid with the mouse, store them,
  corrupt them, and watch asynchronous or synchronous recall update by update (Step,
  Run, or Play replayed in the browser), with live plots of the energy, the overlaps
  and the energy of every neighbour state, and a name for where it ended.
- :class:`MnistPlayground`: store MNIST digit prototypes, corrupt one or draw your own,
  recall it with the classical energy (inhibitory neurons, temperature) or a dense
  associative memory, and watch the recall.

Both are plain objects holding the model (state, stored patterns, energy history,
overlaps, message) and an ``ipywidgets`` tree in ``.widget`` around one
:class:`~hopfield_edu.widgets._view.SpinView` (an anywidget: the grid and the plots);
putting one at the end of a notebook cell displays it::

    from hopfield_edu.widgets import PatternPlayground, MnistPlayground
    PatternPlayground(rng=0)

As an app, offline: ``python -m hopfield_edu.widgets.serve NOTEBOOK`` (Voila).
"""
from .mnist import MnistPlayground
from .pattern import PatternPlayground

__all__ = ["PatternPlayground", "MnistPlayground"]
