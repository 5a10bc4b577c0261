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
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

__all__ = ["TEMPLATE", "voila_command", "VoilaServer", "main"]

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VoilaServer:
    """A Voila server on 127.0.0.1 serving a folder of notebooks, for tests and benchmarks.

    Started in its own process group through :func:`voila_command`; ready when a static
    asset is served (a GET of a notebook would start a kernel). ``stop()`` terminates it
    and kills what is left of its process group.
    """

    def __init__(self, folder, extra=(), timeout=90):
        self.folder = Path(folder)
        self.port = _free_port()
        cmd, env, cwd = voila_command(folder, port=self.port,
                                      extra=["--Voila.ip=127.0.0.1", "--Voila.port_retries=0",
                                             *extra])
        self.log_path = self.folder / "voila.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=self._log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited with {self.proc.returncode}; log: {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "voila/static/voila.js", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"voila did not come up in {timeout} s; log: {self.log_path}")
            time.sleep(0.25)  # polling a server that is starting

    def render_url(self, name):
        return f"{self.url}voila/render/{name}"

    def kernels(self):
        """Kernel processes started by this server (its children running ipykernel)."""
        out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True,
                             text=True).stdout
        return [line for line in out.splitlines()
                if line.split()[1] == str(self.proc.pid) and "ipykernel" in line]

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:  # what is left of this server's own process group
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self._log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


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
