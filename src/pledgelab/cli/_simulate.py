"""``pledgelab simulate``: Monte Carlo outcomes by party, with the FX safeguard live and the
workforce delays attributed when asked."""

from __future__ import annotations

import argparse

from rich.console import Console

from pledgelab._errors import UsageError
from pledgelab.analysis import SimulationResult, npv_attribution
from pledgelab.cli._shared import check_fx, load, pipeline_for, safeguard_for
from pledgelab.report import Column, Table, fan_chart, fan_table, simulation_summary
from pledgelab.report.risk import attribution_table, explanation_lines, overrun_table


def cmd_simulate(args: argparse.Namespace) -> list[Table]:
    """``pledgelab simulate DEAL``: the summary by party, and the fan, attribution and files asked for."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from pledgelab.analysis import simulate

    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    if args.paths < 1 or args.chunk_size < 1:
        raise UsageError("--paths and --chunk-size must be at least 1")
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    if args.fx_impact is not None and not args.fx_feedback:
        raise UsageError("--fx-impact needs --fx-feedback")
    fx = safeguard_for(deal, args.fx_feedback) if args.fx_feedback else None
    if fx is not None and args.fx_impact is not None:
        try:
            fx = fx.with_impact(args.fx_impact)
        except ValueError as exc:
            raise UsageError(f"--fx-impact: {exc}") from None
    if args.fx_end is not None:
        if fx is None:
            raise UsageError("--fx-end needs --fx-feedback")
        fx = fx.with_end_treatment(args.fx_end)
    if args.fx_reading is not None:
        if fx is None:
            raise UsageError("--fx-reading needs --fx-feedback")
        fx = fx.with_reading(args.fx_reading)
    if fx is not None:
        check_fx(deal, fx)
    columns = (TextColumn("simulating"), BarColumn(), MofNCompleteColumn(), TextColumn("paths"),
               TimeRemainingColumn())
    runs = [args.workforce_policy, None] if args.workforce_policy else [None]
    per_run = 1 + (6 if args.attribute else 0)  # with --attribute: one more run per driver family
    done = []
    with Progress(*columns, console=Console(stderr=True), transient=True,
                  disable=args.quiet) as bar:
        task = bar.add_task("paths", total=args.paths * (per_run + len(runs) - 1))
        for policy in runs:
            done.append(simulate(deal, pipeline=pipe, paths=args.paths, seed=args.seed,
                                 drivers=args.drivers, chunk_size=args.chunk_size,
                                 backend=args.backend, workers=args.workers,
                                 scheduler=args.scheduler, discount_rate=args.discount_rate,
                                 fx_feedback=fx, workforce_policy=policy, overrun=args.overrun,
                                 attribute=args.attribute and policy == runs[0],
                                 on_chunk=lambda n: bar.advance(task, n)))
    res = done[0]
    tables = [simulation_summary(res)]
    tables[0].notes[:0] = explanation_lines(res)  # what the plan is and where it sits, first
    tables[0].notes.append(f"Pipeline: {label}")
    tables.append(overrun_table(res))
    if (attribution := attribution_table(res)) is not None:
        tables.append(attribution)
    if len(done) == 2:
        tables.append(_workforce_attribution(res, done[1]))
    if args.fan:
        tables.append(fan_table(res, args.fan))
    if args.out and args.format != "xlsx":  # with xlsx, --out is the workbook
        tables[0].notes.append(f"Per-path results written to {res.to_parquet(args.out)}")
    if args.chart:
        party = args.fan or deal.investor
        path = fan_chart(res, party, args.chart, title=deal.title)  # titled by the deal, not its id
        tables[0].notes.append(f"Fan chart of {party} written to {path}")
    return tables


def _workforce_attribution(with_wf: SimulationResult, without: SimulationResult) -> Table:
    """How much of each party's NPV the workforce delays explain: the same paths with and without."""
    assert with_wf.workforce is not None
    t = Table(f"{with_wf.deal_id}: what the workforce delays do to each party's NPV (policy "
              f"{with_wf.workforce.policy}, the same {with_wf.paths:,} paths with and without them)",
              [Column("party"), Column("mean NPV without", "usd"), Column("mean NPV with", "usd"),
               Column("mean change", "usd"), Column("p5 change", "usd"), Column("p95 change", "usd"),
               Column("share of NPV spread", "pct")])
    for a in npv_attribution(with_wf.parties, npv_with=with_wf.npv, npv_without=without.npv):
        t.rows.append([a.party, a.mean_without, a.mean_with, a.mean_change, a.p5_change, a.p95_change,
                       a.spread_share])
    t.notes.append("Change = NPV with the delays minus without, path by path (common random numbers: "
                   "the drivers' draws are the same, the workforce has its own stream). Share of NPV "
                   "spread = variance of the change over the variance of the NPV with the delays.")
    return t
