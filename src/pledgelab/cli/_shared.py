"""What several command groups share: the output formats, and the defaults a command fills in
from the deal (its investor's shipped pipeline, funding plan and FX safeguard; the deemed
benchmark as the discount rate), each turned into a usage error when there is none."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from pledgelab._errors import UsageError
from pledgelab.macro.safeguard import Safeguard
from pledgelab.metrics import default_discount_rate
from pledgelab.pipeline import Pipeline, default_pipeline, load_pipeline
from pledgelab.report import Table
from pledgelab.terms import TermSheet

FORMATS = ("table", "csv", "json", "xlsx")
Command = Callable[[argparse.Namespace], list[Table]]


def load(args: argparse.Namespace, name: str) -> TermSheet:
    """The deal or scenario ``name`` with the command's ``--set PATH=VALUE`` options applied
    (each read and checked as the term-sheet file would be; problems name ``--set:N``). The
    deals a command used are kept on ``args`` for the xlsx ``sources`` sheet."""
    from pledgelab.terms import apply_overrides, load_deal, parse_set

    deal = load_deal(name)
    sets = getattr(args, "set", None) or []
    if sets:
        deal = apply_overrides(deal, [parse_set(t, position=i) for i, t in enumerate(sets, start=1)])
    used(args, deal)
    return deal


def used(args: argparse.Namespace, *deals: TermSheet) -> None:
    """Note ``deals`` as used by the command (their clauses go to the xlsx ``sources`` sheet)."""
    if not hasattr(args, "deals_used"):
        args.deals_used = []
    args.deals_used.extend(deals)


def pipeline_for(deal: TermSheet, name: str | None) -> tuple[Pipeline, str]:
    """``--pipeline`` if given, else the shipped default for the deal's investor; and its label."""
    if name:
        return load_pipeline(name), name
    pipe = default_pipeline(deal.investor)
    if pipe is None:
        raise UsageError(f"{deal.id}: no shipped pipeline is the default for investor {deal.investor}; "
                         "give one with --pipeline")
    return pipe, f"{pipe.id} (shipped pipeline for investor {deal.investor})"


def discount_rate(deal: TermSheet, given: float | None) -> float:
    """``--discount-rate`` if given, else :func:`pledgelab.metrics.default_discount_rate`."""
    return float(given) if given is not None else default_discount_rate(deal)


def funding_plan_for(deal: TermSheet, name: str | None) -> str:
    """``--plan`` if given, else the id of the investor's shipped funding plan."""
    if name:
        return name
    from pledgelab.macro import funding_plan_for as shipped_plan

    plan = shipped_plan(deal.investor, deal.id)
    if plan is None:
        raise UsageError(f"{deal.id}: no shipped funding plan for investor {deal.investor}; "
                         "give one with --plan")
    return plan.id


def safeguard_for(deal: TermSheet, name: str) -> Safeguard:
    """A safeguard id or file, or with ``auto`` the investor's shipped one (see :func:`check_fx`)."""
    from pledgelab.macro.safeguard import load_safeguard
    from pledgelab.macro.safeguard import safeguard_for as shipped_safeguard

    if name != "auto":
        return load_safeguard(name)
    sg = shipped_safeguard(deal.investor)
    if sg is None:
        raise UsageError(f"{deal.id}: no shipped safeguard file for investor {deal.investor}; "
                         "give one: --safeguard FILE")
    return sg


def check_fx(deal: TermSheet, sg: Safeguard) -> None:
    """Refuse, with the reason, a safeguard that cannot apply to the deal."""
    try:
        sg.rule(deal)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
