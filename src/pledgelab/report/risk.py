"""Tables of who pays an overrun and what moves each party's NPV (:class:`pledgelab.SimulationResult`).

:func:`overrun_table`: per party, its agreed amount (the tranches it funds)
and how often and by how much its contributions exceed it, under the run's
``amount.overrun_payer`` reading. :func:`attribution_table`: per driver
family and party, the mean NPV with the family switched off and the family's
effect on the mean (same seed). :func:`explanation_lines`: the two or three
sentences that say what the deterministic result is and where it sits.
Method: docs/montecarlo.md.
"""

from __future__ import annotations

from pledgelab.analysis import FAMILY_LABELS, SimulationResult
from pledgelab.report._table import Column, Table


def overrun_table(res: SimulationResult) -> Table:
    """Per party that puts money in: agreed amount, P(exceeded), mean and p95 excess."""
    t = Table(f"{res.deal_id}: contributions beyond the agreed amount (overrun reading "
              f"{res.overrun_reading})",
              [Column("party"), Column("agreed amount", "usd"), Column("mean put in", "usd"),
               Column("P(exceeded)", "pct"), Column("mean excess where exceeded", "usd"),
               Column("p95 excess", "usd")])
    for party in res.parties:
        i = res.party_index(party)
        if not res.contributed[i].any():
            continue
        share, mean_excess, p95 = res.exceedance(party)
        t.rows.append([party, res.agreed.get(party, 0.0), float(res.contributed[i].mean()), share,
                       mean_excess if share else None, p95])
    t.notes.append("Agreed amount = the tranches the party funds; put in = capital calls, instalments and "
                   "guarantee calls; exceeded = by more than $1. Readings (amount.overrun_payer): "
                   "investor-unlimited (the investor pays every call), host-beyond-cap (the investor's "
                   "calls stop at its agreed amount, the host pays the rest), abandon-at-cap (a project "
                   "the investor can no longer fund in full is abandoned).")
    return t


def attribution_table(res: SimulationResult) -> Table | None:
    """Per driver family and party: mean NPV without the family, and its effect on the mean."""
    ex = res.explanation
    if ex is None or not ex.effects:
        return None
    parties = list(ex.plan_npv)
    t = Table(f"{res.deal_id}: what each driver family does to each party's mean NPV ({res.paths:,} paths, "
              f"seed {res.seed}, drivers {res.drivers_id})",
              [Column("driver family")] + [Column(f"{p} effect on mean", "usd") for p in parties])
    families = list(dict.fromkeys(e.family for e in ex.effects))
    by = {(e.family, e.party): e for e in ex.effects}
    for f in families:
        t.rows.append([FAMILY_LABELS.get(f, f), *[by[(f, p)].effect for p in parties]])
    t.rows.append(["all families (simulated mean - plan)",
                   *[ex.mean_npv[p] - ex.plan_npv[p] for p in parties]])
    t.notes.append("Effect = mean NPV with every family minus mean NPV with that family switched off, the "
                   "same paths and seed (common random numbers). Families interact, so the effects need "
                   "not add up to the last row.")
    return t


def explanation_lines(res: SimulationResult) -> list[str]:
    """The explanation's sentences, or none when the result has none."""
    if res.explanation is None:
        return []
    lines = res.explanation.sentences()
    if not res.explanation.effects:
        lines.append("Which driver family moves each party's mean most: pledgelab simulate --attribute "
                     "(one more run per family, same seed).")
    return lines
