"""Internal rate of return with reasons, for one series or a batch.

For each series of monthly cash flows: count the sign changes (Descartes'
rule of signs bounds the number of positive roots of the NPV polynomial in
``1/(1+r)``). A series with exactly one sign change ("conventional") has a
unique IRR above −100%, found by bisection on ``log(1+r)`` (NPV is monotone
there) and polished by Newton steps. A series with more sign changes is
scanned for roots on a grid; exactly one root is returned, none or several
give NaN and a reason. All-zero, all-inflow and all-outflow series give NaN
with their reason.

Rates are returned per year: ``(1 + monthly)**12 - 1``.

References
----------
Descartes' rule of signs; Hazen, G. (2003), "A new perspective on multiple
internal rates of return", The Engineering Economist 48(1).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np


class IrrReason(StrEnum):
    """Why an IRR is what it is."""

    OK = "ok"
    ZERO = "all flows are zero"
    NO_OUTFLOW = "no outflow: nothing was put in"
    NO_INFLOW = "no inflow: nothing came back"
    MULTIPLE = "several rates give NPV = 0 (flows change sign more than once)"
    NO_ROOT = "no rate gives NPV = 0"


_LO, _HI = np.log1p(-0.9999), np.log1p(10.0)  # first bracket; widened while no sign change
_LIMIT = 700.0  # |log(1 + monthly rate)| beyond this is not a rate anyone can use


def _npv_log(cf: np.ndarray, x: np.ndarray) -> np.ndarray:
    """NPV of each row at monthly rate ``exp(x) - 1``, scaled by a positive factor.

    The scale keeps long series at extreme rates finite; the sign, which is all
    bisection needs, is that of the true NPV.
    """
    t = np.arange(cf.shape[1], dtype=np.float64)
    expo = np.where(cf != 0, -np.outer(x, t), -np.inf)
    top = np.max(expo, axis=1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.asarray(np.sum(cf * np.exp(expo - top), axis=1))


def _sign_changes(cf: np.ndarray) -> np.ndarray:
    s = np.sign(cf)
    out = np.zeros(cf.shape[0], dtype=np.int64)
    for i in range(cf.shape[0]):
        nz = s[i][s[i] != 0]
        out[i] = int(np.count_nonzero(nz[1:] != nz[:-1])) if nz.size else 0
    return out


def irr_monthly(cash: np.ndarray) -> tuple[np.ndarray, list[IrrReason]]:
    """Monthly IRR of each row of ``cash`` (paths, months), with a reason per row."""
    cf = np.atleast_2d(np.asarray(cash, dtype=np.float64))
    n = cf.shape[0]
    out = np.full(n, np.nan)
    reasons = [IrrReason.OK] * n
    changes = _sign_changes(cf)
    has_out: np.ndarray = np.asarray((cf < 0).any(axis=1))
    has_in: np.ndarray = np.asarray((cf > 0).any(axis=1))
    for i in range(n):
        if not has_out[i] and not has_in[i]:
            reasons[i] = IrrReason.ZERO
        elif not has_out[i]:
            reasons[i] = IrrReason.NO_OUTFLOW
        elif not has_in[i]:
            reasons[i] = IrrReason.NO_INFLOW
    conv = np.flatnonzero((changes == 1) & has_out & has_in)
    if conv.size:
        out[conv] = _bisect(cf[conv])
        bad = conv[~np.isfinite(out[conv])]
        for i in bad:
            reasons[i] = IrrReason.NO_ROOT
    for j in np.flatnonzero((changes > 1) & has_out & has_in):
        out[j], reasons[j] = _scan(cf[j])
    return out, reasons


def _bisect(cf: np.ndarray) -> np.ndarray:
    lo = np.full(cf.shape[0], _LO)
    hi = np.full(cf.shape[0], _HI)
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
    ok = np.sign(f_lo) != np.sign(f_hi)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = _npv_log(cf, mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        lo = np.where(left, mid, lo)
        f_lo = np.where(left, f_mid, f_lo)
        hi = np.where(left, hi, mid)
        if np.all(hi - lo <= 1e-15 * np.maximum(1.0, np.abs(hi))):
            break
    x = 0.5 * (lo + hi)
    x = _newton(cf, x)
    r = np.expm1(x)
    return np.where(ok, r, np.nan)


def _newton(cf: np.ndarray, x: np.ndarray, steps: int = 3) -> np.ndarray:
    t = np.arange(cf.shape[1], dtype=np.float64)
    for _ in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):
            disc = np.exp(-np.outer(x, t))
        with np.errstate(over="ignore", invalid="ignore"):
            f = np.sum(cf * disc, axis=1)
            df = np.sum(-t * cf * disc, axis=1)
            step = np.where(df != 0, f / np.where(df != 0, df, 1.0), 0.0)
        new = x - step
        x = np.where(np.isfinite(new) & (np.abs(step) < 1e-6), new, x)
    return x


def _scan(row: np.ndarray) -> tuple[float, IrrReason]:
    grid = np.linspace(_LO, _HI, 8001)
    vals = np.array([_npv_log(row[None, :], np.array([g]))[0] for g in grid])
    sign = np.sign(vals)
    idx = np.flatnonzero(sign[1:] * sign[:-1] < 0)
    if idx.size == 0:
        return float("nan"), IrrReason.NO_ROOT
    if idx.size > 1:
        return float("nan"), IrrReason.MULTIPLE
    lo, hi = grid[idx[0]], grid[idx[0] + 1]
    f_lo = vals[idx[0]]
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        f_mid = _npv_log(row[None, :], np.array([mid]))[0]
        if np.sign(f_mid) == np.sign(f_lo):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return float(np.expm1(0.5 * (lo + hi))), IrrReason.OK


def irr_annual(cash: np.ndarray) -> tuple[np.ndarray, list[IrrReason]]:
    """IRR per year of monthly series: ``(1 + monthly IRR)**12 - 1``."""
    monthly, reasons = irr_monthly(cash)
    return np.power(1.0 + monthly, 12.0) - 1.0, reasons
