"""TRUSTED SIDE: nbgrader, wired to the sandboxed grader.

``nbgrader_config.py`` at the course root puts these into ``nbgrader autograde``,
``generate_feedback`` and ``export``, so an instructor who runs plain nbgrader is
protected:

:class:`TrustedExecute`
    replaces nbgrader's ``Execute``: no kernel is started in the grader's environment.
    The student's code runs in the sandbox (:class:`~.session.GradingSession`); the
    checks named in each test cell of the *source* notebook (hidden ones included) run
    in the grader; the test cell's output becomes the trusted verdict -- a ``PASS`` line,
    or an error whose message is the hint -- which nbgrader's ``SaveAutoGrades`` turns
    into points as usual. Warnings and stderr output of the student never reach a test
    cell, so they never cost points. A crash, an endless loop, a failed sandbox start of
    one student is that student's verdict, never an exception that stops the batch.
:class:`SaveTrustedNotes`
    (after ``SaveAutoGrades``) writes each function's verdict and the notebook's notes
    ("timed out at cell 7", the isolation level) into the gradebook's comments and the
    whole outcome, hint ids included, to ``autograded/<student>/<assignment>/
    hopfield_grading.json`` (class analytics read it).
:class:`HideTestCode`
    feedback shows verdicts and hints, never test code (hidden tests included).
:class:`NotesCsvExport`
    ``nbgrader export`` with a ``grading_notes`` column.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from nbgrader.plugins import CsvExportPlugin
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Dict, Float, Unicode

from .checks import ASSIGNMENTS, CHECKS, POINTS
from .notebook import is_test_cell, read_notebook, test_cell_checks

__all__ = ["RestoreCourseCells", "TrustedExecute", "SaveTrustedNotes", "HideTestCode", "NotesCsvExport",
           "grade_notebook",
           "apply_outcome", "OUTCOME_FILE", "NOTE_PREFIX"]

OUTCOME_FILE = "hopfield_grading.json"
NOTE_PREFIX = "[hopfield-edu] "


def _coursedir(config):
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config)


def _test_cells(nb) -> dict:
    """``{grade_id: [(function, kwargs), ...]}`` of the notebook's test cells."""
    out = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        if is_test_cell(cell) and meta.get("grade_id"):
            out[meta["grade_id"]] = test_cell_checks(cell.source, CHECKS)
    return out


def specs_from(source_nb, names) -> dict:
    """``{function: [kwargs, ...]}`` of every check the source notebook's test cells name."""
    specs: dict = {}
    for calls in _test_cells(source_nb).values():
        for name, kwargs in calls:
            if name in names:
                specs.setdefault(name, []).append(kwargs)
    return specs


def grade_notebook(nb, source_nb, assignment, submission_dir, *, limits=None, isolation=None,
                   allow_unisolated=False):
    """The trusted :class:`~.session.Outcome` of one notebook (plain data)."""
    from .session import GradingSession, Outcome
    from .similarity import reference_flags

    names = list(ASSIGNMENTS[assignment])
    specs = specs_from(source_nb, names)
    try:
        with GradingSession(nb, assignment, workdir=submission_dir, limits=limits, isolation=isolation,
                            allow_unisolated=allow_unisolated) as session:
            outcome = session.grade(specs)
    except RuntimeError as exc:  # the sandbox could not start: an infrastructure failure
        raise RuntimeError(f"grading {assignment} failed before any student code ran: {exc}") from None
    outcome.flags = reference_flags(nb, names)
    assert isinstance(outcome, Outcome)
    return outcome


def _verdict_line(r: dict) -> str:
    if r["status"] == "pass":
        return f"PASS {r['name']} ({r['points']:g}/{r['max_points']:g} points)"
    label = "TODO" if r["status"] == "todo" else "FAIL"
    return f"{label} {r['name']}: {r['message']}"


def apply_outcome(nb, outcome: dict) -> None:
    """Write the trusted verdicts into the test cells' outputs (and the cells' own outputs)."""
    from nbformat.v4 import new_output

    by_name = {r["name"]: r for r in outcome["results"]}
    runs = {c["index"]: c for c in outcome["cells"]}
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = []
        if is_test_cell(cell):
            names = [n for n, _ in test_cell_checks(cell.source, CHECKS) if n in by_name]
            names = list(dict.fromkeys(names))
            if not names:
                continue
            failed = [by_name[n] for n in names if by_name[n]["status"] != "pass"]
            if failed:
                cell.outputs.append(new_output("error", ename="CheckFailed",
                                               evalue="; ".join(_verdict_line(r) for r in failed),
                                               traceback=[_verdict_line(r) for r in failed]))
            else:
                text = "\n".join(_verdict_line(by_name[n]) for n in names) + "\n"
                cell.outputs.append(new_output("stream", name="stdout", text=text))
        elif index in runs:
            run = runs[index]
            text = run.get("stdout") or ""
            if run["status"] in ("timeout", "crashed", "error", "skipped"):
                err = run.get("error") or {}
                detail = {"timeout": "timed out (stopped by the grader)",
                          "crashed": "crashed its Python process",
                          "skipped": "was not run (the grading time budget was used up)",
                          "error": f"raised {err.get('type')}: {err.get('message')}"}[run["status"]]
                text += f"[grader] this cell {detail}\n"
            if text:
                cell.outputs.append(new_output("stream", name="stdout", text=text))
        cell.execution_count = None


class RestoreCourseCells(NbGraderPreprocessor):
    """Sanitize step, before nbgrader's OverwriteCells: the nbgrader metadata of every cell
    comes from the source notebook, never from the submission.

    A cell whose ``grade_id`` (or, without metadata, whose cell id) belongs to the source
    gets the source's metadata back (a solution cell cannot be promoted to a grade cell,
    a test cell cannot be demoted); nbgrader metadata with an unknown ``grade_id`` (a
    "bonus" grade cell of the student's) is removed; a test cell the student deleted is
    put back after the cell of its function. nbgrader then restores the locked cells'
    sources as usual, and a tampered notebook never makes nbgrader fail for one student.
    """

    def preprocess(self, nb, resources):
        import copy

        info = resources["nbgrader"]
        cd = _coursedir(self.config)
        path = Path(cd.format_path(cd.source_directory, ".", info["assignment"])) / f"{info['notebook']}.ipynb"
        if not path.is_file():
            return nb, resources
        source = read_notebook(path)
        by_gid = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
                  if (c.get("metadata", {}).get("nbgrader") or {}).get("grade_id")}
        by_id = {c.get("id"): c for c in source.cells if c.get("id")}
        seen = set()
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader") or {}
            gid = meta.get("grade_id")
            origin = by_gid.get(gid) if gid else None
            if origin is None and not gid and cell.get("id") in by_id:
                candidate = by_id[cell.get("id")]
                origin = candidate if candidate.get("metadata", {}).get("nbgrader") else None
            if origin is not None and origin.metadata["nbgrader"]["grade_id"] not in seen:
                cell.metadata["nbgrader"] = copy.deepcopy(origin.metadata["nbgrader"])
                cell.cell_type = origin.cell_type if origin.cell_type == cell.cell_type else cell.cell_type
                seen.add(origin.metadata["nbgrader"]["grade_id"])
            elif "nbgrader" in cell.get("metadata", {}):
                del cell.metadata["nbgrader"]
        self._put_back_missing_tests(nb, source, seen)
        return nb, resources

    @staticmethod
    def _put_back_missing_tests(nb, source, seen):
        import copy

        for i, cell in enumerate(source.cells):
            meta = cell.get("metadata", {}).get("nbgrader") or {}
            if not (is_test_cell(cell) and meta.get("grade_id")) or meta["grade_id"] in seen:
                continue
            # after the submission's copy of the source cell just before it, else at the end
            anchor = source.cells[i - 1].get("metadata", {}).get("nbgrader", {}).get("grade_id") if i else None
            where = next((k + 1 for k, c in enumerate(nb.cells)
                          if anchor and (c.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == anchor),
                         len(nb.cells))
            restored = copy.deepcopy(cell)
            restored.outputs, restored.execution_count = [], None
            nb.cells.insert(where, restored)
            seen.add(meta["grade_id"])


class TrustedExecute(NbGraderPreprocessor):
    """nbgrader autograde step: run the student's code sandboxed, verdicts computed here."""

    allow_unisolated = Bool(False, help="Grade even when student code cannot be isolated "
                            "(no bubblewrap namespaces, no separate user). Unsafe.").tag(config=True)
    isolation = Unicode("", help="Force an isolation level: namespaces, user or process "
                        "(default: the strongest available).").tag(config=True)
    call_timeout = Float(10.0, help="Seconds per call of a student function.").tag(config=True)
    cell_timeout = Float(15.0, help="Seconds per notebook cell.").tag(config=True)
    function_budget = Float(30.0, help="Seconds for all checks of one function.").tag(config=True)
    student_budget = Float(45.0, help="Seconds for everything of one submission.").tag(config=True)
    precomputed = Dict(help="Outcomes computed ahead (by `hopfield-edu grade`), keyed "
                       "'student/assignment/notebook'.").tag(config=True)

    def _limits(self):
        from .sandbox import Limits

        return Limits(call_timeout=self.call_timeout, cell_timeout=self.cell_timeout,
                      function_budget=self.function_budget, student_budget=self.student_budget,
                      notebook_budget=min(25.0, self.student_budget))

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        assignment, notebook, student = info["assignment"], info["notebook"], info["student"]
        if assignment not in ASSIGNMENTS:
            raise RuntimeError(f"no checks are registered for assignment {assignment!r}")
        key = f"{student}/{assignment}/{notebook}"
        outcome = self.precomputed.get(key)
        if outcome is None:
            cd = _coursedir(self.config)
            source = Path(cd.format_path(cd.source_directory, ".", assignment)) / f"{notebook}.ipynb"
            submitted = Path(cd.format_path(cd.submitted_directory, student, assignment))
            allow = self.allow_unisolated or os.environ.get("HOPFIELD_EDU_ALLOW_UNISOLATED") == "1"
            outcome = grade_notebook(nb, read_notebook(source), assignment, submitted,
                                     limits=self._limits(), isolation=self.isolation or None,
                                     allow_unisolated=allow).to_dict()
        self.log.info("%s: %s (%s isolation, %.1f s)", key,
                      ", ".join(f"{r['name']} {r['status']}" for r in outcome["results"]),
                      outcome["isolation"], outcome["seconds"])
        apply_outcome(nb, outcome)
        resources["hopfield_edu_outcome"] = outcome
        return nb, resources


class SaveTrustedNotes(NbGraderPreprocessor):
    """After SaveAutoGrades: verdicts and notes into the gradebook and the outcome file."""

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook, MissingEntry

        outcome = resources.get("hopfield_edu_outcome")
        if outcome is None:
            return nb, resources
        info = resources["nbgrader"]
        notes = "; ".join(outcome["notes"])
        with Gradebook(info["db_url"]) as gb:
            for r in outcome["results"]:
                try:
                    comment = gb.find_comment(r["name"], info["notebook"], info["assignment"],
                                              info["student"])
                except MissingEntry:
                    continue
                text = NOTE_PREFIX + _verdict_line(r)
                if notes:
                    text += f" | notebook: {notes}"
                comment.auto_comment = text
            gb.db.commit()
        cd = _coursedir(self.config)
        out_dir = Path(cd.format_path(cd.autograded_directory, info["student"], info["assignment"]))
        out_dir.mkdir(parents=True, exist_ok=True)
        record = dict(outcome, student=info["student"], notebook=info["notebook"])
        (out_dir / OUTCOME_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
        return nb, resources


class HideTestCode(NbGraderPreprocessor):
    """Feedback: a test cell shows which checks graded it, never their code."""

    def preprocess_cell(self, cell, resources, index):
        if is_test_cell(cell):
            names = list(dict.fromkeys(n for n, _ in test_cell_checks(cell.source, CHECKS)))
            points = ", ".join(f"{n} ({POINTS.get(n, 1):g} points)" for n in names)
            cell.source = (f"# Graded by the course's checker: {points or 'see the verdict below'}.\n"
                           "# The checks (visible and hidden cases) ran outside your notebook.")
        return cell, resources


class NotesCsvExport(CsvExportPlugin):
    """``nbgrader export``: the usual CSV plus a ``grading_notes`` column."""

    def export(self, gradebook):
        import csv

        super().export(gradebook)
        dest = self.to or "grades.csv"
        with open(dest, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        fields = list(rows[0].keys()) if rows else []
        for row in rows:
            row["grading_notes"] = self._notes(gradebook, row["assignment"], row["student_id"])
        with open(dest, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields + ["grading_notes"])
            writer.writeheader()
            writer.writerows(rows)

    @staticmethod
    def _notes(gradebook, assignment, student):
        from nbgrader.api import MissingEntry

        try:
            submission = gradebook.find_submission(assignment, student)
        except MissingEntry:
            return ""
        seen = []
        for nb in submission.notebooks:
            for comment in nb.comments:
                text = comment.auto_comment or ""
                if text.startswith(NOTE_PREFIX):
                    body = text[len(NOTE_PREFIX):]
                    if not body.startswith("PASS"):
                        seen.append(body.split(" | notebook: ")[0])
                    if " | notebook: " in body:
                        seen.append(body.split(" | notebook: ", 1)[1])
        return "; ".join(dict.fromkeys(seen))
