"""Reading notebooks for grading, without running anything.

- :func:`read_notebook`   parse a ``.ipynb`` (one-line errors for bad files);
- :func:`plan_cells`      which code cells the grader runs, and why;
- :func:`test_cell_checks` the checks a test cell asks for (``check_x(x, seed=...)``);
- :func:`function_sources` the source of each top-level function a notebook defines.

Which cells run
---------------
Graded test cells never run in the student's process: the trusted grader runs their
checks. Of the other code cells, those the course marks (nbgrader ``solution`` or
``locked`` cells: the set-up and the cells students fill in) always run. A cell without
nbgrader metadata -- a demonstration, or a cell the student added -- runs only when it
defines a name that the graded functions (or a cell that runs) use: a helper function,
an import, a constant. So the demos' experiments are not re-run to grade four
functions, yet a student's helper in a cell of their own is there.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["read_notebook", "is_test_cell", "plan_cells", "CellPlan", "test_cell_checks",
           "function_sources", "strip_magics"]

_CHECK_CALL = re.compile(r"\bcheck_\w+\s*\(")


def read_notebook(path):
    """The notebook at ``path`` (nbformat v4); ``ValueError``/``FileNotFoundError`` otherwise."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no notebook at {path}")
    if path.suffix != ".ipynb":
        raise ValueError(f"{path} is not a notebook (.ipynb)")
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as exc:  # corrupt JSON, wrong format
        raise ValueError(f"could not read {path} as a Jupyter notebook: {exc}") from None


def _nbg(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader") or {}


def has_nbgrader(nb) -> bool:
    return any(_nbg(c) for c in nb.cells)


def is_test_cell(cell, nbgrader_notebook: bool = True) -> bool:
    """An autograded test cell: nbgrader ``grade`` and not ``solution`` (or, in a notebook
    without nbgrader metadata, a code cell that calls ``check_<name>(...)``)."""
    if cell.get("cell_type") != "code":
        return False
    meta = _nbg(cell)
    if meta:
        return bool(meta.get("grade")) and not bool(meta.get("solution"))
    if not nbgrader_notebook:
        return bool(_CHECK_CALL.search(cell.get("source", "")))
    return False


def strip_magics(source: str) -> str:
    """IPython lines (``%magic``, ``!shell``, ``%%cell``) blanked so that ``ast`` can parse."""
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in source.splitlines())


def _parse(source: str):
    try:
        return ast.parse(strip_magics(source))
    except (SyntaxError, ValueError):
        return None


def _targets(node, out: set):
    if isinstance(node, ast.Name):
        out.add(node.id)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for e in node.elts:
            _targets(e, out)
    elif isinstance(node, ast.Starred):
        _targets(node.value, out)


def defined_names(tree) -> set:
    """Names a cell binds at top level (defs, classes, imports, assignments, loops, with)."""
    out: set = set()

    def visit(stmts):
        for st in stmts:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                out.add(st.name)
            elif isinstance(st, (ast.Import, ast.ImportFrom)):
                for a in st.names:
                    out.add((a.asname or a.name).split(".")[0])
            elif isinstance(st, ast.Assign):
                for t in st.targets:
                    _targets(t, out)
            elif isinstance(st, (ast.AugAssign, ast.AnnAssign)):
                _targets(st.target, out)
            elif isinstance(st, (ast.For, ast.AsyncFor)):
                _targets(st.target, out)
            elif isinstance(st, (ast.With, ast.AsyncWith)):
                for item in st.items:
                    if item.optional_vars is not None:
                        _targets(item.optional_vars, out)
            for attr in ("body", "orelse", "finalbody"):
                if isinstance(st, (ast.If, ast.For, ast.While, ast.Try, ast.With, ast.AsyncFor,
                                   ast.AsyncWith)) and hasattr(st, attr):
                    visit(getattr(st, attr))
            if isinstance(st, ast.Try):
                for h in st.handlers:
                    visit(h.body)

    visit(tree.body)
    return out


def used_names(tree) -> set:
    """Every name a cell reads anywhere, function bodies included."""
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@dataclass
class CellPlan:
    """One code cell the grader runs: ``index`` in the notebook, ``label`` as students count
    code cells ("cell 5" = the 5th cell of the notebook, 1-based), and why it runs."""

    index: int
    label: int
    source: str
    reason: str
    defines: set = field(default_factory=set)


def plan_cells(nb, graded_names, all_cells: bool = False) -> tuple[list, list]:
    """``(cells to run, [(label, why skipped)])`` for a notebook graded on ``graded_names``.

    ``all_cells=True`` runs every cell but the test cells (the demos too)."""
    nbg = has_nbgrader(nb)
    code = [(i, c) for i, c in enumerate(nb.cells) if c.get("cell_type") == "code"
            and c.get("source", "").strip()]
    info = []
    for i, cell in code:
        tree = _parse(cell.source)
        meta = _nbg(cell)
        if is_test_cell(cell, nbg):
            kind = "test"
        elif meta.get("solution") or meta.get("locked"):
            kind = "course"
        else:
            kind = "optional"
        info.append((i, cell, kind, tree))
    needed = set(graded_names)
    chosen = {}
    for i, cell, kind, tree in reversed(info):
        if kind == "test":
            continue
        defines = defined_names(tree) if tree is not None else set()
        if kind == "course" or defines & needed or all_cells:
            chosen[i] = CellPlan(i, i + 1, cell.source, "course cell" if kind == "course"
                                 else f"defines {', '.join(sorted(defines & needed))}", defines)
            if tree is not None:
                needed |= used_names(tree)
    run = [chosen[i] for i in sorted(chosen)]
    skipped = [(i + 1, "test cell (the grader runs its checks)" if kind == "test"
                else "not needed by the graded functions") for i, _, kind, _ in info if i not in chosen]
    return run, skipped


def test_cell_checks(source: str, known_checks) -> list:
    """``[(function name, {keyword arguments})]`` of the ``check_<name>(<name>, ...)`` calls.

    Only literal keyword arguments count (``seed=7342``); the calls are read, never run.
    """
    tree = _parse(source)
    if tree is None:
        return []
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id.startswith("check_")):
            continue
        name = node.func.id[len("check_"):]
        if name not in known_checks:
            continue
        kwargs = {}
        for kw in node.keywords:
            try:
                kwargs[kw.arg] = ast.literal_eval(kw.value)
            except ValueError:
                pass
        out.append((name, kwargs))
    return out


def function_sources(nb) -> dict:
    """``{function name: source}`` of the top-level functions defined in the code cells
    (the last definition wins, as when the notebook runs top to bottom)."""
    out = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        text = strip_magics(cell.source)
        tree = _parse(cell.source)
        if tree is None:
            continue
        for st in tree.body:
            if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef)):
                out[st.name] = ast.get_source_segment(text, st) or ""
    return out
