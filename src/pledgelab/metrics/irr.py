"""Internal rate of return with reasons, for one series or a batch of them.

The batch is a matrix, one series of monthly cash flows per row. Each row is
classified by the signs of its flows (Descartes' rule of signs bounds the
number of positive roots of the NPV polynomial in ``1/(1+r)`` by the number of
sign changes), all rows of a block at once:

* all-zero, all-inflow and all-outflow rows give NaN with their reason, and so
  does a row holding a NaN or an infinity (``NO_ROOT``);
* a *conventional* row (exactly one sign change) has exactly one IRR above
  −100%. With ``x = log(1 + r)``, ``ψ(x) = log PV(inflows) − log PV(outflows)``
  is strictly monotone and close to linear, and its derivatives are cumulants
  of the discounted months, which one small matrix product per step gives for
  all rows of a chunk. From ``x = 0`` (no ``exp`` needed there), each step
  takes the root of ψ's Taylor polynomial of degree 4 (Halley's step where
  that is not trusted), inside a bracket kept from the sign of ψ, bisecting
  when a step leaves it; two steps usually reach machine precision, the next
  derivative telling when. Rows whose root lies beyond the range where the
  unscaled sums are safe, or with flows beyond ``2**±300``, or that do not
  converge, go to the robust path: the scaled NPV (``_npv_log``) on a bracket
  widened up to ``|x| = 700`` (beyond that: ``NO_ROOT``), solved by Newton
  steps safeguarded by bisection;
* a row with more sign changes (every investor row of a real simulation) is
  first decided by Norström's cumulative-sum condition, compiled, one row at a
  time (:mod:`pledgelab.metrics._roots`): the number of roots in the searched
  range proved from the sign changes of the discounted flows' prefix and suffix
  sums (and a bound on the NPV's curvature), and the one root by Newton's steps
  on ``ψ`` inside its proved bracket. Rows it cannot decide are scanned on a
  grid of 8001 values of ``x`` (as matrix products, skipping the ends of the
  grid where the first or last flow alone fixes the sign): exactly one sign
  change on the grid is refined to the root (``OK``), none gives ``NO_ROOT``
  and several give ``MULTIPLE``.

Rows are processed in blocks of ``BLOCK`` rows, and inside a block in chunks
that stay in cache, so the temporaries take a few megabytes whatever the number
of rows; the rows for the robust path and the scan are gathered from all
blocks and done at the end. :func:`irr_monthly_codes` returns small integer
reason codes (``REASONS[code]`` is the :class:`IrrReason`); :func:`irr_monthly`
wraps it and returns the reasons as a list.

Rates are monthly; :func:`irr_annual` returns ``(1 + monthly)**12 - 1``.

References
----------
Norström, C. J. (1972), "A sufficient condition for a unique nonnegative internal
rate of return", JFQA 7(3); Descartes' rule of signs; Hazen, G. (2003), "A new perspective on multiple
internal rates of return", The Engineering Economist 48(1); Halley's method and
``rtsafe`` (Press et al., Numerical Recipes, §9.4).
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from pledgelab.metrics._roots import UNDECIDED, roots_by_cumulative_sums

F64 = npt.NDArray[np.float64]
I8 = npt.NDArray[np.int8]
Idx = npt.NDArray[np.intp]
Bool = npt.NDArray[np.bool_]


class IrrReason(StrEnum):
    """Why an IRR is what it is."""

    OK = "ok"
    ZERO = "all flows are zero"
    NO_OUTFLOW = "no outflow: nothing was put in"
    NO_INFLOW = "no inflow: nothing came back"
    MULTIPLE = "several rates give NPV = 0 (flows change sign more than once)"
    NO_ROOT = "no rate gives NPV = 0"


REASONS: tuple[IrrReason, ...] = (
    IrrReason.OK,  # 0
    IrrReason.ZERO,  # 1
    IrrReason.NO_OUTFLOW,  # 2
    IrrReason.NO_INFLOW,  # 3
    IrrReason.MULTIPLE,  # 4
    IrrReason.NO_ROOT,  # 5
)
"""Reason codes of :func:`irr_monthly_codes`: code ``i`` means ``REASONS[i]``."""

_OK, _ZERO, _NO_OUTFLOW, _NO_INFLOW, _MULTIPLE, _NO_ROOT = range(6)
_REASON_OBJECTS = np.array(REASONS, dtype=object)

BLOCK = 4096  # rows per block: a few MB of temporaries per block at 120 months
_CHUNK = 512  # at most this many rows per pass inside a block, so that the pass stays in cache
_BLAS_ONE_THREAD = 262_144  # m*n*k up to which OpenBLAS multiplies on one thread (no thread start-up)

_LO, _HI = np.log1p(-0.9999), np.log1p(10.0)  # first bracket; widened while no sign change
_LIMIT = 700.0  # |log(1 + monthly rate)| beyond this is not a rate anyone can use
_GRID = 8001  # points of the scan of rows with several sign changes
_SCAN_ROWS = 64  # rows per matrix product of the scan (64 x 8001 values)
_COARSE = 32  # the scan's coarse look takes every 32nd grid point
_MAX_STEPS = 64  # Halley/bisection steps before a conventional row goes to the fallback
_EXP_SAFE = 400.0  # |x| * (months - 1) up to which the unscaled sums cannot overflow
_SCALE_BITS = 300  # rows whose largest inflow or outflow is beyond 2**±300 go to the robust path
_EPS = float(np.finfo(np.float64).eps)
_MOMENTS = 6  # τ**0 .. τ**5: ψ and its first five derivatives


def irr_monthly_codes(cash: npt.ArrayLike, *, scan_only: bool = False) -> tuple[F64, I8]:
    """Monthly IRR of each row of ``cash`` (rows, months) and a reason code per row.

    Returns ``(rates, codes)``: ``rates`` is float64, NaN where there is no
    unique IRR; ``codes`` is int8 with ``REASONS[code]`` the reason. A 1-D
    ``cash`` is one row. ``scan_only`` sends every row with several sign changes
    to the grid scan, skipping the cumulative-sum proof (the method before it:
    kept for benchmarks and tests that compare the two).
    """
    arr = np.asarray(cash)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"cash must be 1-D or 2-D (rows, months), got shape {arr.shape}")
    n, months = arr.shape
    rates = np.full(n, np.nan)
    codes = np.full(n, _ZERO, dtype=np.int8)
    if n == 0 or months == 0:
        return rates, codes
    ws = _Workspace(min(n, BLOCK), months)
    robust: list[Idx] = []  # conventional rows left to the robust path
    several: list[Idx] = []  # rows with several sign changes
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        part = arr[start:stop]
        if part.dtype == np.float64 and part.flags.c_contiguous:
            block = part
        else:  # convert one block at a time, into a buffer that is reused
            block = ws.block(stop - start)
            np.copyto(block, part, casting="same_kind")
        rest, multi = _solve_block(block, rates[start:stop], codes[start:stop], ws)
        robust.append(start + rest)
        several.append(start + multi)
    # the few rows left, gathered from all blocks so that each vectorised pass has many rows
    _solve_robust(arr, np.concatenate(robust), rates, codes)
    _solve_several(arr, np.concatenate(several), rates, codes, ws, prove=not scan_only)
    return rates, codes


def _rows(arr: npt.NDArray[Any], rows: Idx) -> F64:
    """Rows of the input as float64, scaled by powers of two (exactly) to a largest flow near 1."""
    return _normalised(np.asarray(arr[rows], dtype=np.float64))


def _solve_robust(arr: npt.NDArray[Any], rows: Idx, rates: F64, codes: I8) -> None:
    """Conventional rows left by Halley's method: the scaled NPV on a bracket widened as needed."""
    for s in range(0, rows.size, BLOCK):
        part = rows[s : s + BLOCK]
        x, found = _solve_widening(_rows(arr, part))
        rates[part] = np.where(found, np.expm1(x), np.nan)
        codes[part] = np.where(found, _OK, _NO_ROOT)


def _solve_several(arr: npt.NDArray[Any], rows: Idx, rates: F64, codes: I8, ws: _Workspace, *,
                   prove: bool = True) -> None:
    """Rows with several sign changes: the number of roots proved from cumulative sums
    (:mod:`pledgelab.metrics._roots`) and the root where there is one; the rows it leaves
    undecided go to the grid scan, then the root where it finds exactly one sign change."""
    if prove and rows.size:
        left = []
        for b0 in range(0, rows.size, BLOCK):
            sub = rows[b0 : b0 + BLOCK]
            x = np.empty(sub.size)
            found = np.empty(sub.size, dtype=np.int8)
            roots_by_cumulative_sums(_rows(arr, sub), _LO, _HI, x, found)
            done = found != UNDECIDED
            codes[sub[done]] = found[done]
            rates[sub[done]] = np.expm1(x[done])  # NaN where there is no root
            left.append(sub[~done])
        rows = np.concatenate(left)
    lo, hi, f_lo = np.empty(rows.size), np.empty(rows.size), np.empty(rows.size)
    for s in range(0, rows.size, _SCAN_ROWS):
        part = slice(s, s + _SCAN_ROWS)
        chunk = rows[part]
        codes[chunk], lo[part], hi[part], f_lo[part] = _scan(_rows(arr, chunk), ws.scan(chunk.size))
    one = np.flatnonzero(codes[rows] == _OK)
    for s in range(0, one.size, BLOCK):
        sel = one[s : s + BLOCK]
        rates[rows[sel]] = np.expm1(_refine(_rows(arr, rows[sel]), lo[sel], hi[sel], f_lo[sel]))


def irr_monthly(cash: npt.ArrayLike) -> tuple[F64, list[IrrReason]]:
    """Monthly IRR of each row of ``cash`` (paths, months), with a reason per row."""
    rates, codes = irr_monthly_codes(cash)
    reasons: list[IrrReason] = _REASON_OBJECTS[codes].tolist()
    return rates, reasons


def irr_annual(cash: npt.ArrayLike) -> tuple[F64, list[IrrReason]]:
    """IRR per year of monthly series: ``(1 + monthly IRR)**12 - 1``."""
    monthly, reasons = irr_monthly(cash)
    return np.power(1.0 + monthly, 12.0) - 1.0, reasons


# --- one block ----------------------------------------------------------------------------------


class _Workspace:
    """Buffers reused from block to block.

    Writing into a freshly allocated large array costs a page fault per 4 KiB,
    about as much as the arithmetic here; the buffers are made once per call.
    Per-chunk buffers (``chunk`` rows) stay in cache between the passes over them.
    """

    def __init__(self, rows: int, months: int) -> None:
        tq, tr = _month_split(months)
        # rows per chunk: the moments' product (2 chunk x months x _MOMENTS) small enough for one thread
        fit = _BLAS_ONE_THREAD // (2 * months * _MOMENTS)
        chunk = max(16, min(_CHUNK, 1 << max(fit.bit_length() - 1, 0)))
        self.rows, self.months, self.chunk = rows, months, min(rows, chunk)
        chunk = self.chunk
        self.pos = np.empty((chunk, months), dtype=bool)
        self.neg = np.empty((chunk, months), dtype=bool)
        self.flip = np.empty((chunk, months), dtype=bool)
        self.prod = np.empty((chunk, 2, months))
        self.disc = np.empty((chunk, tq.size, tr.size))
        self.moments = np.empty((2 * rows, _MOMENTS))
        self._block: F64 | None = None
        self._scan: F64 | None = None

    def block(self, rows: int) -> F64:
        if self._block is None:
            self._block = np.empty((self.rows, self.months))
        return self._block[:rows]

    def scan(self, rows: int) -> F64:
        if self._scan is None:
            self._scan = np.empty((_SCAN_ROWS, _GRID))
        return self._scan[:rows]


def _solve_block(cf: F64, rates: F64, codes: I8, ws: _Workspace) -> tuple[Idx, Idx]:
    """Classify the rows of ``cf`` and solve the conventional ones.

    Fills ``rates`` and ``codes`` (views of the outputs) and returns the rows
    left for the robust paths: conventional rows not solved here, and rows
    with several sign changes.
    """
    b, months = cf.shape
    top_in = np.empty(b)
    top_out = np.empty(b)
    first_in = np.empty(b, dtype=np.intp)
    first_out = np.empty(b, dtype=np.intp)
    last_in = np.empty(b, dtype=np.intp)
    last_out = np.empty(b, dtype=np.intp)
    for c0 in range(0, b, ws.chunk):  # chunks small enough for the passes to stay in cache
        c1 = min(c0 + ws.chunk, b)
        part = cf[c0:c1]
        part.max(axis=1, out=top_in[c0:c1])  # NaN propagates
        part.min(axis=1, out=top_out[c0:c1])
        pos = np.greater(part, 0.0, out=ws.pos[: c1 - c0])
        neg = np.less(part, 0.0, out=ws.neg[: c1 - c0])
        flip = ws.flip[: c1 - c0]
        pos.argmax(axis=1, out=first_in[c0:c1])
        neg.argmax(axis=1, out=first_out[c0:c1])
        np.copyto(flip, pos[:, ::-1])
        flip.argmax(axis=1, out=last_in[c0:c1])
        np.copyto(flip, neg[:, ::-1])
        flip.argmax(axis=1, out=last_out[c0:c1])
    finite = np.isfinite(top_in) & np.isfinite(top_out)
    has_in = top_in > 0.0
    has_out = top_out < 0.0
    codes[:] = np.where(
        ~finite,
        _NO_ROOT,
        np.where(has_in, np.where(has_out, _OK, _NO_OUTFLOW), np.where(has_out, _NO_INFLOW, _ZERO)),
    )
    both = finite & has_in & has_out
    # one sign change <=> the last flow of the first sign comes before the first of the other
    out_first = first_out < first_in
    last_in = months - 1 - last_in
    last_out = months - 1 - last_out
    conv = both & np.where(out_first, last_out < first_in, last_in < first_out)
    multi = np.flatnonzero(both & ~conv)
    # flows beyond 2**±300 could overflow or underflow the unscaled sums: the robust path takes
    # those rows, and rows that the sums must not see at all are zeroed in a copy
    e_in = np.frexp(np.where(finite, top_in, 0.0))[1]
    e_out = np.frexp(np.where(finite, top_out, 0.0))[1]
    far = conv & ((np.abs(e_in) > _SCALE_BITS) | (np.abs(e_out) > _SCALE_BITS))
    start = conv & ~far
    rest = np.flatnonzero(far)
    if start.any():
        hidden = ~finite | (e_in > _SCALE_BITS) | (e_out > _SCALE_BITS)
        if hidden.any():
            cf = cf.copy()
            cf[hidden] = 0.0
        # ψ = log PV(inflows) - log PV(outflows) decreases in x when the outflows come first
        x, solved = _halley(cf, start, np.where(out_first, -1.0, 1.0), ws)
        ok = start & solved
        rates[ok] = np.expm1(x[ok])
        rest = np.flatnonzero(far | (start & ~solved))
    return rest, multi


@lru_cache(maxsize=8)
def _moment_weights(months: int) -> F64:
    """Columns τ**0 to τ**5, τ the month centred on the middle of the series."""
    tau = np.arange(months, dtype=np.float64) - 0.5 * (months - 1)
    w = np.stack([tau**n for n in range(_MOMENTS)], axis=1)
    w.setflags(write=False)
    return w


def _cumulants(s: F64) -> tuple[F64, F64, F64, F64, F64]:
    """Cumulants 1 to 5 of the month under the weights whose moments are the columns of ``s``."""
    m1, m2, m3, m4, m5 = (s[:, n] / s[:, 0] for n in range(1, 6))
    q2 = m1 * m1
    q3 = q2 * m1
    k1 = m1
    k2 = m2 - q2
    k3 = m3 - 3.0 * m2 * m1 + 2.0 * q3
    k4 = m4 - 4.0 * m3 * m1 - 3.0 * m2 * m2 + 12.0 * m2 * q2 - 6.0 * q2 * q2
    k5 = m5 - 5.0 * m4 * m1 - 10.0 * m3 * m2 + 20.0 * m3 * q2 + 30.0 * m2 * m2 * m1
    k5 += 24.0 * q3 * q2 - 60.0 * m2 * q3
    return k1, k2, k3, k4, k5


@lru_cache(maxsize=8)
def _month_split(months: int) -> tuple[F64, F64]:
    """Months as ``R q + r``, so that ``exp(-x t) = exp(-x R q) * exp(-x r)``.

    Two small ``exp`` tables and one product per month cost less than one ``exp``
    per month. The table is padded to ``Q R >= months`` months; ``R - 1`` is at
    most ``3/4`` of ``months - 1``, which keeps the padding finite in the safe range.
    """
    r = 1
    while 2 * r <= 64 and 2 * r - 1 <= 0.75 * (months - 1):
        r *= 2
    q = -(-months // r)
    tq = (r * np.arange(q)).astype(np.float64)
    tr = np.arange(r, dtype=np.float64)
    tq.setflags(write=False)
    tr.setflags(write=False)
    return tq, tr


def _moments(cur: F64, x: F64 | None, ws: _Workspace) -> F64:
    """Rows ``2i`` and ``2i + 1``: moments τ**0..τ**5 of row i's discounted inflows and outflows.

    The discount factor of month ``t`` is ``exp(-x t)``; ``x = None`` means 0.
    """
    k, months = cur.shape
    weights = _moment_weights(months)
    tq, tr = _month_split(months)
    moments = ws.moments[: 2 * k]
    if x is not None:
        big = np.exp(np.multiply.outer(-x, tq))
        small = np.exp(np.multiply.outer(-x, tr))
    for c0 in range(0, k, ws.chunk):  # chunks small enough for the products to stay in cache
        c1 = min(c0 + ws.chunk, k)
        prod = ws.prod[: c1 - c0]
        np.maximum(cur[c0:c1], 0.0, out=prod[:, 0])
        np.minimum(cur[c0:c1], 0.0, out=prod[:, 1])
        if x is not None:
            disc = ws.disc[: c1 - c0]
            np.multiply(big[c0:c1, :, None], small[c0:c1, None, :], out=disc)
            np.multiply(prod, disc.reshape(c1 - c0, -1)[:, None, :months], out=prod)
        np.matmul(prod.reshape(2 * (c1 - c0), months), weights, out=moments[2 * c0 : 2 * c1])
    return moments


def _halley(cf: F64, start: Bool, direction: F64, ws: _Workspace) -> tuple[F64, Bool]:
    """Solve ψ(x) = 0 for the rows of ``cf`` flagged in ``start``; those solved are flagged True.

    The rows flagged have one sign change, and flows within ``2**±_SCALE_BITS``.
    With ``P`` and ``N`` the present values of a row's inflows and of its
    outflows (negative) at monthly rate ``exp(x) - 1``, ``ψ = log P - log(-N)``
    has derivatives given by the cumulants of the discount-weighted months:
    the n-th derivative is ``(-1)**n (κn_P - κn_N)``, so ``ψ' = mean_N - mean_P``
    and ``ψ'' = var_P - var_N``. ``direction * ψ`` increases with ``x``.

    Each step takes the root of ψ's Taylor polynomial of degree 4 (Newton on
    the polynomial, from Halley's step); the fifth derivative bounds its error,
    and a row is done when that bound is below 1e-17 of the rate. From
    ``x = 0`` the first step usually lands within 1e-6 and the second is done.
    Where the polynomial step is not trusted, Halley's step is taken, done when
    its own error estimate is small enough.

    Every step evaluates all rows of the current set, the rows already done
    included (at ``x = 0``, harmless), until fewer than half are left; then the
    set shrinks to the rows left.
    """
    b, months = cf.shape
    xsafe = min(_LIMIT, _EXP_SAFE / max(months - 1, 1))
    x_out = np.zeros(b)
    solved = np.zeros(b, dtype=bool)

    cur = cf
    ids = np.arange(b)  # row of ``cf`` of each row of ``cur``
    act = start.copy()
    x = np.zeros(b)
    lo = np.full(b, -xsafe)
    hi = np.full(b, xsafe)
    lo_open = np.ones(b, dtype=bool)  # lo / hi not evaluated yet: the edges of the safe range
    hi_open = np.ones(b, dtype=bool)
    for step_no in range(_MAX_STEPS):
        k = cur.shape[0]
        moments = _moments(cur, None if step_no == 0 else x, ws)
        a = np.flatnonzero(act)
        sp, sn = moments[2 * a], moments[2 * a + 1]
        xa, loa, hia, lo_oa, hi_oa = x[a], lo[a], hi[a], lo_open[a], hi_open[a]

        kp, kn = _cumulants(sp), _cumulants(sn)
        d1, d2, d3, d4, d5 = kn[0] - kp[0], kp[1] - kn[1], kn[2] - kp[2], kp[3] - kn[3], kn[4] - kp[4]
        psi = np.log(sp[:, 0]) - np.log(-sn[:, 0])
        rising = direction[a] * psi
        below, above = rising < 0.0, rising > 0.0
        loa = np.where(below, xa, loa)
        hia = np.where(above, xa, hia)
        lo_oa &= ~below
        hi_oa &= ~above
        newton = psi / d1
        halley = -newton / np.clip(1.0 - 0.5 * newton * d2 / d1, 0.5, 2.0)
        delta = halley
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # such rows are rejected
            for _ in range(3):
                val = psi + delta * (d1 + delta * (0.5 * d2 + delta * (d3 / 6.0 + delta * d4 / 24.0)))
                slope = d1 + delta * (d2 + delta * (0.5 * d3 + delta * d4 / 6.0))
                delta = delta - val / slope
            poly = np.isfinite(delta) & (np.abs(delta - halley) <= 0.1 * np.abs(halley))
        delta = np.where(poly, delta, halley)
        x_new = xa + delta
        inside = (x_new > loa) & (x_new < hia)
        # outside the bracket: try the edge of the safe range if not tried yet, else bisect
        x_new = np.where(
            inside,
            x_new,
            np.where((x_new <= loa) & lo_oa, loa, np.where((x_new >= hia) & hi_oa, hia, 0.5 * (loa + hia))),
        )
        size = np.abs(delta)
        # the error left after the step: the polynomial's next term, or Halley's C * |step|**3
        err = np.where(
            poly,
            np.abs(d5 / d1) * (size * size) * (size * size) * size / 120.0,
            (0.25 * (d2 / d1) ** 2 + np.abs(d3 / d1) / 6.0) * size * size * size,
        )
        scale = np.maximum(np.abs(x_new), 1e-3)
        done = inside & (10.0 * err <= 1e-16 * scale) & (size <= 1e-3)
        done |= inside & (size <= 4.0 * _EPS * scale)
        exact = rising == 0.0
        x_new = np.where(exact, xa, x_new)
        done |= exact
        # bisection has closed the bracket between two evaluated points
        closed = ~done & ~lo_oa & ~hi_oa
        closed &= hia - loa <= 4.0 * _EPS * np.maximum(np.abs(loa), np.abs(hia)) + 1e-300
        done |= closed
        fin = ids[a[done]]
        x_out[fin] = x_new[done]
        solved[fin] = True
        # the root is beyond an edge of the safe range (or the arithmetic failed): leave the row
        keep = ~done & np.isfinite(x_new) & (loa < hia)
        x[a] = np.where(keep, x_new, 0.0)
        lo[a], hi[a], lo_open[a], hi_open[a] = loa, hia, lo_oa, hi_oa
        act[a] = keep
        left = int(np.count_nonzero(keep))
        if left == 0:
            break
        if left < k // 2:
            sel = a[keep]
            cur, ids, x, lo, hi = cur[sel], ids[sel], x[sel], lo[sel], hi[sel]
            lo_open, hi_open, direction = lo_open[sel], hi_open[sel], direction[sel]
            act = np.ones(sel.size, dtype=bool)
    return x_out, solved


# --- robust paths: scaled NPV, safeguarded Newton, scan ------------------------------------------


def _normalised(rows: F64) -> F64:
    """Rows scaled by a power of two so their largest flow is in [0.5, 1) (signs and roots kept)."""
    top = np.abs(rows).max(axis=1)
    return np.asarray(np.ldexp(rows, -np.frexp(top)[1][:, None]), dtype=np.float64)


def _npv_log(cf: F64, x: F64) -> F64:
    """NPV of each row at monthly rate ``exp(x) - 1``, scaled by a positive factor.

    The scale keeps long series at extreme rates finite; the sign, which is all
    bisection needs, is that of the true NPV.
    """
    t = np.arange(cf.shape[1], dtype=np.float64)
    expo = np.where(cf != 0, -np.outer(x, t), -np.inf)
    top = np.max(expo, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.asarray(np.sum(cf * np.exp(expo - top), axis=1))


def _npv_log_slope(cf: F64, x: F64) -> tuple[F64, F64]:
    """``_npv_log`` and its derivative in ``x`` (the scale factor's own slope included)."""
    t = np.arange(cf.shape[1], dtype=np.float64)
    expo = np.where(cf != 0, -np.outer(x, t), -np.inf)
    at = expo.argmax(axis=1)
    top = np.take_along_axis(expo, at[:, None], axis=1)
    top = np.where(np.isfinite(top), top, 0.0)
    w = cf * np.exp(expo - top)
    f = np.asarray(w.sum(axis=1))
    # d/dx (-x t - top) = at - t, the top being -x * at
    return f, at * f - np.asarray(w @ t)


def _refine(cf: F64, lo: F64, hi: F64, f_lo: F64) -> F64:
    """Each row's root in its bracket ``[lo, hi]`` (scaled NPV ``f_lo`` at ``lo``, opposite sign at ``hi``).

    Newton steps on the scaled NPV, kept inside the bracket (which shrinks with
    every evaluation) and replaced by bisection when they leave it or do not
    at least halve from one step to the next (as ``rtsafe`` in Numerical
    Recipes); done when a step or the bracket is below 1e-15 of the rate (or
    1e-18 near zero).
    """
    x = 0.5 * (lo + hi)
    x_out = x.copy()
    last = hi - lo  # the size of the previous step
    idx = np.arange(cf.shape[0])
    rows = cf
    for _ in range(300):  # bisection alone reaches the tolerance in under 80 halvings
        f, slope = _npv_log_slope(rows, x)
        left = np.sign(f) == np.sign(f_lo)  # the root is above x
        lo = np.where(left, x, lo)
        f_lo = np.where(left, f, f_lo)
        hi = np.where(left, hi, x)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # such steps are not taken
            step = f / slope
        x_new = x - step
        newton = np.isfinite(x_new) & (x_new > lo) & (x_new < hi) & (np.abs(step) <= 0.5 * last)
        x_new = np.where(newton, x_new, 0.5 * (lo + hi))
        last = np.where(newton, np.abs(step), 0.5 * (hi - lo))
        tol = 1e-15 * np.maximum(np.abs(x_new), 1e-3)
        done = (f == 0.0) | (newton & (np.abs(step) <= tol)) | (hi - lo <= tol)
        done |= (x_new == lo) | (x_new == hi)
        x_out[idx] = np.where(f == 0.0, x, x_new)
        if done.all():
            break
        keep = ~done
        idx, rows, x, lo, hi = idx[keep], rows[keep], x_new[keep], lo[keep], hi[keep]
        f_lo, last = f_lo[keep], last[keep]
    return x_out


def _solve_widening(cf: F64) -> tuple[F64, Bool]:
    """Root of each row's NPV (see ``_refine``), the bracket widened up to ``±_LIMIT`` while needed."""
    n = cf.shape[0]
    lo = np.full(n, _LO)
    hi = np.full(n, _HI)
    f_lo = _npv_log(cf, lo)
    f_hi = _npv_log(cf, hi)
    for _ in range(12):  # widen the bracket geometrically where it holds no sign change
        same = np.sign(f_lo) == np.sign(f_hi)
        if not same.any():
            break
        lo = np.where(same, np.maximum(2.0 * lo, -_LIMIT), lo)
        hi = np.where(same, np.minimum(2.0 * hi, _LIMIT), hi)
        f_lo = _npv_log(cf, lo)
        f_hi = _npv_log(cf, hi)
    found = np.sign(f_lo) != np.sign(f_hi)
    x = np.full(n, np.nan)
    if found.any():
        x[found] = _refine(cf[found], lo[found], hi[found], f_lo[found])
    return x, found


@lru_cache(maxsize=2)
def _scan_tables(months: int) -> tuple[F64, F64, F64]:
    """The scan grid and its discount tables, each factor at most 1.

    ``below[j, g] = exp(x_g * j)`` for the grid points ``x_g < 0`` and
    ``above[j, g] = exp(-x_g * j)`` for ``x_g >= 0``: the NPV scaled as in
    ``_npv_log`` is a row read backwards from its last flow times ``below``,
    or read forwards from its first flow times ``above``.
    """
    grid = np.linspace(_LO, _HI, _GRID)
    j = np.arange(months, dtype=np.float64)
    neg = grid < 0.0
    below = np.asfortranarray(np.exp(np.outer(j, grid[neg])))  # Fortran order: faster products
    above = np.asfortranarray(np.exp(-np.outer(j, grid[~neg])))
    for a in (grid, below, above):
        a.setflags(write=False)
    return grid, below, above


def _scan(cf: F64, vals: F64) -> tuple[I8, F64, F64, F64]:
    """Rows with several sign changes: the NPV's sign changes on a grid of ``x``.

    Returns, per row, the reason code (``OK`` for exactly one sign change on
    the grid, ``NO_ROOT`` for none, ``MULTIPLE`` for several) and, for the
    rows with one, the grid points around it and the NPV at the lower one
    (NaN elsewhere). ``vals`` is a buffer for the NPV on the grid, one row per
    row of ``cf``.

    The NPV scaled as in ``_npv_log`` is, below ``x = 0``, ``Σ_j R_j exp(x j)``
    with ``R`` the row read backwards from its last flow; where ``|R_0|`` exceeds
    the sum of the other terms' sizes, the sign is that of ``R_0``, and the sum
    grows with ``x``: so from a coarse look at that sum, every grid point below a
    cut has the sign of the last flow, and likewise every point above a cut on
    the other side has the sign of the first flow. Only the grid between the
    cuts is computed, which saves most of the cost on typical rows.
    """
    m, months = cf.shape
    grid, below, above = _scan_tables(months)
    nb, na = below.shape[1], above.shape[1]
    nz = cf != 0.0
    first = nz.argmax(axis=1)
    last = months - 1 - nz[:, ::-1].argmax(axis=1)
    j = np.arange(months)
    fwd = first[:, None] + j
    bwd = last[:, None] - j
    forwards = np.where(fwd < months, np.take_along_axis(cf, np.minimum(fwd, months - 1), axis=1), 0.0)
    backwards = np.where(bwd >= 0, np.take_along_axis(cf, np.maximum(bwd, 0), axis=1), 0.0)
    margin = 1.0 + 64.0 * months * _EPS  # covers the rounding of the sums, coarse and fine
    # below 0: grid columns 0..nb-1; the coarse columns c*_COARSE, the sum of sizes grows with x
    coarse = np.arange(0, nb, _COARSE)
    sizes = np.abs(backwards) @ below[:, coarse]
    sure = 2.0 * np.abs(backwards[:, :1]) > sizes * margin  # the last flow dominates
    n_sure = sure.sum(axis=1)  # a prefix of the coarse columns, the sum being monotone
    cut_lo = int(np.min(np.where(n_sure > 0, coarse[np.maximum(n_sure - 1, 0)] + 1, 0)))
    # above 0: grid columns nb..nb+na-1; the sum of sizes shrinks with x
    coarse = np.arange(na - 1, -1, -_COARSE)
    sizes = np.abs(forwards) @ above[:, coarse]
    sure = 2.0 * np.abs(forwards[:, :1]) > sizes * margin  # the first flow dominates
    n_sure = sure.sum(axis=1)
    cut_hi = int(np.max(np.where(n_sure > 0, coarse[np.maximum(n_sure - 1, 0)], na)))
    vals[:, :cut_lo] = np.sign(backwards[:, :1])
    np.matmul(backwards, below[:, cut_lo:], out=vals[:, cut_lo:nb])
    np.matmul(forwards, above[:, :cut_hi], out=vals[:, nb : nb + cut_hi])
    vals[:, nb + cut_hi :] = np.sign(forwards[:, :1])
    pos, neg = vals > 0.0, vals < 0.0
    cross = (pos[:, 1:] & neg[:, :-1]) | (neg[:, 1:] & pos[:, :-1])  # strict sign changes
    count = cross.sum(axis=1)
    at = cross.argmax(axis=1)
    codes = np.where(count == 0, _NO_ROOT, np.where(count > 1, _MULTIPLE, _OK)).astype(np.int8)
    one = count == 1
    rows = np.arange(m)
    lo = np.where(one, grid[at], np.nan)
    hi = np.where(one, grid[np.minimum(at + 1, grid.size - 1)], np.nan)
    f_lo = np.where(one, vals[rows, at], np.nan)
    return codes, lo, hi, f_lo
