"""Per-path outcomes of the parties' monthly cash, in one compiled pass.

For each party and path, one pass over the months gives what was put in and
taken out, the NPV, the cumulative net cash at each year end (the fan chart's
input) and the payback month (the first month the cumulative net cash is back
at zero after being below it), and writes the net cash row that the batched
IRR reads. NumPy would make a (paths × months) temporary for each of these.
"""

from __future__ import annotations

from numba import njit

_PAYBACK_TOL = 1e-6  # dollars: cumulative net cash within this of zero counts as zero


@njit(cache=True, nogil=True)
def reduce_parties(paid, got, disc, keep, net, contributed, received, npv, payback, fan):  # type: ignore[no-untyped-def]
    """``paid`` and ``got`` (parties, paths, months) to ``net`` (same shape) and, per party and
    path, ``contributed``, ``received``, ``npv`` (discount factors ``disc`` by month), ``payback``
    (-1 never) and, for the first ``keep`` paths, ``fan`` (parties, keep, years): the cumulative
    net cash at the end of each whole year."""
    n_parties, n_paths, n_months = paid.shape
    years = fan.shape[2]
    for i in range(n_parties):
        for p in range(n_paths):
            put = 0.0
            took = 0.0
            value = 0.0
            cum = 0.0
            below = False
            back = -1
            for t in range(n_months):
                a = paid[i, p, t]
                b = got[i, p, t]
                put -= a
                took += b
                x = a + b
                net[i, p, t] = x
                value += x * disc[t]
                cum += x
                if back < 0:
                    if cum < -_PAYBACK_TOL:
                        below = True
                    elif below:
                        back = t
                if p < keep and t % 12 == 11 and t // 12 < years:
                    fan[i, p, t // 12] = cum
            contributed[i, p] = put
            received[i, p] = took
            npv[i, p] = value
            payback[i, p] = back
