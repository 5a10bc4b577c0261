"""``hopfield-edu``: every bad argument or path gives one line on stderr and exit status 2."""
import subprocess
import sys
from pathlib import Path

import pytest

from hopfield_edu.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "hopfield_edu.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


# (arguments, words the one-line message must contain)
BAD = [
    (["reproduce", "--out", "/proc/x"], ["--out", "/proc/x", "cannot create the folder"]),
    (["reproduce", "--out", "README.md/sub"], ["--out", "README.md", "is a file"]),
    (["reproduce", "--out", "/sys/x"], ["--out", "/sys/x", "cannot create the folder"]),
    (["reproduce", "--out", "x", "--runs", "0"], ["--runs", "expected an integer >= 1", "'0'"]),
    (["reproduce", "--out", "x", "--jobs", "0"], ["--jobs", "expected an integer >= 1", "'0'"]),
    (["reproduce", "--out", "x", "--dpi", "ten"], ["--dpi", "expected an integer >= 1", "'ten'"]),
    (["reproduce", "--out", "x", "--seed", "-3"], ["--seed", "expected an integer >= 0", "'-3'"]),
    (["demo", "--noise", "2"], ["--noise", "expected a number in [0, 1]", "'2'"]),
    (["demo", "--noise", "-0.1"], ["--noise", "expected a number in [0, 1]", "'-0.1'"]),
    (["demo", "--noise", "nan"], ["--noise", "expected a number in [0, 1]"]),
    (["demo", "--seed", "-3"], ["--seed", "expected an integer >= 0", "'-3'"]),
    (["demo", "--out", "bad path/x.txt"], ["--out", "bad path/x.txt", "ending in .png"]),
    (["demo", "--out", "bad path/x.png"], ["--out", "the folder bad path does not exist"]),
    (["demo", "--out", "README.md"], ["--out", "ending in .png"]),
    (["no-such-command"], ["invalid choice", "no-such-command"]),
]


@pytest.mark.parametrize("args, words", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_argument_is_one_line_and_exit_2(args, words):
    proc = _cli(*args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr and lines[0].startswith("hopfield-edu")
    assert ": error: " in lines[0]
    for word in words:
        assert word in lines[0], f"{word!r} missing from {lines[0]!r}"
    assert not (ROOT / "x").exists()  # nothing created for a rejected reproduce


def test_same_kind_same_wording():
    # --seed of demo and of reproduce are the same kind of argument: the same wording
    demo = _cli("demo", "--seed", "-1").stderr.split("error: ")[1].split(" (see")[0]
    rep = _cli("reproduce", "--out", "x", "--seed", "-1").stderr.split("error: ")[1].split(" (see")[0]
    assert demo == rep


def test_existing_png_is_not_overwritten(tmp_path, capsys):
    target = tmp_path / "energy.png"
    target.write_bytes(b"mine")
    assert main(["demo", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "exists" in err and len(err.strip().splitlines()) == 1
    assert target.read_bytes() == b"mine"


def test_no_command_prints_help_and_exits_0():
    proc = _cli()
    assert proc.returncode == 0, proc.stderr
    assert "usage: hopfield-edu" in proc.stdout
    for command in ("demo", "reproduce", "check"):
        assert command in proc.stdout


def test_demo_writes_a_png(tmp_path):
    out = tmp_path / "energy.png"
    proc = _cli("demo", "--noise", "0.2", "--seed", "1", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "overlap before" in proc.stdout


def test_the_program_ends_at_once_after_reproduce_with_its_exit_code_and_output(tmp_path):
    # entry() ends the process with os._exit after reproduce: the exit code and everything
    # printed must still come out
    (tmp_path / "mine.txt").write_text("keep")
    proc = subprocess.run([sys.executable, "-m", "hopfield_edu.cli", "reproduce", "--out", str(tmp_path),
                           "--quick", "--no-progress"], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"hopfield-edu reproduce: error: argument --out: {tmp_path} is not empty")
    assert (tmp_path / "mine.txt").read_text() == "keep"
