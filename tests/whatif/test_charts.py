"""Charts for a report: titled by the deal's title, axis labels, a source line, the fan ends
with the last flow, .png/.svg/.html written, and the .html works offline (Plotly's JavaScript
embedded from the installed package, no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from pledgelab.analysis import simulate
from pledgelab.report.simulation import fan_chart, fan_spec
from pledgelab.terms import load_deal

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def sim():  # type: ignore[no-untyped-def]
    return simulate(load_deal("us-korea-2025-11"), pipeline="korea-illustrative", paths=64, seed=3)


def test_fan_ends_with_the_last_flow(sim) -> None:  # type: ignore[no-untyped-def]
    full = sim.fan("KR")
    spec = fan_spec(sim, "KR", title="US–Korea MOU")
    x = list(spec.panels[0].series[-1].x)
    q = np.vstack([np.asarray(v) for v in full["quantiles"].values()])
    last = x[-1]
    k = full["year"].index(last)
    # after the chart's last year nothing moves; in its last year something still did
    assert np.allclose(q[:, k:], q[:, [k]], atol=1e-3)
    assert not np.allclose(q[:, k - 1], q[:, k], atol=1e-3)
    assert last < full["year"][-1]  # the horizon's flat tail is cut
    assert spec.title.startswith("US–Korea MOU: KR")
    assert spec.xlabel and spec.panels[0].ylabel and spec.source.startswith("Source: pledgelab")


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_fan_chart_files(sim, tmp_path: Path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    if suffix == ".html":
        pytest.importorskip("plotly")
    path = fan_chart(sim, "KR", tmp_path / f"fan{suffix}", title="US–Korea MOU")
    assert path.stat().st_size > 1000
    if suffix == ".html":
        text = path.read_text(encoding="utf-8")
        assert not re.findall(r"""<script[^>]+src=["']https?://""", text)
        assert not re.findall(r"""<link[^>]+href=["']https?://""", text)
        assert "Plotly.newPlot" in text and "Korea MOU: KR" in text
    if suffix == ".svg":
        assert "cumulative net cash" in path.read_text(encoding="utf-8")


def test_a_wrong_suffix_is_refused(sim, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"written as \.png, \.svg, \.html"):
        fan_chart(sim, "KR", tmp_path / "fan.gif")
