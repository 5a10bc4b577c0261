"""Pieces shared by both playgrounds: the message line and the guard that turns
errors in a button callback into a message instead of a traceback."""
from __future__ import annotations

import functools
import html

import ipywidgets as W

_COLORS = {"info": "#1f4e79", "ok": "#1b5e20", "warning": "#8a5300", "error": "#b00020"}


class MessageLine:
    """An HTML line under a playground that says what just happened or what is wrong.

    ``text`` holds the plain message (what tests read); the widget shows it coloured
    by ``kind`` (info, ok, warning, error) and carries the CSS classes
    ``hopfield-message`` and ``msg-<kind>`` so a browser test can find it.
    """

    def __init__(self, css_class):
        self.text = ""
        self.kind = "info"
        self.widget = W.HTML(value="", layout=W.Layout(min_height="1.6em"))
        self.widget.add_class("hopfield-message")
        self.widget.add_class(css_class)

    def say(self, text, kind="info"):
        if kind not in _COLORS:
            raise ValueError(f"kind must be one of {sorted(_COLORS)}, got {kind!r}")
        with self.widget.hold_sync():
            for k in _COLORS:
                self.widget.remove_class(f"msg-{k}")
            self.widget.add_class(f"msg-{kind}")
            self.widget.value = (f'<span style="color:{_COLORS[kind]}">'
                                 f"{html.escape(text)}</span>")
        self.text = text
        self.kind = kind


def guarded(method):
    """Run a widget callback; show any exception as an error message in the playground.

    A traceback inside a button callback is invisible in Voila and easy to miss in
    JupyterLab (it goes to the log console), so the user would see a button that
    "does nothing". The exception is kept in ``self.last_error`` for debugging and tests.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown to the user, kept for inspection
            self.last_error = exc
            self._msg.say(f"Could not do that: {type(exc).__name__}: {exc}", "error")
            return None

    return wrapper


def css(widget, *classes):
    """Add CSS classes to a widget and return it (for locating widgets in a browser)."""
    for c in classes:
        widget.add_class(c)
    return widget


def png_image(css_class, size):
    """An empty PNG :class:`ipywidgets.Image` of a fixed pixel size (width, height).

    A fixed size keeps the aspect ratio in every front end: in Voila a flex box
    otherwise stretches an image to the height of its neighbours.
    """
    w, h = size
    img = W.Image(format="png", layout=W.Layout(width=f"{w}px", height=f"{h}px",
                                                 object_fit="contain", flex="0 0 auto"))
    return css(img, css_class)
