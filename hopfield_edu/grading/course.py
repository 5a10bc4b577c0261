"""Deterministic release generation for the course (a wrapper around nbgrader).

::

    python -m hopfield_edu.course generate                 # every folder in solutions/
    python -m hopfield_edu.course generate assignment1     # just one
    python -m hopfield_edu.course check                    # exit 1 if exercises/ is stale
    python -m hopfield_edu.course list
    python -m hopfield_edu.course student-bundle DIR       # what students receive

``generate`` runs nbgrader's ``generate_assignment`` (with the course's own
``nbgrader_config.py``: solution stubs, locked cells, hidden tests removed) in a
temporary copy of the course, so no gradebook or log lands in the repository, and
then normalises each release notebook so the same sources always give byte-identical
files:

- cell ids are fixed: the nbgrader ``grade_id`` where there is one (so source,
  release and submissions agree), else the source cell's id, else ``cell-<index>``;
- outputs and execution counts are cleared, and per-cell metadata is reduced to
  what matters (``nbgrader``, ``tags``, ``editable``, ``deletable``, ``jupyter``,
  ``slideshow``), dropping run timestamps (``execution``) and view state;
- notebook metadata keeps only the kernelspec, the language name and a
  ``hopfield_edu`` entry if the source has one; JSON is written sorted with a fixed
  indentation.

Only ``exercises/<assignment>/`` is rewritten; it is generated content and never
edited by hand.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["course_root", "assignments", "generate", "generate_into", "stale_files", "student_bundle",
           "main"]

SOURCE_DIR = "solutions"
RELEASE_DIR = "exercises"
_KEEP_CELL_META = ("nbgrader", "tags", "editable", "deletable", "jupyter", "slideshow")
_ID_OK = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def course_root(start=None) -> Path:
    """The course root: the nearest directory (from ``start`` or the package) holding
    ``nbgrader_config.py`` and ``solutions/``."""
    candidates = []
    if start is not None:
        candidates.append(Path(start).resolve())
    candidates += [Path.cwd().resolve(), Path(__file__).resolve().parent.parent]
    for base in candidates:
        for d in (base, *base.parents):
            if (d / "nbgrader_config.py").is_file() and (d / SOURCE_DIR).is_dir():
                return d
    raise FileNotFoundError("no course root found: run this from the repository (the folder with "
                            "nbgrader_config.py and solutions/), or pass --root")


def assignments(root=None) -> list[str]:
    """Every assignment folder in ``solutions/`` (sorted)."""
    root = Path(root) if root is not None else course_root()
    src = root / SOURCE_DIR
    return sorted(p.name for p in src.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")) and any(p.glob("*.ipynb")))


def _nbgrader_config(root: Path, tmp_course: Path):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = Config()
    cfg_file = root / "nbgrader_config.py"
    if cfg_file.is_file():
        cfg.merge(PyFileConfigLoader(cfg_file.name, path=str(root)).load_config())
    # Same settings, but everything happens inside the temporary course.
    cfg.CourseDirectory.root = str(tmp_course)
    cfg.CourseDirectory.source_directory = SOURCE_DIR
    cfg.CourseDirectory.release_directory = RELEASE_DIR
    cfg.CourseDirectory.db_url = f"sqlite:///{tmp_course / 'gradebook.db'}"
    cfg.GenerateAssignment.force = True
    return cfg


def _run_nbgrader(root: Path, names, tmp_course: Path):
    import logging

    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory

    for name in names:
        shutil.copytree(root / SOURCE_DIR / name, tmp_course / SOURCE_DIR / name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc"))
    cfg = _nbgrader_config(root, tmp_course)
    coursedir = CourseDirectory(config=cfg)
    for name in names:
        conv = GenerateAssignment(coursedir=coursedir, config=cfg)
        conv.log.setLevel(logging.WARNING)
        coursedir.assignment_id = name
        conv.start()


def _normalise_notebook(path: Path, source: Path | None) -> None:
    import nbformat

    raw = json.loads(path.read_text(encoding="utf-8"))
    src_ids = []
    if source is not None and source.is_file():
        src_raw = json.loads(source.read_text(encoding="utf-8"))
        src_ids = [c.get("id") for c in src_raw.get("cells", [])]
    nb = nbformat.from_dict(raw)
    used = set()
    for i, cell in enumerate(nb.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        candidates = [grade_id, src_ids[i] if i < len(src_ids) else None, f"cell-{i}"]
        cid = next(c for c in candidates if c and _ID_OK.match(str(c)) and c not in used)
        used.add(cid)
        cell["id"] = cid
        cell["metadata"] = {k: v for k, v in cell.get("metadata", {}).items() if k in _KEEP_CELL_META}
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        if "attachments" in cell and not cell["attachments"]:
            del cell["attachments"]
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    meta = nb.get("metadata", {})
    new_meta = {"kernelspec": dict(_KERNELSPEC), "language_info": {"name": "python"}}
    if "hopfield_edu" in meta:
        new_meta["hopfield_edu"] = meta["hopfield_edu"]
    nb["metadata"] = new_meta
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    nbformat.validate(nb)
    text = json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def generate_into(out_dir, names=None, root=None) -> dict:
    """Generate the releases of ``names`` (default: all) into ``out_dir/<name>/``.

    Returns ``{name: path}``. ``out_dir`` may be the course's ``exercises/`` (that is
    what :func:`generate` does) or any other folder (tests compare with it).
    """
    root = Path(root).resolve() if root is not None else course_root()
    known = assignments(root)
    names = list(names) if names else known
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"no assignment {unknown} in {root / SOURCE_DIR}; known: {known}")
    out_dir = Path(out_dir)
    done = {}
    with tempfile.TemporaryDirectory(prefix="hopfield-course-") as tmp:
        tmp_course = Path(tmp)
        _run_nbgrader(root, names, tmp_course)
        for name in names:
            produced = tmp_course / RELEASE_DIR / name
            for nb_path in sorted(produced.rglob("*.ipynb")):
                rel = nb_path.relative_to(produced)
                _normalise_notebook(nb_path, root / SOURCE_DIR / name / rel)
            target = out_dir / name
            if target.exists():
                shutil.rmtree(target)  # generated content only: exercises/<name>/
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(produced, target)
            for f in target.rglob("*"):  # nbgrader sets 644 itself; keep it uniform
                if f.is_file():
                    os.chmod(f, 0o644)
            done[name] = target
    return done


def generate(names=None, root=None) -> dict:
    """Regenerate ``exercises/<name>/`` for ``names`` (default: every folder in solutions/)."""
    root = Path(root).resolve() if root is not None else course_root()
    return generate_into(root / RELEASE_DIR, names, root)


def _files(d: Path) -> dict:
    if not d.is_dir():
        return {}
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts}


def stale_files(names=None, root=None) -> dict:
    """``{assignment: [files that differ]}`` between ``exercises/`` and a fresh generation.

    Empty lists mean the committed release is exactly what the sources generate.
    """
    root = Path(root).resolve() if root is not None else course_root()
    names = list(names) if names else assignments(root)
    result = {}
    with tempfile.TemporaryDirectory(prefix="hopfield-release-") as tmp:
        generate_into(tmp, names, root)
        for name in names:
            fresh = _files(Path(tmp) / name)
            committed = _files(root / RELEASE_DIR / name)
            result[name] = sorted(k for k in set(fresh) | set(committed)
                                  if fresh.get(k) != committed.get(k))
    return result


_SECRET_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")


def student_bundle(out_dir, root=None) -> list:
    """Write what students receive into ``out_dir`` (which must not exist or be empty):
    ``exercises/`` (the releases, freshly generated), ``STUDENTS.md`` (how to work, check
    and submit) and ``README.md``. Never ``solutions/``, hidden tests or gradebooks; the
    bundle is scanned for solution and hidden-test markers before it is left in place.
    Returns the files written."""
    root = Path(root).resolve() if root is not None else course_root()
    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ValueError(f"{out} exists and is not an empty folder; choose a new one")
    with tempfile.TemporaryDirectory(prefix="hopfield-bundle-") as tmp:
        staging = Path(tmp) / "bundle"
        generate_into(staging / RELEASE_DIR, None, root)
        guide = root / "docs" / "students.md"
        if guide.is_file():
            shutil.copy(guide, staging / "STUDENTS.md")
        (staging / "README.md").write_text(
            "# hopfield-edu: assignments\n\n"
            "Install the course package (`pip install \"hopfield-edu[student]\"`, or the wheel your\n"
            "instructor gives you), open the notebooks in `exercises/` with JupyterLab, and read\n"
            "STUDENTS.md: how to check your work (`hopfield-edu check NOTEBOOK`) and how to submit.\n",
            encoding="utf-8")
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        for f in files:
            text = f.read_text(encoding="utf-8", errors="replace")
            leaked = [m for m in _SECRET_MARKERS if m in text]
            if leaked:
                raise RuntimeError(f"{f.relative_to(staging)} contains {leaked[0]!r}: not bundled")
        out.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, out, dirs_exist_ok=True)
        return [out / f.relative_to(staging) for f in files]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hopfield_edu.course",
                                     description="Generate the course's student releases.")
    parser.add_argument("--root", default=None, help="course root (default: found from here)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate", help="regenerate exercises/<assignment>/ from solutions/")
    g.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    c = sub.add_parser("check", help="exit 1 if exercises/ differs from a fresh generation")
    c.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    sub.add_parser("list", help="list the assignments in solutions/")
    b = sub.add_parser("student-bundle", help="write what students receive (releases, no solutions)")
    b.add_argument("out", metavar="DIR", help="a new (or empty) folder")
    args = parser.parse_args(argv)
    try:
        root = course_root(args.root)
        if args.cmd == "list":
            print("\n".join(assignments(root)))
            return 0
        if args.cmd == "student-bundle":
            files = student_bundle(args.out, root)
            print(f"wrote {len(files)} files to {args.out} (releases and instructions; no solutions)")
            return 0
        if args.cmd == "generate":
            for name, path in generate(args.assignments, root).items():
                print(f"generated {path.relative_to(root)}")
            return 0
        stale = stale_files(args.assignments, root)
        bad = {k: v for k, v in stale.items() if v}
        for name, files in stale.items():
            print(f"{'STALE' if files else 'OK   '} {name}" + (f": {', '.join(files)}" if files else ""))
        if bad:
            print("run `python -m hopfield_edu.course generate` and commit exercises/", file=sys.stderr)
        return 1 if bad else 0
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
