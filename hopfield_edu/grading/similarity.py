"""Flags for the instructor: graded functions that look copied from the package.

Copying the reference solution's source into a notebook is not blocked (the student
typed it, the checks pass), so it is *flagged*, never penalised automatically: the
source of each graded function is normalised -- docstrings dropped, every local name
renamed by order of appearance, constants kept -- and compared with the reference's,
token by token (:class:`difflib.SequenceMatcher`). A ratio of at least
:data:`THRESHOLD` is reported, as is a graded function whose body uses names imported
from ``hopfield_edu`` (a helper of the package doing part of the work).
"""
from __future__ import annotations

import ast
import difflib
import importlib
import inspect

from .notebook import function_sources, strip_magics

__all__ = ["normalised_tokens", "similarity", "reference_flags", "THRESHOLD"]

THRESHOLD = 0.9


class _Normalise(ast.NodeTransformer):
    def __init__(self):
        self.names: dict = {}

    def _rename(self, name):
        return self.names.setdefault(name, f"v{len(self.names)}")

    def visit_FunctionDef(self, node):
        node.name = "f"
        if node.body and isinstance(node.body[0], ast.Expr) and isinstance(
                getattr(node.body[0], "value", None), ast.Constant) and isinstance(node.body[0].value.value, str):
            node.body = node.body[1:] or [ast.Pass()]
        node.decorator_list = []
        node.returns = None
        self.generic_visit(node)
        return node

    def visit_arg(self, node):
        node.arg = self._rename(node.arg)
        node.annotation = None
        return node

    def visit_Name(self, node):
        node.id = self._rename(node.id)
        return node


def normalised_tokens(source: str) -> list:
    """The function's AST with names canonicalised, as a list of node tokens."""
    tree = ast.parse(strip_magics(source))
    tree = _Normalise().visit(tree)
    return ast.dump(tree, annotate_fields=False).replace("(", " ( ").replace(")", " ) ").replace(",", " ").split()


def similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two function sources after normalisation."""
    try:
        ta, tb = normalised_tokens(a), normalised_tokens(b)
    except SyntaxError:
        return 0.0
    return difflib.SequenceMatcher(None, ta, tb, autojunk=False).ratio()


def _reference_source(name):
    from .._graded import REFERENCES
    from ._redact import reference_targets

    target = REFERENCES.get(name) or reference_targets().get(name)
    if not target:
        return None
    module, qualname = target.split(":")
    func = getattr(importlib.import_module(module), qualname)
    return inspect.getsource(inspect.unwrap(func))


def _package_names(nb) -> set:
    """Names the notebook binds to things imported from hopfield_edu."""
    out = set()
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(strip_magics(cell.source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hopfield_edu"):
                out |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                out |= {(a.asname or a.name).split(".")[0] for a in node.names
                        if a.name.startswith("hopfield_edu")}
    return out


def reference_flags(nb, names) -> list:
    """``[{"function", "kind", "detail"}]`` for the instructor's attention."""
    sources = function_sources(nb)
    package_names = _package_names(nb)
    flags = []
    for name in names:
        src = sources.get(name)
        if not src:
            continue
        ref = _reference_source(name)
        if ref:
            ratio = similarity(src, ref)
            if ratio >= THRESHOLD:
                flags.append({"function": name, "kind": "similar-to-reference",
                              "detail": f"{ratio:.2f} similar to the package's reference solution"})
        try:
            used = {n.id for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Name)}
        except SyntaxError:
            continue
        helpers = sorted(used & package_names)
        if helpers:
            flags.append({"function": name, "kind": "uses-package",
                          "detail": f"uses {', '.join(helpers)} from hopfield_edu"})
    return flags
