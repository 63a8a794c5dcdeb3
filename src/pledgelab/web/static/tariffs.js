// Tariffs: draws the cumulative savings chart from the numbers the server rendered into the page.
"use strict";
(() => {
  const box = document.getElementById("chart-data");
  document.getElementById("app").replaceChildren();
  if (!box) return;
  const c = JSON.parse(box.textContent);
  const traces = Object.entries(c.series).map(([name, ys]) => ({x: c.years, y: ys.map(v => v / 1e9), mode: "lines", name}));
  traces.push({x: c.years, y: c.years.map(() => c.cost / 1e9), mode: "lines", name: "the pledge's net cost",
    line: {color: "#a4161a", dash: "dash"}});
  Plotly.newPlot("savings-chart", traces, {margin: {l: 64, r: 12, t: 16, b: 40},
    yaxis: {title: {text: "US$ billion, discounted, cumulative"}}, xaxis: {title: {text: "year"}},
    legend: {orientation: "h", y: -0.2}}, {responsive: true, displaylogo: false});
  PL.drawn();
})();
