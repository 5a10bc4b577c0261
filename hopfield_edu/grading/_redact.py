"""The copy of the package that student code sees while it is graded.

It is the installed package with three changes:

- the bodies of the reference solutions of the assignment's graded functions (the
  functions decorated ``@graded_reference(name)``, see :mod:`hopfield_edu._graded`) are
  replaced by ``raise ReferenceUnavailable(name)``, so the source of the reference is not
  there to call, wrap, copy or ``exec``;
- the grading subpackage is absent (the checks are not the student's business) and
  ``hopfield_edu.checks`` is a stub whose ``check_*`` functions only say that the
  grader runs the checks;
- no ``__pycache__``: bytecode compiled from the original sources stays behind.

Next to the package lie the sandbox's agent and the wire-format module it loads.
"""
from __future__ import annotations

import ast
import atexit
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["build_library", "graded_references_in", "reference_targets"]

_PACKAGE = Path(__file__).resolve().parent.parent
_CACHE: dict = {}


def _decorator_name(dec) -> str | None:
    if (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Name)
            and dec.func.id == "graded_reference" and dec.args
            and isinstance(dec.args[0], ast.Constant) and isinstance(dec.args[0].value, str)):
        return dec.args[0].value
    return None


def graded_references_in(source: str) -> dict:
    """``{graded name: function name}`` of the ``@graded_reference`` functions in ``source``."""
    out = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                name = _decorator_name(dec)
                if name:
                    out[name] = node.name
    return out


def reference_targets() -> dict:
    """``{graded name: "hopfield_edu.module:function"}`` found by reading the package's
    sources (no import needed: the lazily imported modules count too)."""
    out = {}
    for path in sorted(_PACKAGE.rglob("*.py")):
        if "grading" in path.relative_to(_PACKAGE).parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "graded_reference(" not in text or path.name == "_graded.py":
            continue
        module = ".".join(("hopfield_edu", *path.relative_to(_PACKAGE).with_suffix("").parts))
        for name, func in graded_references_in(text).items():
            out[name] = f"{module}:{func}"
    return out


def _redact_source(source: str, names: frozenset) -> str | None:
    tree = ast.parse(source)
    changed = False
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        graded = [n for n in map(_decorator_name, node.decorator_list) if n]
        if graded and graded[0] in names:
            doc = ast.get_docstring(node)
            body = [ast.Expr(ast.Constant(doc))] if doc else []
            body += ast.parse(f"from hopfield_edu._graded import ReferenceUnavailable\n"
                              f"raise ReferenceUnavailable({graded[0]!r})").body
            node.body = body
            changed = True
    return ast.unparse(ast.fix_missing_locations(tree)) + "\n" if changed else None


def _checks_stub(names) -> str:
    lines = ['"""Stub: while grading, the checks run in the grader, not in your notebook."""', "",
             "def _stub(*args, **kwargs):",
             "    print('(the grader runs this check outside your notebook)')", ""]
    lines += [f"check_{n} = _stub" for n in sorted(names)]
    lines += ["run_checks = _stub", ""]
    return "\n".join(lines)


def _fingerprint(names) -> str:
    h = hashlib.sha256(",".join(sorted(names)).encode())
    for p in sorted(_PACKAGE.rglob("*.py")):
        st = p.stat()
        h.update(f"{p}:{st.st_mtime_ns}:{st.st_size}".encode())
    return h.hexdigest()[:16]


def build_library(graded_names, all_check_names) -> Path:
    """Folder with ``hopfield_edu/`` (redacted for ``graded_names``), ``_agent.py`` and
    ``_protocol.py``; built once per process and set of names, readable by everyone."""
    names = frozenset(graded_names)
    key = _fingerprint(names)
    if key in _CACHE and _CACHE[key].is_dir():
        return _CACHE[key]
    root = Path(tempfile.mkdtemp(prefix="hopfield-lib-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    os.chmod(root, 0o755)
    target = root / "hopfield_edu"
    shutil.copytree(_PACKAGE, target, ignore=shutil.ignore_patterns(
        "__pycache__", "*.pyc", "grading", "*.nbi", "*.nbc", ".ipynb_checkpoints"))
    for path in target.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "graded_reference(" in source and path.name != "_graded.py":
            new = _redact_source(source, names)
            if new is not None:
                path.write_text(new, encoding="utf-8")
    (target / "checks.py").write_text(_checks_stub(all_check_names), encoding="utf-8")
    (target / "course.py").unlink(missing_ok=True)
    for name in ("_agent.py", "_protocol.py"):
        shutil.copy(Path(__file__).with_name(name), root / name)
    for p in root.rglob("*"):
        os.chmod(p, 0o755 if p.is_dir() else 0o644)
    _CACHE[key] = root
    return root


def package_location() -> Path:
    """Where the trusted package lives (to be masked if it sits inside site-packages)."""
    return _PACKAGE
