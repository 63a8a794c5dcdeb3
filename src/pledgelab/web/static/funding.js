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
