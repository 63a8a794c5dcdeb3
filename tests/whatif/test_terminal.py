"""The terminal: tables fit the terminal's width (COLUMNS when output is not a terminal), long
tables are cut unless --all, --version, help without markup."""

from __future__ import annotations

import re

import pytest

from pledgelab import __version__
from pledgelab.cli import build_parser, main

WIDE = [
    ["deals"],
    ["compare", "us-ask-2025-09", "korea-counter-2025-10", "us-korea-2025-11", "korea-cap-15b"],
    ["run", "us-korea-2025-11"],
    ["funding", "us-korea-2025-11"],
    ["funding", "us-ask-2025-09", "us-korea-2025-11", "--compare"],
    ["tariffs", "us-korea-2025-11"],
    ["workforce", "plan", "--paths", "64"],
    ["cashflows", "korea-counter-2025-10"],
]


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("argv", WIDE, ids=lambda a: " ".join(a[:2]))
def test_no_line_wider_than_the_terminal(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                         argv: list[str], columns: int) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    wide = [ln for ln in lines if len(ln) > columns]
    assert not wide, f"{len(wide)} lines wider than {columns}: {wide[0]!r}"


def test_long_tables_are_cut_unless_all(capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["cashflows", "us-korea-2025-11", "--by", "quarter"]) == 0
    cut = capsys.readouterr().out
    assert "--all shows every row" in cut
    assert main(["cashflows", "us-korea-2025-11", "--by", "quarter", "--all"]) == 0
    full = capsys.readouterr().out
    assert "--all shows every row" not in full and len(full.splitlines()) > len(cut.splitlines())


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"pledgelab {__version__}"


def test_help_has_no_markup(capsys: pytest.CaptureFixture[str]) -> None:
    texts = [build_parser().format_help()]
    for name in ("run", "compare", "cashflows", "show", "simulate"):
        with pytest.raises(SystemExit):
            main([name, "--help"])
        texts.append(capsys.readouterr().out)
    for text in texts:
        assert "``" not in text and "[bold" not in text and "[dim" not in text
    assert "--set PATH=VALUE" in texts[1] and "--sweep" in texts[2] and "--by" in texts[3]


def test_units_read_consistently(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["run", "us-korea-2025-11"]) == 0
    out = capsys.readouterr().out
    # dollars in $B with one or two decimals and rates as percentages, never 1.2e+11 (the values
    # themselves move with the data: the re-based pipeline of issue 14 F changed them)
    assert re.search(r"\$\d[\d,]*\.\d{1,2}B", out) and re.search(r"\b\d+\.\d\d%", out) and "e+" not in out


def test_every_option_has_help() -> None:
    import argparse

    missing: list[str] = []

    def walk(p: argparse.ArgumentParser, name: str) -> None:
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for n, sp in a.choices.items():
                    walk(sp, f"{name} {n}")
            elif not a.help and a.dest != "help":
                missing.append(f"{name} {'/'.join(a.option_strings) or a.dest}")

    walk(build_parser(), "pledgelab")
    assert not missing, missing
