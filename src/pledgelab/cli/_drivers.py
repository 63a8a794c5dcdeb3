"""Command-line glue: ``pledgelab drivers`` (the shipped driver sets) and ``pledgelab drivers show ID``.

``show`` lists every parameter of a driver file with its value, unit, status
and source; a parameter calibrated to a reference class also shows the
class's cited numbers and the baseline they are measured from
(:mod:`pledgelab.drivers`, docs/montecarlo.md)::

    pledgelab drivers
    pledgelab drivers show reference-class
"""

from __future__ import annotations

import argparse

from pledgelab._cited import Clause, shipped
from pledgelab.drivers import DriverModel, load_drivers
from pledgelab.report import Column, Table


def cmd_drivers(args: argparse.Namespace) -> list[Table]:
    """``pledgelab drivers`` lists the shipped sets; ``drivers show ID`` one set's parameters."""
    if getattr(args, "drivers_action", None) == "show":
        return [parameter_table(load_drivers(args.drivers_id))]
    t = Table("Shipped driver sets (pledgelab simulate --drivers ID)",
              [Column("id"), Column("title"), Column("calibrated archetypes")])
    for name in shipped("drivers"):
        m = load_drivers(name)
        cal = [a for a, r in m.projects.items() if r.calibration is not None]
        t.rows.append([m.id, m.title, ", ".join(cal) or "none"])
    t.notes.append("Show one set's parameters and sources: pledgelab drivers show ID")
    return [t]


def _source(c: Clause) -> str:
    if c.references:
        return "; ".join(r.url for r in c.references)
    return (c.reason or "").split(". ")[0].strip()


def parameter_table(model: DriverModel) -> Table:
    """Every clause of ``model``: where it sits, its value, unit, status, source and reference class."""
    t = Table(f"Drivers {model.id}: {model.title}",
              [Column("parameter"), Column("value"), Column("unit"), Column("status"),
               Column("reference class"), Column("source or reason")])
    classes: dict[str, str] = {}
    for arch, risk in model.projects.items():
        cal = risk.calibration
        if cal is None:
            continue
        if cal.capex is not None:
            cited = ", ".join(r.key for r in cal.capex.references)
            text = (f"{cal.baseline}: mean overrun {cal.capex.mean_overrun:+.1%}, "
                    f"{cal.capex.share_over_budget:.0%} over budget [{cited}]")
            classes[f"projects.{arch}.capex_overrun_mean"] = text
            classes[f"projects.{arch}.capex_overrun_vol"] = text + f" -> log-sd {cal.capex.log_sd():.3f}"
        if cal.slip is not None:
            cited = ", ".join(r.key for r in cal.slip.references)
            share = cal.slip.fraction_of_build
            classes[f"projects.{arch}.delay_mean"] = \
                f"{cal.baseline}: slip {share:.0%} of the planned build [{cited}]"
    for c in model.clauses():
        t.rows.append([c.path, "null" if c.value is None else f"{c.value:g}", c.unit, str(c.status),
                       classes.get(c.path, ""), _source(c)])
    n = sum(1 for c in model.clauses())
    assumed = sum(1 for c in model.clauses() if c.status == "assumed")
    t.notes.append(f"{assumed} of {n} parameters are assumed (reasons and alternatives in {model.file}); "
                   f"{len(classes)} are calibrated to a cited reference class.")
    t.notes.append("Absent links (slip_escalation, slip_carry, overrun_slip_correlation) mean a slip costs "
                   "nothing and is independent of the overrun; absent yield_mean is 1. Model: "
                   "docs/montecarlo.md")
    return t
