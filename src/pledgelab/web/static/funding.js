// Currency and funding: draws the reserves chart from the numbers the server rendered into the page.
"use strict";
(() => {
  const box = document.getElementById("chart-data");
  document.getElementById("app").replaceChildren();
  if (!box) return;
  const c = JSON.parse(box.textContent);
  const b = v => v.map(x => x / 1e9);
  Plotly.newPlot("reserves-chart", [
    {x: c.years, y: b(c.reserves), mode: "lines", name: "gross reserves with the pledge", line: {color: "#1d4e89", width: 2}},
    {x: c.years, y: b(c.no_pledge), mode: "lines", name: "reserves without the pledge", line: {color: "#4a5560", dash: "dash"}},
    {x: c.years, y: b(c.liabilities), type: "bar", name: "the pledge's dollar debt", marker: {color: "rgba(164,22,26,0.55)"}},
    {x: c.years, y: b(c.calls), type: "bar", name: "capital calls in the year", marker: {color: "rgba(122,75,0,0.55)"}},
  ], {margin: {l: 64, r: 12, t: 16, b: 40}, yaxis: {title: {text: "US$ billion"}}, xaxis: {title: {text: "year end"}},
    legend: {orientation: "h", y: -0.2}, barmode: "group"}, {responsive: true, displaylogo: false});
  PL.drawn();
})();
(() => {
  const box = document.getElementById("fx-data");
  if (!box) return;
  const c = JSON.parse(box.textContent);
  Plotly.newPlot("fx-chart", [
    {x: c.years, y: c.level, mode: "lines", name: c.currency + " per US$ (drivers, no shocks)", line: {color: "#1d4e89"}},
    {x: c.years, y: c.peak, mode: "lines+markers", name: "pressure indicator, yearly peak (if refused)", line: {color: "#7a4b00"}},
    {x: c.years, y: c.years.map(() => c.threshold), mode: "lines", name: "the safeguard's threshold", line: {color: "#a4161a", dash: "dash"}},
  ], {margin: {l: 64, r: 12, t: 16, b: 40}, yaxis: {title: {text: c.currency + " per US$"}}, xaxis: {title: {text: "year"}},
    legend: {orientation: "h", y: -0.2}}, {responsive: true, displaylogo: false});
})();
