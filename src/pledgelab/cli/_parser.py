"""The whole ``pledgelab`` parser, built in one place: every command, its arguments and the
function that runs it (``args.handler``), in the order ``pledgelab --help`` lists them."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from pledgelab._limits import argtype, date_arg
from pledgelab.cli._analysis import register as _analyses
from pledgelab.cli._checks import database_url, output_file
from pledgelab.cli._deals import (
    cmd_cashflows,
    cmd_compare,
    cmd_deals,
    cmd_explain,
    cmd_run,
    cmd_screen,
    cmd_show,
)
from pledgelab.cli._drivers import cmd_drivers
from pledgelab.cli._funding import cmd_funding
from pledgelab.cli._ledger import cmd_ledger, cmd_token
from pledgelab.cli._serve import cmd_serve
from pledgelab.cli._shared import FORMATS, Command
from pledgelab.cli._simulate import cmd_simulate
from pledgelab.cli._tariffs import cmd_tariffs, line_base, tariff_rate
from pledgelab.cli._workforce import cmd_workforce
from pledgelab.ledger import BOUNDS, COMPONENTS, ENV_URL, LINK_RELATIONS, ROLES, STATUSES, default_url
from pledgelab.macro.tariffs import DEFAULT_SCENARIO, DEFAULT_YEARS
from pledgelab.metrics import FX_SOURCES, PERIODS
from pledgelab.terms import CURRENCIES, OVERRUN_READINGS

DESCRIPTION = ("pledgelab: executable term sheets for sovereign investment pledges. Deals, scenarios and "
               "their clauses; deterministic runs, comparisons, Monte Carlo simulations; funding, "
               "tariffs, workforce; the pledge ledger.")
DEAL = "shipped deal or scenario id, or path to a term-sheet or scenario YAML file"
FORMAT_HELP = ("table for people (default); csv or json for machines (raw numbers: dollars, rates as "
               "fractions, ISO dates); xlsx with --out FILE")
SET_HELP = ("set a clause for this run: PATH=VALUE, the path as `pledgelab show` prints it, the value "
            "as in a term sheet (e.g. timeline.annual_cap=15e9); repeatable")
Add = Callable[[str, str, Command], argparse.ArgumentParser]  # build_parser's add(name, help, handler)


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command; ``args.handler(args)`` runs the one parsed."""
    from pledgelab._version import __version__

    p = argparse.ArgumentParser(prog="pledgelab", description=DESCRIPTION)
    p.add_argument("--version", action="version", version=f"pledgelab {__version__}")
    p.add_argument("--debug", action="store_true", help="on an internal error, show the traceback "
                   "(accepted anywhere on the command line)")
    sub = p.add_subparsers(dest="command", required=True)

    def add(name: str, help_: str, handler: Command) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=help_, description=help_)
        sp.add_argument("--format", choices=FORMATS, default="table", help=FORMAT_HELP)
        sp.add_argument("--all", action="store_true",
                        help="show every row of long tables (the terminal shows the first rows)")
        if name != "simulate":  # simulate's --out also takes a Parquet file
            sp.add_argument("--out", type=output_file(".xlsx"), default=None,
                            help="with --format xlsx: the .xlsx file")
        sp.set_defaults(handler=handler)
        return sp

    _deals(add)
    _simulate(add)
    _funding(add)
    _tariffs(add)
    _workforce(add)
    _ledger(add)
    _drivers(add)
    _analyses(add)
    return p


def _deals(add: Add) -> None:
    add("deals", "the shipped deals and positions, one line each", cmd_deals)
    sp = add("show", "every clause of a deal: value, unit, status, sources", cmd_show)
    sp.add_argument("deal", help=DEAL)
    sp.add_argument("--assumptions", action="store_true",
                    help="only the assumed and disputed clauses, with the range each is varied over")
    sp.add_argument("--pipeline", help="with --assumptions: also the archetype parameters this pipeline's "
                    "projects use (shipped id or path)")
    _set(sp)
    for name, help_, handler in (("run", "run a deal over a project pipeline", cmd_run),
                                 ("explain", "which clause made a party's cash in one month", cmd_explain)):
        sp = add(name, help_, handler)
        sp.add_argument("deal", help=DEAL)
        _set(sp)
        sp.add_argument("--pipeline", help="shipped pipeline id or path (default: the shipped "
                        "pipeline for the deal's investor)")
        sp.add_argument("--discount-rate", type=argtype("discount_rate"), default=None,
                        help="NPV discount rate per year (default: the deal's deemed benchmark)")
        if name == "explain":
            sp.add_argument("--party", required=True, help="party code, e.g. KR or US")
            sp.add_argument("--period", required=True, help="month as YYYY-MM")
    sp = add("screen", "the \"commercially reasonable\" screen on every project of a pipeline",
             cmd_screen)
    sp.add_argument("deal", help=DEAL)
    _set(sp)
    sp.add_argument("--pipeline", help="shipped pipeline id or path (default: the shipped "
                    "pipeline for the deal's investor)")
    sp = add("compare", "deals side by side: the four sticking points and outcomes", cmd_compare)
    sp.add_argument("deals", nargs="+", help="deal or scenario ids, or term-sheet or scenario files")
    _set(sp, every=True)
    sp.add_argument("--sweep", metavar="PATH=V1,V2,...",
                    help="one column per value of one clause of the one deal given, e.g. "
                    "timeline.annual_cap=10e9,15e9,20e9 (2 to 24 values)")
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--discount-rate", type=argtype("discount_rate"), default=None,
                    help="one NPV discount rate per year for all deals")
    sp.add_argument("--negotiator", action="store_true",
                    help="also a negotiator's view: break-even share, the value of each protective "
                    "clause, share of net value created, disputed readings as a range, p5 NPV and "
                    "P(loss) with the agreed amounts enforced, tariff relief (slower)")
    sp.add_argument("--paths", type=argtype("paths"), default=500,
                    help="with --negotiator: Monte Carlo paths for p5 NPV and P(loss) (default 500)")
    sp.add_argument("--seed", type=argtype("seed"), default=0,
                    help="with --negotiator: the random seed (default 0)")
    sp = add("cashflows", "each party's cash flows by kind and their total, by month, quarter or year",
             cmd_cashflows)
    sp.add_argument("deal", help=DEAL)
    _set(sp)
    sp.add_argument("--pipeline", help="shipped pipeline id or path (default: the shipped "
                    "pipeline for the deal's investor)")
    sp.add_argument("--by", choices=PERIODS, default="year", help="period (default year)")
    sp.add_argument("--party", help="one party's flows only, e.g. KR")
    sp.add_argument("--currency", choices=("USD", *CURRENCIES), default="USD",
                    help="report in this currency (default USD); KRW and JPY at --fx")
    sp.add_argument("--fx", choices=FX_SOURCES, default="cited",
                    help="with --currency: the cited rate (data/fx/rates.yaml, default) or the "
                         "drivers' central path month by month")


def _set(sp: argparse.ArgumentParser, *, every: bool = False) -> None:
    sp.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                    help=SET_HELP + ("; applies to every deal given" if every else ""))


def _simulate(add: Add) -> None:
    sp = add("simulate", "Monte Carlo: outcomes by party over many paths", cmd_simulate)
    sp.add_argument("deal", help=DEAL)
    _set(sp)
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--paths", type=argtype("paths"), default=10_000, help="number of paths (default 10000)")
    sp.add_argument("--seed", type=argtype("seed"), default=0, help="random seed (default 0)")
    sp.add_argument("--drivers", default="default",
                    help="driver parameters: shipped id (default, zero) or a YAML path")
    sp.add_argument("--chunk-size", type=argtype("chunk_size"), default=256,
                    help="paths per chunk (default 256)")
    sp.add_argument("--backend", choices=("serial", "process", "dask"), default="serial",
                    help="where the chunks run: serial (default), process or dask")
    sp.add_argument("--workers", type=argtype("workers"), default=2, help="workers for process or dask")
    sp.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    sp.add_argument("--discount-rate", type=argtype("discount_rate"), default=None,
                    help="NPV discount rate per year (default: the deal's deemed benchmark)")
    sp.add_argument("--fan", metavar="PARTY", help="also print the fan of PARTY's cumulative cash")
    sp.add_argument("--out", type=output_file(".parquet", ".xlsx"),
                    help="write per-path results to this Parquet file (with --format xlsx: "
                    "the .xlsx file of the tables)")
    sp.add_argument("--chart", type=output_file(".png", ".svg", ".html"),
                    help="write a fan chart (.png or .html) of --fan's party "
                    "(default: the investor)")
    sp.add_argument("--fx-feedback", nargs="?", const="auto", metavar="SAFEGUARD",
                    help="make the deal's FX-safeguard clause live: a safeguard id or file "
                    "(default: the shipped one for the deal's investor)")
    sp.add_argument("--fx-impact", type=argtype("fx_impact"), default=None, metavar="LOG_POINTS_PER_USD_BN",
                    help="with --fx-feedback: the currency's response to $1B of dollar demand "
                    "(default: the safeguard file's)")
    sp.add_argument("--fx-end", choices=("paid", "renegotiated"), default=None,
                    help="with --fx-feedback: what becomes of deferred calls when a deferral ends, paid "
                    "later or cut by agreement (the projects they held abandoned); default: the "
                    "safeguard file's")
    sp.add_argument("--fx-reading", choices=("level", "forward"), default=None,
                    help="with --fx-feedback: how the indicator reads the pressure, the rate and the "
                    "demand already paid (level) or also the calls scheduled over the next "
                    "forward_months (forward); default: the safeguard file's")
    sp.add_argument("--workforce-policy", metavar="POLICY",
                    help="add workforce delays under a visa policy (status-quo-2025, post-raid-2025, "
                    "e4-visa, restrictive, or a file) and show how much of each party's outcome they "
                    "explain (a second run, same seed, without them)")
    sp.add_argument("--overrun", choices=OVERRUN_READINGS, default=None,
                    help="who pays capital calls beyond the investor's agreed amount in this run: "
                    "investor-unlimited (the earlier reading), host-beyond-cap or abandon-at-cap "
                    "(default: the deal's amount.overrun_payer clause)")
    sp.add_argument("--attribute", action="store_true",
                    help="also rerun once per driver family (overrun, slip, abandon, yield, benchmark, "
                    "fx) with it switched off, same seed, and show what each does to each party's "
                    "mean NPV (7 runs in all)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")


def _funding(add: Add) -> None:
    sp = add("funding", "how the investor funds its calls: sources, cost, reserves, ratios", cmd_funding)
    sp.add_argument("deals", nargs="+", help="deal or scenario ids, or term-sheet or scenario files")
    _set(sp, every=True)
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--plan", help="funding plan id or path (default: the shipped plan for the "
                    "investor)")
    sp.add_argument("--horizon", type=argtype("horizon_year"), default=None,
                    help="last calendar year of the balance sheet (default: the last call of any deal "
                    "plus the longest maturity of the plan's dollar debt)")
    sp.add_argument("--discount-rate", type=argtype("discount_rate"), default=None,
                    help="rate for present values and the position's value (default: the first deal's "
                    "deemed benchmark)")
    sp.add_argument("--reserve-income", type=argtype("exports_usd"), default=None,
                    help="reserve income a year, USD (default: the macro data's figure; e.g. 20e9, its "
                    "alternative)")
    sp.add_argument("--day-count", choices=("months", "act/365"), default="months",
                    help="how interest and cost accrue: twelfths of a year (default) or actual days over "
                    "365 from each call's funding date")
    sp.add_argument("--compare", action="store_true", help="one column per deal")
    sp.add_argument("--chart", type=output_file(".png", ".svg", ".html"),
                    help="write the reserves path and calls as .png or .html")
    sp.add_argument("--safeguard", nargs="?", const="auto", metavar="SAFEGUARD",
                    help="also the currency pressure, the FX-safeguard rule and its sensitivity sweep "
                    "(a safeguard id or file; default: the shipped one for the investor)")
    sp.add_argument("--drivers", default="default",
                    help="with --safeguard: drivers whose exchange rate (every shock zero) is used")
    sp.add_argument("--pressure-chart", type=output_file(".png", ".svg", ".html"),
                    help="with --safeguard: write the pressure indicator against "
                    "the threshold as .png or .html")


def _tariffs(add: Add) -> None:
    sp = add("tariffs", "tariff cost avoided by year against the pledge's net cost; break-even", cmd_tariffs)
    sp.add_argument("deal", help=DEAL)
    _set(sp)
    sp.add_argument("--pipeline", help="shipped pipeline id or path")
    sp.add_argument("--years", type=argtype("years"), default=DEFAULT_YEARS,
                    help=f"years shown from the run's first (default {DEFAULT_YEARS})")
    sp.add_argument("--exports", type=argtype("exports_usd"), default=None,
                    help="dutiable trade with the US, USD a year (required where the data has none)")
    sp.add_argument("--discount-rate", type=argtype("discount_rate"), default=None,
                    help="discount rate per year (default: the deal's deemed benchmark)")
    sp.add_argument("--decline", action="store_true",
                    help="also compare funding and declining each project")
    sp.add_argument("--scenario", default=DEFAULT_SCENARIO,
                    help=f"tariff scenario for --decline (default {DEFAULT_SCENARIO})")
    sp.add_argument("--chart", type=output_file(".png", ".svg", ".html"),
                    help="write cumulative savings against the net cost as .png or .html")
    sp.add_argument("--paths", type=argtype("paths"), default=None,
                    help="also break-even against this many Monte Carlo paths of the pledge's net cost "
                    "(median, p5, p95)")
    sp.add_argument("--seed", type=argtype("seed"), default=1, help="with --paths: the random seed")
    sp.add_argument("--paid", action="store_true",
                    help="instead: tariff paid a year by line (reciprocal and each Section 232 sector on "
                    "its own base), the cost of a step-up by line, and the exports it loses")
    sp.add_argument("--on", type=date_arg, default=None,
                    help="with --paid: the date whose rates are used (default: the newest the record gives)")
    sp.add_argument("--rate", type=tariff_rate, default=None,
                    help="with --paid: also the tariff paid at this rate on every line (0.25 for 25%%)")
    sp.add_argument("--step-up", type=tariff_rate, default=None,
                    help="with --paid: the rate every line steps up to (default: the announced step-up)")
    sp.add_argument("--year", type=argtype("horizon_year"), default=None,
                    help="with --paid: also the tariff paid in this calendar year, day by day at the "
                    "rates the record gives")
    sp.add_argument("--base", type=line_base, action="append", metavar="LINE=USD",
                    help="with --paid: a line's trade base a year where the record has none (repeatable)")


def _workforce(add: Add) -> None:
    sp = add("workforce", "specialists and visas: staffing plans, delay distributions, the HL-GA replay",
             cmd_workforce)
    sub = sp.add_subparsers(dest="workforce_action", required=True, metavar="ACTION")

    def action(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.add_argument("--format", choices=FORMATS, default=argparse.SUPPRESS, help=FORMAT_HELP)
        return p

    for name, help_ in (("plan", "per project: specialists by group, visa route, when to file, residual "
                                 "risk, and the rule that excluded each route"),
                        ("delays", "workforce delay distribution per project")):
        p = action(name, help_)
        p.add_argument("--pipeline", default="korea-illustrative", help="shipped pipeline id or path "
                       "(default korea-illustrative)")
        p.add_argument("--policy", default="post-raid-2025",
                       help="visa policy: status-quo-2025, post-raid-2025 (default), e4-visa, restrictive, "
                            "or a YAML path")
        p.add_argument("--nationality", help="investor economy code, e.g. KR (default: the pipeline's "
                       "default investor)")
        p.add_argument("--seed", type=argtype("seed"), default=0, help="random seed (default 0)")
        p.add_argument("--processing-scale", type=argtype("processing_scale"), default=1.0,
                       help="what-if: multiply every processing time by this factor (default 1)")
        if name == "plan":
            p.add_argument("--paths", type=argtype("paths"), default=4096,
                           help="paths for the risk columns (default 4096)")
            p.add_argument("--quantile", type=argtype("quantile"), default=0.95,
                           help="file early enough to be in time with this probability (default 0.95)")
        else:
            p.add_argument("--paths", type=argtype("paths"), default=10_000,
                           help="number of paths (default 10000)")
    p = action("replay", "a reported case through the model, beside what was reported and what was fitted "
                         "to it")
    p.add_argument("case", nargs="?", default="hl-ga-2025", help="shipped replay id (hl-ga-2025, "
                   "sk-battery-2020, tsmc-arizona-2023) or path (default hl-ga-2025)")
    p.add_argument("--policy", help="policy whose route coverage and rates apply (default: the case's)")
    p.add_argument("--paths", type=argtype("paths"), default=10_000, help="number of draws (default 10000)")
    p.add_argument("--seed", type=argtype("seed"), default=0, help="random seed (default 0)")


def _date(text: str) -> dt.date:
    """YYYY-MM-DD inside the calendar window of pledgelab._limits (2025-02-30 and 9999-12-31 refused)."""
    return date_arg(text)


def _database(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database", type=database_url, default=None,
                   help=f"database URL (default: ${ENV_URL} or {default_url()})")


def _common(p: argparse.ArgumentParser) -> None:
    _database(p)
    p.add_argument("--format", choices=FORMATS, default=argparse.SUPPRESS, help=FORMAT_HELP)


def _ledger(add: Add) -> None:
    sp = add("ledger", "the pledge ledger: pledged vs selected vs funded vs built", cmd_ledger)
    sub = sp.add_subparsers(dest="ledger_command", required=True)
    p = sub.add_parser("init", help="create the ledger (SQLite file by default) and seed the cited records")
    _common(p)
    p.add_argument("--empty", action="store_true", help="schema only, no seed records")
    p = sub.add_parser("status", help="per pledge: measurable base and at work by component, and the "
                       "funnel (interest, selected, noticed, funded, built)")
    _common(p)
    p.add_argument("--as-of", type=_date, default=None,
                   help="date of the report (default: the newest record's date)")
    p.add_argument("--pledge", help="one pledge over time, with the claims made about it")
    p.add_argument("--ceilings", choices=("include", "exclude"), default="include",
                   help="count 'up to' and 'at least' amounts in the stages (both totals are shown)")
    p.add_argument("--today", type=_date, default=None,
                   help="the day the ledger is read, for its age (default: today); a warning when the "
                        "newest record is more than 90 days older")
    p = sub.add_parser("claims", help="claims with their measure, scope, the ledger's value on the day, "
                       "and the verdict with its reasoning")
    _common(p)
    p.add_argument("--pledge", help="only claims about this pledge")
    p.add_argument("--review-json", type=output_file(".json"),
                   help="also write the reviewed claims as schema.org "
                   "ClaimReview JSON to this file")
    p = sub.add_parser("release", help="write a reproducible, versioned release bundle (CSV per record "
                       "kind, data dictionary, methodology, changelog, licence)")
    _common(p)
    p.add_argument("out_dir", type=Path, metavar="OUT_DIR", help="folder to write the release into")
    p.add_argument("--previous", type=Path, help="the previous release's directory (for the changelog)")
    p = sub.add_parser("corrections", help="check a filled corrections form (the release's corrections.csv) "
                       "row by row; corrections are reviewed by hand, never applied")
    p.add_argument("file", type=Path, metavar="FILE", help="the filled corrections CSV")
    p.add_argument("--format", choices=FORMATS, default=argparse.SUPPRESS, help=FORMAT_HELP)
    record = sub.add_parser("add", help="add a record; a rule violation is refused with its clause")
    asub = record.add_subparsers(dest="ledger_add", required=True)
    p = asub.add_parser("project", help="a project under a pledge")
    _common(p)
    for flag, help_ in (("--id", "stable id, e.g. jp-portsmouth-gas"), ("--pledge", "pledge id"),
                        ("--name", "project name"), ("--sector", "sector")):
        p.add_argument(flag, required=True, help=help_)
    p.add_argument("--status", default="interest", choices=STATUSES, help="status (default interest)")
    p.add_argument("--date", type=_date, required=True, help="date of the status")
    p.add_argument("--notice-date", type=_date, help="date of the notice of selection, if any")
    p.add_argument("--company", help="the company carrying out the project")
    p.add_argument("--state", help="two-letter US state")
    p.add_argument("--site", help="place of the project (city, county)")
    p.add_argument("--tranche", help="tranche id")
    p.add_argument("--relation", default="pledge", choices=("pledge", "related-fdi"),
                   help="pledge money (default) or related corporate FDI counted apart")
    p.add_argument("--component", choices=COMPONENTS, help="the pledge component it draws on")
    p.add_argument("--amount", type=argtype("amount_usd"), help="amount in USD")
    p.add_argument("--amount-basis", default="as reported", help="what the amount covers")
    p.add_argument("--amount-as-of", type=_date, help="date the amount was reported (default --date)")
    p.add_argument("--amount-bound", choices=BOUNDS, default="exact", help="exact, about, up-to, at-least")
    p.add_argument("--estimate-reason", help="flags the amount as an estimate, and why")
    p = asub.add_parser("call", help="a capital call on the investor")
    _common(p)
    p.add_argument("--id", required=True, help="stable id of the call")
    p.add_argument("--project", required=True, help="project id")
    p.add_argument("--notice", type=_date, required=True, help="date of the notice of selection")
    p.add_argument("--funding-date", type=_date, required=True, help="date the call is funded")
    p.add_argument("--amount", type=argtype("amount_usd"), required=True, help="amount called, USD")
    p.add_argument("--tranche", help="deal tranche (default: by sector, as the engine does)")
    p.add_argument("--component", choices=COMPONENTS, help="the pledge component the call draws on")
    p = asub.add_parser("status", help="a dated status change, by the one table of allowed changes")
    _common(p)
    p.add_argument("--project", required=True, help="project id")
    p.add_argument("--status", required=True, choices=STATUSES, help="the project's new status")
    p.add_argument("--date", type=_date, required=True, help="date of the change")
    p.add_argument("--version", type=argtype("version"), required=True, help="the project's version you read")
    p = asub.add_parser("amount", help="a dated amount of a project (marked --preferred, a revision "
                        "from its date)")
    _common(p)
    p.add_argument("--project", required=True, help="project id")
    p.add_argument("--amount", type=float, required=True, help="amount in USD")
    p.add_argument("--as-of", type=_date, required=True, help="date the amount was reported")
    p.add_argument("--basis", default="as reported", help="what the amount covers")
    p.add_argument("--bound", choices=BOUNDS, default="exact", help="exact, about, up-to, at-least")
    p.add_argument("--preferred", action="store_true", help="the amount the reports use from its date")
    p = asub.add_parser("link", help="two records that hold the same money, so it counts once")
    _common(p)
    p.add_argument("--id", required=True, help="stable id of the link")
    p.add_argument("--relation", required=True, choices=LINK_RELATIONS,
                   help="how the two records hold the same money")
    p.add_argument("--from", dest="from_ref", required=True, metavar="KIND:ID",
                   help="the record left out while the other is counted, e.g. project:jp-x")
    p.add_argument("--to", dest="to_ref", required=True, metavar="KIND:ID", help="the record counted")
    p = asub.add_parser("payment", help="money paid against a capital call")
    _common(p)
    p.add_argument("--call", required=True, help="call id")
    p.add_argument("--date", type=_date, required=True, help="date paid")
    p.add_argument("--amount", type=argtype("amount_usd"), required=True, help="amount paid, USD")
    for q in asub.choices.values():
        q.add_argument("--source", action="append", required=True, help="source URL (repeatable)")
        q.add_argument("--verified", type=_date, required=True,
                       help="date the sources were checked (no default: say when you checked)")
        q.add_argument("--note", help="a free-text note kept with the record")
        q.add_argument("--override", help="record it although it breaks a rule, and why")
        q.add_argument("--actor", help="who makes the change (default cli:$USER)")
    p = sub.add_parser("export", help="export with stable ids and the release version")
    _common(p)
    p.add_argument("--out", type=output_file(".json", ".csv", ".xlsx"),
                   help="write every record (.json), the projects (.csv), or with --format xlsx every "
                   "record, a sheet a kind (.xlsx), here")
    p = sub.add_parser("import", help="import a CSV: every row checked, all rows or none")
    _common(p)
    p.add_argument("file", type=Path, help="the CSV file to import")
    p.add_argument("--actor", help="who makes the change (default cli:$USER)")

    sp = add("serve", "the ledger's HTTP API on 127.0.0.1 (OpenAPI at /docs)", cmd_serve)
    _database(sp)
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=argtype("port"), default=8000, help="port (default 8000)")

    sp = add("token", "API bearer tokens: create (shown once, stored hashed) or revoke", cmd_token)
    tsub = sp.add_subparsers(dest="token_command", required=True)
    p = tsub.add_parser("create", help="a new token for a role")
    _common(p)
    p.add_argument("--name", required=True, help="who or what the token is for")
    p.add_argument("--role", choices=ROLES, default="editor", help="the token's role (default editor)")
    p = tsub.add_parser("revoke", help="revoke a token by name")
    _common(p)
    p.add_argument("--name", required=True, help="the name the token was created with")


def _drivers(add: Add) -> None:
    sp = add("drivers", "the Monte Carlo driver sets, or every parameter of one with its source", cmd_drivers)
    sub = sp.add_subparsers(dest="drivers_action", metavar="ACTION")
    p = sub.add_parser("show", help="every parameter of a driver set: value, unit, status, source, "
                       "reference class", description="every parameter of a driver set")
    p.add_argument("drivers_id", metavar="ID", help="shipped driver id (default, optimistic, "
                   "reference-class, pessimistic, zero) or a YAML path")
    p.add_argument("--format", choices=FORMATS, default=argparse.SUPPRESS, help=FORMAT_HELP)
