"""The top-level handler of the command line (cli/_guard.py): an internal error is a short message
with a bug-report hint and exit 70, the traceback only with --debug; and a few hostile inputs
through the real ``pledgelab`` script in a fresh process under a memory limit and a timeout."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pledgelab.cli import main


def _boom(_args: Any) -> Any:
    return {}["a key nobody has"]  # the kind of bug the handler must not show as a traceback


def test_an_internal_error_is_a_bug_report_hint_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("pledgelab.cli._parser.cmd_deals", _boom)
    assert main(["deals"]) == 70
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("pledgelab deals: internal error (KeyError") and "this is a bug" in err
    assert "--debug" in err


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.setattr("pledgelab.cli._parser.cmd_deals", _boom)
    argv = ["deals", "--debug"] if how == "flag" else ["deals"]
    if how == "env":
        monkeypatch.setenv("PLEDGELAB_DEBUG", "1")
    with pytest.raises(KeyError):
        main(argv)


def test_bad_input_is_still_exit_2_with_debug(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--debug", "show", "no-such-deal"]) == 2
    assert capsys.readouterr().err.startswith("no-such-deal:0: <name>: ")


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))


SCRIPT = shutil.which("pledgelab", path=str(Path(sys.executable).parent)) or "pledgelab"


@pytest.mark.parametrize("argv,first", [
    (["show", "{d}/zero.yaml"], "{d}/zero.yaml:0: <file>: not a regular file (a device)"),
    (["show", "{d}/fifo.yaml"], "{d}/fifo.yaml:0: <file>: not a regular file (a FIFO)"),
    (["simulate", "us-korea-2025-11", "--paths", "1000000000000"],
     "pledgelab simulate: error: argument --paths"),
    (["workforce", "delays", "--processing-scale", "nan"], "pledgelab workforce delays: error: argument "
                                                            "--processing-scale: expected a finite number"),
])
def test_the_real_script(tmp_path: Path, argv: list[str], first: str) -> None:
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.yaml")
    args = [a.replace("{d}", str(tmp_path)) for a in argv]
    proc = subprocess.run([SCRIPT, *args], capture_output=True, text=True, timeout=120, preexec_fn=_limits)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip() and not ln.startswith(("usage:", " "))]
    assert lines[0].startswith(first.replace("{d}", str(tmp_path))), proc.stderr
