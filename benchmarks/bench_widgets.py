"""Playground speed: build times, paint-stroke latency and delivered replay speed.

Python side, side by side in one run: building a 30x30 PatternPlayground (one SpinView
anywidget) against building the 900-Button GridBox the old grid was made of.
Browser side (Voila + Debian's /usr/bin/chromium through Playwright, as in
tests/test_widgets_browser.py): the time the view's render() takes for a 30x30 grid, the
time from a pointer event to the cells being drawn (the view records it), and the replay
speed delivered at several settings, measured by the page's clock (positions observed on
every change) and by the view itself. Optionally saves the screenshots used in
docs/widgets.md.

    python benchmarks/bench_widgets.py                  # prints a table
    python benchmarks/bench_widgets.py --docs-images    # also writes docs/img/*.png
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import ipywidgets as W

from hopfield_edu.widgets import MnistPlayground, PatternPlayground
from hopfield_edu.widgets.serve import VoilaServer

ROOT = Path(__file__).resolve().parents[1]
PLAYGROUND = ROOT / "solutions" / "playground"
CHROMIUM = "/usr/bin/chromium"
# Voila scrolls an inner container, so the page's height is the tallest scroll height.
PAGE_HEIGHT_JS = "() => Math.max(...[...document.querySelectorAll('*')].map(e => e.scrollHeight))"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]
BIG = {"cells": [{"cell_type": "code", "execution_count": None, "id": "big", "metadata": {},
                  "outputs": [], "source": "from hopfield_edu.widgets import PatternPlayground\n"
                                           "PatternPlayground((30, 30), rng=0)"}],
       "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                   "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}


def _median_time(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def button_grid(rows=30, cols=30):
    """The old design: one ipywidgets Button per cell in a GridBox."""
    cells = [W.Button(description="", layout=W.Layout(width="30px", height="30px"))
             for _ in range(rows * cols)]
    return W.GridBox(cells, layout=W.Layout(grid_template_columns=f"repeat({cols}, 30px)"))


def python_side(repeat):
    PatternPlayground((30, 30), rng=0)          # imports and Numba caches warm
    MnistPlayground(rng=0)
    rows = [
        ("PatternPlayground 5x5", _median_time(lambda: PatternPlayground(rng=0), repeat)),
        ("PatternPlayground 30x30", _median_time(lambda: PatternPlayground((30, 30), rng=0), repeat)),
        ("old design: 900 Buttons in a GridBox", _median_time(button_grid, repeat)),
        ("MnistPlayground, no recall", _median_time(lambda: MnistPlayground(rng=0, recall=False), repeat)),
        ("MnistPlayground with its first recall", _median_time(lambda: MnistPlayground(rng=0), repeat)),
    ]
    print("\nPython side (median of %d builds)" % repeat)
    print("| what | time |\n| --- | --- |")
    for name, t in rows:
        print(f"| {name} | {t * 1000:.1f} ms |")
    print(f"| ratio old grid / new 30x30 playground | {rows[2][1] / rows[1][1]:.0f}x |")


def _set_readout(locator, value):
    readout = locator.locator(".widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type(str(value))
    readout.press("Enter")


def _watch(page, view):
    page.evaluate(f"""() => {{
        const el = document.querySelector('{view}');
        window.__positions = [];
        new MutationObserver(() => window.__positions.push([performance.now(), +el.dataset.position]))
            .observe(el, {{attributes: true, attributeFilter: ['data-position']}});
    }}""")


def _observed(page):
    pts = page.evaluate("() => window.__positions")
    (t0, p0), (t1, p1) = pts[0], pts[-1]
    return (p1 - p0) / ((t1 - t0) / 1000)


def browser_side(docs_images, seconds):
    from playwright.sync_api import expect, sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench_widgets_"))
    for f in PLAYGROUND.iterdir():
        if f.suffix in (".ipynb", ".json"):
            shutil.copy(f, folder / f.name)
    (folder / "big.ipynb").write_text(json.dumps(BIG))
    with VoilaServer(folder) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1366, "height": 768})
        ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith(
            ("http://127.0.0.1", "data:", "blob:")) else r.abort())
        page = ctx.new_page()
        page.set_default_timeout(60_000)
        # 30x30: render time and stroke latency
        page.goto(srv.render_url("big.ipynb"), wait_until="commit")
        page.wait_for_function("() => document.querySelector('.pattern-view')?.dataset.buildMs",
                               timeout=120_000)
        build = float(page.evaluate("() => document.querySelector('.pattern-view').dataset.buildMs"))
        grid = page.locator(".pattern-view canvas.hv-grid")
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        lat = []
        for k in range(20):
            y = box["y"] + (k + 0.5) * box["height"] / 30
            page.mouse.move(box["x"] + 5, y)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] - 5, y, steps=8)
            page.mouse.up()
            lat.append(float(page.evaluate(
                "() => document.querySelector('.pattern-view').dataset.paintMs")))
        print("\nBrowser side (Voila, headless chromium, 1366x768)")
        print("| what | measured |\n| --- | --- |")
        print(f"| 30x30 view render() | {build:.1f} ms |")
        print(f"| paint stroke, pointer event to cells drawn (20 strokes) | median "
              f"{statistics.median(lat):.2f} ms, max {max(lat):.2f} ms |")

        # delivered speed: letters stored, T on the grid with noise, T = 0.5 so Play runs
        # 20 sweeps (500 updates) without stopping at a fixed point; Pause after a while
        page.goto(srv.render_url("playground.ipynb"), wait_until="commit")
        pg = page.locator(".pattern-playground")
        expect(pg.locator(".pattern-message")).to_contain_text("Click and drag", timeout=120_000)
        expect(page.locator(".mnist-message")).to_contain_text("updates", timeout=120_000)
        pg.locator(".btn-letters").click()
        expect(pg.locator(".pattern-message")).to_contain_text("Stored the letters")
        pg.locator(".btn-show").click()
        expect(pg.locator(".pattern-message")).to_contain_text("is on the grid")
        _set_readout(pg.locator(".temperature-slider"), 0.5)
        for rate in (10, 30, 60, 120):
            _set_readout(pg.locator(".speed-slider"), rate)
            pg.locator(".btn-noise").click()
            expect(pg.locator(".pattern-message")).to_contain_text("Flipped")
            _watch(page, ".pattern-view")
            pg.locator(".btn-play").click()
            expect(pg.locator(".btn-pause")).to_be_enabled()
            page.wait_for_timeout(seconds * 1000)   # let it play for a while (the measurement)
            pg.locator(".btn-pause").click()
            expect(pg.locator(".pattern-message")).to_contain_text("Paused")
            delivered = float(page.evaluate(
                "() => document.querySelector('.pattern-view').dataset.delivered"))
            obs = _observed(page)
            print(f"| pattern playground, speed {rate}/s | delivered {delivered:.1f}/s (view), "
                  f"{obs:.1f}/s (page clock), {100 * (obs / rate - 1):+.1f} % |")
        mn = page.locator(".mnist-playground")
        for rate in ("500/s", "4000/s"):
            handle = mn.locator(".speed-slider .noUi-handle")
            for _ in range(10):   # a SelectionSlider: step with the arrow keys
                if mn.locator(".speed-slider .widget-readout").inner_text().strip() == rate:
                    break
                handle.press("ArrowRight" if rate == "4000/s" else "ArrowLeft")
            else:
                raise RuntimeError(f"could not set the MNIST speed to {rate}")
            mn.locator(".btn-corrupt").click()
            expect(mn.locator(".mnist-message")).to_contain_text("on the grid")
            _watch(page, ".mnist-view")
            mn.locator(".btn-play").click()
            expect(mn.locator(".mnist-message")).to_contain_text("Stable", timeout=120_000)
            obs = _observed(page)
            r = int(rate[:-2])
            print(f"| MNIST playground, speed {rate} (one recall) | {obs:.0f}/s (page clock), "
                  f"{100 * (obs / r - 1):+.1f} % |")
        if docs_images:
            out = ROOT / "docs" / "img"
            out.mkdir(exist_ok=True)
            pg.locator(".btn-show").click()
            _set_readout(pg.locator(".temperature-slider"), 0)
            _set_readout(pg.locator(".speed-slider"), 10)
            pg.locator(".btn-noise").click()
            expect(pg.locator(".pattern-message")).to_contain_text("Flipped")
            pg.locator(".btn-play").click()
            page.wait_for_timeout(2500)              # mid-replay, for the picture
            pg.locator(".btn-pause").click()
            expect(pg.locator(".pattern-message")).to_contain_text("Paused")
            tall = page.evaluate(PAGE_HEIGHT_JS)
            page.set_viewport_size({"width": 1366, "height": tall})
            pg.screenshot(path=str(out / "pattern_playground_1366.png"))
            mn.screenshot(path=str(out / "mnist_playground_1366.png"))
            print(f"screenshots in {out}")
        browser.close()
    shutil.rmtree(folder, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="builds per Python measurement")
    ap.add_argument("--seconds", type=float, default=4.0, help="play time per speed setting")
    ap.add_argument("--docs-images", action="store_true", help="write docs/img/*_playground_1366.png")
    ap.add_argument("--no-browser", action="store_true", help="Python side only")
    args = ap.parse_args(argv)
    python_side(args.repeat)
    if not args.no_browser:
        browser_side(args.docs_images, args.seconds)


if __name__ == "__main__":
    main()
