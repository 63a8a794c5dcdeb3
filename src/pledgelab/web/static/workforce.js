// Workforce: draws the staffing timeline from the plan the server rendered into the page.
"use strict";
(() => {
  document.getElementById("app").replaceChildren();
  const box = document.getElementById("plan-data");
  if (box) {
    const bars = JSON.parse(box.textContent);
    const routes = [...new Set(bars.map(b => b.route))];
    const colors = ["#1d4e89", "#7a4b00", "#17623a", "#a4161a", "#5a2d82", "#4a5560"];
    const traces = routes.map((route, i) => {
      const x = [], y = [], text = [];
      for (const b of bars.filter(b => b.route === route)) {
        x.push(b.start, b.end, null); y.push(b.label, b.label, null);
        const t = b.people + " people, " + b.employer + ", " + b.work + ": " + b.start + " to " + b.end;
        text.push(t, t, null);
      }
      return {x, y, text, hoverinfo: "text", mode: "lines", name: route, line: {width: 8, color: colors[i % colors.length]}};
    });
    const labels = [...new Set(bars.map(b => b.label))];
    document.getElementById("plan-chart").style.height = Math.max(320, 22 * labels.length + 120) + "px";
    Plotly.newPlot("plan-chart", traces, {margin: {l: 230, r: 12, t: 16, b: 40}, xaxis: {type: "date", title: {text: "on site"}},
      yaxis: {automargin: true, autorange: "reversed", categoryorder: "array", categoryarray: labels},
      legend: {orientation: "h", y: -0.12, title: {text: "visa route"}}}, {responsive: true, displaylogo: false});
  }
  PL.drawn();
})();
