"""Pieces shared by both playgrounds: the message line, the guard that turns errors in a
button callback into a message instead of a traceback, control groups and the busy state."""
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
        self.widget = W.HTML(value="", layout=W.Layout(min_height="1.6em", width="100%"))
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
    While the playground is busy (a recall playing in the browser), clicks are dropped
    instead of queued, so nothing replays after the run.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if getattr(self, "busy", False) and not getattr(method, "_while_busy", False):
            return None
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - shown to the user, kept for inspection
            self.last_error = exc
            self._msg.say(f"Could not do that: {type(exc).__name__}: {exc}", "error")
            return None

    return wrapper


def while_busy(method):
    """Mark a callback that must work during a run (Pause)."""
    method._while_busy = True
    return method


def css(widget, *classes):
    """Add CSS classes to a widget and return it (for locating widgets in a browser)."""
    for c in classes:
        widget.add_class(c)
    return widget


def group(title, rows, css_class, width="330px"):
    """A titled box of controls; rows are widgets or lists of widgets (one HBox each)."""
    children = [W.HTML(f"<b>{html.escape(title)}</b>")]
    for row in rows:
        if isinstance(row, (list, tuple)):
            row = W.HBox(list(row), layout=W.Layout(flex_flow="row wrap", align_items="center",
                                                    width="100%"))
        children.append(row)
    box = W.VBox(children, layout=W.Layout(width=width, max_width="100%", padding="2px 8px 6px 8px",
                                           border="1px solid #d0d7de", margin="0 8px 8px 0",
                                           overflow="hidden"))
    return css(box, "hopfield-group", css_class)


def controls_row(groups, css_class="hopfield-controls"):
    """Control groups side by side, wrapping to the next line where the page is narrow."""
    return css(W.HBox(groups, layout=W.Layout(flex_flow="row wrap", align_items="flex-start",
                                              width="100%")), css_class)


def png_image(css_class, size):
    """An empty PNG :class:`ipywidgets.Image` of a fixed pixel size (width, height).

    A fixed size keeps the aspect ratio in every front end: in Voila a flex box
    otherwise stretches an image to the height of its neighbours.
    """
    w, h = size
    img = W.Image(format="png", layout=W.Layout(width=f"{w}px", height=f"{h}px",
                                                 object_fit="contain", flex="0 0 auto"))
    return css(img, css_class)


class BrowserReplay:
    """Pause for a playground whose replay runs in the browser.

    The playground keeps the replay it sent in ``self._pending``, its view in ``self.view``
    and commits a replay with ``self.finish_replay(position)``.
    """

    def pause(self):
        """Ask the browser to stop the replay; it reports where it stopped.

        If no browser is replaying (the page was closed or reloaded, or the playground was
        never displayed), the replay is committed where the view last was, so the
        playground is never left busy.
        """
        if self._pending is None:
            return
        if self.view.playing:
            self.view.playing = False
        else:
            self.finish_replay(self.view.position - self.view.base)
