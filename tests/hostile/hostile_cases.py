"""The hostile corpus: classes of bad input, each applied to every reader, option or body it fits.

A case is data (built at collection time, so each is its own test id); the
files it names are written by :func:`build_files` into one folder, ``{d}`` in
the templates. Expectations:

- ``rc``: the exit status (2: refused as bad input; 0 where the input is legal
  but suspect and must carry a ``warning:``);
- ``where``: a regular expression the first line of stderr must match — the
  message's location (``file:line: field:``, ``argument --paths:``, ``option``);
- lib cases: ``field``, a text the exception's message must name, and the
  exception must be an ``InputError`` or ``ValueError`` (never a bare
  ``KeyError``/``AttributeError``/``TypeError``).

Every case also must not escape as a traceback, hang (its own alarm), or grow
the worker's peak memory by more than :data:`MAX_GROWTH_MB`.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_GROWTH_MB = 400.0
DEAL = "us-korea-2025-11"
DATA = Path(__file__).resolve().parents[2] / "src" / "pledgelab" / "data"


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # cli | lib
    argv: tuple[str, ...] = ()
    call: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    rc: int = 2
    where: str = ""  # regex on stderr's first line (cli)
    field: str = ""  # text the message must name (lib)
    warn: str = ""  # text a warning must hold (rc 0 cases, lib cases that warn)
    timeout: float = 30.0
    cls: str = ""  # the class of hostile input, for the counts


# -- files ------------------------------------------------------------------------------------------

def _laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


FILE_CLASSES: dict[str, Any] = {
    # name: text, bytes, or a callable(path) that makes it
    "billion-laughs": _laughs(),
    "deep-sequence": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "deep-mapping": "a: " + "{x: " * 3000 + "1" + "}" * 3000 + "\n",
    "recursive-alias": "a: &a [1, *a]\nb: 2\n",
    "nul-byte": b"schema: x\nid: \x00\n",
    "latin-1": "schema: pledgelab\ntitle: caf\xe9 cr\xe8me\n".encode("latin-1"),
    "utf-16": "schema: pledgelab\ntitle: x\n".encode("utf-16"),
    "binary": bytes(range(256)) * 8,
    "oversize": "a: " + "x" * (1 << 20) + "\n",
    "empty": "",
    "impossible-date": "schema: pledgelab\nas_of: 2025-02-30\n",
    "month-13": "schema: pledgelab\nas_of: 2025-13-01\n",
    "control-char": "schema: pledgelab\ntitle: \x07\x1b[31m\n",
    "collection-key": "? [1, 2]\n: 3\n",
    "huge-int": "a: " + "9" * 6000 + "\n",
    "python-tag": "a: !!python/object/apply:os.system ['true']\n",
    "top-level-list": "- a\n- b\n",
    "fifo": "FIFO",
    "dev-zero": "DEVZERO",
    "folder": "FOLDER",
}

READERS: dict[str, tuple[str, ...]] = {
    "deal": ("show", "{f}"),
    "pipeline": ("run", DEAL, "--pipeline", "{f}"),
    "drivers": ("simulate", DEAL, "--paths", "1", "--quiet", "--drivers", "{f}"),
    "policy": ("workforce", "delays", "--policy", "{f}", "--paths", "1"),
    "funding-plan": ("funding", DEAL, "--plan", "{f}"),
    "safeguard": ("simulate", DEAL, "--paths", "1", "--quiet", "--fx-feedback", "{f}"),
    "replay": ("workforce", "replay", "{f}", "--paths", "1"),
}


def _mutate(text: str, key: str, value: str) -> str:
    """``text`` with the ``value:`` line of clause ``key`` (the first after ``key:``) replaced."""
    lines = text.splitlines(keepends=True)
    start = next(i for i, ln in enumerate(lines) if re.match(rf"^\s+{re.escape(key)}:\s*$", ln))
    j = next(i for i in range(start + 1, len(lines)) if re.match(r"^\s+value:", lines[i]))
    indent = lines[j][: len(lines[j]) - len(lines[j].lstrip())]
    lines[j] = f"{indent}value: {value}\n"
    return "".join(lines)


def _insert_before(text: str, key: str, block: str) -> str:
    lines = text.splitlines(keepends=True)
    i = next(i for i, ln in enumerate(lines) if re.match(rf"^\s+{re.escape(key)}:\s*$", ln))
    return "".join(lines[:i]) + block + "".join(lines[i:])


REVIEW_SHARES = """    review_shares:
      value: {US: 0.5, XX: 0.5}
      unit: shares
      label: shares after the review
      status: assumed
      reason: hostile test
      alternatives:
        - {value: {US: 0.5, KR: 0.5}, label: even}
"""

# clause values that are legal YAML but nonsense: (id, file kind, clause key, value, expected field)
CLAUSES: list[tuple[str, str, str, str, str]] = [
    ("headline-1.7e308", "deal", "headline", "1.7e308", "amount.headline.value"),
    ("headline-inf", "deal", "headline", ".inf", "amount.headline.value"),
    ("headline-nan", "deal", "headline", ".nan", "amount.headline.value"),
    ("headline-negative", "deal", "headline", "-350e9", "amount.headline.value"),
    ("headline-text", "deal", "headline", "lots", "amount.headline.value"),
    ("review-horizon-1e12", "deal", "review_horizon", "1000000000000", "review_horizon.value"),
    ("funding-lag-1e9", "deal", "funding_lag", "1000000000", "funding_lag.value"),
    ("deadline-9999", "deal", "selection_deadline", "9999-12-31", "selection_deadline.value"),
    ("deadline-0001", "deal", "selection_deadline", "0001-01-01", "selection_deadline.value"),
    ("deadline-datetime", "deal", "selection_deadline", "2026-01-10T00:00:00", "selection_deadline.value"),
    ("deadline-impossible", "deal", "selection_deadline", "2025-02-30", "selection_deadline.value"),
    ("notice-9999", "pipeline", "notice_date", "9999-12-31", "notice_date.value"),
    ("notice-datetime", "pipeline", "notice_date", "2026-07-15 10:00:00", "notice_date.value"),
    ("capex-1e300", "pipeline", "capex", "1e300", "capex.value"),
]


def build_files(d: Path) -> None:
    """Write every file the cases name into ``d``."""
    d.mkdir(parents=True, exist_ok=True)
    for name, content in FILE_CLASSES.items():
        path = d / f"{name}.yaml"
        if path.exists() or path.is_symlink():
            continue
        if content == "FIFO":
            os.mkfifo(path)
        elif content == "DEVZERO":
            path.symlink_to("/dev/zero")
        elif content == "FOLDER":
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    deal = (DATA / "deals" / f"{DEAL}.yaml").read_text(encoding="utf-8")
    pipe = (DATA / "pipelines" / "korea-illustrative.yaml").read_text(encoding="utf-8")
    for cid, kind, key, value, _ in CLAUSES:
        base, stem = (deal, DEAL) if kind == "deal" else (pipe, "korea-illustrative")
        sub = d / cid
        sub.mkdir(exist_ok=True)
        (sub / f"{stem}.yaml").write_text(_mutate(base, key, value), encoding="utf-8")
    sub = d / "review-shares-unknown"
    sub.mkdir(exist_ok=True)
    has = re.search(r"^\s+review_shares:", deal, re.M)  # the shipped deal may carry the clause
    bad = _mutate(deal, "review_shares", "{US: 0.5, XX: 0.5}") if has \
        else _insert_before(deal, "review_horizon", REVIEW_SHARES)
    (sub / f"{DEAL}.yaml").write_text(bad, encoding="utf-8")
    # output targets, databases and CSV files
    (d / "a-folder").mkdir(exist_ok=True)
    (d / "notadb.db").write_text("this is not a database\n", encoding="utf-8")
    with sqlite3.connect(d / "uninit.db") as con:
        con.execute("CREATE TABLE IF NOT EXISTS other (a INTEGER)")
    _csv_files(d)
    for name, content in (("prev-zero", None), ("prev-not-json", "{not json"), ("prev-no-id", "[1, 2]")):
        sub = d / name
        sub.mkdir(exist_ok=True)
        if content is None:
            if not (sub / "manifest.json").is_symlink():
                (sub / "manifest.json").symlink_to("/dev/zero")
        else:
            (sub / "manifest.json").write_text(content, encoding="utf-8")


CSV_HEADER = "id,pledge_id,name,sector,status,status_date,sources,verified\n"
CSV_ROW = "hx-{n},kr-2025,Hostile {n},energy,interest,2026-01-05,https://example.org/x,2026-01-06\n"
CSV_CLASSES: dict[str, Any] = {
    "latin-1": (CSV_HEADER + CSV_ROW.format(n=1).replace("Hostile", "H\xf4stile")).encode("latin-1"),
    "utf-16": (CSV_HEADER + CSV_ROW.format(n=1)).encode("utf-16"),
    "nul": (CSV_HEADER + CSV_ROW.format(n=1)).replace("Hostile", "Ho\x00stile").encode(),
    "unknown-column": CSV_HEADER.replace("\n", ",colour\n") + CSV_ROW.format(n=1).replace("\n", ",red\n"),
    "duplicate-column": CSV_HEADER.replace("\n", ",name\n") + CSV_ROW.format(n=1).replace("\n", ",X\n"),
    "extra-cells": CSV_HEADER + CSV_ROW.format(n=1).replace("\n", ",surplus\n"),
    "long-field": CSV_HEADER + CSV_ROW.format(n=1).replace("Hostile 1", "x" * 20_000),
    "over-csv-limit": CSV_HEADER + CSV_ROW.format(n=1).replace("Hostile 1", "y" * 200_000),
    "impossible-date": CSV_HEADER + CSV_ROW.format(n=1).replace("2026-01-05", "2026-02-30"),
    "date-9999": CSV_HEADER + CSV_ROW.format(n=1).replace("2026-01-05", "9999-12-31"),
    "datetime": CSV_HEADER + CSV_ROW.format(n=1).replace("2026-01-05", "2026-01-05T10:00:00"),
    "amount-nan": CSV_HEADER.replace("\n", ",amount_usd\n") + CSV_ROW.format(n=1).replace("\n", ",nan\n"),
    "amount-inf": CSV_HEADER.replace("\n", ",amount_usd\n") + CSV_ROW.format(n=1).replace("\n", ",inf\n"),
    "amount-negative": CSV_HEADER.replace("\n", ",amount_usd\n") + CSV_ROW.format(n=1).replace("\n", ",-5\n"),
    "amount-1e300": CSV_HEADER.replace("\n", ",amount_usd\n") + CSV_ROW.format(n=1).replace("\n", ",1e300\n"),
    "unknown-pledge": CSV_HEADER + CSV_ROW.format(n=1).replace("kr-2025", "../../etc/passwd"),
    "empty": "",
    "header-only-blank": "\n\n",
    "fifo": "FIFO",
    "folder": "FOLDER",
}


def _csv_files(d: Path) -> None:
    for name, content in CSV_CLASSES.items():
        path = d / f"csv-{name}.csv"
        if path.exists():
            continue
        if content == "FIFO":
            os.mkfifo(path)
        elif content == "FOLDER":
            path.mkdir()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (d / "not-csv.txt").write_text(CSV_HEADER, encoding="utf-8")


# -- the cases ---------------------------------------------------------------------------------------

def _file_cases() -> list[Case]:
    out = []
    for reader, argv in READERS.items():
        for name in FILE_CLASSES:
            f = "{d}/" + f"{name}.yaml"
            out.append(Case(id=f"file-{name}-{reader}", kind="cli", cls=f"file:{name}",
                            argv=tuple(a.replace("{f}", f) for a in argv),
                            where=rf"^{re.escape('{d}')}/{re.escape(name)}\.yaml:\d+: \S+: \S"))
    return out


def _clause_cases() -> list[Case]:
    out = []
    for cid, kind, _key, _value, fld in CLAUSES:
        stem = DEAL if kind == "deal" else "korea-illustrative"
        f = "{d}/" + f"{cid}/{stem}.yaml"
        argv = ("show", f) if kind == "deal" else ("run", DEAL, "--pipeline", f)
        out.append(Case(id=f"clause-{cid}", kind="cli", argv=argv, cls="clause value",
                        where=rf"^{re.escape('{d}')}/{re.escape(cid)}/{stem}\.yaml:[1-9]\d*: "
                              rf"\S*{re.escape(fld)}: "))
    f = "{d}/review-shares-unknown/" + f"{DEAL}.yaml"
    out.append(Case(id="clause-review-shares-unknown-party", kind="cli", argv=("run", f), cls="clause value",
                    where=r"^\S+review-shares-unknown/\S+\.yaml:[1-9]\d*: \S*review_shares\S*: "
                          r"'XX' is not a party"))
    return out


# (id, argv, option named in the message)
OPTIONS: list[tuple[str, tuple[str, ...], str]] = [
    ("simulate-paths-0", ("simulate", DEAL, "--paths", "0"), "--paths"),
    ("simulate-paths-negative", ("simulate", DEAL, "--paths", "-5"), "--paths"),
    ("simulate-paths-1e12", ("simulate", DEAL, "--paths", "1000000000000"), "--paths"),
    ("simulate-paths-text", ("simulate", DEAL, "--paths", "many"), "--paths"),
    ("simulate-paths-float", ("simulate", DEAL, "--paths", "2.5"), "--paths"),
    ("simulate-seed-negative", ("simulate", DEAL, "--seed", "-1"), "--seed"),
    ("simulate-seed-2e64", ("simulate", DEAL, "--seed", str(2**64)), "--seed"),
    ("simulate-workers-0", ("simulate", DEAL, "--workers", "0"), "--workers"),
    ("simulate-chunk-0", ("simulate", DEAL, "--chunk-size", "0"), "--chunk-size"),
    ("simulate-chunk-huge", ("simulate", DEAL, "--chunk-size", "10000000"), "--chunk-size"),
    ("simulate-discount-nan", ("simulate", DEAL, "--discount-rate", "nan"), "--discount-rate"),
    ("simulate-discount-inf", ("simulate", DEAL, "--discount-rate", "inf"), "--discount-rate"),
    ("simulate-fx-impact-nan", ("simulate", DEAL, "--fx-feedback", "--fx-impact", "nan"), "--fx-impact"),
    ("simulate-fx-impact-negative", ("simulate", DEAL, "--fx-feedback", "--fx-impact", "-1"), "--fx-impact"),
    ("run-discount-inf", ("run", DEAL, "--discount-rate", "inf"), "--discount-rate"),
    ("run-discount-nan", ("run", DEAL, "--discount-rate", "nan"), "--discount-rate"),
    ("run-discount-minus-1", ("run", DEAL, "--discount-rate", "-1"), "--discount-rate"),
    ("run-discount-percent", ("run", DEAL, "--discount-rate", "5"), "--discount-rate"),
    ("compare-discount-inf", ("compare", DEAL, "us-proposal-2025-10", "--discount-rate", "-inf"),
     "--discount-rate"),
    ("funding-horizon-0", ("funding", DEAL, "--horizon", "0"), "--horizon"),
    ("funding-horizon-1800", ("funding", DEAL, "--horizon", "1800"), "--horizon"),
    ("funding-horizon-99999", ("funding", DEAL, "--horizon", "99999"), "--horizon"),
    ("tariffs-years-0", ("tariffs", DEAL, "--years", "0"), "--years"),
    ("tariffs-years-1e9", ("tariffs", DEAL, "--years", "1000000000"), "--years"),
    ("tariffs-exports-negative", ("tariffs", DEAL, "--exports", "-1"), "--exports"),
    ("tariffs-exports-inf", ("tariffs", DEAL, "--exports", "inf"), "--exports"),
    ("tariffs-discount-nan", ("tariffs", DEAL, "--discount-rate", "nan"), "--discount-rate"),
    ("delays-processing-nan", ("workforce", "delays", "--processing-scale", "nan"), "--processing-scale"),
    ("delays-processing-0", ("workforce", "delays", "--processing-scale", "0"), "--processing-scale"),
    ("delays-processing-inf", ("workforce", "delays", "--processing-scale", "inf"), "--processing-scale"),
    ("delays-processing-negative", ("workforce", "delays", "--processing-scale", "-2"),
     "--processing-scale"),
    ("delays-paths-0", ("workforce", "delays", "--paths", "0"), "--paths"),
    ("delays-seed-negative", ("workforce", "delays", "--seed", "-1"), "--seed"),
    ("plan-quantile-1.5", ("workforce", "plan", "--quantile", "1.5"), "--quantile"),
    ("plan-quantile-0", ("workforce", "plan", "--quantile", "0"), "--quantile"),
    ("plan-quantile-1", ("workforce", "plan", "--quantile", "1"), "--quantile"),
    ("plan-quantile-nan", ("workforce", "plan", "--quantile", "nan"), "--quantile"),
    ("replay-paths-negative", ("workforce", "replay", "--paths", "-10"), "--paths"),
    ("replay-paths-huge", ("workforce", "replay", "--paths", "99999999999"), "--paths"),
    ("serve-port-negative", ("serve", "--port", "-1"), "--port"),
    ("serve-port-0", ("serve", "--port", "0"), "--port"),
    ("serve-port-70000", ("serve", "--port", "70000"), "--port"),
    ("ledger-asof-impossible", ("ledger", "status", "--as-of", "2025-02-30"), "--as-of"),
    ("ledger-asof-month-13", ("ledger", "status", "--as-of", "2025-13-01"), "--as-of"),
    ("ledger-asof-9999", ("ledger", "status", "--as-of", "9999-12-31"), "--as-of"),
    ("ledger-asof-0001", ("ledger", "status", "--as-of", "0001-01-01"), "--as-of"),
    ("ledger-asof-datetime", ("ledger", "status", "--as-of", "2026-01-10T00:00:00"), "--as-of"),
    ("simulate-chart-bmp", ("simulate", DEAL, "--paths", "1", "--chart", "{d}/x.bmp"), "--chart"),
    ("simulate-chart-folder", ("simulate", DEAL, "--paths", "1", "--chart", "{d}/a-folder"), "--chart"),
    ("simulate-chart-no-folder", ("simulate", DEAL, "--paths", "1", "--chart", "{d}/nope/x.png"), "--chart"),
    ("simulate-out-txt", ("simulate", DEAL, "--paths", "1", "--out", "{d}/x.txt"), "--out"),
    ("simulate-out-folder", ("simulate", DEAL, "--paths", "1", "--out", "{d}/a-folder"), "--out"),
    ("simulate-out-unwritable", ("simulate", DEAL, "--paths", "1", "--out", "/proc/x.parquet"), "--out"),
    ("funding-chart-bmp", ("funding", DEAL, "--chart", "{d}/x.bmp"), "--chart"),
    ("tariffs-chart-no-folder", ("tariffs", DEAL, "--chart", "/nonexistent-folder/x.html"), "--chart"),
    ("run-xlsx-wrong-suffix", ("run", DEAL, "--format", "xlsx", "--out", "{d}/x.csv"), "--out"),
    ("export-out-wrong-suffix", ("ledger", "export", "--out", "{d}/x.exe"), "--out"),
    ("ledger-database-mysql", ("ledger", "status", "--database", "mysql://u@h/db"), "--database"),
    ("ledger-database-not-url", ("ledger", "status", "--database", "ledger.db"), "--database"),
    ("ledger-database-memory", ("ledger", "status", "--database", "sqlite://"), "--database"),
    ("ledger-database-no-folder", ("ledger", "status", "--database", "sqlite:////nonexistent/x/ledger.db"),
     "--database"),
    ("ledger-database-folder", ("ledger", "status", "--database", "sqlite:///{d}/a-folder"), "--database"),
    ("serve-database-oracle", ("serve", "--database", "oracle://x"), "--database"),
]

# (id, argv, regex on the first stderr line): refused after parsing, by the library or the ledger
REFUSALS: list[tuple[str, tuple[str, ...], str]] = [
    ("unknown-deal", ("show", "no-such-deal"), r"^no-such-deal:0: <name>: no shipped"),
    ("unknown-pipeline", ("run", DEAL, "--pipeline", "no-such-pipeline"), r"^no-such-pipeline:0: <name>: "),
    ("unknown-drivers", ("simulate", DEAL, "--paths", "1", "--quiet", "--drivers", "nope"),
     r"^nope:0: <name>: "),
    ("unknown-policy", ("workforce", "delays", "--policy", "nope"), r"^nope:0: <name>: "),
    ("unknown-fan-party", ("simulate", DEAL, "--paths", "2", "--quiet", "--fan", "XX"),
     r"^\S+:0: party: 'XX'"),
    ("unknown-tariff-scenario", ("tariffs", DEAL, "--decline", "--scenario", "nope"),
     r"^pledgelab tariffs: .*nope"),
    ("scheduler-not-an-address", ("simulate", DEAL, "--paths", "1", "--quiet", "--backend", "dask",
                                  "--scheduler", "nowhere"), r"^argument:0: scheduler: "),
    ("missing-yaml-file", ("show", "{d}/absent.yaml"), r"^\S+absent\.yaml:0: <file>: no such file"),
    ("long-file-name", ("show", "{d}/" + "n" * 300 + ".yaml"), r"^\S+\.yaml:0: <file>: cannot read"),
    ("very-long-path", ("show", "p" * 5000 + ".yaml"), r"^p+\.\.\.:0: <name>: not a usable name"),
    ("ledger-database-not-a-db", ("ledger", "status", "--database", "sqlite:///{d}/notadb.db"),
     r"^pledgelab ledger: the file is not a SQLite database"),
    ("ledger-database-uninitialised", ("ledger", "status", "--database", "sqlite:///{d}/uninit.db"),
     r"^pledgelab ledger: the database is not initialised"),
    ("ledger-database-refused", ("ledger", "status", "--database", "postgresql://u@127.0.0.1:1/x"),
     r"^pledgelab ledger: (cannot reach the database server|database error)"),
    *[(f"ledger-{cmd}-unknown-pledge-{label}",
       ("ledger", cmd, "--pledge", value, "--database", "sqlite:///{d}/ledger.db"),
       r"^ledger:0: pledge.id: no pledge")
      for cmd in ("status", "claims")
      for label, value in (("typo", "KR-2025-1"), ("path", "../../etc/passwd"))],
    *[(f"{action}-nationality-{label}", ("workforce", action, "--paths", "4", "--nationality", value),
       r"^argument:0: nationality: expected a two-letter economy code")
      for action in ("plan", "delays")
      for label, value in (("nan", "nan"), ("number", "-1"), ("path", "../../etc/passwd"),
                           ("long", "K" * 300))],
    *[(f"release-previous-{name}", ("ledger", "release", "{d}/" + f"out-{name}", "--previous",
                                     "{d}/" + f"prev-{name}", "--database", "sqlite:///{d}/ledger.db"),
       rf"^\S+prev-{name}/manifest\.json:0: <file>: ")
      for name in ("zero", "not-json", "no-id")],
]


def _option_cases() -> list[Case]:
    out = [Case(id=f"option-{cid}", kind="cli", argv=argv, cls="option",
                where=rf"(argument {re.escape(opt)}(/\S+)?: |{re.escape(opt)})")
           for cid, argv, opt in OPTIONS]
    out += [Case(id=f"refused-{cid}", kind="cli", argv=argv, where=where, cls="name, path or database")
            for cid, argv, where in REFUSALS]
    return out


def _csv_cases() -> list[Case]:
    out = []
    db = "sqlite:///{d}/ledger.db"
    for name in CSV_CLASSES:
        out.append(Case(id=f"csv-{name}", kind="cli", cls="csv",
                        argv=("ledger", "import", "{d}/" + f"csv-{name}.csv", "--database", db),
                        where=rf"^{re.escape('{d}')}/csv-{re.escape(name)}\.csv:\d+: \S+: \S"))
    out.append(Case(id="csv-not-csv-suffix", kind="cli", cls="csv",
                    argv=("ledger", "import", "{d}/not-csv.txt", "--database", db),
                    where=r"^\S+not-csv\.txt:0: <file>: import reads \.csv"))
    return out


# (id, call, args, text the message names)
LIB: list[tuple[str, str, dict[str, Any], str]] = [
    ("simulate-extra-months-negative", "simulate", {"extra_months": -600}, "extra_months"),
    ("simulate-paths-1e12", "simulate", {"paths": 10**12}, "paths"),
    ("simulate-paths-zero", "simulate", {"paths": 0}, "paths"),
    ("simulate-paths-float", "simulate", {"paths": 2.5}, "paths"),
    ("simulate-paths-text", "simulate", {"paths": "many"}, "paths"),
    ("simulate-seed-negative", "simulate", {"seed": -1}, "seed"),
    ("simulate-workers-0", "simulate", {"workers": 0}, "workers"),
    ("simulate-chunk-0", "simulate", {"chunk_size": 0}, "chunk_size"),
    ("simulate-discount-inf", "simulate", {"discount_rate": "float:inf"}, "discount_rate"),
    ("simulate-discount-nan", "simulate", {"discount_rate": "float:nan"}, "discount_rate"),
    ("simulate-backend-unknown", "simulate", {"backend": "gpu"}, "backend"),
    ("simulate-scheduler-junk", "simulate", {"backend": "dask", "scheduler": "x"}, "scheduler"),
    ("run-deal-is-text", "run", {"deal": DEAL}, "deal"),
    ("run-pipeline-none", "run", {"pipeline": 7}, "pipeline"),
    ("compare-discount-inf", "compare", {"discount_rate": "float:inf"}, "discount_rate"),
    ("fund-horizon-0", "fund", {"horizon_end_year": 0}, "horizon_end_year"),
    ("fund-horizon-99999", "fund", {"horizon_end_year": 99999}, "horizon_end_year"),
    ("tariffs-no-years", "tariffs", {"years": []}, "years"),
    ("tariffs-year-1e9", "tariffs", {"years": [1_000_000_000]}, "years"),
    ("tariffs-exports-nan", "tariffs", {"years": [2027], "exports": "float:nan"}, "exports"),
    ("staffing-quantile-1.5", "staffing", {"quantile": 1.5}, "quantile"),
    ("staffing-quantile-nan", "staffing", {"quantile": "float:nan"}, "quantile"),
    ("replay-paths-negative", "replay", {"paths": -1}, "paths"),
    ("processing-scale-nan", "with_processing", {"k": "float:nan"}, "processing_scale"),
    ("processing-scale-zero", "with_processing", {"k": 0.0}, "processing_scale"),
    ("processing-shift-inf", "with_processing", {"k": 1.0, "shift": "float:inf"}, "shift"),
    ("load-deal-none", "load", {"kind": "deal", "value": None}, "<name>"),
    ("load-deal-int", "load", {"kind": "deal", "value": 5}, "<name>"),
    ("load-pipeline-nul", "load", {"kind": "pipeline", "value": "x\x00y.yaml"}, "<name>"),
    ("load-deal-traversal", "load", {"kind": "deal", "value": "../../../../etc/passwd"}, "<name>"),
    ("result-net-unknown-party", "result", {"method": "fan", "party": "XX"}, "'XX'"),
    ("result-moic-unknown-party", "result", {"method": "moic", "party": "XX"}, "'XX'"),
    ("simulate-drivers-int", "simulate", {"drivers": 5}, "drivers"),
    ("simulate-fx-feedback-int", "simulate", {"fx_feedback": 5}, "fx_feedback"),
    ("simulate-workforce-policy-int", "simulate", {"workforce_policy": 5}, "workforce_policy"),
    ("simulate-on-chunk-int", "simulate", {"on_chunk": 5}, "on_chunk"),
    ("simulate-deal-unknown", "simulate", {"deal_name": "nope"}, "nope"),
    ("compare-list-of-text", "compare", {"deals": ["us-korea-2025-11"]}, "deals"),
    ("compare-one-deal-not-a-list", "compare", {"deals": "one-deal-not-a-list"}, "deals"),
    ("compare-no-deals", "compare", {"deals": []}, "deals"),
    ("fund-calls-text", "fund", {"calls": "lots"}, "calls"),
    ("fund-calls-negative-month", "fund", {"calls": {"-1": 1.0}}, "calls"),
    ("fund-calls-nan", "fund", {"calls": {"24324": "float:nan"}}, "call"),
    ("tariffs-years-int", "tariffs", {"years": 5}, "years"),
    ("staffing-policy-text", "staffing_text_policy", {}, "policy"),
    ("clause-value-unknown", "clause_value", {"path": "amount.nope"}, "amount.nope"),
    ("parquet-path-int", "parquet", {"path": 5}, "path"),
    ("sites-pipeline-none", "sites", {"pipeline": None}, "pipeline"),
    ("sites-nationality-lowercase", "sites", {"nationality": "kr"}, "nationality"),
    ("allocate-policy-none", "allocate", {}, "policy"),
    ("sample-delays-paths-int", "sample_delays", {"paths": 5}, "paths"),
]


def _lib_cases() -> list[Case]:
    out = [Case(id=f"lib-{cid}", kind="lib", call=call, args=args, field=fld, cls="library misuse")
           for cid, call, args, fld in LIB]
    out.append(Case(id="lib-korean-deal-on-japan-pipeline", kind="lib", call="run", cls="suspect pairing",
                    args={"pipeline": "japan-first-tranche"}, rc=0,
                    warn="runs on pipeline japan-first-tranche"))
    return out


def _warning_cases() -> list[Case]:
    return [Case(id="warn-korean-deal-on-japan-pipeline", kind="cli", rc=0, cls="suspect pairing",
                 argv=("run", DEAL, "--pipeline", "japan-first-tranche"),
                 warn="runs on pipeline japan-first-tranche")]


CASES: list[Case] = [*_file_cases(), *_clause_cases(), *_option_cases(), *_csv_cases(), *_lib_cases(),
                     *_warning_cases()]
