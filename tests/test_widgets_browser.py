"""The playground notebook in a real browser: Voila serves it, headless Chromium (driven
by the PyPI ``playwright`` package) paints with the mouse, stores, corrupts, plays the
recall and checks the layout at 1366 and 1920 px; JupyterLab 4 and Notebook 7 run it too
(render, paint, store).

Recipes from ../shared/notes/browser-testing.md: Debian's chromium through
``executable_path`` (never ``playwright install``), the networking flags, Voila
readiness checked on a static asset, and waits on the widgets' rendered state (classes,
text, data attributes of the view), never on sleeps. Voila is started the way users
start it, through :func:`hopfield_edu.widgets.serve.voila_command` (offline template,
the folder's voila.json). Every request that does not go to 127.0.0.1 is recorded (and
aborted): the tests assert there are none, and no console errors either.
Screenshots go to ``test-artifacts/`` (gitignored) at the repository root.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(900)]

CHROMIUM = "/usr/bin/chromium"
# Voila scrolls an inner container, so the page's height is the tallest scroll height.
PAGE_HEIGHT_JS = "() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium; "
                ".ci/run does this)", allow_module_level=True)
pytest.importorskip("voila", reason="Voila is needed to serve the notebook (pip install -e .[dev])")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the PyPI playwright package is needed (pip install -e .[dev])")
expect = sync_api.expect

from hopfield_edu.widgets.serve import VoilaServer as Server, _free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PLAYGROUND = ROOT / "solutions" / "playground"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
FIRST_RENDER_MS = 120_000   # kernel start + executing the notebook, on a busy machine
WIDGET_MS = 30_000          # one round trip browser -> kernel -> browser
SIZES = {"1366": (1366, 768), "1920": (1920, 1080), "1024": (1024, 768)}

# The pattern the test draws on the 5x5 grid: a Z (13 cells on).
Z = ["#####",
     "...#.",
     "..#..",
     ".#...",
     "#####"]
Z_FLAGS = "".join("1" if ch == "#" else "0" for row in Z for ch in row)
ANTI_Z = "".join("0" if ch == "1" else "1" for ch in Z_FLAGS)

# A 30x30 playground and an empty cell: what the build-time test loads.
BIG_NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "id": "big", "metadata": {},
               "outputs": [], "source": "from hopfield_edu.widgets import PatternPlayground\n"
                                        "PatternPlayground((30, 30), rng=0)"}],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                "name": "python3"}},
    "nbformat": 4, "nbformat_minor": 5,
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # Serve a copy: nothing the server or kernel does can touch the repository's notebook.
    folder = tmp_path_factory.mktemp("voila")
    for f in PLAYGROUND.iterdir():
        if f.suffix in (".ipynb", ".json"):
            shutil.copy(f, folder / f.name)
    (folder / "big.ipynb").write_text(json.dumps(BIG_NOTEBOOK))
    srv = Server(folder)
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Page:
    """A page of a fresh browser context that records console errors and outside requests."""

    def __init__(self, browser, size):
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        self.outside, self.errors = [], []

        def only_local(route):
            url = route.request.url
            if url.startswith(("http://127.0.0.1", "data:", "blob:")):
                route.continue_()
            else:
                self.outside.append(url)
                route.abort()

        self.context.route("**/*", only_local)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WIDGET_MS)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}\n{e.stack or ''}"))

    def close(self):
        self.context.close()

    def assert_clean(self):
        assert self.outside == [], f"requests outside the server: {self.outside}"
        assert self.errors == [], f"console errors: {self.errors}"


@pytest.fixture()
def open_page(browser):
    pages = []

    def make(size=SIZES["1366"]):
        p = Page(browser, size)
        pages.append(p)
        return p

    yield make
    for p in pages:
        p.close()


def _load_playground(p, server):
    page = p.page
    page.goto(server.render_url("playground.ipynb"), wait_until="commit")
    expect(page.locator(".pattern-playground .pattern-message")).to_contain_text(
        "Click and drag", timeout=FIRST_RENDER_MS)
    expect(page.locator(".mnist-playground .mnist-message")).to_contain_text(
        "single-neuron updates", timeout=FIRST_RENDER_MS)
    for view in (".pattern-view", ".mnist-view"):
        page.wait_for_function(f"() => document.querySelector('{view}')?.dataset.buildMs",
                               timeout=WIDGET_MS)
    return page


def _set_readout(locator, value):
    """Type a value into a slider's readout (what a user can do in ipywidgets 8)."""
    readout = locator.locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type(str(value))
    readout.press("Enter")


def _cell_center(page, view, r, c):
    grid = page.locator(f"{view} canvas.hv-grid")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    rows, cols = page.evaluate(f"""() => {{ const s = document.querySelector('{view}').dataset.state;
                                           return [Math.round(Math.sqrt(s.length)), Math.round(Math.sqrt(s.length))]; }}""")
    return box["x"] + (c + 0.5) * box["width"] / cols, box["y"] + (r + 0.5) * box["height"] / rows


def _drag(page, view, cells):
    """One stroke: press on the first cell, move through the others, release."""
    x, y = _cell_center(page, view, *cells[0])
    page.mouse.move(x, y)
    page.mouse.down()
    for r, c in cells[1:]:
        x, y = _cell_center(page, view, r, c)
        page.mouse.move(x, y, steps=6)
    page.mouse.up()


def _state(page, view):
    return page.evaluate(f"() => document.querySelector('{view}').dataset.state")


def _watch_positions(page, view):
    """Record (time, position) of the view on every change of data-position."""
    page.evaluate(f"""() => {{
        const el = document.querySelector('{view}');
        window.__positions = [];
        new MutationObserver(() => window.__positions.push([performance.now(), +el.dataset.position]))
            .observe(el, {{attributes: true, attributeFilter: ['data-position']}});
    }}""")


def _observed_rate(page):
    pts = page.evaluate("() => window.__positions")
    pts = [p for i, p in enumerate(pts) if i == 0 or p[1] != pts[i - 1][1]]
    assert len(pts) >= 5, pts
    (t0, p0), (t1, p1) = pts[0], pts[-1]
    return (p1 - p0) / ((t1 - t0) / 1000)


# ----------------------------------------------------------------------------- tests
def test_paint_store_noise_play_in_voila(server, open_page):
    p = open_page()
    page = _load_playground(p, server)
    pattern = page.locator(".pattern-playground")
    message = pattern.locator(".pattern-message")
    status = pattern.locator(".pattern-status")
    view = ".pattern-view"
    assert _state(page, view) == "0" * 25

    # Paint the Z with the mouse: drag along the top row, click the diagonal, drag the bottom row.
    _drag(page, view, [(0, 0), (0, 4)])
    assert _state(page, view) == "11111" + "0" * 20          # shown at once, before the kernel
    for cell in [(1, 3), (2, 2), (3, 1)]:
        _drag(page, view, [cell])
    _drag(page, view, [(4, 0), (4, 4)])
    assert _state(page, view) == Z_FLAGS
    # a drag that starts on a black cell erases, and a second drag paints it back
    _drag(page, view, [(4, 0), (4, 2)])
    assert _state(page, view) == Z_FLAGS[:20] + "00011"
    _drag(page, view, [(4, 0), (4, 2)])
    assert _state(page, view) == Z_FLAGS
    paint_ms = float(page.evaluate(f"() => document.querySelector('{view}').dataset.paintMs"))
    print(f"stroke: event to cells drawn in {paint_ms:.2f} ms")
    expect(message).to_contain_text("Painted")
    expect(status).to_contain_text("nothing stored")

    pattern.locator(".btn-store").click()
    expect(message).to_contain_text("Stored P1")
    expect(status).to_contain_text("P1: +1.00")
    # Noise 0.2 (the slider's default) flips int(0.2 * 25) = 5 cells: overlap 1 - 2*5/25.
    pattern.locator(".btn-noise").click()
    expect(message).to_contain_text("Flipped 5 of 25 cells")
    expect(status).to_contain_text("P1: +0.60")
    noisy = _state(page, view)
    assert sum(a != b for a, b in zip(noisy, Z_FLAGS)) == 5, noisy

    _set_readout(pattern.locator(".speed-slider"), 60)
    _watch_positions(page, view)
    pattern.locator(".btn-play").click()
    expect(message).to_contain_text("Playing")
    # busy: controls disabled while the browser replays; the view is locked
    expect(pattern.locator(".btn-run")).to_be_disabled()
    expect(pattern.locator(".btn-pause")).to_be_enabled()
    expect(message).to_contain_text("Stable", timeout=WIDGET_MS)
    expect(pattern.locator(".btn-run")).to_be_enabled()
    assert _state(page, view) in (Z_FLAGS, ANTI_Z)
    expect(message).to_contain_text("P1")
    delivered = float(page.evaluate(f"() => document.querySelector('{view}').dataset.delivered"))
    observed = _observed_rate(page)
    print(f"pattern playground at 60/s: delivered {delivered:.1f}/s (view), {observed:.1f}/s "
          "(observed by the test)")
    assert 30 <= observed <= 90, observed        # generous: the machine is shared
    expect(status).to_contain_text("delivered")
    p.assert_clean()


def test_mnist_playground_recall_draw_play_in_voila(server, open_page):
    p = open_page()
    page = _load_playground(p, server)
    mnist = page.locator(".mnist-playground")
    message = mnist.locator(".mnist-message")
    status = mnist.locator(".mnist-status")
    view = ".mnist-view"
    expect(status).to_contain_text("m8")

    # Store only 0 and 1 (toggle 3, 5 and 8 off); probe 1; recall at once.
    for d in (3, 5, 8):
        toggle = mnist.locator(f".digit-{d}")
        toggle.click()
        expect(toggle).not_to_have_class(re.compile(r"mod-active"))
    mnist.locator(".probe-digit select").select_option("1")
    digits_src = mnist.locator("img.digits-plot").get_attribute("src")
    mnist.locator(".btn-recall").click()
    expect(status).not_to_contain_text("m8")
    expect(status).to_contain_text("m1")
    expect(message).to_contain_text("recalled the stored digit 1 exactly")
    expect(mnist.locator("img.digits-plot")).not_to_have_attribute("src", digits_src)

    # A new noisy probe, a stroke of the brush (2x2 cells) on it, then Play.
    mnist.locator(".btn-corrupt").click()
    expect(message).to_contain_text("pixels flipped is on the grid")
    before = _state(page, view)
    _drag(page, view, [(2, 2), (2, 10)])
    after = _state(page, view)
    changed = {i for i, (a, b) in enumerate(zip(before, after)) if a != b}
    # brush 2: the cell under the pointer and its right / lower neighbours, along the stroke
    assert changed and changed <= {r * 28 + c for r in (2, 3) for c in range(2, 12)}, changed
    assert all(after[r * 28 + c] == "1" for r in (2, 3) for c in range(2, 12)) or \
        all(after[r * 28 + c] == "0" for r in (2, 3) for c in range(2, 12))
    expect(message).to_contain_text("Painted")
    _watch_positions(page, view)
    mnist.locator(".btn-play").click()
    expect(mnist.locator(".btn-recall")).to_be_disabled()
    expect(message).to_contain_text("Stable", timeout=WIDGET_MS * 2)
    observed = _observed_rate(page)
    print(f"MNIST playground at 500/s: observed {observed:.0f}/s")
    assert 250 <= observed <= 750, observed

    # The dense energy of issue 13: F(x) = exp(x), recall at once.
    mnist.locator(".energy-choice select").select_option(label="dense, exp(x)")
    mnist.locator(".btn-recall").click()
    expect(message).to_contain_text("Dense associative memory")
    expect(message).to_contain_text("exp(x)")

    # Nothing selected: a message, not a traceback.
    for d in (0, 1):
        mnist.locator(f".digit-{d}").click()
        expect(mnist.locator(f".digit-{d}")).not_to_have_class(re.compile(r"mod-active"))
    mnist.locator(".btn-recall").click()
    expect(message).to_contain_text("No digit is selected for storage")
    p.assert_clean()


_LAYOUT_JS = """(root) => {
  const vis = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const box = (el) => { const r = el.getBoundingClientRect();
                        return {x: r.left, y: r.top + window.scrollY, w: r.width, h: r.height,
                                name: el.className.toString().split(' ').filter(c => /hopfield|hv-|group/.test(c)).join('.')}; };
  const P = document.querySelector(root);
  const parts = [...P.querySelectorAll('.hopfield-group, canvas.hv-grid, .hv-plots canvas, .hopfield-message, .hopfield-status')]
      .filter(vis).map(box);
  const clipped = [];
  for (const g of P.querySelectorAll('.hopfield-group')) {
    const gb = g.getBoundingClientRect();
    for (const c of g.querySelectorAll('.widget-button, .widget-toggle-button, .widget-slider, .widget-dropdown, .widget-radio, .widget-text, .widget-html, .widget-toggle-buttons')) {
      if (!vis(c)) continue;
      const cb = c.getBoundingClientRect();
      if (cb.left < gb.left - 0.5 || cb.right > gb.right + 0.5) clipped.push(c.className + ' outside its group');
    }
  }
  for (const el of P.querySelectorAll('.widget-label, button, .widget-readout')) {
    if (vis(el) && el.scrollWidth > el.clientWidth + 1) clipped.push((el.innerText || el.className) + ' truncated');
  }
  // a <select> does not overflow: compare the width of its text with the room left by the arrow
  const ctx = document.createElement('canvas').getContext('2d');
  for (const el of P.querySelectorAll('select')) {
    if (!vis(el) || el.selectedIndex < 0) continue;
    const cs = getComputedStyle(el);
    ctx.font = `${cs.fontSize} ${cs.fontFamily}`;
    const text = el.options[el.selectedIndex].text;
    if (ctx.measureText(text).width + 24 > el.clientWidth) clipped.push(text + ' truncated');
  }
  return {parts, clipped, width: document.documentElement.clientWidth};
}"""


def _overlaps(a, b, tol=0.5):
    return (a["x"] + a["w"] > b["x"] + tol and b["x"] + b["w"] > a["x"] + tol
            and a["y"] + a["h"] > b["y"] + tol and b["y"] + b["h"] > a["y"] + tol)


@pytest.mark.parametrize("size", list(SIZES))
def test_layout_nothing_overlaps_or_is_clipped(server, open_page, size):
    p = open_page(SIZES[size])
    page = _load_playground(p, server)
    ARTIFACTS.mkdir(exist_ok=True)
    for root in (".pattern-playground", ".mnist-playground"):
        got = page.evaluate(_LAYOUT_JS, root)
        parts, width = got["parts"], got["width"]
        assert len(parts) >= 7, parts
        bad = [(a["name"], b["name"]) for i, a in enumerate(parts) for b in parts[i + 1:]
               if _overlaps(a, b)]
        assert bad == [], f"{root} at {size}: overlapping {bad}"
        outside = [a["name"] for a in parts if a["x"] < -0.5 or a["x"] + a["w"] > width + 0.5]
        assert outside == [], f"{root} at {size}: beyond the page width {outside}"
        assert got["clipped"] == [], f"{root} at {size}: {got['clipped']}"
        grid = next(a for a in parts if a["name"] == "hv-grid")
        plots = [a for a in parts if a["name"] in ("hv-energy", "hv-overlap", "hv-neighbours")]
        assert plots and all(a["w"] >= 480 for a in plots), plots
        # grid and plots side by side (at 1024 px too, as it happens), else stacked below
        beside = all(a["x"] >= grid["x"] + grid["w"] for a in plots)
        below = all(a["y"] >= grid["y"] + grid["h"] for a in plots)
        assert beside or below, (grid, plots)
        if size != "1024":       # room for both
            assert beside, (grid, plots)
        # a viewport as tall as the page, so the whole playground is in one picture
        # (the width, which decides the layout, stays)
        tall = page.evaluate(PAGE_HEIGHT_JS)
        page.set_viewport_size({"width": SIZES[size][0], "height": tall})
        shot = ARTIFACTS / f"{root.strip('.').split('-')[0]}_playground_{size}.png"
        page.locator(root).screenshot(path=str(shot))
        page.set_viewport_size({"width": SIZES[size][0], "height": SIZES[size][1]})
        print(f"screenshot: {shot}")
    p.assert_clean()


def test_a_30x30_grid_builds_fast_in_the_browser(server, open_page):
    p = open_page()
    page = p.page
    t0 = time.perf_counter()
    page.goto(server.render_url("big.ipynb"), wait_until="commit")
    page.wait_for_function("() => document.querySelector('.pattern-view')?.dataset.buildMs",
                           timeout=FIRST_RENDER_MS)
    build_ms = float(page.evaluate("() => document.querySelector('.pattern-view').dataset.buildMs"))
    print(f"30x30 view rendered in {build_ms:.1f} ms (page and kernel: "
          f"{time.perf_counter() - t0:.1f} s)")
    assert len(_state(page, ".pattern-view")) == 900
    _drag(page, ".pattern-view", [(0, 0), (0, 29)])
    assert _state(page, ".pattern-view")[:30] == "1" * 30
    expect(page.locator(".pattern-message")).to_contain_text("30 cell(s) changed")
    p.assert_clean()


def test_kernels_of_closed_pages_are_culled(browser, tmp_path):
    for f in PLAYGROUND.iterdir():
        if f.suffix in (".ipynb", ".json"):
            shutil.copy(f, tmp_path / f.name)
    # the folder's voila.json sets culling; shorter times here so the test is quick
    cfg = json.loads((tmp_path / "voila.json").read_text())["MappingKernelManager"]
    assert cfg["cull_idle_timeout"] > 0 and cfg["cull_interval"] > 0 and not cfg["cull_connected"]
    srv = Server(tmp_path, extra=["--MappingKernelManager.cull_idle_timeout=4",
                                  "--MappingKernelManager.cull_interval=1"])
    try:
        p = Page(browser, SIZES["1366"])
        _load_playground(p, srv)
        assert len(srv.kernels()) == 1
        time.sleep(6)  # longer than the idle time-out: a connected kernel is never culled
        assert len(srv.kernels()) == 1, "the kernel of an open page was culled"
        p.close()      # no beforeunload: like a laptop lid closing or a browser crash
        deadline = time.monotonic() + 60
        while srv.kernels() and time.monotonic() < deadline:
            time.sleep(0.5)  # polling the server's processes
        assert srv.kernels() == [], "the kernel of a closed page is still running"
        assert "Culling" in srv.log() or "culling" in srv.log(), srv.log()[-2000:]
    finally:
        srv.stop()


def test_the_folder_config_is_what_silences_the_extensions(browser, tmp_path):
    """Baseline for the no-console-error checks: without voila.json the nbgrader and notebook
    lab extensions (installed with the dev extra) log errors in the Voila page."""
    from hopfield_edu.widgets.serve import _data_dirs

    installed = [ext for ext in ("@jupyter/nbgrader", "@jupyter-notebook/lab-extension")
                 if any(Path(d, "labextensions", ext).is_dir() for d in _data_dirs(
                     ("voila", "nbgrader", "notebook")))]
    if not installed:
        pytest.skip("neither the nbgrader nor the notebook lab extension is installed here")
    shutil.copy(PLAYGROUND / "playground.ipynb", tmp_path / "playground.ipynb")  # no voila.json
    srv = Server(tmp_path)
    try:
        p = Page(browser, SIZES["1366"])
        _load_playground(p, srv)
        p.page.wait_for_timeout(1000)  # let late extension errors arrive (a baseline, not a wait)
        assert p.errors, "expected the extensions' errors without voila.json"
        assert all(any(ext in e for ext in installed) for e in p.errors), p.errors
        assert p.outside == []
        p.close()
    finally:
        srv.stop()


# ----------------------------------------------------------------------------- JupyterLab, Notebook 7
class JupyterServer:
    """``jupyter lab`` or ``jupyter notebook`` (7) on 127.0.0.1 serving a folder, no token.

    Started in its own process group; ready when ``/api/status`` answers; the front end's
    application object is exposed (``expose_app_in_browser``) so the test can wait for the
    kernel and run every cell through its commands, as Run > Run All Cells does.
    """

    def __init__(self, app, folder, timeout=120):
        self.port = _free_port()
        module, cls = {"lab": ("jupyterlab", "LabApp"), "notebook": ("notebook", "JupyterNotebookApp")}[app]
        argv = [sys.executable, "-m", module, "--no-browser", f"--port={self.port}",
                "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0", "--IdentityProvider.token=",
                "--allow-root", f"--{cls}.expose_app_in_browser=True"]
        self.log_path = Path(folder) / f"{app}.log"
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(argv, cwd=folder, stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(self.base + "/api/status", timeout=2)
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"{app} did not start: {self.log_path.read_text()[-2000:]}")
                time.sleep(0.2)

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except Exception:  # noqa: BLE001 - whatever is left of the group is killed below
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _scroll_to_rest(page, locator, timeout=10.0):
    """Scroll ``locator`` into view and wait until its position stops changing."""
    locator.scroll_into_view_if_needed()
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        if box is not None and box == last and box["y"] >= 0:
            return box
        last = box
        page.wait_for_timeout(100)  # between two readings of the position
        locator.scroll_into_view_if_needed()
    raise AssertionError(f"the element kept moving: {last}")


def _notebook_7_own_error(error):
    frames = [line.strip() for line in error.splitlines() if line.strip().startswith("at ")]
    return "reading 'schema'" in error and bool(frames) and "/static/notebook/notebook_core." in frames[0]


_KERNEL_IDLE_JS = """() => {
  const w = window.jupyterapp?.shell?.currentWidget;
  return w?.sessionContext?.session?.kernel?.status === 'idle';
}"""


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_the_playground_works_in_jupyterlab_and_notebook_7(browser, tmp_path, app):
    # a copy: the front end autosaves the notebook it opens
    shutil.copy(PLAYGROUND / "playground.ipynb", tmp_path / "playground.ipynb")
    srv = JupyterServer(app, tmp_path)
    try:
        p = Page(browser, SIZES["1366"])
        page = p.page
        url = f"{srv.base}/lab/tree/playground.ipynb?reset" if app == "lab" else \
            f"{srv.base}/notebooks/playground.ipynb"
        page.goto(url, wait_until="commit")
        page.wait_for_function(_KERNEL_IDLE_JS, timeout=FIRST_RENDER_MS)
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        pattern = page.locator(".pattern-playground")
        message = pattern.locator(".pattern-message")
        expect(message).to_contain_text("Click and drag", timeout=FIRST_RENDER_MS)
        expect(page.locator(".mnist-playground .mnist-message")).to_contain_text(
            "single-neuron updates", timeout=FIRST_RENDER_MS)
        page.wait_for_function("() => document.querySelector('.pattern-view')?.dataset.buildMs")
        assert _state(page, ".pattern-view") == "0" * 25
        # browser -> kernel -> browser: a stroke, then a button the kernel answers
        # Run All leaves the notebook scrolled to its end; bring the grid back and let the
        # notebook's scrolling come to rest before aiming the mouse at it
        _scroll_to_rest(page, page.locator(".pattern-view canvas.hv-grid"))
        _drag(page, ".pattern-view", [(0, 0), (0, 4)])
        assert _state(page, ".pattern-view") == "11111" + "0" * 20
        expect(message).to_contain_text("Painted")
        pattern.locator(".btn-store").click()
        expect(message).to_contain_text("Stored P1")
        expect(pattern.locator(".pattern-status")).to_contain_text("P1: +1.00")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"playground_{app}.png"))
        assert p.outside == [], f"requests outside the server: {p.outside}"
        # Notebook 7.6 throws one error of its own on every notebook page, an empty notebook
        # with no widget or other extension included: "reading 'schema'", from its bundle
        ours = [e for e in p.errors if not (app == "notebook" and _notebook_7_own_error(e))]
        assert ours == [], f"console errors: {ours}"
        p.close()
    finally:
        srv.stop()
