"""Record the output of every command of the README tour (and each format) and of the golden cases.

    python tools/snapshot.py OUT_DIR          # write one file per command
    diff -r BEFORE_DIR AFTER_DIR              # a refactoring must leave them byte-identical

Each file holds the exit status, stdout and stderr of one command, run in a
throwaway working directory with a throwaway ledger database; simulations use
few paths so the whole record takes a couple of minutes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = str(Path(sys.executable).parent / "pledgelab")

KR = ["us-korea-2025-11", "--pipeline", "korea-illustrative"]
POSITIONS = ["us-ask-2025-09", "us-proposal-2025-10", "korea-counter-2025-10", "us-korea-2025-11"]
COMMANDS: list[list[str]] = [
    ["deals"],
    ["show", "us-korea-2025-11"],
    ["show", "us-japan-2025-09"],
    ["run", *KR],
    ["run", "us-japan-2025-09", "--pipeline", "japan-first-tranche"],
    ["run", "us-korea-2025-11", "--discount-rate", "0.05"],
    ["compare", *POSITIONS, "--pipeline", "korea-illustrative"],
    ["compare", "us-japan-2025-09", "--pipeline", "japan-first-tranche"],
    ["explain", *KR, "--party", "KR", "--period", "2031-06"],
    ["simulate", *KR, "--paths", "300", "--seed", "7", "--fan", "KR", "--quiet"],
    ["simulate", *KR, "--paths", "200", "--seed", "1", "--fx-feedback", "--quiet"],
    ["simulate", *KR, "--paths", "200", "--seed", "1", "--workforce-policy", "status-quo-2025",
     "--quiet"],
    ["funding", "us-ask-2025-09", "us-korea-2025-11", "--compare"],
    ["funding", "us-korea-2025-11"],
    ["funding", "us-korea-2025-11", "--safeguard"],
    ["tariffs", "us-korea-2025-11", "--decline"],
    ["tariffs", "us-japan-2025-09"],
    ["workforce", "plan", "--pipeline", "korea-illustrative", "--policy", "post-raid-2025"],
    ["workforce", "delays", "--pipeline", "korea-illustrative", "--policy", "status-quo-2025",
     "--paths", "500"],
    ["workforce", "replay", "hl-ga-2025", "--paths", "500"],
    ["ledger", "init"],
    ["ledger", "status", "--as-of", "2026-11-01"],
    ["ledger", "export", "--format", "csv"],
    ["ledger", "export", "--format", "json"],
    ["show", "no-such-deal"],
    ["run", "us-korea-2025-11", "--pipeline", "no-such-pipeline"],
]
FORMATTED = {"deals", "show", "run", "compare", "explain", "simulate", "funding", "tariffs"}


def _variants(cmd: list[str]) -> list[list[str]]:
    if cmd[0] in FORMATTED or cmd[:2] in (["workforce", "plan"], ["ledger", "status"]):
        return [cmd, [*cmd, "--format", "csv"], [*cmd, "--format", "json"]]
    return [cmd]


def _golden(out: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import yaml
    from builders import pipeline, project, variant

    import pledgelab
    from pledgelab.metrics import party_outcomes

    for path in sorted((ROOT / "tests" / "golden").glob("*.yaml")):
        case = yaml.safe_load(path.read_text())
        deal = variant(case["deal"], case.get("set"), case.get("tranches"),
                       tuple(case.get("drop_tranches", ())))
        projects = [project(p.pop("id"), **p) for p in (dict(x) for x in case["projects"])]
        res = pledgelab.run(deal, pipeline(*projects))
        rows = [repr(o) for o in party_outcomes(res, discount_rate=0.04)]
        (out / f"golden-{path.stem}.json").write_text(json.dumps(rows, indent=1, sort_keys=True))


def main() -> int:
    out = Path(sys.argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="pledgelab-snapshot-"))
    env = {**os.environ, "PLEDGELAB_DATABASE": f"sqlite:///{work / 'ledger.db'}", "COLUMNS": "200"}
    try:
        n = 0
        for base in COMMANDS:
            for cmd in _variants(base):
                p = subprocess.run([BIN, *cmd], cwd=work, env=env, capture_output=True, text=True,
                                   timeout=600)
                name = "_".join(cmd).replace("/", "-").replace("--", "")[:150]
                (out / f"{n:03d}-{name}.txt").write_text(
                    f"$ pledgelab {' '.join(cmd)}\nexit {p.returncode}\n--- stdout\n{p.stdout}"
                    f"--- stderr\n{p.stderr}")
                n += 1
        _golden(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{n} commands and the golden cases recorded in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
