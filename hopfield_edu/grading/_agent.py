"""STUDENT SIDE of the trust boundary: the program that runs inside the sandbox.

Nothing here is trusted, and nothing here needs to be: the student's code runs in this
process and may rewrite any of it. This process executes the notebook's cells in an
IPython shell and answers the grader's requests over a pipe, in the pickle-free format
of :mod:`hopfield_edu.grading._protocol`:

- ``run_cell``  execute one cell; reply with its (truncated) output and error summary;
- ``lookup``    is a name defined, callable, with which parameters;
- ``call``      call a function with plain-data arguments; reply with the return value,
                the arguments as they are afterwards (to detect in-place changes) or
                the exception (type, message, the student's line);
- ``seed``      seed ``random`` and NumPy's legacy global generator;
- ``bye``       exit.

Verdicts are never computed here. The grader checks the types, dtypes and shapes of
whatever comes back, so a forged reply is no better than a wrong return value.

Started as ``python -I -B _agent.py IN_FD OUT_FD PACKAGE_ROOT WORKDIR [UID GID]``; it
loads the protocol module from its own folder by path, so it does not import the
grading package (which is not even present in the sandbox).
"""
import importlib.util
import os
import sys

OUTPUT_CAP = 20_000  # characters of a cell's output kept for the feedback


def _load_protocol():
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location("_hopfield_protocol", os.path.join(here, "_protocol.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Capped:
    """A text stream that keeps the first ``cap`` characters and counts the rest."""

    def __init__(self, cap):
        self.cap, self.parts, self.size, self.dropped = cap, [], 0, 0

    def write(self, text):
        text = str(text)
        room = self.cap - self.size
        if room > 0:
            self.parts.append(text[:room])
            self.size += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False

    def getvalue(self):
        tail = f"\n... ({self.dropped} more characters)" if self.dropped else ""
        return "".join(self.parts) + tail


class Agent:
    def __init__(self, proto, fd_in, fd_out):
        self.proto, self.fd_in, self.fd_out = proto, fd_in, fd_out
        self.cells = {}  # IPython execution count -> notebook cell label
        from IPython.core.interactiveshell import InteractiveShell

        self.shell = InteractiveShell.instance(colors="NoColor")
        self.shell.history_manager.enabled = False

    # -- replies ------------------------------------------------------------------
    def serve(self):
        read = lambda n: os.read(self.fd_in, n)  # noqa: E731
        write = lambda b: os.write(self.fd_out, b)  # noqa: E731
        while True:
            try:
                req = self.proto.read_frame(read, trusted=False)
            except EOFError:
                return
            op = req.get("op") if isinstance(req, dict) else None
            if op == "bye":
                self.proto.write_frame(write, {"ok": True})
                return
            handler = getattr(self, "op_" + str(op), None)
            reply = handler(req) if handler else {"ok": False, "error": f"unknown op {op!r}"}
            try:
                self.proto.write_frame(write, reply)
            except Exception as exc:  # a value the format cannot carry, e.g. a broken __array__
                self.proto.write_frame(write, {"status": "exception", "type": "UnsendableValue",
                                               "module": "", "where": "",
                                               "message": f"the return value could not be sent: {exc}"})

    def _where(self, exc):
        import re
        import traceback

        where = ""
        for fr in traceback.extract_tb(exc.__traceback__):
            m = re.match(r"<ipython-input-(\d+)-", fr.filename or "")
            if m and int(m.group(1)) in self.cells:
                line = (fr.line or "").strip()
                where = f"cell {self.cells[int(m.group(1))]}, line {fr.lineno}" + (f": `{line}`" if line else "")
        if isinstance(exc, SyntaxError):
            m = re.match(r"<ipython-input-(\d+)-", exc.filename or "")
            if m and int(m.group(1)) in self.cells:
                where = f"cell {self.cells[int(m.group(1))]}, line {exc.lineno}"
        return where

    def _error(self, exc):
        # A SyntaxError's str() names IPython's internal file: say "cell N, line L" instead.
        message = exc.msg if isinstance(exc, SyntaxError) and exc.msg else str(exc)
        return {"type": type(exc).__name__, "module": type(exc).__module__,
                "message": message[:2000], "where": self._where(exc)}

    # -- operations ---------------------------------------------------------------
    def op_run_cell(self, req):
        self.cells[self.shell.execution_count] = req.get("label", "?")
        out, err = _Capped(OUTPUT_CAP), _Capped(OUTPUT_CAP)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            result = self.shell.run_cell(str(req["source"]), store_history=True)
        finally:
            sys.stdout, sys.stderr = saved
        exc = result.error_before_exec or result.error_in_exec
        return {"ok": exc is None, "stdout": out.getvalue(), "stderr": err.getvalue(),
                "error": self._error(exc) if exc is not None else None}

    def op_lookup(self, req):
        import inspect

        name = str(req["name"])
        ns = self.shell.user_ns
        if name not in ns:
            return {"found": False}
        obj = ns[name]
        info = {"found": True, "callable": callable(obj), "type": type(obj).__name__,
                "reference": getattr(obj, "__graded_name__", None), "params": None}
        try:
            info["params"] = [[p.name, int(p.kind), p.default is not p.empty]
                              for p in inspect.signature(obj).parameters.values()]
        except (TypeError, ValueError):
            pass
        return info

    def op_repeat(self, req):
        return _repeat(self, req)

    def op_seed(self, req):
        import random

        import numpy as np

        seed = int(req["seed"])
        random.seed(seed)
        np.random.seed(seed % 2**32)
        return {"ok": True}

    def op_call(self, req):
        import numpy as np

        func = self.shell.user_ns.get(str(req["name"]))
        args, kwargs = list(req.get("args", ())), dict(req.get("kwargs", {}))
        before = [_copy(a) for a in args]
        sink = _Capped(0)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = sink, sink
        try:
            value = func(*args, **kwargs)
        except BaseException as exc:  # noqa: B036 - SystemExit and friends are the student's too
            sys.stdout, sys.stderr = saved
            return {"status": "exception", **self._error(exc)}
        finally:
            sys.stdout, sys.stderr = saved
        after = [a if _changed(a, b) or isinstance(a, np.random.Generator) else None
                 for a, b in zip(args, before)]
        return {"status": "ok", "value": value, "args_after": after}


def _repeat(agent, req):
    """``times`` calls with the same argument objects (a generator argument advances)."""
    import numpy as np

    func = agent.shell.user_ns.get(str(req["name"]))
    args, kwargs = list(req.get("args", ())), dict(req.get("kwargs", {}))
    values = []
    sink = _Capped(0)
    saved = sys.stdout, sys.stderr
    for k in range(int(req.get("times", 1))):
        before = [_copy(a) for a in args]
        sys.stdout, sys.stderr = sink, sink
        try:
            values.append(func(*args, **kwargs))
        except BaseException as exc:  # noqa: B036
            sys.stdout, sys.stderr = saved
            return {"status": "exception", "done": k, "values": values, **agent._error(exc)}
        finally:
            sys.stdout, sys.stderr = saved
        if any(_changed(a, b) for a, b in zip(args, before)):
            break
    after = [a if isinstance(a, (np.ndarray, list, np.random.Generator)) else None for a in args]
    return {"status": "ok", "values": values, "args_after": after}


def _copy(x):
    import copy

    import numpy as np

    if isinstance(x, np.ndarray):
        return x.copy()
    if isinstance(x, list):
        return copy.deepcopy(x)
    return None


def _changed(a, b):
    import numpy as np

    if b is None:
        return False
    if isinstance(b, np.ndarray):
        return not (isinstance(a, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype
                    and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(b, list):
        return not (isinstance(a, list) and len(a) == len(b)
                    and not any(_changed(x, y) for x, y in zip(a, b)))
    return False


def main(argv):
    fd_in, fd_out, package_root, workdir = int(argv[1]), int(argv[2]), argv[3], argv[4]
    if len(argv) > 6 and os.getuid() == 0:
        # Root inside the sandbox only long enough to become nobody: no student code
        # has run yet.
        os.setgroups([])
        os.setgid(int(argv[6]))
        os.setuid(int(argv[5]))
    proto = _load_protocol()
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # input() gets EOF instead of reading the grader's requests
    sys.path.insert(0, package_root)
    sys.path.append(workdir)  # the student's own helper modules, never in front of packages
    os.chdir(workdir)
    Agent(proto, fd_in, fd_out).serve()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
