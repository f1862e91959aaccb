"use strict";
// Data is only ever put in the page with textContent (never innerHTML): names come from outside.
// Words: i18n.js (t, applyWords, setLang; English and Chinese).
const $ = (id) => document.getElementById(id);
let csrf = "";
let services = {};
let reloadTimer = null;
let last = null;  // the last /api/state answer: re-drawn in place when the language changes

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return e;
}

const label = (s) => word("s_", s);
const serviceName = (k) => (WORDS[LANG][`svc_${k}`] ? word("svc_", k) : services[k] || k);
function status(s) { return el("span", { class: `status s-${s}`, "data-status": s }, label(s)); }

function say(text, error = false) {
  const m = $("message");
  m.textContent = text; m.className = error ? "message error" : "message"; m.hidden = !text;
}

// Before a no-show (it cannot be undone): a dialog with the two choices; resolves true/false.
function confirmNoShow(title, text) {
  const d = $("confirm");
  $("confirm-title").textContent = title; $("confirm-text").textContent = text;
  return new Promise((resolve) => {
    const done = (ok) => { $("confirm-yes").onclick = $("confirm-no").onclick = d.oncancel = null; d.close(); resolve(ok); };
    $("confirm-yes").onclick = () => done(true);
    $("confirm-no").onclick = () => done(false);
    d.oncancel = (e) => { e.preventDefault(); done(false); };
    d.showModal();
    $("confirm-no").focus();  // the safe choice is the default
  });
}

async function post(path, body) {
  const r = await fetch(path, { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf }, body: JSON.stringify(body) });
  if (r.status === 401) { location.href = "/login"; return null; }
  const data = await r.json();
  if (!r.ok) { say(data.error || t("error", { s: r.status }), true); return null; }
  return data;
}

async function load() {
  const q = $("search").value.trim();
  const r = await fetch(`/api/state?q=${encodeURIComponent(q)}`, { credentials: "same-origin" });
  if (r.status === 401) { location.href = "/login"; return; }
  last = await r.json();
  draw();
}

function draw() {
  const s = last;
  if (!s) return;
  csrf = s.csrf; services = s.services;
  const names = s.branch_names || {};
  $("branch").textContent = (LANG === "zh" ? names.zh_CN : names.en_US) || s.branch; $("day").textContent = s.day;
  $("zone").textContent = `(${s.zone})`; $("user").textContent = s.user;
  renderAppointments(s.appointments);
  renderQueue(s.tickets);
  renderKiosks(s.kiosks || []);
  const sel = $("walkin-service");
  const chosen = sel.value;
  sel.replaceChildren(...Object.keys(services).map((k) => el("option", { value: k }, serviceName(k))));
  if (chosen) sel.value = chosen;
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
        const r = await post("/api/check-in", { id: a.id });
        if (r) say(t("checkedIn", { name: a.name, t: r.ticket, m: r.wait_min }));
      } }, t("checkIn")), " ");
    }
    if (["booked", "checked_in", "called"].includes(a.status)) {
      actions.append(el("button", { "data-action": "no-show", onclick: async () => {
        if (!await confirmNoShow(t("confirmNoShow", { who: a.name || a.code }), t("confirmNoShowText"))) return;
        if (await post("/api/no-show", { id: a.id })) say(t("markedNoShow", { name: a.name }));
      } }, t("noShow")));
    }
    const st = el("td", {}, status(a.status));
    if (a.flag) st.append(el("span", { class: "flag" }, `⚠ ${a.flag}`));
    tbody.append(el("tr", { "data-id": a.id, "data-code": a.code || "", class: a.flag ? "flagged" : "" },
      el("td", {}, a.local_time || ""), el("td", {}, a.name || "—"), el("td", {}, a.phone || ""),
      el("td", {}, a.code || ""), el("td", {}, a.service ? serviceName(a.service) : ""), st,
      el("td", { class: "ticket" }, a.ticket || ""), actions));
  }
  if (!rows.length) tbody.append(el("tr", {}, el("td", { colspan: "8", class: "muted" }, t("noAppointments"))));
  $("counts").textContent = Object.entries(counts).map(([k, n]) => `${label(k)}: ${n}`).join(" · ");
}

function renderQueue(tickets) {
  const waiting = $("waiting"), called = $("called");
  waiting.replaceChildren(); called.replaceChildren();
  for (const tk of tickets) {
    const who = tk.name ? ` ${tk.name}` : (tk.appointment_id ? "" : ` ${t("walkIn")}`);
    if (tk.status === "waiting") {
      waiting.append(el("li", { "data-ticket": tk.number }, el("span", {}, el("span", { class: "ticket" }, tk.number), who), status("waiting")));
    } else if (tk.status === "called") {
      called.append(el("li", { "data-ticket": tk.number },
        el("span", {}, el("span", { class: "ticket" }, tk.number), `${who} ${t("toCounter", { c: tk.counter })}`),
        el("span", {},
          el("button", { "data-action": "served", onclick: () => post("/api/served", { ticket_id: tk.id }) }, t("served")), " ",
          el("button", { "data-action": "ticket-no-show", onclick: async () => {
            if (!await confirmNoShow(t("confirmTicketNoShow", { t: tk.number }), t("confirmTicketText"))) return;
            if (await post("/api/no-show", { ticket_id: tk.id })) say(t("ticketNoShow", { t: tk.number }));
          } }, t("noShow")))));
    }
  }
  if (!waiting.children.length) waiting.append(el("li", { class: "muted" }, t("nobodyWaiting")));
}

function reasons(d) {
  const out = [];
  for (const [supply, level] of Object.entries(d.supplies || {})) {
    const key = `sup_${supply}_${level}`;
    if (WORDS.en[key]) out.push(t(key));
  }
  if (d.media === "jammed") out.push(t("m_jammed"));
  if (WORDS.en[`st_${d.state}`]) out.push(t(`st_${d.state}`));
  return [...new Set(out)];
}

const BROKEN = new Set(["userError", "hardwareError", "offline", "error", "down", "broken"]);
function clock(ts) { return new Date(ts * 1000).toLocaleTimeString(LANG === "zh" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit" }); }

function renderKiosks(kiosks) {
  const ul = $("kiosks");
  ul.replaceChildren();
  for (const k of kiosks) {
    const li = el("li", { class: `kiosk k-${k.status}`, "data-kiosk": k.name, "data-health": k.status },
      el("div", { class: "kiosk-head" }, el("strong", {}, k.name),
        el("span", { class: `health h-${k.status}` }, t(`k_${k.status}`))));
    const problems = el("ul", { class: "devices" });
    for (const d of k.devices || []) {
      const bad = BROKEN.has(d.state) || (k.down || []).includes(d.name) || (k.degraded || []).includes(d.name);
      if (!bad) continue;
      // Why, in the staff's language from the standard status (XFS4IoT state, media,
      // supplies); the device's own words (English, from its driver) only as a tooltip.
      const why = reasons(d);
      problems.append(el("li", { "data-device": d.name, class: "device bad", title: d.detail || "" },
        LANG === "zh" ? `${word("dev_", d.name)}：${t("d_broken")}${why.length ? `（${why.join("，")}）` : ""}`
                      : `${word("dev_", d.name)}: ${t("d_broken")}${why.length ? ` (${why.join(", ")})` : ""}`));
    }
    for (const l of k.links || []) {
      if (!l.up) problems.append(el("li", { class: "device bad", "data-link": l.name }, t("linkDown", { l: word("l_", l.name) })));
    }
    const ok = (k.devices || []).filter((d) => !BROKEN.has(d.state) && !(k.degraded || []).includes(d.name) && !(k.down || []).includes(d.name));
    if (ok.length) problems.append(el("li", { class: "device ok" }, `${t("d_ok")}${LANG === "zh" ? "：" : ": "}${ok.map((d) => word("dev_", d.name)).join(LANG === "zh" ? "、" : ", ")}`));
    li.append(problems);
    if (["unreachable", "refused"].includes(k.status)) {
      li.append(el("div", { class: "muted" }, k.last_seen ? t("lastSeen", { t: clock(k.last_seen) }) : t("never")));
    }
    ul.append(li);
  }
  if (!kiosks.length) ul.append(el("li", { class: "muted" }, t("noKiosks")));
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
  if (r) say(r.called ? t("called", { t: r.called.number, c: r.called.counter }) : t("nobody"));
});
$("walk-in").addEventListener("click", async () => {
  const r = await post("/api/walk-in", { service: $("walkin-service").value });
  if (r) say(t("walkInIssued", { t: r.ticket, m: r.wait_min }));
});
$("lang").addEventListener("click", () => {
  setLang(LANG === "zh" ? "en" : "zh"); applyWords("title"); $("message").hidden = true; draw();
});
$("logout").addEventListener("click", async () => { await post("/logout", {}); location.href = "/login"; });
applyWords("title");
load().then(connect);
