"""How sure the forecast is: P10/P50/P90 of the year-end result, per account and in total.

The point forecast is an expectation. What could still move it is simulated, `draws` times with
a seeded generator (same seed, same interval):
  - each buffer's events (buffers/__init__.py EVENTS): a listed young person arrives or not
    (their probability), a listed STU start or end happens a month earlier or later, newcomers in
    each paragraph and month arrive in Poisson numbers at a cost that varies as new grants' costs
    did, each running grant ends by death or otherwise with the survival model's probability at an
    unknown time, and BPA substitute pay varies as its share has; the rates estimated from history
    (death rates, outflow rates, newcomers per year) are themselves uncertain by about 1/√(cases
    seen), one draw per rate shared by all events that use it;
  - billing timing: each provider's (billing cohort's) invoices outstanding at the as-of date, as
    far as one provider's moved the year's result by the close in the history years
    (lag.year_end_timing);
  - the part no grant explains, and what all providers did together with it, by the error the same
    kind of forecast has made on the account's own history over the same number of months, as
    forecasts from the same month of the year missed (residual.horizon_error).
Sources are independent of each other. The draws are deviations from each source's expectation,
added to the point forecast; the total's percentiles are taken over the summed draws (not a sum of
the accounts' percentiles). numpy does the drawing: vectorised over events × draws, in chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from prognose.buffers import events_frame
from prognose.refusion import Refusion

DRAWS = 1000
NORMAL_FROM = 200       # events of one account and group above which their sum is drawn as a normal
CHUNK = 2000            # events drawn at a time (memory: CHUNK × draws floats)
QUANTILES = (0.1, 0.5, 0.9)
UNEXPLAINED = "unexplained"


@dataclass
class Interval:
    draws: int
    seed: int
    table: pl.DataFrame                       # account (null = total), p10, p50, p90 (øre)
    spread: dict[str, int] = field(default_factory=dict)   # source → standard deviation of its total (øre)

    def of(self, account: str | None) -> dict[str, int] | None:
        rows = self.table.filter(pl.col("account").is_null() if account is None else pl.col("account") == account)
        return rows.select("p10", "p50", "p90").row(0, named=True) if rows.height else None


def _gamma_noise(rng: np.random.Generator, cv: np.ndarray, draws: int) -> np.ndarray:
    """Mean-1 multipliers with coefficient of variation cv (rows), 1 where cv is 0."""
    out = np.ones((cv.size, draws))
    on = cv > 0
    if on.any():
        shape = 1 / cv[on] ** 2
        out[on] = rng.gamma(shape[:, None], (1 / shape)[:, None], size=(int(on.sum()), draws))
    return out


def _group_factors(rng: np.random.Generator, events: pl.DataFrame, draws: int) -> tuple[dict[str, int], np.ndarray]:
    groups = events.group_by("group").agg(pl.col("group_cv").max()).sort("group")
    names = groups.get_column("group").to_list()
    factors = _gamma_noise(rng, groups.get_column("group_cv").to_numpy(), draws)
    return {g: i for i, g in enumerate(names)}, factors


def simulate_events(events: pl.DataFrame, accounts: list[str], draws: int, rng: np.random.Generator) -> np.ndarray:
    """Deviations from expectation (øre), accounts × draws, of one source's events."""
    out = np.zeros((len(accounts), draws))
    if events.is_empty():
        return out
    events = events.filter(pl.col("account").is_in(accounts)).sort(list(events.columns), nulls_last=True)
    index = {a: i for i, a in enumerate(accounts)}
    gidx, factors = _group_factors(rng, events, draws)
    events = events.with_columns(pl.col("account").replace_strict(index, return_dtype=pl.Int64).alias("a"),
                                 pl.col("group").replace_strict(gidx, return_dtype=pl.Int64).alias("g"))
    bern = events.filter(pl.col("dist") == "bernoulli")
    big = bern.group_by("a", "g").agg(pl.len().alias("n")).filter(pl.col("n") > NORMAL_FROM)
    exact = bern.join(big, on=["a", "g"], how="anti").sort("a", "g", "p", "amount", "cv")
    for start in range(0, exact.height, CHUNK):
        c = exact.slice(start, CHUNK)
        a, g = c.get_column("a").to_numpy(), c.get_column("g").to_numpy()
        p, amount = c.get_column("p").to_numpy(), c.get_column("amount").to_numpy()
        happens = rng.random((c.height, draws)) < np.clip(p[:, None] * factors[g], 0, 1)
        value = happens * amount[:, None] * _gamma_noise(rng, c.get_column("cv").to_numpy(), draws)
        np.add.at(out, a, value - (p * amount)[:, None])
    # many small chances in one group: their sum, given the group's rate, is normal to a fine degree
    moments = (bern.join(big, on=["a", "g"], how="semi").group_by("a", "g")
               .agg((pl.col("p") * pl.col("amount")).sum().alias("s1"),
                    (pl.col("p") * pl.col("amount") ** 2 * (1 + pl.col("cv") ** 2)).sum().alias("s2"),
                    (pl.col("p") ** 2 * pl.col("amount") ** 2).sum().alias("s3"))
               .sort("a", "g"))
    if moments.height:
        a, g = moments.get_column("a").to_numpy(), moments.get_column("g").to_numpy()
        s1, s2, s3 = (moments.get_column(c).to_numpy()[:, None] for c in ("s1", "s2", "s3"))
        f = factors[g]
        value = f * s1 + np.sqrt(np.clip(f * s2 - f ** 2 * s3, 0, None)) * rng.standard_normal((moments.height, draws))
        np.add.at(out, a, value - s1)
    pois = events.filter(pl.col("dist") == "poisson").sort("a", "g", "p", "amount", "cv")
    if pois.height:
        a, g = pois.get_column("a").to_numpy(), pois.get_column("g").to_numpy()
        lam, amount, cv = (pois.get_column(c).to_numpy() for c in ("p", "amount", "cv"))
        n = rng.poisson(lam[:, None] * factors[g])
        cv2 = np.where(cv > 0, cv ** 2, 1.0)[:, None]
        # the sum of n costs, each gamma with mean |amount| and this cv, is gamma(n/cv², |amount|·cv²)
        summed = np.where(n > 0, rng.gamma(np.maximum(n, 1) / cv2, np.abs(amount)[:, None] * cv2), 0.0)
        value = np.where(cv[:, None] > 0, np.sign(amount)[:, None] * summed, n * amount[:, None])
        np.add.at(out, a, value - (lam * amount)[:, None])
    scale = events.filter(pl.col("dist") == "scale").sort("a", "g", "amount", "cv")
    if scale.height:
        a = scale.get_column("a").to_numpy()
        amount = scale.get_column("amount").to_numpy()
        value = amount[:, None] * _gamma_noise(rng, scale.get_column("cv").to_numpy(), draws)
        np.add.at(out, a, value - amount[:, None])
    return out


def simulate_normal(sd: pl.DataFrame, accounts: list[str], draws: int, rng: np.random.Generator) -> np.ndarray:
    """sd: account, sd (øre). Independent normal deviations per account."""
    out = np.zeros((len(accounts), draws))
    sd = sd.filter(pl.col("account").is_in(accounts) & (pl.col("sd") > 0)).sort("account")
    if sd.height:
        index = {a: i for i, a in enumerate(accounts)}
        rows = np.array([index[a] for a in sd.get_column("account").to_list()])
        out[rows] = sd.get_column("sd").to_numpy()[:, None] * rng.standard_normal((sd.height, draws))
    return out


def interval(point: pl.DataFrame, sources: dict[str, pl.DataFrame], unexplained_sd: pl.DataFrame,
             draws: int = DRAWS, seed: int = 0) -> Interval:
    """point: account, ore (the point forecast per account). sources: name → EVENTS frame."""
    point = point.sort("account")
    accounts = point.get_column("account").to_list()
    rng = np.random.default_rng(seed)
    total = np.zeros((len(accounts), draws))
    spread = {}
    for name in sorted(sources):
        dev = simulate_events(sources[name], accounts, draws, rng)
        spread[name] = int(round(float(dev.sum(axis=0).std())))
        total += dev
    dev = simulate_normal(unexplained_sd, accounts, draws, rng)
    spread[UNEXPLAINED] = int(round(float(dev.sum(axis=0).std())))
    total += dev
    values = point.get_column("ore").to_numpy().astype(np.float64)[:, None] + total
    rows = [(a, *_quantiles(values[i])) for i, a in enumerate(accounts)]
    rows.append((None, *_quantiles(values.sum(axis=0))))
    table = pl.DataFrame(rows, schema={"account": pl.String, "p10": pl.Int64, "p50": pl.Int64, "p90": pl.Int64},
                         orient="row")
    return Interval(draws, seed, table, spread)


def _quantiles(values: np.ndarray) -> tuple[int, int, int]:
    return tuple(int(np.floor(q + 0.5)) for q in np.quantile(values, QUANTILES))


def year_end_interval(lines: pl.DataFrame, params: pl.DataFrame, results: list, grant_costs: pl.DataFrame,
                      invoiced: pl.DataFrame, cohort_of: np.ndarray, billing_cv: float, refusion: Refusion | None, draws: int,
                      seed: int) -> Interval:
    """P10/P50/P90 around the point forecast, from the spread of each part. cohort_of[i]: the
    billing cohort of invoiced grant i (lag.Lag)."""
    point = lines.group_by("account").agg(pl.col("ore").sum())
    sd = (params.select("account", pl.col("horizon_sd").alias("sd")) if "horizon_sd" in params.columns
          else pl.DataFrame(schema={"account": pl.String, "sd": pl.Float64}))
    sources = {r.name: r.events for r in results if r.events is not None}
    sources["billing_timing"] = billing_events(grant_costs, invoiced, cohort_of, billing_cv)
    if refusion is not None:
        sources["refusion"] = refusion_events(refusion)
    return interval(point, sources, sd, draws, seed)


def refusion_events(refusion: Refusion) -> pl.DataFrame:
    """The year's refund per account is known only as well as past years' refunds were estimated
    from the year before (refusion.Learned.cv): what is booked on account is settled against it."""
    return events_frame(
        refusion.citizens.group_by("account").agg((-pl.col("refund").sum()).cast(pl.Float64).alias("amount"))
        .filter(pl.col("amount") != 0)
        .select("account", pl.lit("refusion").alias("group"), pl.lit("scale").alias("dist"), pl.lit(1.0).alias("p"),
                "amount", pl.lit(refusion.learned.cv).alias("cv"), pl.lit(0.0).alias("group_cv")))


def billing_events(grant_costs: pl.DataFrame, invoiced: pl.DataFrame, cohort_of: np.ndarray, cv: float) -> pl.DataFrame:
    """Billing timing as events (buffers.EVENTS): per billing cohort (provider, provider type,
    account, billing class), the invoices outstanding at the as-of date move the year's result as
    one provider's did from the same month-end to the close in the history years, each cohort on
    its own (lag.year_end_timing). cohort_of[i]: the cohort of invoiced's row i."""
    return events_frame(
        grant_costs.join(invoiced.select("grant_id", "account", pl.Series("cohort", cohort_of)), on="grant_id")
        .group_by("cohort", "account").agg(pl.col("outstanding").sum().cast(pl.Float64).alias("amount"))
        .filter(pl.col("amount") > 0)
        .select("account", pl.lit("billing").alias("group"), pl.lit("scale").alias("dist"), pl.lit(1.0).alias("p"),
                "amount", pl.lit(cv).alias("cv"), pl.lit(0.0).alias("group_cv")))
