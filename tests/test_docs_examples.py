"""Every example in README.md and docs/*.md that is meant to run, runs as written.

The convention (also in docs/README.md), kept simple so that new pages are covered
without touching this file:

- Fenced blocks marked ``python``, ``console``, ``bash``, ``sh`` or ``shell`` are run.
  A python block runs as a script; a console/bash block runs line by line in one bash
  (one command per line, no continuation lines; a leading ``$ `` is dropped; ``#`` comments
  are fine; ``cd`` carries over) and every line must exit 0. Each block
  runs on its own, in a fresh scratch copy of the repository (the files git knows,
  without the package folder, so the installed package is used and nothing in the
  repository is written), with matplotlib's Agg backend.
- ``<!-- no-run: reason -->`` on the line before a block (blank lines between are
  allowed) skips it; the reason is required (e.g. "installs packages", "tests/test_dask.py
  runs this script").
- ``<!-- exit: N -->`` before a block expects exit status N from every line of it instead of
  0 (e.g. the self-check of an unfinished release notebook exits 1).
- Indented (4-space) blocks and fences with any other language (``text``, none) are not
  run: use them for output, formulas and file layouts. A command meant to be run goes in
  a fenced console block.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUN_LANGS = {"python", "console", "bash", "sh", "shell"}
FENCE = re.compile(r"^```([\w+-]*)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
MARKER = re.compile(r"<!--\s*(no-run|exit)\s*:?\s*((?:(?!-->).)*?)\s*-->\s*\Z", re.S)


@dataclass
class Block:
    page: str
    line: int
    lang: str
    code: str
    skip: str | None
    exit: int

    @property
    def id(self):
        return f"{self.page}:{self.line}"


def pages():
    return [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))


def blocks_of(path: Path):
    text = path.read_text(encoding="utf-8")
    rel = path.relative_to(ROOT).as_posix()
    out = []
    for m in FENCE.finditer(text):
        lang = m.group(1).lower()
        if lang not in RUN_LANGS:
            continue
        before = text[:m.start()].rstrip()
        skip, status = None, 0
        # the markers right before the block (possibly several, each on its own line)
        while True:
            mk = MARKER.search(before)
            if not mk:
                break
            kind, arg = mk.group(1), mk.group(2)
            if kind == "no-run":
                if not arg:
                    raise AssertionError(f"{rel}: <!-- no-run --> needs a reason: <!-- no-run: why -->")
                skip = arg
            else:
                status = int(arg)
            before = before[:mk.start()].rstrip()
        out.append(Block(rel, text.count("\n", 0, m.start()) + 1, lang, m.group(2), skip, status))
    return out


ALL = [b for p in pages() for b in blocks_of(p)]


def _scratch_copy(dest: Path):
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for name in files:
        if name.startswith("hopfield_edu/") or not (ROOT / name).is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)


def test_examples_are_found():
    # the convention is alive: python and console blocks exist and are parsed
    langs = {b.lang for b in ALL}
    assert "python" in langs and ({"console", "bash"} & langs)
    assert any(b.skip for b in ALL) and any(not b.skip for b in ALL)


def test_markers_parse():
    page = ROOT / "tests" / "_marker_probe.md"
    try:
        page.write_text("x\n\n<!-- no-run: because -->\n\n```python\n1/0\n```\n\n<!-- exit: 3 -->\n"
                        "```console\nfalse\n```\n\n```text\nnot code\n```\n\n    $ indented\n", encoding="utf-8")
        found = blocks_of(page)
    finally:
        page.unlink()
    assert [(b.lang, b.skip, b.exit) for b in found] == [("python", "because", 0), ("console", None, 3)]


@pytest.mark.parametrize("block", ALL, ids=[b.id for b in ALL])
def test_documented_example_runs(block, tmp_path):
    if block.skip:
        pytest.skip(f"marked no-run: {block.skip}")
    work = tmp_path / "repo"
    _scratch_copy(work)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    # the console scripts of this interpreter first (hopfield-edu, pytest)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if block.lang == "python":
        script = work / "_example.py"
        script.write_text(block.code, encoding="utf-8")
        cmd = [sys.executable, str(script)]
    else:
        # every command line must exit with the expected status; `cd` carries over
        body = []
        for k, line in enumerate(block.code.splitlines(), start=1):
            line = re.sub(r"^\$ ", "", line).strip()
            if not line or line.startswith("#"):
                continue
            body.append(f"{line}\nrc=$?; if [ $rc -ne {block.exit} ]; then "
                        f"echo \"line {k} of the block exited $rc, expected {block.exit}\" >&2; exit 1; fi")
        script = work / "_example.sh"
        script.write_text("\n".join(body) + "\n", encoding="utf-8")
        cmd = ["bash", str(script)]
    proc = subprocess.run(cmd, cwd=work, env=env, capture_output=True, text=True, timeout=900)
    expected = block.exit if block.lang == "python" else 0
    assert proc.returncode == expected, (
        f"{block.id} ({block.lang}) exited {proc.returncode}, expected {expected}\n"
        f"--- stdout\n{proc.stdout[-2000:]}\n--- stderr\n{proc.stderr[-3000:]}")
    assert "Traceback" not in proc.stderr or block.exit != 0, proc.stderr[-3000:]

