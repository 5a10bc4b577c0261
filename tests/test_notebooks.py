"""Every solution notebook (solutions/*/*.ipynb) runs top to bottom without an error.

Executed with nbclient in a fresh kernel in the notebook's folder; the notebook file is
not written. Each cell has a time limit (CELL_TIMEOUT) and each notebook a total
budget (pytest-timeout), so a notebook that hangs fails instead of blocking the suite.
These are guards, not speed measurements (timings live in benchmarks/).
"""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
CELL_TIMEOUT = 300  # seconds
NOTEBOOK_BUDGET = 600  # seconds for a whole notebook


def _execute(path):
    nb = nbformat.read(path, as_version=4)
    cfg = Config()
    cfg.KernelManager.transport_encryption = "auto"  # no plain-TCP warning from ipykernel
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", config=cfg,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def _stdout(nb, cell_id):
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_there_are_solution_notebooks():
    assert any(p.parent.name == "assignment1" for p in NOTEBOOKS)


@pytest.mark.timeout(NOTEBOOK_BUDGET)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_solution_notebook_runs_top_to_bottom(path):
    before = path.read_bytes()
    nb = _execute(path)  # raises CellExecutionError with the failing cell on any error
    assert path.read_bytes() == before
    assert any(c.cell_type == "code" and c.outputs for c in nb.cells)
    if path.parent.name == "assignment1":
        # the demos of assignment 1 do what the text says they do
        for name in ("train_hopfield", "update_state", "compute_energy", "add_noise"):
            assert f"{name}: all visible tests passed" in _stdout(nb, f"test_{name}")
        restore = _stdout(nb, "restore")
        assert restore.count("recalled the stored pattern: True") == 3, restore
        assert "largest energy increase in one update: 0" in _stdout(nb, "energy-curve")
        sync = _stdout(nb, "sync-cycle")
        assert "[-1  1] (E=+1)  [ 1 -1] (E=+1)" in sync and "[1 1] (E=-1)" in sync
        # the seed's threshold sign (-theta.s) rises under the update rule, ours never does
        slip = _stdout(nb, "seed-slip")
        assert "seed's energy (- theta.s): -0.5 -> +0.5" in slip, slip
        assert "compute_energy (+ theta.s): +0.5 -> -0.5" in slip, slip
        assert "of compute_energy 0\n" in slip and "seed's energy 0," not in slip, slip
