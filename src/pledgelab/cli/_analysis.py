"""``pledgelab sensitivity | solve | frontier`` and ``show --assumptions``: which assumptions
matter, the value of a term that makes an outcome true, and where agreement lies.

Each command calls one library function (:func:`pledgelab.sensitivity`, :func:`pledgelab.solve`,
:func:`pledgelab.frontier`) and formats what it returns (:mod:`pledgelab.report.analyses`).
All three run on ``--backend serial|process|dask`` (``--scheduler tcp://...`` for a Dask
cluster); sensitivity and frontier stream finished runs to ``--store DIR`` (Parquet) and
``--resume`` continues a killed run from it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console

from pledgelab._errors import UsageError
from pledgelab._limits import argtype
from pledgelab.cli._checks import CHART_SUFFIXES, output_file
from pledgelab.cli._shared import Command, load, pipeline_for
from pledgelab.report import Table

Add = Callable[[str, str, Command], argparse.ArgumentParser]
DEAL = "shipped deal id or path to a term-sheet YAML file"


def register(add: Add) -> None:
    """Add the three commands to the parser (``build_parser``'s ``add``)."""
    sp = add("sensitivity", "which assumptions drive each party's outcome: Sobol' or Morris indices, "
             "a tornado, and why a clause does not matter", cmd_sensitivity)
    sp.add_argument("deal", help=DEAL)
    sp.add_argument("--method", choices=("sobol", "morris"), default="sobol",
                    help="sobol (first-order and total indices, default) or morris (elementary effects)")
    sp.add_argument("--samples", type=argtype("samples"), default=None,
                    help="Sobol' base samples N, a power of two (default 64: N x (clauses + 2) runs), or "
                    "Morris trajectories (default 16)")
    sp.add_argument("--outcome", action="append", default=[], metavar="PARTY.MEASURE",
                    help="an outcome such as KR.npv, US.share, KR.p_loss, KR.recovery, KR.peak_call "
                    "(repeatable; default: the investor's and the host's npv)")
    sp.add_argument("--clause", action="append", default=[], metavar="PATH",
                    help="vary only these clauses (repeatable; default: every assumed or disputed one); "
                    "archetypes.ID.PARAM names a parameter of a project archetype, e.g. "
                    "archetypes.nuclear.operating_yield")
    sp.add_argument("--archetypes", action="store_true",
                    help="also vary every assumed archetype parameter the pipeline's projects use "
                    "(operating yields, build times, lives...)")
    sp.add_argument("--chart", type=output_file(*CHART_SUFFIXES),
                    help="write the tornado chart (.png or .html); with several "
                    "outcomes, one file each, the outcome added to the name")
    _common(sp, store=True)

    sp = add("solve", "the value of a clause at which an outcome hits a target (Brent's method)", cmd_solve)
    sp.add_argument("deal", help=DEAL)
    sp.add_argument("--vary", required=True, metavar="PATH", help="the clause to solve for, e.g. "
                    "distribution.deemed_spread")
    sp.add_argument("--target", required=True, metavar="OUTCOME=VALUE", help="e.g. 'KR.npv=0' or "
                    "'KR.p_loss=0.1'")
    sp.add_argument("--bracket", metavar="LO,HI", help="search between these values (default: the "
                    "clause's range)")
    _common(sp, store=False)

    sp = add("frontier", "the negotiation frontier: Pareto set, zone of agreement and the shipped "
             "positions", cmd_frontier)
    sp.add_argument("deal", help="the base deal whose clauses are varied")
    sp.add_argument("--vary", action="append", default=[], required=True, metavar="PATH=lo:hi[:n]",
                    help="a clause and its grid: lo:hi with n points (default 5), or a,b,c (repeatable)")
    sp.add_argument("--objective", action="append", default=[], metavar="PARTY.MEASURE",
                    help="an outcome to maximise (-KR.p_loss minimises); at least two")
    sp.add_argument("--constraint", action="append", default=[], metavar="OUTCOME<=VALUE",
                    help="a limit every variant must meet, e.g. 'KR.p_loss<=0.2' (repeatable)")
    sp.add_argument("--reservation", action="append", default=[], metavar="OUTCOME>=VALUE|FILE",
                    help="a party's reservation point (repeatable), or a reservation file id or path "
                    "(default: the shipped korea-us-2025, cited or labelled assumed)")
    sp.add_argument("--no-reservations", action="store_true", help="no zone of agreement")
    sp.add_argument("--positions", default=None, metavar="ID,ID|none",
                    help="term sheets placed at their own outcomes (default: the five 2025 positions)")
    sp.add_argument("--sample", type=int, default=None, metavar="N",
                    help="evaluate N points of a space-filling design over the --vary box instead of the "
                    "grid (ranges as lo:hi; seeded by --seed)")
    sp.add_argument("--sampler", choices=("sobol", "lhs"), default="sobol",
                    help="with --sample: a scrambled Sobol' sequence (N a power of two, default) or a "
                    "Latin hypercube")
    sp.add_argument("--chart", type=output_file(*CHART_SUFFIXES),
                    help="write the frontier chart (.png or .html)")
    _common(sp, store=True)


def _common(sp: argparse.ArgumentParser, *, store: bool) -> None:
    sp.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                    help="set a clause of the deal first (read as in a term sheet, marked 'scenario'; "
                    "repeatable); the analysis varies the deal so changed")
    sp.add_argument("--pipeline", help="shipped pipeline id or path (default: the investor's)")
    sp.add_argument("--paths", type=argtype("paths"), default=None,
                    help="Monte Carlo paths per run, the same for every run (default: deterministic)")
    sp.add_argument("--seed", type=argtype("seed"), default=0, help="random seed (default 0)")
    sp.add_argument("--drivers", default="default", help="with --paths: driver set id or YAML path")
    sp.add_argument("--chunk-size", type=argtype("chunk_size"), default=1024,
                    help="paths per task (default 1024: the drivers draw whole blocks of 1024 paths)")
    sp.add_argument("--discount-rate", type=argtype("discount_rate"), default=None,
                    help="NPV discount rate per year for every run (default: the base deal's benchmark)")
    sp.add_argument("--backend", choices=("serial", "process", "dask"), default="serial",
                    help="where the runs go: serial (default), a local process pool, or Dask (a local "
                    "cluster, or --scheduler's); the numbers are the same bits on each")
    sp.add_argument("--workers", type=argtype("workers"), default=2,
                    help="workers for process or dask (default 2)")
    sp.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    if store:
        sp.add_argument("--store", help="stream finished runs to this folder (Parquet parts)")
        sp.add_argument("--resume", action="store_true", help="continue the run stored in --store")
    sp.add_argument("--quiet", action="store_true", help="no progress display")


def _check(args: argparse.Namespace) -> None:
    if args.scheduler and args.backend != "dask":
        raise UsageError("--scheduler needs --backend dask")
    if args.workers < 1:
        raise UsageError("--workers must be at least 1")
    if getattr(args, "resume", False) and not getattr(args, "store", None):
        raise UsageError("--resume needs --store DIR (the folder of the run to continue)")


@contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A counter of finished runs on stderr (the total is the library's business)."""
    if quiet:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("{task.completed:,} runs done"), TimeElapsedColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("runs", total=None)
        yield lambda _t: bar.advance(task, 1)


def _engine(args: argparse.Namespace) -> dict[str, object]:
    return dict(paths=args.paths, seed=args.seed, drivers=args.drivers, discount_rate=args.discount_rate,
                backend=args.backend, workers=args.workers, scheduler=args.scheduler,
                chunk_size=args.chunk_size)


def cmd_sensitivity(args: argparse.Namespace) -> list[Table]:
    """``pledgelab sensitivity DEAL``: indices, the tornado's ends and the reading per outcome."""
    from pledgelab.analysis import sensitivity
    from pledgelab.report.analyses import sensitivity_tables, tornado_chart

    _check(args)
    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    samples = args.samples if args.samples is not None else (64 if args.method == "sobol" else 16)
    with _progress(args.quiet) as tick:
        res = sensitivity(deal, pipeline=pipe, method=args.method, samples=samples,
                          outcomes=args.outcome or None, clauses=args.clause or None,
                          archetypes=args.archetypes, store=args.store,
                          resume=args.resume, on_task=tick, **_engine(args))  # type: ignore[arg-type]
    tables = sensitivity_tables(res)
    tables[0].notes.append(f"Pipeline: {label}")
    if args.chart:
        for o in res.outcomes:
            path = args.chart if len(res.outcomes) == 1 else \
                args.chart.with_name(f"{args.chart.stem}-{o.name}{args.chart.suffix}")
            tables[0].notes.append(f"Tornado chart of {o.name} written to {tornado_chart(res, o.name, path)}")
    return tables


def cmd_solve(args: argparse.Namespace) -> list[Table]:
    """``pledgelab solve DEAL --vary PATH --target OUTCOME=VALUE``."""
    from pledgelab.analysis import solve
    from pledgelab.report.analyses import solve_table

    _check(args)
    bracket = None
    if args.bracket:
        parts = args.bracket.split(",")
        try:
            lo, hi = (float(x) for x in parts)
        except ValueError:
            raise UsageError(f"--bracket: expected LO,HI (two numbers), got {args.bracket!r}") from None
        bracket = (lo, hi)
    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    with _progress(args.quiet) as tick:
        res = solve(deal, pipeline=pipe, vary=args.vary, target=args.target, bracket=bracket,
                    on_task=tick, **_engine(args))  # type: ignore[arg-type]
    if res.status != "solved":  # an unreachable target is bad input: the message, exit 2
        raise UsageError(res.message)
    t = solve_table(res)
    t.notes.append(f"Pipeline: {label}")
    return [t]


def cmd_frontier(args: argparse.Namespace) -> list[Table]:
    """``pledgelab frontier BASE --vary ... --objective ... --objective ...``."""
    from pledgelab.analysis import POSITIONS, frontier
    from pledgelab.report.analyses import frontier_chart, frontier_tables

    _check(args)
    if args.no_reservations and args.reservation:
        raise UsageError("--no-reservations and --reservation exclude each other")
    reservation: list[str] | str | None
    if args.no_reservations:
        reservation = None
    elif not args.reservation:
        reservation = "korea-us-2025"
    elif len(args.reservation) == 1 and not any(op in args.reservation[0] for op in "<>"):
        reservation = args.reservation[0]  # a reservation file
    else:
        reservation = list(args.reservation)
    positions: tuple[str, ...] = POSITIONS
    if args.positions is not None:
        positions = () if args.positions.strip() == "none" else \
            tuple(p.strip() for p in args.positions.split(",") if p.strip())
    deal = load(args, args.deal)
    pipe, label = pipeline_for(deal, args.pipeline)
    with _progress(args.quiet) as tick:
        res = frontier(deal, pipeline=pipe, vary=args.vary, objectives=args.objective,
                       constraints=args.constraint, reservation=reservation, positions=positions,
                       store=args.store, resume=args.resume, on_task=tick, sample=args.sample,
                       sampler=args.sampler, **_engine(args))  # type: ignore[arg-type]
    tables = frontier_tables(res)
    tables[0].notes.append(f"Pipeline: {label}")
    if args.chart:
        tables[0].notes.append(f"Frontier chart written to {frontier_chart(res, args.chart)}")
    return tables


def cmd_assumptions(args: argparse.Namespace) -> list[Table]:
    """``pledgelab show --assumptions DEAL``: the assumed and disputed clauses with their ranges."""
    from pledgelab.analysis import factors, runnable
    from pledgelab.report.analyses import assumptions_table

    deal = load(args, args.deal)
    if getattr(args, "pipeline", None):
        pipe, label = pipeline_for(deal, args.pipeline)
        fs, dropped = runnable(deal, factors(deal, pipeline=pipe, archetypes=True), pipeline=pipe)
        table = assumptions_table(deal.id, deal.title, fs, dropped)
        table.notes.append(f"Archetype parameters (archetypes.ID.PARAM) of the projects of: {label}")
        return [table]
    fs, dropped = runnable(deal, factors(deal))
    return [assumptions_table(deal.id, deal.title, fs, dropped)]
