// What if: edit a deal's clauses; each change reruns the deterministic engine (POST /v1/runs with
// overrides) and the outcome is shown beside the base. Bad input: the API's message beside the field.
"use strict";
(() => {
  const {el, usd, pct, ratio, diff, value, badge, sources, api, problems, table, app, fail} = PL;
  const ORDER = {disputed: 0, assumed: 1, scenario: 2, reported: 3, agreed: 4};
  const NUMERIC_UNITS = /^(USD|per-year|business-days|calendar-days|months|years|tariff-rate)/;
  const METRICS = [["NPV", "npv_usd", usd, "usd"], ["net cash", "net_usd", usd, "usd"],
    ["contributed", "contributed_usd", usd, "usd"], ["received", "received_usd", usd, "usd"],
    ["IRR", "irr", pct, "pct"], ["MOIC", "moic", ratio, "ratio"]];
  const S = {deal: null, detail: null, base: null, variant: null, accepted: {}, texts: {}};
  const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i;

  function isNumeric(c) { return typeof c.value === "number" || (c.value === null && NUMERIC_UNITS.test(c.unit || "")); }
  // A list or table clause (sectors, tiers, shares): edited as JSON text, checked by the API's reader.
  function isStructured(c) { return Array.isArray(c.value) || (c.value !== null && typeof c.value === "object"); }
  // The text typed into a field as the value sent to the API: a number when it reads as one; else the
  // text itself, so the API's reader says what is wrong with it.
  function parse(c, text) {
    const t = text.trim();
    if (isStructured(c)) return JSON.parse(t);  // a SyntaxError is shown beside the field
    if (isNumeric(c) && NUMBER.test(t)) return Number(t);
    if (typeof c.value === "boolean") return t === "true";
    if (isNumeric(c) && (t === "" || t === "none")) return null;
    return t;
  }
  function plain(v) { return v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v); }

  function fieldError(path, msg) {
    const box = document.querySelector(`.clause[data-path="${CSS.escape(path)}"]`);
    if (!box) return;
    const input = box.querySelector("[data-input]");
    const err = box.querySelector(".field-error");
    err.textContent = msg || "";
    if (input) { if (msg) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid"); }
  }

  async function change(c, text) {
    let v;
    try { v = parse(c, text); } catch (e) {
      fieldError(c.path, "not valid JSON (" + e.message + "): write a list as [\"a\", \"b\"] and a table as {\"KR\": 0.5}");
      document.getElementById("run-status").textContent = "Not run: the value of " + c.label + " is not valid JSON (see beside the field). Nothing changed.";
      document.body.dataset.answers = String(Number(document.body.dataset.answers || 0) + 1);
      return;
    }
    const cand = {...S.accepted};
    if (JSON.stringify(v) === JSON.stringify(c.value)) delete cand[c.path]; else cand[c.path] = v;
    const status = document.getElementById("run-status");
    status.textContent = "Running…";
    const t0 = performance.now();
    const r = await api("/v1/runs", {deal: S.deal, overrides: cand});
    document.body.dataset.answers = String(Number(document.body.dataset.answers || 0) + 1);
    if (!r.ok) {
      const ps = problems(r.json);
      const mine = ps.filter(p => p.field.startsWith("overrides." + c.path) || !p.field.startsWith("overrides."));
      fieldError(c.path, (mine.length ? mine : ps).map(p => p.message).join("; "));
      status.textContent = "Not run: the value of " + c.label + " was refused (see beside the field). Nothing changed.";
      return;
    }
    fieldError(c.path, "");
    S.texts[c.path] = text;
    S.accepted = cand;
    S.variant = r.json;
    if (!(c.path in cand)) delete S.texts[c.path];
    document.querySelector(`.clause[data-path="${CSS.escape(c.path)}"]`).classList.toggle("changed", c.path in cand);
    drawResults();
    document.body.dataset.lastMs = String(Math.round(performance.now() - t0));
    status.textContent = "Run in " + document.body.dataset.lastMs + " ms with " + Object.keys(cand).length + " clause(s) changed.";
    document.body.dataset.runs = String(Number(document.body.dataset.runs || 0) + 1);
  }

  function editor(c) {
    const id = "f-" + c.path.replace(/[^A-Za-z0-9]/g, "-");
    const start = c.path in S.texts ? S.texts[c.path] : plain(c.value);
    let input;
    if (typeof c.value === "boolean") {
      input = el("select", {id, "data-input": "1"}, ["true", "false"].map(v =>
        el("option", {value: v, selected: start === v}, v === "true" ? "yes" : "no")));
    } else if (isStructured(c)) {
      input = el("textarea", {id, "data-input": "1", rows: 3, cols: 44, spellcheck: "false",
        "aria-describedby": id + "-err " + id + "-unit"}, start);
    } else if (!isNumeric(c) && c.alternatives.length) {
      const opts = [c.value, ...c.alternatives.map(a => a.value)].map(plain);
      if (!opts.includes(start)) opts.push(start);
      input = el("select", {id, "data-input": "1"}, opts.map((v, i) => el("option", {value: v, selected: v === start},
        v + (i === 0 ? " (the deal's value)" : ""))));
    } else {
      input = el("input", {id, type: "text", value: start, "data-input": "1", inputmode: isNumeric(c) ? "decimal" : null,
        size: 18, "aria-describedby": id + "-err " + id + "-unit", autocomplete: "off"});
    }
    input.addEventListener("change", () => change(c, input.value));
    const alts = isNumeric(c) || isStructured(c) ? c.alternatives.map(a => el("button", {type: "button", class: "secondary",
      onclick: () => { input.value = plain(a.value); change(c, input.value); }},
      "use " + value(a.value, c.unit) + (a.label ? " (" + a.label + ")" : ""))) : [];
    const back = el("button", {type: "button", class: "secondary back", onclick: () => { input.value = plain(c.value); change(c, input.value); }}, "back to the deal's value");
    return el("div", {class: "edit"},
      el("label", {for: id}, "Value"), input,
      el("span", {id: id + "-unit", class: "small"}, "unit: " + (c.unit || "none") + (isNumeric(c) ? " (now " + value(c.value, c.unit) + ")" : "") +
        (isStructured(c) ? " — JSON: a list as [\"a\", \"b\"], a table as {\"KR\": 0.5, \"US\": 0.5}" : "")),
      alts, back,
      el("span", {class: "field-error", id: id + "-err", role: "alert"}));
  }

  function clauseBox(c) {
    return el("section", {class: "clause" + (c.path in S.accepted ? " changed" : ""), "data-path": c.path},
      el("h3", {}, c.label, " ", badge(c.status)),
      el("div", {class: "path"}, c.path),
      c.reason ? el("p", {class: "reason", text: "Why " + c.status + ": " + c.reason}) : null,
      editor(c),
      el("details", {class: "clauses"}, el("summary", {}, "sources"), sources(c.references)));
  }

  function drawResults() {
    const base = S.base, v = S.variant || S.base;
    const rows = [];
    for (const p of base.parties) {
      const q = v.parties.find(x => x.party === p.party) || {};
      const name = S.detail.parties[p.party] ? S.detail.parties[p.party].name : p.party;
      rows.push(el("tr", {}, el("th", {scope: "rowgroup", colspan: 4}, name + " (" + p.party + ")")));
      for (const [label, key, fmt, kind] of METRICS) {
        const d = (q[key] === null || p[key] === null || q[key] === undefined) ? null : q[key] - p[key];
        rows.push(el("tr", {}, el("th", {scope: "row", text: label + (kind === "usd" ? " (US$)" : "")}),
          el("td", {class: "num", "data-side": "base", "data-party": p.party, "data-metric": key, "data-value": plain(p[key])}, fmt(p[key])),
          el("td", {class: "num", "data-side": "variant", "data-party": p.party, "data-metric": key, "data-value": plain(q[key])}, fmt(q[key])),
          el("td", {class: "num " + (d > 0 ? "pos" : d < 0 ? "neg" : ""), "data-side": "difference", "data-party": p.party, "data-metric": key}, diff(d, kind))));
      }
    }
    const bo = base.outcome, vo = v.outcome;
    rows.push(el("tr", {}, el("th", {scope: "rowgroup", colspan: 4}, "The deal")));
    rows.push(el("tr", {}, el("th", {scope: "row", text: "deemed allocation amount recovered"}),
      el("td", {class: "num", text: bo.daa_recovered || "never in " + bo.daa_unrecovered_waterfalls + " of " + bo.waterfalls}),
      el("td", {class: "num", text: vo.daa_recovered || "never in " + vo.daa_unrecovered_waterfalls + " of " + vo.waterfalls}), el("td")));
    rows.push(el("tr", {}, el("th", {scope: "row", text: "review clause triggers (waterfalls)"}),
      el("td", {class: "num", text: bo.review_triggered_waterfalls + " of " + bo.waterfalls}),
      el("td", {class: "num", text: vo.review_triggered_waterfalls + " of " + vo.waterfalls}), el("td")));
    const years = [...new Set([...Object.keys(bo.investor_calls_by_year_usd), ...Object.keys(vo.investor_calls_by_year_usd)])].sort();
    const calls = [];
    for (const y of years) {
      const a = bo.investor_calls_by_year_usd[y] || 0, b = vo.investor_calls_by_year_usd[y] || 0;
      calls.push(el("tr", {}, el("th", {scope: "row", text: y}),
        el("td", {class: "num", text: usd(a)}), el("td", {class: "num", text: usd(b)}),
        el("td", {class: "num " + (b - a > 0 ? "pos" : b - a < 0 ? "neg" : ""), text: diff(b - a, "usd")})));
    }
    document.getElementById("results").replaceChildren(
      table(["Outcome", "Base", "Variant", "Difference"], rows, "whatif-results"),
      el("h3", {text: S.detail.parties[S.detail.investor] ? S.detail.parties[S.detail.investor].name + " pays, by calendar year (US$)" : "Investor pays, by calendar year (US$)"}),
      table(["Year", "Base", "Variant", "Difference"], calls, "whatif-calls"),
      el("p", {class: "small", text: "Pipeline " + base.pipeline + "; NPV at " + pct(v.discount_rate) + " a year."}));
    drawSave();
    PL.drawn();
  }

  function drawSave() {
    const n = Object.keys(S.accepted).length;
    const q = new URLSearchParams({deal: S.deal});
    for (const path of Object.keys(S.accepted)) q.append("set", path + "=" + (S.texts[path] !== undefined ? S.texts[path] : plain(S.accepted[path])));
    const link = location.origin + "/whatif?" + q.toString();
    history.replaceState(null, "", "/whatif?" + q.toString());
    const sid = document.getElementById("scenario-id"), why = document.getElementById("scenario-reason");
    const dl = document.getElementById("download");
    if (n) {
      dl.setAttribute("href", "/whatif/scenario.yaml?" + new URLSearchParams({deal: S.deal, id: sid.value,
        reason: why.value || "Set in the pledgelab workbench.", overrides: JSON.stringify(S.accepted)}).toString());
      dl.setAttribute("download", sid.value + ".yaml");
      dl.removeAttribute("aria-disabled");
    } else { dl.removeAttribute("href"); dl.setAttribute("aria-disabled", "true"); }
    document.getElementById("share-link").value = link;
    document.getElementById("changed-count").textContent = n ? n + " clause(s) changed: " + Object.keys(S.accepted).join(", ") : "No clause changed yet.";
  }

  async function load(id, sets) {
    const [d, b] = await Promise.all([api("/v1/deals/" + encodeURIComponent(id)), api("/v1/runs", {deal: id})]);
    if (!d.ok || !b.ok) { fail("Could not load " + id + ": " + problems((d.ok ? b : d).json).map(p => p.message).join("; ")); return; }
    Object.assign(S, {deal: id, detail: d.json, base: b.json, variant: null, accepted: {}, texts: {}});
    const clauses = [...d.json.clauses].sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9));
    const first = clauses.filter(c => ORDER[c.status] <= 2), rest = clauses.filter(c => ORDER[c.status] > 2);
    const saveBox = el("section", {id: "save", "aria-labelledby": "save-title"},
      el("h2", {id: "save-title", text: "Save and share"}),
      el("p", {id: "changed-count", class: "small"}),
      el("div", {class: "row"},
        el("label", {}, "Scenario id (the file's name)", el("input", {id: "scenario-id", type: "text", value: id + "-workbench", size: 28, pattern: "[a-z0-9][a-z0-9-]*", oninput: drawSave})),
        el("label", {}, "Why (written as each change's reason)", el("input", {id: "scenario-reason", type: "text", size: 32, placeholder: "Set in the pledgelab workbench.", oninput: drawSave}))),
      el("p", {}, el("a", {id: "download", class: "button", "aria-disabled": "true"}, "Download the scenario file (YAML)")),
      el("p", {class: "small"}, "Load it with ", el("code", {}, "pledgelab run FILE"), " or ", el("code", {}, "pledgelab simulate FILE"), "."),
      el("label", {for: "share-link"}, "Link that reproduces this variant"),
      el("div", {class: "row"}, el("input", {id: "share-link", class: "share-link", type: "text", readonly: true}),
        el("button", {type: "button", class: "secondary", onclick: async () => {
          const f = document.getElementById("share-link"); f.select();
          try { await navigator.clipboard.writeText(f.value); document.getElementById("run-status").textContent = "Link copied."; } catch (e) { /* selected for copying by hand */ }
        }}, "Copy link")));
    app().replaceChildren(
      el("div", {class: "row"}, el("label", {}, "Deal", picker), el("span", {id: "run-status", class: "small", "aria-live": "polite"}),
        el("a", {href: "#outcome", class: "small"}, "Go to the outcome")),
      el("div", {class: "layout-whatif"},
        el("div", {},
          el("h2", {text: "Disputed and assumed clauses"}),
          el("p", {class: "small", text: "Where the record is silent or contested: each with its reason and the alternatives offered as choices."}),
          first.map(clauseBox),
          el("h2", {text: "Agreed and reported clauses"}),
          rest.map(clauseBox)),
        el("div", {class: "results-panel"},
          el("h2", {id: "outcome", tabindex: "-1", text: "Outcome: base and variant"}),
          el("div", {id: "results", "aria-live": "polite"}), saveBox)));
    picker.value = id;
    drawResults();
    for (const [path, text] of sets) {
      const c = d.json.clauses.find(x => x.path === path);
      if (!c) { document.getElementById("run-status").textContent = "The link names an unknown clause: " + path; continue; }
      const input = document.querySelector(`.clause[data-path="${CSS.escape(path)}"] [data-input]`);
      if (input) input.value = text;
      await change(c, text);
    }
  }

  let picker;
  async function main() {
    try {
      const items = await PL.deals();
      const q = new URLSearchParams(location.search);
      const id = q.get("deal") || "us-korea-2025-11";
      const sets = q.getAll("set").map(s => { const i = s.indexOf("="); return [s.slice(0, i), s.slice(i + 1)]; });
      picker = el("select", {id: "deal"}, items.map(d => el("option", {value: d.id}, d.title + " (" + d.id + ")")));
      picker.addEventListener("change", () => load(picker.value, []));
      await load(id, sets);
      PL.drawn();
    } catch (e) { fail("Could not load the what-if page: " + e.message); }
  }
  main();
})();
