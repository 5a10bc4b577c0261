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

# Autograding: a notebook of assignment 1 runs in a few seconds; 5 minutes per cell
# is a generous ceiling that still stops a student's infinite loop.
c.Execute.timeout = 300
c.Execute.interrupt_on_timeout = True

# Kernels run over local TCP; provision CurveZMQ keys when the kernelspec supports it
# (ipykernel does), which also silences ipykernel's "running over TCP without
# encryption" warning.
c.KernelManager.transport_encryption = "auto"

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
