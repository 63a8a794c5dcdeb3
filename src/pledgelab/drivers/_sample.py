"""Sampling the drivers: a seed in, the same numbers out, whatever the chunking.

Paths are grouped in blocks of :data:`BLOCK`. Block ``b`` has its own
generator, ``default_rng(SeedSequence(seed, spawn_key=(b,)))``, and always
draws the same variables, in the same order and shape, for exactly ``BLOCK``
paths; :func:`draw` generates the blocks that cover the requested paths and
slices. So the draws of ``slice(0, 1000)`` followed by those of
``slice(1000, 3000)`` are, bit for bit, the draws of ``slice(0, 3000)``.

Every block consumes the same random numbers whatever the parameter values
(delays and abandonment come from uniforms by inverse CDF, not from samplers
that consume a variable count), so two driver files run with one seed see the
same underlying shocks (common random numbers): the zero scenario and the
default one differ only by their parameters.

Order of the draws in a block (``P`` projects, ``M`` months, ``C`` currencies
in code order):

1. benchmark shocks, normal, ``(M - 1, BLOCK)`` (month-major);
2. for each currency, log-level shocks, normal, ``(M - 1, BLOCK)``;
3. common factors, normal, ``(BLOCK, 2)``: one for yields, one for capex;
4. yield shocks, normal, ``(BLOCK, P)``;
5. capex shocks, normal, ``(BLOCK, P)``;
6. delay uniforms, ``(BLOCK, P)``;
7. abandonment uniforms, ``(BLOCK, P)``;
8. abandonment-month uniforms, ``(BLOCK, P)``;
9. only with ``safeguard=True``: the FX safeguard's answer uniforms, ``(M, BLOCK)``
   (month-major). Drawn last, so asking for them changes none of the numbers above.

The benchmark and fx arrays of :class:`Draws` are ``(paths, months)`` views of
month-major storage (Fortran order): one month across all paths is contiguous,
which is how a path-vectorised kernel reads them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np

from pledgelab.drivers._draws import Draws
from pledgelab.drivers._model import DriverModel

BLOCK = 1024  # paths per generator block; part of the seeding contract, never change it
MONTHS_PER_YEAR = 12


def draw(
    model: DriverModel,
    *,
    archetypes: Sequence[str],
    build_months: Sequence[int],
    months: int,
    paths: slice,
    seed: int,
    benchmark_start: float,
    safeguard: bool = False,
) -> Draws:
    """Draw the random inputs of paths ``paths`` (a ``slice(a, z)`` of path indices).

    ``archetypes[j]`` and ``build_months[j]`` are project ``j``'s archetype id
    (an id without its own entry in the model uses the ``default`` entry) and
    planned build length in months, in the kernel's project order.
    ``benchmark_start`` is the deal's ``deemed_benchmark``: the benchmark path
    starts there unless the model gives its own ``start``.

    Models (monthly steps, ``dt = 1/12``):

    * benchmark: OU, exact discretisation,
      ``r' = m + (r - m) e^{-k dt} + s sqrt((1 - e^{-2k dt}) / (2k)) Z``
      (``k = 0``: a random walk with step ``s sqrt(dt)``). Month 0 is the
      start. The floor is applied to the output, not the state (a shadow rate:
      the latent process stays OU below the floor).
    * fx: the same OU step on ``log S`` around ``log(mean)``; month 0 is the start.
    * projects: ``Z_j = sqrt(c) F + sqrt(1 - c) E_j`` with ``F`` shared by all
      projects of a path (one factor for yields, one for capex);
      ``yield_factor = y exp(v Z - v^2/2)`` (mean ``y``, the archetype's
      ``yield_mean``, 1 when absent);
      ``capex_factor = (1 + o) exp(w Z - w^2/2)`` (mean ``1 + o``);
      ``delay`` is geometric on {0, 1, ...} with mean ``d`` months
      (``P(delay >= n) = (d / (1 + d))^n``: most projects slip a little, a few
      a lot; sd about ``d``), by inverse CDF of a uniform ``U``; with an
      overrun-slip correlation ``rho`` (a Gaussian copula) the uniform is
      ``Phi(rho Z_capex + sqrt(1 - rho^2) Phi^-1(U))``, so large overruns come
      with long slips (``rho = 0``: ``U`` itself, independent of the factor);
    * the cost of a slip (``slip_escalation`` ``e``, ``slip_carry`` ``c``,
      ``slip_spent_share`` ``s``, all per year): a project that slips ``D``
      months has its capex multiplied by
      ``(1 + e)^(D/12) (1 + c s D/12)`` — prices escalate over the delay,
      and the share ``s`` of capex already spent when the slip strikes carries
      interest for it (the engine moves the whole build, so that share is the
      model's stand-in for capital stranded mid-build). Zero rates: the
      multiplier is exactly 1;
      ``abandon_at`` is ``-1`` unless a uniform falls below ``abandon_prob``,
      then a build month uniform on ``[0, build_months[j])``;
      ``recovery`` is the archetype's constant.
    * safeguard (``safeguard=True``): one uniform per path and month; the host
      accepts a request made that month when it is below the acceptance
      probability (:class:`pledgelab.engine.FxRule`).
    """
    if paths.step not in (None, 1):
        raise ValueError(f"paths must be a contiguous slice, got step {paths.step}")
    start_path = 0 if paths.start is None else int(paths.start)
    if paths.stop is None:
        raise ValueError("paths needs an end: slice(start, stop)")
    stop_path = int(paths.stop)
    if start_path < 0 or stop_path < start_path:
        raise ValueError(f"bad path range [{start_path}, {stop_path})")
    if months < 1:
        raise ValueError(f"months must be at least 1, got {months}")
    if len(archetypes) != len(build_months):
        raise ValueError(f"{len(archetypes)} archetypes but {len(build_months)} build lengths")
    if any(int(n) < 1 for n in build_months):
        raise ValueError(f"every build length must be at least 1 month, got {list(build_months)}")
    if seed < 0:
        raise ValueError(f"seed must be non-negative, got {seed}")

    first = start_path // BLOCK
    last = -(-stop_path // BLOCK)  # one past the last block
    currencies = sorted(model.fx)
    n_proj = len(archetypes)
    raw = [_block_shocks(seed, b, months=months, currencies=currencies, projects=n_proj,
                         safeguard=safeguard) for b in range(first, last)]
    rows = slice(start_path - first * BLOCK, stop_path - first * BLOCK)

    n_series = 1 + len(currencies)  # benchmark and fx shocks are month-major: (months - 1, paths)

    def stacked(i: int) -> np.ndarray:
        if i < n_series:
            if not raw:
                return np.empty((months - 1, 0))
            return np.concatenate([r[i] for r in raw], axis=1)[:, rows]
        if not raw:
            return np.empty((0, 2 if i == n_series else n_proj))
        return np.concatenate([r[i] for r in raw], axis=0)[rows]

    bm = model.benchmark
    benchmark = _ou(stacked(0), start=bm.resolve_start(benchmark_start), mean=bm.mean,
                    speed=bm.speed, vol=bm.vol)
    if bm.floor is not None:
        benchmark[:, 1:] = np.maximum(benchmark[:, 1:], bm.floor)
    fx: dict[str, np.ndarray] = {}
    for i, ccy in enumerate(currencies, start=1):
        f = model.fx[ccy]
        dev = _ou(stacked(i), start=0.0, mean=math.log(f.mean / f.start), speed=f.speed, vol=f.vol)
        fx[ccy] = f.start * np.exp(dev)

    k = n_series
    factors = stacked(k)
    e_yield, e_capex, u_delay, u_abandon, u_month = (stacked(k + i) for i in range(1, 6))
    risks = [model.risk(a) for a in archetypes]
    build = np.array([int(n) for n in build_months], dtype=np.int64)

    def per_project(name: str) -> np.ndarray:
        return np.array([r.value(name) for r in risks], dtype=np.float64)

    c = float(model.common_factor.value)
    load_f, load_e = math.sqrt(c), math.sqrt(1.0 - c)
    z_yield = load_f * factors[:, :1] + load_e * e_yield
    z_capex = load_f * factors[:, 1:2] + load_e * e_capex
    v = per_project("yield_vol")
    yield_factor = np.exp(v * z_yield - 0.5 * v * v)
    y_mean = per_project("yield_mean")
    if np.any(y_mean != 1.0):
        yield_factor = y_mean * yield_factor
    w = per_project("capex_overrun_vol")
    capex_factor = (1.0 + per_project("capex_overrun_mean")) * np.exp(w * z_capex - 0.5 * w * w)
    rho = model.link("overrun_slip_correlation")
    if rho != 0.0 and u_delay.size:
        u_delay = _copula(u_delay, z_capex, rho)
    delay = _geometric(u_delay, per_project("delay_mean"))
    capex_factor = slip_cost(capex_factor, delay, escalation=model.link("slip_escalation"),
                             carry=model.link("slip_carry"), spent=model.link("slip_spent_share"))
    abandoned = u_abandon < per_project("abandon_prob")
    at = np.minimum((u_month * build).astype(np.int64), build - 1)
    abandon_at = np.where(abandoned, at, np.int64(-1)).astype(np.int64)
    recovery = np.broadcast_to(per_project("recovery"), yield_factor.shape).copy()
    safeguard_u = None
    if safeguard:
        u = np.concatenate([r[-1] for r in raw], axis=1) if raw else np.empty((months, 0))
        safeguard_u = u[:, rows].T  # (paths, months), month-major in memory
    return Draws(benchmark=benchmark, fx=fx, capex_factor=capex_factor, yield_factor=yield_factor,
                 delay=delay, abandon_at=abandon_at, recovery=recovery, safeguard_u=safeguard_u)


def slip_cost(capex_factor: np.ndarray, delay: np.ndarray, *, escalation: float, carry: float,
              spent: float) -> np.ndarray:
    """``capex_factor`` raised by the cost of ``delay`` months of slip (see :func:`draw`)."""
    if escalation == 0.0 and carry == 0.0:
        return capex_factor
    years = delay / MONTHS_PER_YEAR
    return np.asarray(capex_factor * np.power(1.0 + escalation, years) * (1.0 + carry * spent * years))


_NORMAL = NormalDist()
_ppf = np.frompyfunc(_NORMAL.inv_cdf, 1, 1)
_cdf = np.frompyfunc(_NORMAL.cdf, 1, 1)
_U_EDGE = 1e-16  # keeps a uniform of exactly 0 inside the normal quantile's domain


def _copula(u: np.ndarray, z: np.ndarray, rho: float) -> np.ndarray:
    """Uniforms correlated with the normals ``z`` through a Gaussian copula of correlation ``rho``."""
    e = _ppf(np.clip(u, _U_EDGE, 1.0 - _U_EDGE)).astype(np.float64)
    mixed = rho * z + math.sqrt(max(1.0 - rho * rho, 0.0)) * e
    out = _cdf(mixed).astype(np.float64)
    return np.asarray(np.minimum(out, np.nextafter(1.0, 0.0)))


def _block_shocks(seed: int, block: int, *, months: int, currencies: Sequence[str],
                  projects: int, safeguard: bool = False) -> list[np.ndarray]:
    """The raw random numbers of one block, always the same shapes in the same order."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))
    out = [rng.standard_normal((months - 1, BLOCK))]  # benchmark, month-major
    out.extend(rng.standard_normal((months - 1, BLOCK)) for _ in currencies)
    out.append(rng.standard_normal((BLOCK, 2)))  # common factors: yield, capex
    out.append(rng.standard_normal((BLOCK, projects)))  # yield shocks
    out.append(rng.standard_normal((BLOCK, projects)))  # capex shocks
    out.extend(rng.random((BLOCK, projects)) for _ in range(3))  # delay, abandon, abandon month
    if safeguard:
        out.append(rng.random((months, BLOCK)))  # the host's answers, month-major
    return out


def ou_step(speed: float, vol: float, dt: float = 1.0 / MONTHS_PER_YEAR) -> tuple[float, float]:
    """Exact OU step over ``dt`` years: (decay of the deviation, sd of the shock)."""
    if speed == 0.0:
        return 1.0, vol * math.sqrt(dt)
    return math.exp(-speed * dt), vol * math.sqrt(-math.expm1(-2.0 * speed * dt) / (2.0 * speed))


def central_fx(model: DriverModel, currency: str, *, months: int) -> np.ndarray:
    """The path of ``currency`` with every shock zero: ``start`` reverting to ``mean`` (months,).

    The deterministic run's exchange rate; the same OU step as :func:`draw`.
    """
    if currency not in model.fx:
        raise KeyError(f"the drivers {model.id!r} have no {currency} process; they have: "
                       f"{', '.join(sorted(model.fx)) or 'none'}")
    f = model.fx[currency]
    dev = _ou(np.zeros((months - 1, 1)), start=0.0, mean=math.log(f.mean / f.start), speed=f.speed,
              vol=f.vol)
    return np.asarray(f.start * np.exp(dev[0]))


def _ou(z: np.ndarray, *, start: float, mean: float, speed: float, vol: float) -> np.ndarray:
    """OU paths (paths, months) from month-major shocks (months - 1, paths); month 0 is ``start``.

    Built as ``start + (y_t - y_0)`` with ``y`` the deviation from the mean, so
    a process with no drift and no shocks stays exactly at ``start``.
    """
    decay, sd = ou_step(speed, vol)
    steps, n = z.shape
    shocks = sd * z
    y = np.empty((steps + 1, n))
    y[0] = start - mean
    for t in range(steps):
        np.multiply(y[t], decay, out=y[t + 1])
        y[t + 1] += shocks[t]
    y -= y[0].copy()
    y += start
    return y.T  # (paths, months), month-major in memory


def _geometric(u: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Geometric months on {0, 1, ...} with the given means, by inverse CDF of uniforms."""
    out = np.zeros(u.shape, dtype=np.int64)
    pos = mean > 0
    if pos.any():
        q = mean[pos] / (1.0 + mean[pos])  # P(delay >= n) = q^n
        out[:, pos] = np.floor(np.log1p(-u[:, pos]) / np.log(q)).astype(np.int64)
    return out


def annualised_log_vol(levels: Sequence[float], *, periods_per_year: int = MONTHS_PER_YEAR) -> float:
    """``sqrt(periods_per_year) * sd(log(x_t / x_{t-1}))``, sample sd (n - 1)."""
    x = np.log(np.asarray(levels, dtype=np.float64))
    return float(np.std(np.diff(x), ddof=1) * math.sqrt(periods_per_year))
