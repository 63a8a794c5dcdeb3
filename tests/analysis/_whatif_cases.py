"""Small deals and pipelines for the what-if analyses: a term sheet edited on disk with PyYAML
(so overrides re-read it like any file), and one- or two-project pipelines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from builders import pipeline, project
from pledgelab._cited import DATA
from pledgelab.pipeline import Pipeline

BASE = "us-korea-2025-11"
KEEP_ASSUMED = ("distribution.loss_treatment", "distribution.deemed_spread", "distribution.deemed_benchmark",
                "non_funding.step_up_years")


def single_tier(kr: float) -> list[dict[str, Any]]:
    """One tier to the end: Korea gets ``kr`` of every distribution, the US the rest."""
    return [{"shares": {"KR": kr, "US": round(1.0 - kr, 6)}, "until": "end"}]


def deal_file(tmp: Path, name: str = "test-deal", *, tiers: list[dict[str, Any]] | None = None,
              assumed: tuple[str, ...] = KEEP_ASSUMED, values: dict[str, Any] | None = None,
              tiers_alternatives: list[list[dict[str, Any]]] | None = None) -> Path:
    """The signed Korea MOU cut down to its $200B cash tranche, with only ``assumed`` clauses left
    assumed (the others reported, citing the file's own sources) and ``values`` set."""
    doc = yaml.safe_load((DATA / "deals" / f"{BASE}.yaml").read_text(encoding="utf-8"))
    doc["id"] = name
    cl = doc["clauses"]
    cl["tranches"] = [t for t in cl["tranches"] if t["id"] == "strategic-cash"]
    cl["amount"]["headline"]["value"] = 200e9
    bodies = [(s, b) for s, b in cl.items() if s != "tranches"]
    bodies += [(f"tranches[{i}]", {k: v for k, v in t.items() if isinstance(v, dict)})
               for i, t in enumerate(cl["tranches"])]
    for section, body in bodies:
        for key, c in body.items():
            path = f"{section}.{key}"
            if c.get("status") in ("assumed", "disputed") and path not in assumed:
                c["status"] = "reported"
                c.pop("reason", None)
                c["refs"] = ["sbs-split"]
    if tiers is not None:
        cl["distribution"]["tiers"]["value"] = tiers
    if tiers_alternatives is not None:
        t = cl["distribution"]["tiers"]
        t["status"] = "assumed"
        t["reason"] = "test"
        t["alternatives"] = [{"value": v, "label": f"alternative {i}"}
                             for i, v in enumerate(tiers_alternatives)]
    for path, value in (values or {}).items():
        section, key = path.split(".")
        cl[section][key]["value"] = value
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / f"{name}.yaml"
    out.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def one_project(*, capex: float = 10e9, yield_: float = 0.3, life: int = 10) -> Pipeline:
    return pipeline(project("p1", capex=capex, notice=dt.date(2026, 3, 2), operating_yield=yield_,
                            life_years=life))


def two_projects() -> Pipeline:
    """Two very profitable projects: the second noticed in mid-2028."""
    return pipeline(project("p1", capex=10e9, notice=dt.date(2026, 3, 2), operating_yield=0.6, life_years=10),
                    project("p2", capex=8e9, notice=dt.date(2028, 6, 1), operating_yield=0.6, life_years=10))


def pipeline_file(tmp: Path, name: str = "tiny") -> Path:
    """The illustrative Korea pipeline cut to its first project, at $10B, as a file."""
    doc = yaml.safe_load((DATA / "pipelines" / "korea-illustrative.yaml").read_text(encoding="utf-8"))
    doc["id"] = name
    doc["projects"] = doc["projects"][:1]
    doc["projects"][0]["capex"]["value"] = 10e9
    doc["projects"][0]["capex"]["alternatives"] = [{"value": 12e9, "label": "dearer"}]
    tmp.mkdir(parents=True, exist_ok=True)
    out = tmp / f"{name}.yaml"
    out.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out
