"""Serve a playground notebook with Voila, offline: ``python -m hopfield_edu.widgets.serve NOTEBOOK``.

What it adds to a plain ``voila NOTEBOOK``:

- the ``hopfield-offline`` template (``share/voila/templates`` next to this file): Voila's
  lab template without the two Font Awesome stylesheets it asks a CDN for;
- Voila runs in the notebook's folder, so the folder's ``voila.json`` applies: the
  nbgrader and notebook lab extensions are not loaded (their JavaScript errors in a Voila
  page) and the kernels of closed pages are culled (``MappingKernelManager.cull_*``);
- ``JUPYTER_PATH`` also lists the ``share/jupyter`` folders of the installed voila,
  anywidget and jupyterlab_widgets, so a virtual environment that sees them only through
  system site-packages still finds their templates and front-end extensions.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

__all__ = ["TEMPLATE", "voila_command", "main"]

TEMPLATE = "hopfield-offline"
_SHARE = Path(__file__).parent / "share"


def _data_dirs(names=("voila", "anywidget", "jupyterlab_widgets")):
    out = []
    for name in names:
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue
        for f in dist.files or []:
            text = str(f).replace("\\", "/")
            if "share/jupyter/" in text:
                root = str(dist.locate_file(f).resolve()).replace("\\", "/").split("share/jupyter/")[0]
                out.append(os.path.join(root, "share", "jupyter"))
                break
    return out


def voila_command(notebook, *, port=8866, extra=()):
    """(argv, env, cwd) that serve ``notebook`` (a file, or a folder of notebooks) offline."""
    path = Path(notebook).resolve()
    if not path.exists():
        raise FileNotFoundError(f"no such notebook or folder: {notebook}")
    cwd = path if path.is_dir() else path.parent
    target = "." if path.is_dir() else path.name
    paths = [str(_SHARE), *_data_dirs()]
    if os.environ.get("JUPYTER_PATH"):
        paths.append(os.environ["JUPYTER_PATH"])
    env = dict(os.environ, JUPYTER_PATH=os.pathsep.join(dict.fromkeys(paths)))
    argv = [sys.executable, "-m", "voila", "--no-browser", f"--port={int(port)}",
            f"--template={TEMPLATE}", *extra, target]
    return argv, env, str(cwd)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m hopfield_edu.widgets.serve",
                                     description="Serve a playground notebook with Voila, offline.")
    parser.add_argument("notebook", help="the notebook (or a folder of notebooks)")
    parser.add_argument("--port", type=int, default=8866)
    args, extra = parser.parse_known_args(argv)
    try:
        cmd, env, cwd = voila_command(args.notebook, port=args.port, extra=extra)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return subprocess.call(cmd, env=env, cwd=cwd)


if __name__ == "__main__":
    raise SystemExit(main())
