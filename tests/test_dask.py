"""The physics sweeps on a Dask cluster (joblib's dask backend) give the serial rows.

Needs the ``dask`` extra (dask, distributed), which the ``dev`` extra includes, so
CI runs this file; it is not skipped when Dask is missing but fails to import.
"""
import re
import subprocess
import sys
from pathlib import Path

import joblib
import pytest
from dask.distributed import Client, LocalCluster

from hopfield_edu import physics
from hopfield_edu.warmup import warm_up

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                      processes=True) as cluster, Client(cluster) as c:
        warmed = c.run(warm_up)
        assert len(warmed) == 2
        yield c


SWEEPS = {
    "capacity_curve": lambda **kw: physics.capacity_curve([60, 120], [0.05, 0.15, 0.25], trials=4,
                                                          seed=11, **kw),
    "mixture_stability": lambda **kw: physics.mixture_stability(150, [0.01, 0.08], trials=4, seed=12, **kw),
    "overlap_vs_temperature": lambda **kw: physics.overlap_vs_temperature(80, [0.3, 0.8, 1.5], sweeps=40,
                                                                         burn_in=5, seed=13, **kw),
}


@pytest.mark.parametrize("name", list(SWEEPS))
def test_dask_rows_equal_serial_rows(client, name):
    serial = SWEEPS[name](n_jobs=1, progress=False)
    with joblib.parallel_backend("dask"):
        distributed = SWEEPS[name](n_jobs=-1, progress=True)
    # the work really went to the cluster's workers
    assert client.scheduler_info()["workers"]
    assert len(serial) > 0
    assert distributed.equals(serial), f"{name}: Dask rows differ from the serial rows"


def test_docs_snippet_runs_as_a_script(tmp_path):
    text = (ROOT / "docs" / "physics.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "LocalCluster" in b]
    assert len(blocks) == 1, "docs/physics.md should hold one LocalCluster script"
    script = tmp_path / "sweep.py"
    script.write_text(blocks[0], encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # the printed table: one fraction retrieved per (N, alpha)
    assert re.search(r"^400\s+0\.10\s+[01]\.\d+$", proc.stdout, re.M), proc.stdout
    assert len(re.findall(r"^\S*\s+0\.18\s+[01]\.\d+$", proc.stdout, re.M)) == 2, proc.stdout
