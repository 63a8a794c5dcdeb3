// Risk: a Monte Carlo job (POST /v1/simulations) with a progress bar, then the fan of each party's
// cumulative cash, the spread of NPV and the probabilities the library reports.
"use strict";
(() => {
  const {el, usd, pct, ratio, api, problems, table, app, fail} = PL;
  const OPTIONS = JSON.parse(document.getElementById("options").textContent);
  let job = null, detail = null, runPaths = 0;
  const FIELDS = ["deal", "paths", "seed", "drivers", "workforce_policy", "fx_feedback", "fx_impact"];
  const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

  function field(name, label, input, hint) {
    return el("label", {}, label, input, hint ? el("span", {class: "small", text: hint}) : null,
      el("span", {class: "field-error", id: "err-" + name, role: "alert"}));
  }
  function clearErrors() {
    for (const f of FIELDS) { document.getElementById("err-" + f).textContent = ""; document.getElementById(f).removeAttribute("aria-invalid"); }
  }
  function cellValue(v, unit) {
    if (typeof v !== "number") return v === null ? "n/a" : String(v);
    if (unit === "USD") return usd(v);
    if (unit === "fraction") return pct(v);
    if (unit === "ratio") return ratio(v);
    return v.toLocaleString("en-US");
  }

  async function pickDeal(id) {
    const r = await api("/v1/deals/" + encodeURIComponent(id));
    detail = r.json;
    const fx = detail.clauses.find(c => c.path === "fx_safeguard.available");
    const box = document.getElementById("fx");
    box.disabled = !fx || fx.value !== true;
    box.checked = !!(fx && fx.value === true);
    const live = document.getElementById("fx_feedback");
    live.disabled = box.disabled;
    if (live.disabled) live.checked = false;
    document.getElementById("fx-note").textContent = fx ? (fx.value ? "" : " (this deal has no safeguard)") : " (no safeguard clause in this deal)";
    impactChoices();
  }

  // The currency impact of the live safeguard (--fx-impact): the investor's safeguard file's value,
  // its status and reason, and its alternatives as buttons that fill the field.
  function impactChoices() {
    const sg = detail && OPTIONS.safeguards[detail.investor];
    const input = document.getElementById("fx_impact");
    const live = document.getElementById("fx_feedback");
    input.disabled = !sg || live.disabled || !live.checked;
    const box = document.getElementById("fx-impact-choices");
    if (!sg) { box.replaceChildren(el("span", {class: "small", text: "no shipped safeguard for this deal's investor"})); return; }
    const pick = v => { input.value = String(v); document.getElementById("err-fx_impact").textContent = ""; input.removeAttribute("aria-invalid"); };
    box.replaceChildren(
      el("span", {class: "small"}, "Empty: the file's " + sg.impact + " " + sg.unit + " (safeguard " + sg.id + ", ", PL.badge(sg.status), "). Or: "),
      ...sg.alternatives.map(a => el("button", {type: "button", class: "secondary small choice", "data-value": String(a.value),
        disabled: input.disabled, title: a.label || "", onclick: () => pick(a.value)}, String(a.value) + (a.label ? " — " + a.label : ""))),
      sg.reason ? el("details", {class: "small"}, el("summary", {}, "Why " + sg.impact + "?"), el("p", {text: sg.reason})) : "");
  }

  async function start(ev) {
    ev.preventDefault();
    clearErrors();
    const body = {deal: document.getElementById("deal").value, drivers: document.getElementById("drivers").value,
      paths: Number(document.getElementById("paths").value), seed: Number(document.getElementById("seed").value),
      fan: Object.keys(detail.parties)};
    for (const k of ["paths", "seed"]) if (!/^\d+$/.test(document.getElementById(k).value.trim())) body[k] = document.getElementById(k).value;
    const fx = document.getElementById("fx");
    if (!fx.disabled && !fx.checked) body.overrides = {"fx_safeguard.available": false};
    const live = document.getElementById("fx_feedback");
    if (!live.disabled && live.checked && fx.checked) {
      body.fx_feedback = true;
      // A number is sent as a number; anything else as text, so the API's reader names the problem.
      const impact = document.getElementById("fx_impact").value.trim();
      if (impact !== "") body.fx_impact = NUMBER.test(impact) ? Number(impact) : impact;
    }
    const wf = document.getElementById("workforce_policy").value;
    if (wf) body.workforce_policy = wf;
    const r = await api("/v1/simulations", body);
    if (!r.ok) {
      for (const p of problems(r.json)) {
        const name = FIELDS.find(f => p.field.split(".").includes(f)) || "deal";
        document.getElementById("err-" + name).textContent = p.message;
        document.getElementById(name).setAttribute("aria-invalid", "true");
      }
      return;
    }
    job = r.json;
    runPaths = body.paths;
    document.body.dataset.job = job.id;
    document.getElementById("results").replaceChildren();
    document.getElementById("cancel").disabled = false;
    document.getElementById("run").disabled = true;
    poll(job, performance.now());
  }

  function progress(j) {
    const bar = document.getElementById("progress");
    bar.value = j.progress.fraction;
    // With a workforce policy the job runs the paths twice: with the delays, then without them.
    const two = runPaths && j.progress.paths === 2 * runPaths;
    document.getElementById("progress-text").textContent = j.status + ": " + j.progress.paths_done.toLocaleString("en-US") +
      " of " + j.progress.paths.toLocaleString("en-US") + " paths (" + Math.round(100 * j.progress.fraction) + "%)" +
      (two ? " — two runs of " + runPaths.toLocaleString("en-US") + " paths: with the workforce delays, then without" : "");
  }

  async function poll(j, t0) {
    progress(j);
    if (j.status === "done") { done(j, t0); return; }
    if (j.status === "error" || j.status === "cancelled") {
      document.getElementById("results").replaceChildren(el("p", {class: "error", role: "alert", text: j.status === "error" ? "The simulation failed: " + j.error : "Cancelled."}));
      document.getElementById("run").disabled = false; document.getElementById("cancel").disabled = true;
      return;
    }
    await new Promise(res => setTimeout(res, 200));
    const r = await api("/v1/simulations/" + j.id);
    if (r.ok) poll(r.json, t0);
  }

  function fanChart(party, fan) {
    // Cumulative cash stops changing when the last flow ends: cut the flat tail (every percentile
    // unchanged), as the CLI's chart does.
    const keys = ["p5", "p25", "p50", "p75", "p95"].map(k => fan.columns.indexOf(k));
    let end = fan.rows.length;
    while (end > 2 && keys.every(i => fan.rows[end - 1][i] === fan.rows[end - 2][i])) end -= 1;
    const rows = fan.rows.slice(0, end);
    const x = rows.map(r => r[0]);
    const col = k => rows.map(r => r[fan.columns.indexOf(k)] / 1e9);
    const div = el("div", {class: "chart", id: "fan-" + party, role: "img",
      "aria-label": "Fan chart of " + party + "'s cumulative net cash by year end, 5th to 95th percentile"});
    const band = (lo, hi, name, color) => [
      {x, y: col(lo), mode: "lines", line: {width: 0}, showlegend: false, hoverinfo: "skip"},
      {x, y: col(hi), mode: "lines", line: {width: 0}, fill: "tonexty", fillcolor: color, name}];
    const traces = [...band("p5", "p95", "5th–95th percentile", "rgba(29,78,137,0.18)"),
      ...band("p25", "p75", "25th–75th percentile", "rgba(29,78,137,0.35)"),
      {x, y: col("p50"), mode: "lines", line: {color: "#1d4e89", width: 2}, name: "median"}];
    return {div, draw: () => Plotly.newPlot(div, traces, {
      title: {text: party + ": cumulative net cash", font: {size: 14}}, margin: {l: 64, r: 12, t: 48, b: 96},
      yaxis: {title: {text: "US$ billion, cumulative"}, zeroline: true}, xaxis: {title: {text: "year end"}},
      legend: {orientation: "h", x: 0, y: -0.32, yanchor: "top"}}, {responsive: true, displaylogo: false})};
  }

  function npvChart(summary) {
    const rows = summary.rows.filter(r => r[1] === "NPV");
    const c = k => summary.columns.indexOf(k);
    const div = el("div", {class: "chart", id: "npv-chart", role: "img", "aria-label": "NPV distribution by party: 5th, 25th, 50th, 75th and 95th percentiles"});
    const traces = rows.map(r => ({type: "box", name: r[0], x: [r[0]], q1: [r[c("p25")] / 1e9], median: [r[c("p50")] / 1e9],
      q3: [r[c("p75")] / 1e9], lowerfence: [r[c("p5")] / 1e9], upperfence: [r[c("p95")] / 1e9], mean: [r[c("mean")] / 1e9], boxmean: true, marker: {color: "#1d4e89"}}));
    return {div, draw: () => Plotly.newPlot(div, traces, {title: {text: "NPV by party", font: {size: 14}},
      margin: {l: 64, r: 12, t: 48, b: 40}, yaxis: {title: {text: "US$ billion"}}, showlegend: false}, {responsive: true, displaylogo: false})};
  }

  // What the workforce delays do to each party's NPV: the API's rows (npv_attribution of the same
  // paths with and without the delays), as `pledgelab simulate --workforce-policy` prints them.
  function attribution(a) {
    const head = ["party", "mean NPV without the delays", "mean NPV with them", "mean change", "5th percentile of the change",
      "95th percentile of the change", "share of the NPV spread"];
    const rows = a.rows.map((r, i) => el("tr", {}, el("th", {scope: "row", text: r[0]}),
      r.slice(1).map((v, k) => el("td", {class: "num", "data-row": i, "data-col": k + 1, "data-value": v === null ? "" : String(v)},
        v === null ? "n/a" : k === 5 ? pct(v, v !== 0 && Math.abs(v) < 1e-3 ? 4 : 2) : usd(v)))));
    return el("section", {id: "workforce-attribution"},
      el("h2", {text: "What the workforce delays do to each party's NPV"}),
      el("p", {class: "small", text: "Policy " + a.policy + ": the same " + a.paths.toLocaleString("en-US") +
        " paths run with and without the delays. Change = NPV with the delays minus without, path by path (the drivers' draws are " +
        "the same; the workforce has its own random stream). Share of the NPV spread = variance of the change over the variance of the NPV with the delays."}),
      table(head, rows, "attribution"));
  }

  function done(j, t0) {
    const s = j.result.summary;
    const units = s.row_units || s.rows.map(() => "");
    const rows = s.rows.map((r, i) => el("tr", {}, el("th", {scope: "row", text: r[0]}), el("td", {text: r[1]}),
      r.slice(2).map((v, k) => el("td", {class: "num", "data-row": i, "data-col": k + 2, "data-value": v === null ? "" : String(v)}, cellValue(v, units[i])))));
    const probs = s.notes.filter(n => n.startsWith("P("));
    const charts = [npvChart(s), ...Object.entries(j.result.fans).map(([p, f]) => fanChart(p, f))];
    // The workforce's delays and the live FX safeguard, when the run had them (rows of the summary).
    const extra = [];
    const part = (id, heading, r, unit) => el("section", {id}, el("h2", {text: heading}),
      el("ul", {}, r.rows.map(row => el("li", {}, row[1] + ": mean ", el("span", {class: "num", "data-value": String(row[2]), text: unit(row[2])}),
        ", median " + unit(row[s.columns.indexOf("p50")]) + ", 95th percentile " + unit(row[s.columns.indexOf("p95")]))),
        r.notes.map(n => el("li", {text: n}))));
    if (j.result.workforce) extra.push(part("workforce-result", "Workforce delays (policy " + j.result.workforce.policy + ")", j.result.workforce, v => typeof v === "number" ? v.toFixed(2) : "n/a"));
    if (j.result.workforce_attribution) extra.push(attribution(j.result.workforce_attribution));
    if (j.result.fx) extra.push(part("fx-result", "FX safeguard live (" + j.result.fx.currency + ", impact " + j.result.fx.impact + " log-points per $1B)", j.result.fx, v => typeof v === "number" ? v.toLocaleString("en-US", {maximumFractionDigits: 2}) : "n/a"));
    document.getElementById("results").replaceChildren(
      el("h2", {text: "Chances"}),
      el("ul", {class: "probabilities"}, probs.map(n => el("li", {text: n}))),
      ...extra,
      el("h2", {text: "NPV distribution"}), el("p", {class: "small", text: "Box: 25th to 75th percentile with the median; whiskers: 5th and 95th percentile; dashed: the mean."}), charts[0].div,
      el("h2", {text: "Cumulative cash by party (fan charts)"}), el("p", {class: "small", text: Object.values(j.result.fans)[0] ? "Cumulative net cash by year end, US$ billion: median line, 25th–75th and 5th–95th percentile bands (" + (runPaths || j.progress.paths) + " paths)." : ""}), ...charts.slice(1).map(c => c.div),
      el("h2", {text: s.title}),
      table(s.columns.map(c => c), rows, "summary"),
      el("ul", {class: "small"}, s.notes.filter(n => !n.startsWith("P(")).map(n => el("li", {text: n}))));
    for (const c of charts) c.draw();
    document.getElementById("run").disabled = false; document.getElementById("cancel").disabled = true;
    document.body.dataset.drawnMs = String(Math.round(performance.now() - t0));
    PL.drawn();
  }

  async function main() {
    try {
      const items = await PL.deals();
      const deal = el("select", {id: "deal"}, items.map(d => el("option", {value: d.id, selected: d.id === "us-korea-2025-11"}, d.title + " (" + d.id + ")")));
      deal.addEventListener("change", () => pickDeal(deal.value));
      const form = el("form", {id: "risk-form"},
        el("div", {class: "row"}, field("deal", "Deal", deal)),
        el("div", {class: "row"},
          field("paths", "Paths", el("input", {id: "paths", type: "text", inputmode: "numeric", value: "1000", size: 8}), "1 to 20,000"),
          field("seed", "Random seed", el("input", {id: "seed", type: "text", inputmode: "numeric", value: "0", size: 8}), "same seed, same numbers"),
          field("drivers", "Driver set", el("select", {id: "drivers"}, OPTIONS.drivers.map(d => el("option", {value: d, selected: d === "default"}, d))))),
        el("fieldset", {}, el("legend", {text: "Switches"}),
          el("label", {}, el("input", {type: "checkbox", id: "fx", checked: true}), " FX safeguard clause available (Korea may ask to adjust amount and timing)", el("span", {id: "fx-note", class: "small"})),
          field("fx_feedback", "", el("input", {type: "checkbox", id: "fx_feedback", onchange: impactChoices}), " Make the safeguard live: the pledge's dollar demand moves the exchange rate, and a crossing brings a request that defers calls"),
          field("fx_impact", "Currency impact, log-points per $1B of dollar demand (with the live safeguard)",
            el("input", {id: "fx_impact", type: "text", inputmode: "decimal", size: 8, placeholder: "file's value", disabled: true}),
            "0 to 1: how far $1B of the pledge's dollar demand weakens the currency"),
          el("div", {id: "fx-impact-choices", class: "row choices"}),
          field("workforce_policy", "Workforce (visa policy)", el("select", {id: "workforce_policy"},
            el("option", {value: "", selected: true}, "None: no workforce delays"),
            OPTIONS.workforce_policies.map(p => el("option", {value: p.id}, p.title + " (" + p.id + ")"))),
            "delays during the build move operations and cost standby; a late ramp-up loses output")),
        el("div", {class: "row"}, el("button", {type: "submit", id: "run"}, "Run simulation"),
          el("button", {type: "button", id: "cancel", class: "secondary", disabled: true, onclick: async () => { if (job) await api("/v1/simulations/" + job.id, undefined, "DELETE"); }}, "Cancel")));
      form.addEventListener("submit", start);
      app().replaceChildren(form,
        el("div", {class: "progress-box"}, el("label", {for: "progress"}, "Progress"),
          el("progress", {id: "progress", max: 1, value: 0}), el("p", {id: "progress-text", class: "small", "aria-live": "polite", text: "Not started."})),
        el("div", {id: "results"}));
      await pickDeal(deal.value);
      PL.drawn();
    } catch (e) { fail("Could not load the risk page: " + e.message); }
  }
  main();
})();
