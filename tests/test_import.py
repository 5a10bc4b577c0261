"""The package imports lazily (PEP 562) yet every public name works as before."""
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import hopfield_edu

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(code):
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_loads_no_heavy_dependency():
    mods = _modules_after("import hopfield_edu")
    for heavy in ("pandas", "numba", "matplotlib", "numpy", "hopfield_edu.physics"):
        assert heavy not in mods, f"import hopfield_edu imported {heavy}"


def test_light_names_do_not_load_numba_or_pandas():
    mods = _modules_after("from hopfield_edu import random_patterns, add_noise, overlap, letter_patterns\n"
                          "random_patterns(2, 30, rng=0)")
    assert "pandas" not in mods and "numba" not in mods
    # the first ±1 check compiles (or loads) its Numba kernel; pandas is still not needed
    mods = _modules_after("from hopfield_edu import add_noise, letter_patterns\n"
                          "add_noise(letter_patterns()['T'], 0.2, rng=1)")
    assert "pandas" not in mods and "numba" in mods


def test_cli_help_loads_no_subcommand_module():
    mods = _modules_after("from hopfield_edu.cli import build_parser\nbuild_parser(None).format_help()")
    for heavy in ("numpy", "pandas", "numba", "hopfield_edu.report", "hopfield_edu.selfcheck"):
        assert heavy not in mods, f"hopfield-edu --help imported {heavy}"


@pytest.mark.parametrize("name", hopfield_edu.__all__)
def test_every_public_name_resolves(name):
    value = getattr(hopfield_edu, name)
    assert value is not None
    namespace = {}
    exec(f"from hopfield_edu import {name}", namespace)
    assert namespace[name] is value


def test_star_import_and_submodules():
    namespace = {}
    exec("from hopfield_edu import *", namespace)
    assert set(hopfield_edu.__all__) <= set(namespace)
    assert hopfield_edu.engine.HopfieldNetwork is hopfield_edu.HopfieldNetwork
    assert hopfield_edu.physics.capacity_curve is hopfield_edu.capacity_curve
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        hopfield_edu.nonexistent  # noqa: B018


def test_version_is_the_one_pyproject_reads():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'version = \{ attr = "hopfield_edu\._version\.__version__" \}', text)
    source = (ROOT / "hopfield_edu" / "_version.py").read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s", source, re.M), "_version.py must not import anything"
    assert re.fullmatch(r"\d+\.\d+\.\d+", hopfield_edu.__version__)


@pytest.mark.parametrize("p_on", [0.5, 0.3])
def test_random_patterns_int8_same_draws_as_definition(p_on):
    # Definition: +1 where the uniform draw is below p_on (the former int64 implementation).
    expected = np.where(np.random.default_rng(7).random((40, 300)) < p_on, 1, -1)
    got64 = hopfield_edu.random_patterns(40, 300, p_on=p_on, rng=7)
    got8 = hopfield_edu.random_patterns(40, 300, p_on=p_on, rng=7, dtype=np.int8)
    assert got64.dtype == np.int64 and got8.dtype == np.int8
    assert np.array_equal(got64, expected) and np.array_equal(got8, expected)


def test_random_patterns_rejects_unsigned_dtype():
    with pytest.raises(TypeError, match="dtype must be a signed integer or float"):
        hopfield_edu.random_patterns(2, 5, rng=0, dtype=np.uint8)
