"use strict";
// Data is only ever put in the page with textContent (never innerHTML): names come from outside.
const $ = (id) => document.getElementById(id);
const LABELS = { booked: "Booked", checked_in: "Checked in", waiting: "Waiting", called: "Called",
  served: "Served", no_show: "No-show", cancelled: "Cancelled" };
let csrf = "";
let services = {};
let reloadTimer = null;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return e;
}

function status(s) { return el("span", { class: `status s-${s}`, "data-status": s }, LABELS[s] || s); }

function say(text, error = false) {
  const m = $("message");
  m.textContent = text; m.className = error ? "message error" : "message"; m.hidden = !text;
}

async function post(path, body) {
  const r = await fetch(path, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(body) });
  if (r.status === 401) { location.href = "/login"; return null; }
  const data = await r.json();
  if (!r.ok) { say(data.error || `Error ${r.status}`, true); return null; }
  return data;
}

async function load() {
  const q = $("search").value.trim();
  const r = await fetch(`/api/state?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
  if (r.status === 401) { location.href = "/login"; return; }
  const s = await r.json();
  csrf = s.csrf; services = s.services;
  $("branch").textContent = s.branch; $("day").textContent = s.day;
  $("zone").textContent = `(${s.zone})`; $("user").textContent = s.user;
  renderAppointments(s.appointments);
  renderQueue(s.tickets);
  const sel = $("walkin-service");
  if (!sel.options.length) for (const [k, v] of Object.entries(services)) sel.append(el("option", { value: k }, v));
}

function renderAppointments(rows) {
  const tbody = $("rows");
  tbody.replaceChildren();
  const counts = {};
  for (const a of rows) {
    counts[a.status] = (counts[a.status] || 0) + 1;
    const actions = el("td");
    if (a.status === "booked") {
      actions.append(el("button", { class: "primary", "data-action": "check-in", onclick: async () => {
        const t = await post("/api/check-in", { id: a.id });
        if (t) say(`${a.name} checked in: ticket ${t.ticket}, about ${t.wait_min} min.`);
      } }, "Check in"), " ");
    }
    if (["booked", "checked_in", "called"].includes(a.status)) {
      actions.append(el("button", { "data-action": "no-show", onclick: async () => {
        if (await post("/api/no-show", { id: a.id })) say(`${a.name} marked as no-show.`);
      } }, "No-show"));
    }
    const st = el("td", {}, status(a.status));
    if (a.flag) st.append(el("span", { class: "flag" }, `⚠ ${a.flag}`));
    tbody.append(el("tr", { "data-id": a.id, "data-code": a.code || "", class: a.flag ? "flagged" : "" },
      el("td", {}, a.local_time || ""), el("td", {}, a.name || "—"), el("td", {}, a.phone || ""),
      el("td", {}, a.code || ""), el("td", {}, services[a.service] || a.service || ""), st,
      el("td", { class: "ticket" }, a.ticket || ""), actions));
  }
  if (!rows.length) tbody.append(el("tr", {}, el("td", { colspan: "8", class: "muted" }, "No appointments.")));
  $("counts").textContent = Object.entries(counts).map(([k, n]) => `${LABELS[k] || k}: ${n}`).join(" · ");
}

function renderQueue(tickets) {
  const waiting = $("waiting"), called = $("called");
  waiting.replaceChildren(); called.replaceChildren();
  for (const t of tickets) {
    const who = t.name ? ` ${t.name}` : (t.appointment_id ? "" : " walk-in");
    if (t.status === "waiting") {
      waiting.append(el("li", { "data-ticket": t.number }, el("span", {}, el("span", { class: "ticket" }, t.number), who), status("waiting")));
    } else if (t.status === "called") {
      called.append(el("li", { "data-ticket": t.number },
        el("span", {}, el("span", { class: "ticket" }, t.number), `${who} → counter ${t.counter}`),
        el("span", {},
          el("button", { "data-action": "served", onclick: () => post("/api/served", { ticket_id: t.id }) }, "Served"), " ",
          el("button", { "data-action": "ticket-no-show", onclick: () => post("/api/no-show", { ticket_id: t.id }) }, "No-show"))));
    }
  }
  if (!waiting.children.length) waiting.append(el("li", { class: "muted" }, "Nobody waiting."));
}

function scheduleReload() { clearTimeout(reloadTimer); reloadTimer = setTimeout(load, 50); }

function connect() {
  const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/live`);
  ws.onopen = () => { $("live").className = "live on"; load(); };
  ws.onmessage = scheduleReload;
  ws.onclose = () => { $("live").className = "live off"; setTimeout(connect, 1000); };
}

$("search").addEventListener("input", scheduleReload);
$("call-next").addEventListener("click", async () => {
  const r = await post("/api/call-next", { counter: $("counter").value });
  if (r) say(r.called ? `Ticket ${r.called.number} called to counter ${r.called.counter}.` : "Nobody is waiting.");
});
$("walk-in").addEventListener("click", async () => {
  const r = await post("/api/walk-in", { service: $("walkin-service").value });
  if (r) say(`Walk-in ticket ${r.ticket} issued, about ${r.wait_min} min.`);
});
$("logout").addEventListener("click", async () => { await post("/logout", {}); location.href = "/login"; });
load().then(connect);
