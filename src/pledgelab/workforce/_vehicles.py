"""Ownership of the US employer of the investor's own specialists (``data/workforce/vehicles.yaml``).

The E-2 and L-1 ownership rules (``data/visas/pathways.yaml``, rules
``e2-nationality`` and ``l1-qualifying-relationship``) ask how much of the US
employer the investor's side owns. Under the MOUs each project has its own
SPV set up by the US with the US as general partner, so the file gives, per
investor economy, the share of the project vehicle owned by the investor's
side (0 for a US-owned vehicle). A site may carry its own figure instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pledgelab._cited import DATA, HEADER_KEYS, Clause, ClauseSpec, Reference, open_cited
from pledgelab.workforce._check import WorkforceChecker

VEHICLES_SCHEMA = "pledgelab.workforce-vehicles/1"
_SHARE = ClauseSpec(units=("fraction",), kind="fraction")


@dataclass(frozen=True, slots=True, kw_only=True)
class Vehicles:
    """Ownership of the project vehicle by investor economy."""

    id: str
    ownership: dict[str, Clause]
    references: dict[str, Reference]
    file: str

    def share(self, economy: str | None) -> float:
        """The investor side's share for ``economy``; 1.0 (the investor's own company) where none is given."""
        c = self.ownership.get(economy or "")
        return 1.0 if c is None else float(c.value)


def read_vehicles(path: Path | None = None, *, display: str | None = None) -> Vehicles:
    """Read and check the vehicles file (the shipped one by default)."""
    path = path or DATA / "workforce" / "vehicles.yaml"
    if display is None:
        display = "workforce/vehicles.yaml" if path == DATA / "workforce" / "vehicles.yaml" else str(path)
    root, chk, head = open_cited(path, schema=VEHICLES_SCHEMA, display=display, checker=WorkforceChecker(),
                                 required=(*HEADER_KEYS, "ownership"))
    out: dict[str, Clause] = {}
    for code, _m in chk.table(root, "ownership"):
        if (c := chk.clause(root["ownership"], code, _SHARE, head.references)) is not None:
            out[code] = c
    chk.raise_if_any()
    assert head.id
    return Vehicles(id=head.id, ownership=out, references=head.references, file=display)
