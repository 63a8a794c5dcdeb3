// pledgelab workbench: shared helpers. Every number shown comes from the API; these only format it.
"use strict";
const PL = (() => {
  const MINUS = "\u2212";
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v;
      else if (k === "text") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const k of kids.flat()) if (k !== null && k !== undefined && k !== false)
      e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    return e;
  }
  function sign(x, s) { return x < 0 ? MINUS + s : s; }
  // Money in US dollars: billions above $1B, millions above $1M, else dollars.
  function usd(x) {
    if (x === null || x === undefined) return "n/a";
    const a = Math.abs(x);
    if (a >= 1e9) return sign(x, "$" + (a / 1e9).toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2}) + " billion");
    if (a >= 1e6) return sign(x, "$" + (a / 1e6).toLocaleString("en-US", {minimumFractionDigits: 1, maximumFractionDigits: 1}) + " million");
    return sign(x, "$" + a.toLocaleString("en-US", {maximumFractionDigits: 0}));
  }
  function pct(x, digits) {
    if (x === null || x === undefined) return "n/a";
    return sign(x, (Math.abs(x) * 100).toFixed(digits === undefined ? 2 : digits) + "%");
  }
  function ratio(x) { return x === null || x === undefined ? "n/a" : x.toFixed(2) + "\u00d7"; }
  function diff(x, kind) {
    if (x === null || x === undefined || Number.isNaN(x)) return "n/a";
    if (x === 0 || (kind === "usd" && Math.abs(x) < 0.5)) return "no change";
    const f = kind === "pct" ? pct(Math.abs(x)) + " points" : kind === "ratio" ? ratio(Math.abs(x)) : usd(Math.abs(x));
    return (x > 0 ? "+" : MINUS) + f;
  }
  // A clause's value in words with its unit.
  const UNIT_WORDS = {"USD": "", "USD/calendar-year": " a calendar year", "per-year": " a year",
    "business-days": " business days", "calendar-days": " calendar days", "months": " months", "years": " years",
    "tariff-rate": " tariff rate", "date": ""};
  function value(v, unit) {
    if (v === null || v === undefined) return "none";
    if (Array.isArray(v)) {
      if (v.length && typeof v[0] === "object" && v[0] && "shares" in v[0])
        return v.map(t => Object.entries(t.shares).map(([p, s]) => pct(s, 0) + " " + p).join("/") + " until " + t.until).join("; then ");
      return v.map(x => value(x, "")).join(", ");
    }
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "object") return Object.entries(v).map(([k, x]) => k + " " + value(x, "")).join(", ");
    if (typeof v === "number") {
      if (unit && unit.startsWith("USD")) return usd(v) + (UNIT_WORDS[unit] || "");
      if (unit === "per-year" || unit === "tariff-rate") return pct(v) + (unit === "per-year" ? " a year" : "");
      return v.toLocaleString("en-US") + (UNIT_WORDS[unit] !== undefined ? UNIT_WORDS[unit] : (unit ? " " + unit : ""));
    }
    return String(v);
  }
  function badge(status) { return el("span", {class: "badge " + status, text: status}); }
  function sources(refs) {
    if (!refs || !refs.length) return el("span", {class: "small", text: "no source: see the reason"});
    return el("ul", {}, refs.map(r => el("li", {}, el("a", {href: r.url, rel: "noreferrer"}, r.title),
      r.date ? el("span", {class: "small"}, " (" + r.date + ")") : null)));
  }
  // One clause explained: value, status, reason, alternatives, sources.
  function clauseExplain(c) {
    return el("div", {class: "explain"},
      el("div", {}, el("strong", {}, c.label), " ", badge(c.status)),
      el("div", {class: "small"}, "clause ", el("code", {}, c.path), ": ", value(c.value, c.unit)),
      c.replaced ? el("div", {class: "small"}, "replaced ", value(c.replaced.value, c.unit)) : null,
      c.reason ? el("div", {class: "small"}, "Why: " + c.reason) : null,
      c.alternatives && c.alternatives.length ? el("div", {class: "small"}, "Alternatives: " +
        c.alternatives.map(a => value(a.value, c.unit) + (a.label ? " (" + a.label + ")" : "")).join("; ")) : null,
      sources(c.references));
  }
  async function api(path, body, method) {
    const opts = body === undefined ? {method: method || "GET"} :
      {method: method || "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
    const r = await fetch(path, opts);
    let j = null;
    try { j = await r.json(); } catch (e) { j = null; }
    return {ok: r.ok, status: r.status, json: j};
  }
  // The API's problems as [{field, message}] (its 422 bodies have two shapes).
  function problems(j) {
    if (!j) return [{field: "", message: "no answer from the server"}];
    const d = j.detail;
    if (typeof d === "string") return [{field: "", message: d}];
    if (Array.isArray(d)) return d.map(p => ({field: p.field || (p.loc || []).join("."), message: p.message || p.msg}));
    return [{field: "", message: JSON.stringify(j)}];
  }
  function table(head, rows, cls) {
    return el("div", {class: "table-wrap"}, el("table", {class: cls || ""},
      el("thead", {}, el("tr", {}, head.map(h => typeof h === "string" ? el("th", {scope: "col", text: h}) : h))),
      el("tbody", {}, rows)));
  }
  const app = () => document.getElementById("app");
  function fail(msg) { app().replaceChildren(el("p", {class: "error", role: "alert", text: msg})); }
  async function deals() {
    const r = await api("/v1/deals");
    if (!r.ok) throw new Error("could not list the deals");
    return r.json.items;
  }
  // A table as CSV: raw numbers (data-value) where the page has them, else the words shown.
  function csv(tbl) {
    const cell = c => {
      const d = c.querySelector("details > summary");
      const v = c.dataset.value !== undefined ? c.dataset.value : (d ? d.textContent : c.textContent);
      const t = v.trim().replace(/\s+/g, " ");
      return /[",\n]/.test(t) ? '"' + t.replace(/"/g, '""') + '"' : t;
    };
    return [...tbl.querySelectorAll("tr")].map(r => [...r.children].map(cell).join(",")).join("\n") + "\n";
  }
  // A "Download CSV" button under every table that lacks one (PolicyEngine's most asked-for export).
  function csvButtons() {
    document.querySelectorAll("main .table-wrap").forEach((w, i) => {
      if (w.nextElementSibling && w.nextElementSibling.classList.contains("csv")) return;
      const name = (document.getElementById("app").dataset.page || "table").toLowerCase().replace(/[^a-z0-9]+/g, "-");
      const b = el("button", {type: "button", class: "secondary csv small", onclick: () => {
        const url = URL.createObjectURL(new Blob([csv(w.querySelector("table"))], {type: "text/csv"}));
        const a = el("a", {href: url, download: "pledgelab-" + name + "-" + (i + 1) + ".csv"});
        document.body.append(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }}, "Download CSV");
      w.after(b);
    });
  }
  // Marks the page's content drawn: ms since navigation began (read by benchmarks/web.py); adds the
  // CSV buttons to the tables drawn so far.
  function drawn() {
    if (!document.body.dataset.drawnAt) document.body.dataset.drawnAt = String(Math.round(performance.now()));
    csvButtons();
  }
  return {drawn, el, usd, pct, ratio, diff, value, badge, sources, clauseExplain, api, problems, table, app, fail, deals};
})();
