// Money at work: the ledger per pledge (GET /report, /pledges/{id}/report, /projects): pledged ->
// selected -> noticed -> funded -> built, records with sources and verification dates, claims beside.
"use strict";
(() => {
  const {el, usd, pct, api, table, app, fail} = PL;
  const STAGES = [["selected", "selected"], ["notice", "noticed"], ["funded", "funded"],
    ["under-construction", "under construction"], ["operating", "built (operating)"]];

  function links(urls) {
    return el("span", {}, (urls || []).map((u, i) => el("a", {href: u, rel: "noreferrer", class: "small", title: u}, "[" + (i + 1) + "]")).flatMap(a => [a, " "]));
  }
  function atWork(f) {
    return f.measurable_base_usd ? pct(f.at_work_share) : "not measurable";
  }
  function card(f, current) {
    const stages = [el("div", {class: "stage", "data-pledge": f.pledge, "data-stage": "pledged", "data-value": f.headline_usd},
      el("div", {class: "small", text: "pledged (headline)"}), el("div", {class: "big", text: usd(f.headline_usd)}))];
    for (const [key, label] of STAGES) stages.push(el("div", {class: "stage", "data-pledge": f.pledge, "data-stage": key, "data-value": f.amounts_usd[key]},
      el("div", {class: "small", text: label + " (" + f.counts[key] + " project" + (f.counts[key] === 1 ? "" : "s") + ")"}),
      el("div", {class: "big", text: usd(f.amounts_usd[key])})));
    return el("section", {class: "pledge card", "data-pledge": f.pledge, "aria-labelledby": "h-" + f.pledge},
      el("h2", {id: "h-" + f.pledge}, f.country + " ", el("span", {class: "small", text: f.pledge})),
      el("p", {class: "small", text: "Announced " + (f.announced || "not stated") + "; period " + (f.period_start || "not stated") + " to " + (f.period_end || "not stated") + "."}),
      el("div", {class: "funnel"}, stages),
      el("p", {}, "Share really at work: ", el("strong", {class: "at-work", "data-pledge": f.pledge, "data-value": f.at_work_share === null ? "" : f.at_work_share}, atWork(f)),
        f.measurable_base_usd ? " (" + usd(f.at_work_usd) + " of a measurable base of " + usd(f.measurable_base_usd) + ")" : " (no part of the pledge has a payment mechanism on record)"),
      el("p", {}, el("a", {href: "?pledge=" + encodeURIComponent(f.pledge), "aria-current": current ? "true" : null}, current ? "Records shown below" : "Show the records, sources and claims")));
  }

  async function records(f) {
    const [rep, proj] = await Promise.all([api("/pledges/" + encodeURIComponent(f.pledge) + "/report"),
      api("/projects?limit=500&pledge_id=" + encodeURIComponent(f.pledge))]);
    const out = [el("h2", {id: "records", text: f.country + " (" + f.pledge + "): the records"})];
    out.push(el("h3", {text: "Parts of the pledge"}), table(["part", "amount (US$)", "mechanism", "measurable", "called (US$)", "at work (US$)", "at work"],
      f.parts.map(p => el("tr", {}, el("td", {text: p.label}), el("td", {class: "num", text: usd(p.amount_usd) + (p.bound !== "exact" ? " (" + p.bound + ")" : "")}),
        el("td", {text: p.mechanism}), el("td", {text: p.measurable ? "yes" : "no: " + p.not_measurable_because}),
        el("td", {class: "num", text: p.called_usd === null ? "n/a" : usd(p.called_usd)}), el("td", {class: "num", text: p.at_work_usd === null ? "n/a" : usd(p.at_work_usd)}),
        el("td", {class: "num", text: p.measurable ? pct(p.at_work_share) : "not measurable"})))));
    const items = proj.ok ? proj.json.items : [];
    out.push(el("h3", {text: "Projects (" + items.length + ")"}), table(["project", "company", "status (since)", "sector, state", "sources", "verified"],
      items.map(p => el("tr", {"data-project": p.id}, el("td", {}, p.name, el("br"), el("span", {class: "small", text: p.id})), el("td", {text: p.company || "not stated"}),
        el("td", {text: p.status + " (" + p.status_date + ")"}), el("td", {text: p.sector + (p.state ? ", " + p.state : "")}),
        el("td", {}, links(p.sources)), el("td", {class: "num", text: p.verified}))), "projects"));
    const claims = rep.ok ? rep.json.claims : [];
    out.push(el("h3", {text: "Claims beside the records (" + claims.length + ")"}), table(["who, when", "what was said", "claimed (US$)", "the ledger on that day (US$)", "verdict", "sources, verified"],
      claims.map(c => el("tr", {"data-claim": c.id}, el("td", {}, c.claimant, el("br"), el("span", {class: "small", text: c.said_on})),
        el("td", {}, "\u201c" + c.quote + "\u201d", c.reasoning ? el("div", {class: "small", text: c.reasoning}) : null),
        el("td", {class: "num", text: c.amount_usd === null ? "no amount" : usd(c.amount_usd)}),
        el("td", {class: "num"}, c.ledger_value_usd === null ? "n/a" : usd(c.ledger_value_usd), el("div", {class: "small", text: c.ledger_basis || ""})),
        el("td", {text: c.verdict || "not reviewed"}), el("td", {}, links(c.sources), el("div", {class: "small", text: "verified " + c.verified})))), "claims"));
    const notes = [];
    if (f.missing_amounts) notes.push(f.missing_amounts + " project(s) have no stated amount (counted as missing, never as zero).");
    if (f.estimated_amounts) notes.push(f.estimated_amounts + " amount(s) are estimates or 'up to' / 'at least' bounds (included here).");
    for (const [id, v] of Object.entries(f.excluded_as_double_counted_usd || {})) notes.push("Counted once: " + id + " (" + usd(v) + ") holds the same money as a linked project.");
    if (f.related_fdi_usd) notes.push("Related FDI shown apart, never added: " + usd(f.related_fdi_usd) + ".");
    if (f.weak_sources.length) notes.push("Weak sources (only aggregators or unmarked): " + f.weak_sources.join(", ") + ".");
    out.push(el("ul", {class: "small"}, notes.map(n => el("li", {text: n}))));
    return out;
  }

  async function main() {
    try {
      const r = await api("/report");
      if (!r.ok) { fail("The ledger did not answer (is it initialised? pledgelab ledger init)."); return; }
      const pledges = r.json.pledges;
      const chosen = new URLSearchParams(location.search).get("pledge") || "JP-2025-09";
      const f = pledges.find(p => p.pledge === chosen) || pledges[0];
      const rec = f ? await records(f) : [];
      app().replaceChildren(
        el("p", {class: "notice"}, "As of " + r.json.as_of + " (the newest record's date), ledger release " + r.json.release +
          ". Stages are cumulative: a project counts at every stage it has reached. 'At work' is measured against the measurable base (the parts with a payment mechanism), never against the headline."),
        el("div", {class: "cards"}, pledges.map(p => card(p, f && p.pledge === f.pledge))),
        ...rec);
      PL.drawn();
    } catch (e) { fail("Could not load the ledger: " + e.message); }
  }
  main();
})();
