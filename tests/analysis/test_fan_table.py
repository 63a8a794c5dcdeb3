"""The fan table stops where the fan chart stops: at the first year end after which no percentile
of cumulative net cash changes (the last flow has ended), with a note saying so; the JSON keeps
every year. Checked against the percentiles computed here from the kept paths."""

from __future__ import annotations

import numpy as np

from pledgelab.analysis import simulate
from pledgelab.analysis._montecarlo import QUANTILES
from pledgelab.report.simulation import fan_table


def test_fan_table_ends_at_the_last_moving_year() -> None:
    res = simulate("us-korea-2025-11", pipeline="korea-illustrative", paths=64, seed=3)
    cum = res.fan_cum[res.party_index("KR")]
    qs = np.quantile(cum, QUANTILES, axis=0)
    t = fan_table(res, "KR")
    shown = len(t.rows)
    assert 1 < shown < qs.shape[1]
    # every later year equals the last shown one, and the last shown one moved
    assert np.all(np.abs(qs[:, shown:] - qs[:, [shown - 1]]) <= 1.0)
    assert np.any(np.abs(qs[:, shown - 1] - qs[:, shown - 2]) > 1.0)
    assert any("No percentile changes after" in n for n in t.notes)
    assert len(res.fan("KR")["year"]) == qs.shape[1]
