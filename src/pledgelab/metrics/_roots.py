"""Rows with several sign changes: how many IRRs, proved from cumulative sums, and the one root.

Norström's condition: if the cumulative sums ``A_t = c_0 + ... + c_t`` of a
series change sign exactly once and ``A_T != 0``, the NPV polynomial
``P(w) = sum c_t w**t`` has exactly one root in ``0 < w <= 1``; if they never
change sign it has none. (``P(w) / (1 - w)`` is the power series whose
coefficients are ``A_0, ..., A_T, A_T, ...``; Descartes' rule of signs for power
series bounds its roots in ``(0, 1)`` by their sign changes.) Applied to the
flows discounted at ``x = log(1 + r)`` it bounds the IRRs above ``x``; applied
to the series read backwards (the suffix sums) it bounds those below ``x``.

So for an interval ``(a, b)`` of ``x``, the number of roots is at most
``min(prefix changes at a, suffix changes at b)``; where that bound is at most
one, the signs of the NPV at ``a`` and ``b`` say whether there is a root.
Where it is not, a second test bounds the NPV's second derivative on the
interval (its terms' sizes weighted by the squared months, at the end where the
discount factors are largest): the NPV then stays away from zero, or is
monotone, on the whole interval. An interval that neither test settles is
halved, up to a budget of evaluations.
Each evaluation is one pass over the row's months, so a row costs a few passes
where the grid scan of :mod:`pledgelab.metrics.irr` costs thousands of points.
A row is decided when two roots are found (``MULTIPLE``), or every interval is
proved to hold none (``NO_ROOT``) or exactly one in all (``OK``: the root, by
Newton steps safeguarded by bisection in its interval). Floating-point sums
within their rounding error of zero prove nothing: such a row, or one over the
budget, is left undecided (code -1) for the grid scan.

References
----------
Norström, C. J. (1972), "A sufficient condition for a unique nonnegative internal
rate of return", Journal of Financial and Quantitative Analysis 7(3), 1835-1839.
Pólya, G. and Szegő, G., Problems and Theorems in Analysis II, Part V, Problem 38
(Descartes' rule of signs for power series). Press et al., Numerical Recipes,
§9.4 (``rtsafe``).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

UNDECIDED = -1
_OK, _MULTIPLE, _NO_ROOT = 0, 4, 5  # as irr.REASONS
_EVALUATIONS = 48  # points evaluated per row before it is left to the grid scan
_EPS = 2.220446049250313e-16


@njit(cache=True, nogil=True)
def _point(c, first, last, x, d, out):  # type: ignore[no-untyped-def]
    """At ``x``: the sign changes (0, 1, or 2 meaning "two or more, or not proved") of the
    prefix sums and of the suffix sums of the discounted flows, and whether the NPV's sign is
    certain. ``out`` receives the scaled NPV, its derivative in ``x``, and the sums of the
    terms' sizes weighted by 1, by the month and by its square (months counted from the
    anchor). ``d`` is a buffer of at least ``last - first + 1`` values.

    The flows are scaled by a positive factor so that none grows (anchored at the first flow
    for ``x >= 0``, at the last below): a sum within its rounding bound of zero proves
    nothing, and where factors underflow the sums read from the far end (suffix sums for
    ``x >= 0``, prefix sums below) prove nothing either.
    """
    n = last - first + 1
    tiny = False
    forwards = x >= 0.0
    i0, i1 = 0, n  # the terms that did not underflow
    if forwards:
        v = math.exp(-x)
        w = 1.0
        for i in range(n):
            d[i] = c[first + i] * w
            w *= v
            if w < 1e-290:  # every later term is below 1e-290 of the largest: left out
                tiny = True
                i1 = i + 1
                break
    else:
        u = math.exp(x)
        w = 1.0
        for i in range(n - 1, -1, -1):
            d[i] = c[first + i] * w
            w *= u
            if w < 1e-290:
                tiny = True
                i0 = i
                break
    rel = 4.0 * (n + 1) * _EPS  # rounding of a partial sum, relative to the sum of sizes so far
    pre = 2 if (tiny and not forwards) else _changes(d, i0, i1, rel, True)
    suf = 2 if (tiny and forwards) else _changes(d, i0, i1, rel, False)
    total = 0.0
    slope = 0.0
    s0 = 0.0
    s1 = 0.0
    s2 = 0.0
    for i in range(i0, i1):
        k = float(i) if forwards else float(n - 1 - i)
        a = d[i]
        total += a
        slope += k * a
        s0 += abs(a)
        s1 += k * abs(a)
        s2 += k * k * abs(a)
    out[0] = total
    out[1] = -slope if forwards else slope
    out[2] = s0
    out[3] = s1
    out[4] = s2
    return pre, suf, abs(total) > rel * s0


@njit(cache=True, nogil=True)
def _changes(d, i0, i1, rel, forwards):  # type: ignore[no-untyped-def]
    """Sign changes of the partial sums of ``d[i0:i1]`` read forwards or backwards; 2 means two
    or more, or a partial sum within its rounding bound of zero."""
    count = 0
    s = 0.0
    seen = 0.0
    sign = 0
    for k in range(i1 - i0):
        i = i0 + k if forwards else i1 - 1 - k
        s += d[i]
        seen += abs(d[i])
        if seen == 0.0:
            continue
        if s > rel * seen:
            now = 1
        elif s < -rel * seen:
            now = -1
        else:
            return 2
        if sign != 0 and now != sign:
            count += 1
            if count >= 2:
                return 2
        sign = now
    return count


@njit(cache=True, nogil=True)
def _value_slope(c, first, last, x):  # type: ignore[no-untyped-def]
    """``psi = log PV(inflows) - log PV(outflows)`` at ``x`` and its derivative in ``x``.

    ``psi`` has the NPV's sign and its roots and is close to linear in ``x``, so Newton's
    steps on it converge in a few steps; the sums are scaled as in ``_point`` (the scale
    cancels in the difference of the logarithms).
    """
    n = last - first + 1
    pos = 0.0
    neg = 0.0
    dpos = 0.0
    dneg = 0.0
    if x >= 0.0:
        v = math.exp(-x)
        w = 1.0
        for i in range(n):
            a = c[first + i] * w
            if a > 0.0:
                pos += a
                dpos -= i * a
            else:
                neg -= a
                dneg += i * a
            w *= v
    else:
        u = math.exp(x)
        w = 1.0
        for i in range(n - 1, -1, -1):
            a = c[first + i] * w
            k = n - 1 - i
            if a > 0.0:
                pos += a
                dpos += k * a
            else:
                neg -= a
                dneg -= k * a
            w *= u
    if pos == 0.0 or neg == 0.0:  # an underflow at an extreme rate: the sign only
        return (1.0 if pos > neg else -1.0), np.nan
    return math.log(pos) - math.log(neg), dpos / pos - dneg / neg


@njit(cache=True, nogil=True)
def _refine(c, first, last, lo, hi, f_lo):  # type: ignore[no-untyped-def]
    """The root in ``(lo, hi)``, the NPV's sign at ``lo`` being that of ``f_lo``: Newton's steps
    on ``psi`` while they stay inside the bracket (which every evaluation shrinks), bisection
    otherwise, and bisection only after 30 Newton steps."""
    x = min(max(0.0, lo), hi)  # rates near zero are the common case; else an end of the interval
    for it in range(400):
        f, g = _value_slope(c, first, last, x)
        if f == 0.0:
            return x
        if (f > 0.0) == (f_lo > 0.0):
            lo = x
        else:
            hi = x
        x_new = x - f / g
        if not (it < 30 and np.isfinite(x_new) and lo < x_new < hi):
            x_new = 0.5 * (lo + hi)
        tol = 1e-15 * max(abs(x_new), 1e-3)
        if abs(x_new - x) <= tol or hi - lo <= tol or x_new in (lo, hi):
            return x_new
        x = x_new
    return x


@njit(cache=True, nogil=True)
def _settled(f, slope, s0, s1, s2, width, forwards, rel):  # type: ignore[no-untyped-def]
    """From the values at the interval's anchored end (``a`` for ``x >= 0``, ``b`` below):
    0 when the NPV keeps its sign on the interval, 1 when it is monotone there, -1 when
    neither is proved. ``s2`` bounds the second derivative's size on the whole interval."""
    sign = 1.0 if f > 0.0 else -1.0
    step = slope if forwards else -slope  # the change of f per unit of distance from the anchor
    low = sign * f + sign * step * width - 0.5 * s2 * width * width  # concave: least at an end
    if sign * f > 0.0 and low > 16.0 * rel * (s0 + s1 * width + s2 * width * width):
        return 0
    if abs(slope) - s2 * width > 16.0 * rel * (s1 + s2 * width):
        return 1
    return -1


_STACK = _EVALUATIONS + 4


@njit(cache=True, nogil=True)
def roots_by_cumulative_sums(cf, lo, hi, x_out, code_out):  # type: ignore[no-untyped-def]
    """For each row of ``cf`` (rows with several sign changes, finite, scaled near 1), the
    number of roots of its NPV in ``lo < x < hi`` (``x = log(1 + monthly rate)``) and the
    root where there is one: ``code_out`` is ``OK`` (root in ``x_out``), ``MULTIPLE``,
    ``NO_ROOT`` or ``UNDECIDED`` (left to the grid scan)."""
    n_rows, months = cf.shape
    d = np.empty(months)
    # a stack of intervals: the ends, the NPV's value there, the prefix changes at a and the
    # suffix changes at b, and the values of _point at the anchored end (a for x >= 0, b below)
    ends = np.empty((_STACK, 2))
    vals = np.empty((_STACK, 2))
    counts = np.empty((_STACK, 2), dtype=np.int64)
    near = np.empty((_STACK, 5))
    p_lo = np.empty(5)
    p_hi = np.empty(5)
    p_0 = np.empty(5)
    p_m = np.empty(5)
    for r in range(n_rows):
        c = cf[r]
        x_out[r] = np.nan
        code_out[r] = UNDECIDED
        first = -1
        last = -1
        for t in range(months):
            if c[t] != 0.0:
                if first < 0:
                    first = t
                last = t
        if first < 0:
            continue
        rel = 4.0 * (last - first + 2) * _EPS
        pre_lo, _, ok_lo = _point(c, first, last, lo, d, p_lo)
        _, suf_hi, ok_hi = _point(c, first, last, hi, d, p_hi)
        if not (ok_lo and ok_hi) or not lo < 0.0 < hi:
            continue
        pre_0, suf_0, ok_0 = _point(c, first, last, 0.0, d, p_0)
        if not ok_0:
            continue
        ends[0, 0], ends[0, 1], vals[0, 0], vals[0, 1] = 0.0, hi, p_0[0], p_hi[0]
        counts[0, 0], counts[0, 1] = pre_0, suf_hi
        near[0, :] = p_0
        ends[1, 0], ends[1, 1], vals[1, 0], vals[1, 1] = lo, 0.0, p_lo[0], p_0[0]
        counts[1, 0], counts[1, 1] = pre_lo, suf_0
        near[1, :] = p_0
        top = 2
        evals = 3
        found = 0
        ra = 0.0
        rb = 0.0
        rfa = 0.0
        decided = True
        while top > 0:
            top -= 1
            a, b = ends[top, 0], ends[top, 1]
            fa, fb = vals[top, 0], vals[top, 1]
            forwards = a >= 0.0
            change = (fa > 0.0) != (fb > 0.0)
            if change:
                found += 1
                ra, rb, rfa = a, b, fa
                if found >= 2:
                    break
            if min(counts[top, 0], counts[top, 1]) <= 1:
                continue  # at most one root in (a, b): the signs at the ends told
            nr = near[top]
            if _settled(nr[0], nr[1], nr[2], nr[3], nr[4], b - a, forwards, rel) >= 0:
                continue  # no root, or monotone: again the signs at the ends told
            if evals >= _EVALUATIONS or top + 2 > _STACK:
                decided = False
                break
            if change:
                found -= 1  # counted again in its halves
            m = 0.5 * (a + b)
            pre_m, suf_m, ok_m = _point(c, first, last, m, d, p_m)
            evals += 1
            if not ok_m or m <= a or m >= b:
                decided = False
                break
            fm = p_m[0]
            pa, sb = counts[top, 0], counts[top, 1]
            # (a, m) above (m, b) on the stack; the anchored end's values: a or m going forwards,
            # m or b going backwards
            ends[top + 1, 0], ends[top + 1, 1], vals[top + 1, 0], vals[top + 1, 1] = a, m, fa, fm
            counts[top + 1, 0], counts[top + 1, 1] = pa, suf_m
            near[top + 1, :] = near[top, :] if forwards else p_m
            ends[top, 0], ends[top, 1], vals[top, 0], vals[top, 1] = m, b, fm, fb
            counts[top, 0], counts[top, 1] = pre_m, sb
            if forwards:
                near[top, :] = p_m
            top += 2
        if found >= 2:
            code_out[r] = _MULTIPLE
        elif not decided:
            continue
        elif found == 0:
            code_out[r] = _NO_ROOT
        else:
            code_out[r] = _OK
            x_out[r] = _refine(c, first, last, ra, rb, rfa)
