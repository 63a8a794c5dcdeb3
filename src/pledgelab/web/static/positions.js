// Positions: the four sticking points side by side, then each party's outcomes (POST /v1/compare).
"use strict";
(() => {
  const {el, usd, pct, ratio, api, problems, table, app, fail, clauseExplain, badge} = PL;
  const DEFAULT = ["us-ask-2025-09", "us-proposal-2025-10", "korea-counter-2025-10", "us-korea-2025-11"];
  // Which clauses each sticking point is written from (the compare table's words are built from these).
  const POINT_CLAUSES = {
    "method": /^tranches\[\d+\]\.(method|funded_by|returns_to)$/,
    "amount": /^(amount\.headline|tranches\[\d+\]\.amount)$/,
    "timeline": /^timeline\./,
    "losses and dividends": /^(distribution\.|amount\.overrun_payer$)/,
  };
  const METRICS = [["contributed", "contributed_usd", usd, "cash the party puts in, undiscounted"],
    ["received", "received_usd", usd, "cash the party receives, undiscounted"],
    ["net", "net_usd", usd, "received minus contributed, undiscounted"],
    ["NPV", "npv_usd", usd, "net cash discounted to the run's first month"],
    ["IRR", "irr", pct, "the yearly rate that makes the NPV zero"],
    ["MOIC", "moic", ratio, "received divided by contributed"],
    ["payback", "payback", v => v || "never", "the month cumulative cash turns positive"],
    ["share of distributions", "share_of_distributions", pct, "the party's share of all project cash distributed"]];
  const details = {}, runs = {};

  async function detail(id) {
    if (!details[id]) details[id] = api("/v1/deals/" + encodeURIComponent(id)).then(r => r.json);
    return details[id];
  }
  async function runOf(id) {
    if (!runs[id]) runs[id] = api("/v1/runs", {deal: id}).then(r => r.json);
    return runs[id];
  }

  function picker(items, chosen) {
    const boxes = items.map(d => el("label", {},
      el("input", {type: "checkbox", name: "deal", value: d.id, checked: chosen.includes(d.id)}),
      el("span", {}, d.title, el("br"), el("span", {class: "small"}, d.id + " · " + d.kind +
        (d.base ? " of " + d.base : "") + " · investor " + d.investor))));
    const names = items.filter(d => chosen.includes(d.id)).map(d => d.id).join(", ");
    const form = el("form", {id: "pick"},
      el("details", {class: "picker", open: chosen.length === 0},
        el("summary", {}, "Deals compared: " + (names || "none") + " — choose others"),
        el("fieldset", {}, el("legend", {text: "Deals to compare"}), el("div", {class: "choices"}, boxes)),
        el("button", {type: "submit", id: "compare"}, "Compare")));
    form.addEventListener("submit", ev => {
      ev.preventDefault();
      const ids = [...form.querySelectorAll("input[name=deal]:checked")].map(i => i.value);
      history.replaceState(null, "", "?deals=" + ids.map(encodeURIComponent).join(","));
      show(ids);
    });
    return form;
  }

  async function pointCell(col, point) {
    const d = await detail(col.deal.id);
    const used = (d.clauses || []).filter(c => POINT_CLAUSES[point].test(c.path));
    return el("td", {"data-deal": col.deal.id, "data-point": point},
      el("div", {class: "point-text", text: col.points[point]}),
      el("details", {class: "clauses"}, el("summary", {}, "the clauses behind this (" + used.length + ")"),
        used.map(clauseExplain)));
  }

  function outcomeCell(col, party, key, fmt, what) {
    const v = party[key];
    const cell = el("td", {class: "num", "data-deal": col.deal.id, "data-party": party.party, "data-metric": key,
      "data-value": v === null ? "" : String(v)});
    const body = el("div", {class: "explain"}, el("p", {class: "small", text: "Loading the explanation…"}));
    const box = el("details", {class: "num"}, el("summary", {}, fmt(v)), body);
    box.addEventListener("toggle", async () => {
      if (!box.open || body.dataset.done) return;
      body.dataset.done = "1";
      const [run, d] = await Promise.all([runOf(col.deal.id), detail(col.deal.id)]);
      const byPath = Object.fromEntries((d.clauses || []).map(c => [c.path, c]));
      const rows = (run.cash_flows ? run.cash_flows.rows : []).filter(r => r.party === party.party);
      const rate = col.discount_rate;
      body.replaceChildren(
        el("div", {}, el("strong", {}, party.party + ": " + what), "."),
        key === "irr" && party.irr_reason !== "ok" ? el("div", {class: "small", text: "No IRR: " + party.irr_reason}) : null,
        key === "npv_usd" ? el("div", {class: "small", text: "Discount rate " + pct(rate) + " a year (the deal's deemed benchmark unless set)."}) : null,
        el("div", {class: "small", text: "Cash flows of " + party.party + " by kind, each with the clause that makes it (pipeline " + run.pipeline + "):"}),
        el("ul", {}, rows.map(r => el("li", {}, r.kind + ": " + usd(r.total_usd) + " — ",
          r.clauses.map(p => { const c = byPath[p.replace(/^clauses\./, "")];
            return el("span", {}, el("code", {}, p.replace(/^clauses\./, "")), " ", c ? badge(c.status) : "",
              c && c.references.length ? el("a", {href: c.references[0].url, rel: "noreferrer", class: "small"}, " source") : "", " "); })))));
    });
    cell.append(box);
    return cell;
  }

  async function show(ids) {
    const out = document.getElementById("result");
    if (!ids.length) { out.replaceChildren(el("p", {class: "error", role: "alert", text: "Pick at least one deal."})); return; }
    out.replaceChildren(el("p", {class: "loading", text: "Running the deals…"}));
    ids.forEach(detail);  // the clauses load while the deals run
    const r = await api("/v1/compare", {deals: ids});
    if (!r.ok) { out.replaceChildren(el("p", {class: "error", role: "alert"}, problems(r.json).map(p => p.message).join("; "))); return; }
    const cols = r.json.columns;
    const head = [el("th", {scope: "col", text: "Sticking point"}),
      ...cols.map(c => el("th", {scope: "col"}, c.deal.title, el("br"), el("span", {class: "small", text: c.deal.id})))];
    const pointRows = await Promise.all(r.json.sticking_points.map(async p =>
      el("tr", {}, el("th", {scope: "row", text: p}, ), ...(await Promise.all(cols.map(c => pointCell(c, p)))))));
    pointRows.push(el("tr", {}, el("th", {scope: "row", text: "clauses assumed / disputed"}),
      cols.map(c => el("td", {class: "num", text: c.clauses_assumed + " assumed, " + c.clauses_disputed + " disputed"}))));
    const parties = [];
    for (const c of cols) for (const p of c.parties) if (!parties.find(q => q.party === p.party)) parties.push({party: p.party, role: p.role});
    const outRows = [];
    for (const p of parties) {
      const d = await detail(cols.find(c => c.parties.some(q => q.party === p.party)).deal.id);
      const name = d.parties && d.parties[p.party] ? d.parties[p.party].name : p.party;
      outRows.push(el("tr", {class: "party-head"}, el("th", {scope: "rowgroup", colspan: cols.length + 1}, name + " (" + p.party + ", " + p.role + ")")));
      for (const [label, key, fmt, what] of METRICS) {
        outRows.push(el("tr", {}, el("th", {scope: "row", text: label + (key.endsWith("_usd") ? " (US$)" : "")}),
          cols.map(c => { const q = c.parties.find(x => x.party === p.party);
            return q ? outcomeCell(c, q, key, fmt, what) : el("td", {class: "num small", text: "not a party"}); })));
      }
    }
    outRows.push(el("tr", {}, el("th", {scope: "row", text: "peak calendar-year funding (US$)"}),
      cols.map(c => el("td", {class: "num", text: usd(c.peak_calendar_year_funding_usd)}))));
    outRows.push(el("tr", {}, el("th", {scope: "row", text: "deemed allocation amount recovered"}),
      cols.map(c => el("td", {class: "num", text: c.daa_recovered || "not in every waterfall"}))));
    outRows.push(el("tr", {}, el("th", {scope: "row", text: "review clause triggers (waterfalls)"}),
      cols.map(c => el("td", {class: "num", text: c.review_triggered_waterfalls + " of " + c.waterfalls}))));
    outRows.push(el("tr", {}, el("th", {scope: "row", text: "NPV discount rate"}),
      cols.map(c => el("td", {class: "num", text: pct(c.discount_rate) + " a year"}))));
    out.replaceChildren(
      el("h2", {id: "points-title", text: "The four sticking points"}),
      table(head, pointRows, "points"),
      el("h2", {id: "outcomes-title", text: "Outcomes by party over pipeline " + r.json.pipeline}),
      el("p", {class: "small", text: "Deterministic run (the plan, no shocks). Open a number for the cash flows and clauses behind it."}),
      table(head.map((h, i) => i === 0 ? el("th", {scope: "col", text: "Outcome"}) : h.cloneNode(true)), outRows, "outcomes"));
    PL.drawn();
  }

  async function main() {
    try {
      const items = await PL.deals();
      const q = new URLSearchParams(location.search).get("deals");
      const chosen = q ? q.split(",").filter(Boolean) : DEFAULT;
      app().replaceChildren(picker(items, chosen), el("div", {id: "result", "aria-live": "polite"}));
      await show(chosen);
      PL.drawn();
    } catch (e) { fail("Could not load the deals: " + e.message); }
  }
  main();
})();
