"""``pledgelab workforce plan | delays | replay``: staffing plans, delay distributions, the HL-GA replay.

One top-level command, ``workforce``, with three actions (the parser is built
in :mod:`pledgelab.cli._parser`)::

    pledgelab workforce plan --pipeline korea-illustrative --policy post-raid-2025
    pledgelab workforce delays --pipeline korea-illustrative --policy status-quo-2025 --paths 10000
    pledgelab workforce replay hl-ga-2025

``--format`` works before or after the action. Nothing here computes what the
library cannot: every number comes from :mod:`pledgelab.workforce`.
"""

from __future__ import annotations

import argparse

from pledgelab._errors import UsageError
from pledgelab._months import month_label
from pledgelab.cli._shared import Command
from pledgelab.pipeline import load_pipeline
from pledgelab.report import Column, Table
from pledgelab.workforce import (
    Policy,
    allocate,
    group_shares,
    load_policy,
    sample_delays,
    sites_from_pipeline,
    summarize,
)
from pledgelab.workforce.plan import staffing_plan
from pledgelab.workforce.replay import replay


def cmd_workforce(args: argparse.Namespace) -> list[Table]:
    """Dispatch ``pledgelab workforce ACTION``."""
    actions: dict[str, Command] = {"plan": cmd_plan, "delays": cmd_delays, "replay": cmd_replay}
    return actions[args.workforce_action](args)


def _policy(args: argparse.Namespace) -> Policy:
    pol = load_policy(args.policy)
    scale = float(getattr(args, "processing_scale", 1.0))
    if scale <= 0:
        raise UsageError(f"--processing-scale must be positive, got {scale}")
    return pol if scale == 1.0 else pol.with_processing(scale)


def _cites(pol: Policy) -> list[str]:
    out = [f"Policy {pol.id}: {pol.title}. Starts {pol.starts.value}"
           + (f", ends {pol.ends.value}" if pol.ends is not None else "") + f". Source file: {pol.file}"]
    assumed = sum(1 for c in pol.clauses() if c.status == "assumed")
    out.append(f"{assumed} of the policy's {len(pol.clauses())} clauses are assumed (see the file for "
               "reasons and alternatives); model and assumptions: docs/workforce.md")
    return out


def cmd_plan(args: argparse.Namespace) -> list[Table]:
    pipe = load_pipeline(args.pipeline)
    pol = _policy(args)
    sites = sites_from_pipeline(pipe, nationality=args.nationality)
    plan = staffing_plan(policy=pol, sites=sites, quantile=args.quantile, paths=args.paths, seed=args.seed)
    t = Table(f"Staffing plan: {pipe.id} under {pol.id}",
              [Column("project"), Column("employer"), Column("work"), Column("route"),
               Column("peak", "int"), Column("visas", "int"), Column("stay (months)"),
               Column("needed from"),
               Column("months", "int"), Column("file by"), Column("filed (policy)"),
               Column("processing months"), Column("cap period"), Column("covers work"),
               Column("fees", "usd"),
               Column("P(late)", "pct")])
    for r in plan.rows:
        t.rows.append([r.project, r.employer, r.activity, r.route + (" (premium)" if r.premium else ""),
                       r.heads, r.people,
                       f"{r.stay:.1f}" + (f" ({r.renewals} renewals)" if r.renewals else ""),
                       str(r.start), r.months,
                       str(r.apply_by) + ("" if r.feasible else " (before notice)"), str(r.filed),
                       str(r.processing),
                       None if r.cap_year is None else f"FY{r.cap_year}"
                       + (f" H{r.cap_period + 1}" if r.route == "h2b" and r.cap_period is not None else "")
                       + (f" (+{r.waited_months} months wait)" if r.waited_months else ""),
                       r.covers, r.fees, r.p_late])
    t.notes.append(f"'file by': the latest date to be in time with probability {plan.quantile:g} "
                   "(one round, start date minus the processing-time quantile); 'filed (policy)': when "
                   "firms under the policy file; P(late): arrival after the phase starts when filed then, "
                   "a refused batch filing again.")
    t.notes.extend(_cites(pol))
    risk = Table(f"Residual workforce risk by project ({plan.paths} paths, seed {plan.seed})",
                 [Column("project"), Column("placements", "int"), Column("on non-covering routes", "pct"),
                  Column("action / year", "pct"), Column("P(action)", "pct"), Column("P(delay)", "pct"),
                  Column("mean delay (months)"), Column("p90 delay"), Column("fees", "usd")])
    for p in plan.projects:
        risk.rows.append([p.project, p.people, p.uncovered_share, p.annual_probability, p.p_action,
                          p.p_delay, round(p.mean_delay, 2), p.p90_delay, p.fees])
    risk.notes.append("P(action): at least one enforcement action while specialists are on site; P(delay): "
                      "start-up delay of at least one month (visas and enforcement together).")
    ex = Table(f"Routes excluded, and the rule that excluded them: {pipe.id} under {pol.id}",
               [Column("route"), Column("employer"), Column("work"), Column("rule"),
                Column("projects", "int"), Column("example")])
    seen: dict[tuple[str, str, str, str], list[str]] = {}
    for e in plan.exclusions:
        seen.setdefault((e.route, e.employer, e.activity, e.rule), []).append(f"{e.project}: {e.reason}")
    rules = pol.pathways.rules
    for (route, emp, act, rule), why in seen.items():
        ex.rows.append([route, emp, act, rule, len(why), why[0]])
    ex.notes.append("Rules: " + "; ".join(f"{r.id} [{r.kind}, {r.clause.status}] {r.label}"
                                          for r in rules.values())
                    + ". 'employers' and 'nationalities' are the route's own clauses; 'no-lawful-route': no "
                    f"route allowed the work and the first preference was used as practised. Source: "
                    f"{pol.pathways.file}")
    return [t, risk, ex]


def cmd_delays(args: argparse.Namespace) -> list[Table]:
    pipe = load_pipeline(args.pipeline)
    pol = _policy(args)
    sites = sites_from_pipeline(pipe, nationality=args.nationality)
    alloc = allocate(pol, sites)
    sample = sample_delays(policy=pol, sites=sites, paths=slice(0, args.paths), seed=args.seed,
                           allocation=alloc)
    t = Table(f"Workforce delay by project: {pipe.id} under {pol.id} ({args.paths} paths, seed {args.seed})",
              [Column("project"), Column("build start"), Column("mean (months)"), Column("p50"),
               Column("p90"), Column("p99"), Column("P(delay)", "pct"),
               Column("P(action)", "pct"), Column("mean idle cost", "usd")])
    by_id = {s.id: s for s in sites}
    for s in summarize(sample):
        t.rows.append([s.project, month_label(by_id[s.project].start_month), round(s.mean, 2),
                       round(s.p50, 2), round(s.p90, 2), round(s.p99, 2), s.p_late, s.p_action,
                       s.mean_idle_cost])
    g = group_shares(sample)
    parts = Table(f"Mean delay by source: {pipe.id} under {pol.id}",
                  [Column("source"), Column("mean months a project"), Column("share", "pct")])
    held = float(sample.detention_slip.mean()) if sample.delay.size else 0.0
    for name, value in (("investor staff (visas)", g.investor),
                        ("subcontractors (visas)", g.subcontractor),
                        ("enforcement: site shutdowns", g.enforcement - held),
                        ("enforcement: detentions", held)):
        parts.rows.append([name, round(value, 3), value / g.total if g.total else 0.0])
    parts.rows.append(["total", round(g.total, 3), 1.0 if g.total else 0.0])
    parts.notes.append("Exact split of the mean delay: a phase's slip is the sum of its late batches' "
                       "shares, each employer type's part of the binding phase is its own, enforcement adds "
                       "its slip. "
                       "Delays are continuous months (not rounded).")
    if alloc.cap_used:
        used = ", ".join(f"{r} FY{fy}: {n:,}/{pol.routes[r].cap:,}"
                         for (r, fy), n in sorted(alloc.cap_used.items()))
        t.notes.append(f"Capped routes used by the pipeline (people/cap share): {used}")
    t.notes.append("Delay: months the start of operations moves (visas, then any enforcement action), "
                   "in continuous months; idle cost: delay days x lost production a day (capacity or capex "
                   "scaled), a headline figure, not an extra cash flow.")
    t.notes.extend(_cites(pol))
    return [t, parts]


def cmd_replay(args: argparse.Namespace) -> list[Table]:
    res = replay(args.case, policy=args.policy, paths=args.paths, seed=args.seed)
    t = Table(f"Replay {res.data.id}: {res.data.title}",
              [Column("measure"), Column("unit"), Column("model p10", "number"),
               Column("model p50", "number"), Column("model p90", "number"), Column("reported low", "number"),
               Column("reported high", "number"), Column("fitted to this case"), Column("source")])
    for r in res.rows:  # raw numbers in the unit of the row (issue 11: numbers for machines)
        t.rows.append([r.measure, r.unit, r.model_p10, r.model_p50, r.model_p90,
                       r.reported_low, r.reported_high, "; ".join(r.fitted_from) or "nothing", r.source])
    t.notes.append(f"Site: {res.data.archetype}, investor {res.data.nationality}, policy {res.policy.id}; "
                   f"{res.uncovered_share:.1%} of its specialist-months on routes the policy does not count "
                   "as clearly covering the work.")
    t.notes.append("Outcomes beside the record, not fitted to match it: a row whose 'fitted to this case' is "
                   "not 'nothing' rests on parameters set from this same case and checks arithmetic, not the "
                   f"model. Parameters set from this case: {'; '.join(res.data.fitted) or 'none'}. "
                   f"{res.paths} draws, seed {res.seed}. Source file: {res.data.file}")
    return [t]

