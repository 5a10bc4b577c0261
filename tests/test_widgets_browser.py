"""The playground notebook in a real browser: Voila serves it, headless Chromium
(driven by the PyPI ``playwright`` package) draws, stores, corrupts and recalls.

Recipes from ../shared/notes/browser-testing.md: Debian's chromium through
``executable_path`` (never ``playwright install``), the networking flags, every
request that does not go to 127.0.0.1 aborted, Voila readiness checked on a static
asset, and waits on the widgets' rendered state (classes, text), never on sleeps.
The screenshot goes to ``test-artifacts/`` (gitignored) at the repository root.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium; "
                ".ci/run does this)", allow_module_level=True)
pytest.importorskip("voila", reason="Voila is needed to serve the notebook (pip install -e .[dev])")
sync_api = pytest.importorskip("playwright.sync_api",
                               reason="the PyPI playwright package is needed (pip install -e .[dev])")
expect = sync_api.expect

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "solutions" / "playground" / "playground.ipynb"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
FIRST_RENDER_MS = 120_000   # kernel start + executing the notebook, on a busy machine
WIDGET_MS = 30_000          # one round trip browser -> kernel -> browser

# The pattern the test draws on the 5x5 grid: a Z (13 cells on).
Z = ["#####",
     "...#.",
     "..#..",
     ".#...",
     "#####"]
ON_CELLS = [(r, c) for r, row in enumerate(Z) for c, ch in enumerate(row) if ch == "#"]
Z_FLAGS = "".join("1" if ch == "#" else "0" for row in Z for ch in row)

# Reads the grid as a string of 0/1 from the cells' classes ("on" / "off").
GRID_JS = """
() => {
  const out = [];
  for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) {
    const el = document.querySelector(`.pattern-playground .cell-${r}-${c}`);
    if (!el) return null;
    out.push(el.classList.contains('on') ? '1' : '0');
  }
  return out.join('');
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def voila_url(tmp_path_factory):
    # Serve a copy: nothing the server or kernel does can touch the repository's notebook.
    workdir = tmp_path_factory.mktemp("voila")
    nb = workdir / NOTEBOOK.name
    shutil.copy(NOTEBOOK, nb)
    port = _free_port()
    log = open(workdir / "voila.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
         "--Voila.port_retries=0", str(nb)],
        cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        # Ready when a static asset is served; GET / would start a kernel of its own.
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"voila exited with {proc.returncode}; log: {workdir / 'voila.log'}")
            try:
                with urllib.request.urlopen(url + "voila/static/voila.js", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"voila did not come up in 90 s; log: {workdir / 'voila.log'}")
            time.sleep(0.25)  # polling a server that is starting, not waiting on the page
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:  # kernels started by this server only (its own process group)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        log.close()


@pytest.fixture()
def page():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 1400})

        def only_local(route):
            url = route.request.url
            if url.startswith(("http://127.0.0.1", "data:", "blob:")):
                route.continue_()
            else:  # e.g. the CDN font CSS of the Voila template: never wait on DNS
                route.abort()

        context.route("**/*", only_local)
        pg = context.new_page()
        pg.set_default_timeout(WIDGET_MS)
        try:
            yield pg
        finally:
            context.close()
            browser.close()


def _wait_grid(page, flags, what):
    try:
        page.wait_for_function(f"() => ({GRID_JS})() === '{flags}'", timeout=WIDGET_MS)
    except sync_api.TimeoutError:
        got = page.evaluate(f"({GRID_JS})()")
        raise AssertionError(f"{what}: the grid shows {got}, expected {flags}") from None


def test_draw_store_noise_recall_in_voila(voila_url, page):
    page.goto(voila_url, wait_until="commit")
    pattern = page.locator(".pattern-playground")
    message = pattern.locator(".pattern-message")
    status = pattern.locator(".pattern-status")
    energy = pattern.locator("img.energy-plot")
    overlaps = pattern.locator("img.overlap-plot")
    expect(message).to_contain_text("Click cells to draw", timeout=FIRST_RENDER_MS)
    # The MNIST playground of the same notebook rendered too (its first recall ran).
    expect(page.locator(".mnist-playground .mnist-message")).to_contain_text(
        "single-neuron updates", timeout=FIRST_RENDER_MS)
    _wait_grid(page, "0" * 25, "empty grid at start")

    # Draw the Z by clicking cells; wait for each cell to come back "on" from the kernel.
    for r, c in ON_CELLS:
        cell = pattern.locator(f".cell-{r}-{c}")
        cell.click()
        expect(cell).to_have_class(re.compile(r"(^|\s)on(\s|$)"))
    _wait_grid(page, Z_FLAGS, "after drawing")
    expect(status).to_contain_text("nothing stored")

    pattern.locator(".btn-store").click()
    expect(message).to_contain_text("Stored P1")
    expect(status).to_contain_text("P1: +1.00")
    energy_stored = energy.get_attribute("src")
    overlap_stored = overlaps.get_attribute("src")
    assert energy_stored and overlap_stored

    # Noise 0.2 (the slider's default) flips int(0.2 * 25) = 5 cells: overlap 1 - 2*5/25.
    pattern.locator(".btn-noise").click()
    expect(message).to_contain_text("Flipped 5 of 25 cells")
    expect(status).to_contain_text("P1: +0.60")
    noisy = page.evaluate(f"({GRID_JS})()")
    assert sum(a != b for a, b in zip(noisy, Z_FLAGS)) == 5, noisy
    expect(overlaps).not_to_have_attribute("src", overlap_stored)
    energy_noisy = energy.get_attribute("src")
    overlap_noisy = overlaps.get_attribute("src")

    # Play drives single-neuron steps from the browser's own timer: let a few ticks land.
    pattern.locator(".play button").nth(0).click()
    page.wait_for_function(
        """() => { const t = document.querySelector('.pattern-playground .pattern-status').innerText;
                   const m = t.match(/updates: (\\d+)/); return m && Number(m[1]) >= 3; }""",
        timeout=WIDGET_MS)
    pattern.locator(".play button").nth(1).click()  # stop

    # Run relaxes to a fixed point: the drawn Z again.
    pattern.locator(".btn-run").click()
    expect(message).to_contain_text("recalled P1")
    _wait_grid(page, Z_FLAGS, "after Run")
    expect(status).to_contain_text("P1: +1.00")
    expect(energy).not_to_have_attribute("src", energy_noisy)
    expect(overlaps).not_to_have_attribute("src", overlap_noisy)
    assert "Could not do that" not in message.inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "pattern_playground_voila.png"
    pattern.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
    assert shot.stat().st_size > 10_000


def test_mnist_playground_recalls_in_voila(voila_url, page):
    page.goto(voila_url, wait_until="commit")
    mnist = page.locator(".mnist-playground")
    message = mnist.locator(".mnist-message")
    status = mnist.locator(".mnist-status")
    expect(message).to_contain_text("1500 single-neuron updates", timeout=FIRST_RENDER_MS)
    expect(status).to_contain_text("m8")
    digits_src = mnist.locator("img.digits-plot").get_attribute("src")
    frame_label = mnist.locator(".frame-label")
    expect(frame_label).to_contain_text("after 1500 updates")

    # Store only 0 and 1 (toggle 3, 5 and 8 off); probe 1.
    for d in (3, 5, 8):
        toggle = mnist.locator(f".digit-{d}")
        toggle.click()
        expect(toggle).not_to_have_class(re.compile(r"mod-active"))
    mnist.locator(".probe-digit select").select_option("1")
    mnist.locator(".btn-recall").click()
    expect(status).not_to_contain_text("m8")
    expect(status).to_contain_text("m1")
    expect(mnist.locator("img.digits-plot")).not_to_have_attribute("src", digits_src)

    # Nothing selected: a message, not a traceback.
    for d in (0, 1):
        mnist.locator(f".digit-{d}").click()
        expect(mnist.locator(f".digit-{d}")).not_to_have_class(re.compile(r"mod-active"))
    mnist.locator(".btn-recall").click()
    expect(message).to_contain_text("No digit is selected for storage")

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "mnist_playground_voila.png"
    mnist.screenshot(path=str(shot))
    print(f"screenshot: {shot}")
