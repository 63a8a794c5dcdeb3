"""The waterfalls of a block of paths, each run only over the months in which something can happen.

A project's waterfall has nothing to do before its first capital call or cash,
and nothing after its last cash, its review test and its settlement month: the
balance is zero before (accrual on zero adds zero) and nothing is paid after.
Those months are most of the run (a project lives 30 to 40 years of a horizon
of 90), so each waterfall of a block runs through the compiled waterfall of
:mod:`pledgelab.engine._waterfall` (``run_waterfall``, one implementation of
the rule) on its window only: from the first month any of the block's paths
has a flow to one past the last month any path can still change an output.

One exception is possible in principle: a balance left within the waterfall's
tolerance of zero (1e-9 of the contributions) without the hurdle being crossed
exactly, which the untrimmed run would let grow by accrual past the tolerance
after the window. The kernel property tests (kernel = reference twin) hold
with the windows.
"""

from __future__ import annotations

import numpy as np

from pledgelab.engine._waterfall import WaterfallResult, WaterfallRule, run_waterfall

# per path: the first and the last month with a flow, the first contribution
Spans = tuple[np.ndarray, np.ndarray, np.ndarray]


def waterfall_windows(rule: WaterfallRule, inputs: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                      rates: np.ndarray, spans: list[Spans] | None = None,
                      outlooks: list[np.ndarray | None] | None = None) -> WaterfallResult:
    """Every waterfall of a block of paths: ``inputs[j]`` is waterfall ``j``'s contributions and
    cash (paths, months) and its settlement month (paths,); ``rates`` the deemed rate per year
    (paths, months). Returns the sums by party over the waterfalls (paths, months, parties) and,
    per row ``j * paths + p``, the recovery month and whether the review triggered — as
    ``run_waterfall`` on all rows at once with ``out_row`` the path would. ``spans[j]``, when
    given, is waterfall ``j``'s first and last month with a flow (``months`` and -1 where none)
    and its first contribution (-1 none), per path, found while its inputs were written.
    ``outlooks[j]``, when given, is waterfall ``j``'s outlook for the projected review (paths,
    months; ``run_waterfall``'s ``outlook``), None for the row's own cash. The projection reads
    it only from the first contribution to the review deadline, months inside the window."""
    n_paths, n_months = rates.shape
    n_parties = rule.shares.shape[1]
    paid = np.zeros((n_paths, n_months, n_parties))
    claw = np.zeros_like(paid)
    n_rows = len(inputs) * n_paths
    recovered = np.full(n_rows, -1, dtype=np.int64)
    review_month = np.full(n_rows, -1, dtype=np.int64)
    triggered = np.zeros(n_rows, dtype=np.bool_)
    horizon = rule.review_horizon
    for j, (contrib, cash, final) in enumerate(inputs):
        starts, stop, put = _spans(contrib, cash) if spans is None else spans[j]
        if stop.max() < 0:
            continue  # no flow on any path: nothing is paid, nothing recovered or reviewed
        first = int(starts.min())
        stop = np.maximum(stop, np.broadcast_to(np.asarray(final, dtype=np.int64), (n_paths,)))
        if horizon is not None:
            stop = np.maximum(stop, np.where(put >= 0, put + horizon, -1))
        end = min(int(stop.max()) + 1, n_months)
        window = slice(first, end)
        expected = None if outlooks is None else outlooks[j]
        seen = None if expected is None else expected[:, window]
        wf = run_waterfall(rule, contrib[:, window], cash[:, window], rates[:, window],
                           np.asarray(final, dtype=np.int64) - first, detail=False, outlook=seen)
        paid[:, window] += wf.paid
        if rule.loss_treatment == "host-clawback":  # else the clawback is zero throughout
            claw[:, window] += wf.clawback
        rows = slice(j * n_paths, (j + 1) * n_paths)
        recovered[rows] = np.where(wf.recovered >= 0, wf.recovered + first, -1)
        review_month[rows] = np.where(wf.review_month >= 0, wf.review_month + first, -1)
        triggered[rows] = wf.review_triggered
    return WaterfallResult(by_tier=None, paid=paid, clawback=claw, balance=np.zeros((0, 0)),
                           recovered=recovered, review_month=review_month, review_triggered=triggered)


def _spans(contrib: np.ndarray, cash: np.ndarray) -> Spans:
    """Per path: the first and last month with a contribution or cash (months and -1 where
    none), and the first month with a contribution (-1 none)."""
    n_months = contrib.shape[1]
    active = (contrib != 0.0) | (cash != 0.0)
    busy = active.any(axis=1)
    first = np.where(busy, active.argmax(axis=1), n_months)
    last = np.where(busy, n_months - 1 - active[:, ::-1].argmax(axis=1), -1)
    given = contrib > 0.0
    put = np.where(given.any(axis=1), given.argmax(axis=1), -1)
    return first, last, put
