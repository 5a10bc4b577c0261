"""nbgrader configuration of the hopfield-edu course (course root = this directory).

    solutions/<assignment>/<assignment>.ipynb   instructor sources (BEGIN/END SOLUTION, HIDDEN TESTS)
    exercises/<assignment>/<assignment>.ipynb   student releases, committed

Generate releases with ``python -m hopfield_edu.course generate`` (deterministic:
fixed cell ids, no timestamps), not with a bare ``nbgrader generate_assignment``,
so that the committed release can be compared with a fresh generation. ``nbgrader
autograde`` and ``generate_feedback`` work from this directory as usual; see
docs/grading.md.
"""
import os
import warnings

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "hopfield-edu"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

# What replaces a "### BEGIN SOLUTION ... ### END SOLUTION" region in the release:
# the NMA-style stub. `hopfield-edu check` reports a function that still raises it as TODO.
c.ClearSolutions.code_stub = {
    "python": 'raise NotImplementedError("Student exercise: write this function (see its docstring)")',
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Autograding never runs student code in nbgrader's process or in a kernel of the
# grader's environment: TrustedExecute (instead of nbgrader's Execute) runs the student's
# cells in a sandbox (bubblewrap namespaces where the host allows them) and decides every
# test cell's verdict in this process, from the checks its SOURCE test cell names
# (hidden tests included). See docs/grading.md (threat model, isolation levels, limits).
# Options: --TrustedExecute.allow_unisolated=True (grade without isolation: unsafe),
# .isolation=namespaces|user|process, .call_timeout, .cell_timeout, .function_budget,
# .student_budget (seconds).
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from hopfield_edu.grading.nbgrader_glue import (  # noqa: E402
    HideTestCode,
    NotesCsvExport,
    RestoreCourseCells,
    SaveTrustedNotes,
    TrustedExecute,
)

# The nbgrader metadata of a submission is the student's to tamper with: restore it from the
# source first (and put back deleted test cells), then nbgrader's own sanitizing.
c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, RestoreCourseCells, OverwriteKernelspec, OverwriteCells,
    CheckCellMetadata,
]
c.Autograde.autograde_preprocessors = [
    TrustedExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata, SaveTrustedNotes,
]
# Feedback shows verdicts and hints, never the test code (hidden tests included).
c.GenerateFeedback.preprocessors = [GetGrades, HideTestCode, CSSHTMLHeaderPreprocessor]
# `nbgrader export` adds a grading_notes column ("timed out at cell 7", failed checks).
c.ExportApp.plugin_class = NotesCsvExport

# nbgrader's Gradebook.add_submission builds the submission's rows before adding the
# submission to the session; SQLAlchemy 2.0 (we pin < 2.1) then warns once per new row
# that the backref cascade "will not proceed". The rows are added right after, so the
# warning is noise (every first autograde of a student prints it). Silence exactly it.
try:
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session, add operation along",
                            category=SAWarning)
except ImportError:  # nbgrader without SQLAlchemy cannot run anyway
    pass
