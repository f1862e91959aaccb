// The teller console: signs in to the call hub over its WebSocket (video_teller/protocol.py),
// answers queued calls, and runs the call with the kiosk over WebRTC: the kiosk always offers;
// its "control" data channel carries pings, the customer's context and the teller's actions
// (video_teller/channel.py). Everything a kiosk or the hub sends is put on the page with
// textContent or as attribute values we check — never innerHTML.

import { t, translate, setLanguage, language, has } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = "smartbranch.teller.token";
const LANG_KEY = "smartbranch.console.language";
const PING_INTERVAL_MS = 1000; // channel.PING_INTERVAL_S
const BLIP_AFTER_MS = 3000; // channel.BLIP_AFTER_S
const ACTION_TIMEOUT_MS = 20000;
const MAX_CHANNEL_MESSAGE = 4 * 60 * 1024;
const MAX_ID_IMAGE = 200 * 1024;
const SKILLS = ["card_issuance", "accounts", "general"];
const CLOSE_UNAUTHORIZED = 4401;
const CLOSE_REPLACED = 4409;

// What the tests (and a curious teller in devtools) can read; nothing here is a secret.
const state = {
  hub: "closed", // closed | connecting | open
  signedIn: false,
  tellerId: null,
  tellerName: "",
  presence: null,
  queue: [],
  tellers: [],
  call: null, // the call.assigned message of the current call
  callState: "idle", // idle | connecting | in_call | reconnecting | ended
  attempt: -1,
  offers: 0,
  pcState: "none",
  iceState: "none",
  channel: "closed",
  framesReceived: 0, // counted with requestVideoFrameCallback on the kiosk's video
  framesDecoded: 0, // getStats inbound-rtp video
  framesSent: 0, // getStats outbound-rtp video
  audioPacketsReceived: 0,
  pingsReceived: 0,
  pongsReceived: 0,
  pingsSent: 0,
  rttMs: null,
  unstable: false,
  context: null,
  results: [],
  events: [],
  errors: [],
  signinError: null,
  endedReason: null,
  media: "none", // none | live | failed
  documentHash: null,
  kioskDocumentHash: null,
  documentSigned: null, // {hash, record} once the customer signed the pushed document
  callsAnswered: 0,
};
window.consoleState = state;

let ws = null;
let token = "";
let reconnectTimer = null;
let reconnectDelay = 1000;
let expiryTimer = null;
let expiresAt = 0;
let iceServers = [];
let localStream = null;
let mediaPromise = null;
let pc = null;
let dc = null;
let pendingCandidates = [];
let pingTimer = null;
let statsTimer = null;
let pingSeq = 0;
let lastPongAt = 0;
let snapshotAt = performance.now();
let frameCallbackVideo = null;
const pendingActions = new Map();
let lastDocument = null; // {title, text, hash, actionId}
let transferPending = null; // the call id we asked the hub to transfer

// ---------------------------------------------------------------- small helpers

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return e;
}

function str(v, max = 200) { return typeof v === "string" ? v.slice(0, max) : ""; }
function num(v) { return typeof v === "number" && Number.isFinite(v) ? v : null; }

function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  return m ? `${m}:${String(s % 60).padStart(2, "0")}` : `0:${String(s).padStart(2, "0")}`;
}

function label(prefix, value) {
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : String(value ?? "");
}

function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

function groupHex(hex) {
  return hex ? hex.match(/.{1,8}/g).join(" ") : "";
}

async function sha256Hex(text) {
  if (!crypto.subtle) return null; // only in a secure context (https or loopback)
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join("");
}

let bannerTimer = null;
function banner(text, kind = "info", sticky = false) {
  const b = $("banner");
  clearTimeout(bannerTimer);
  b.textContent = text;
  b.className = `banner ${kind}`;
  b.hidden = !text;
  if (text && !sticky) bannerTimer = setTimeout(() => { b.hidden = true; }, 8000);
}

function noteError(code, message) {
  const e = { code: str(code, 80), message: str(message, 500), at: Date.now() };
  state.errors.push(e);
  if (state.errors.length > 50) state.errors.shift();
  return e;
}

// ---------------------------------------------------------------- hub connection

function send(msg) {
  if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(msg)); return true; }
  return false;
}

function hubUrl() {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
}

function connect() {
  clearTimeout(reconnectTimer);
  if (ws) { ws.onclose = null; ws.close(); }
  state.hub = "connecting";
  const sock = new WebSocket(hubUrl());
  ws = sock;
  let refusal = null; // an error the hub sent before closing
  sock.onopen = () => { sock.send(JSON.stringify({ type: "hello", token })); };
  sock.onmessage = (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "error" && !state.signedIn) refusal = msg;
    try { onHubMessage(msg); } catch (err) { console.error(err); noteError("console", String(err)); }
  };
  sock.onclose = (ev) => {
    if (ws !== sock) return;
    ws = null;
    state.hub = "closed";
    const wasSignedIn = state.signedIn;
    state.signedIn = false;
    if (ev.code === CLOSE_UNAUTHORIZED) { signInRefused(refusal, ev.reason); return; }
    if (ev.code === CLOSE_REPLACED) { signOut(t("signin.replaced")); return; }
    if (!token) return;
    // The hub restarted or the network dropped: the call's media is peer to peer and goes
    // on; sign in again with the same token.
    banner(wasSignedIn ? t("hub.lost") : t("signin.unreachable"), "warn", true);
    reconnectTimer = setTimeout(connect, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 10000);
    render();
  };
}

function signInRefused(err, reason) {
  const text = `${err?.code ?? ""} ${err?.message ?? ""} ${reason ?? ""}`.toLowerCase();
  let message;
  if (text.includes("expire")) message = t("signin.expired");
  else if (text.includes("role")) message = t("signin.wrong_role");
  else if (text.includes("malformed")) message = t("signin.malformed");
  else if (text.includes("forged") || text.includes("signature") || text.includes("invalid")
           || text.includes("token") || !text.trim()) message = t("signin.forged");
  else message = t("signin.refused", { message: err?.message || reason });
  state.signinError = { code: err?.code ?? "unauthorized", message };
  signOut(message);
}

function signIn(value) {
  token = value.trim();
  if (!token) { showSigninError(t("signin.empty")); return; }
  state.signinError = null;
  $("signin-error").hidden = true;
  $("signin").disabled = true;
  $("signin").textContent = t("signin.working");
  reconnectDelay = 1000;
  connect();
}

function signOut(message = "") {
  clearTimeout(reconnectTimer);
  clearTimeout(expiryTimer);
  token = "";
  sessionStorage.removeItem(TOKEN_KEY);
  if (ws) { const s = ws; ws = null; s.onclose = null; s.close(1000); }
  endCallLocally(null);
  stopMedia();
  Object.assign(state, { hub: "closed", signedIn: false, tellerId: null, tellerName: "",
    presence: null, queue: [], tellers: [] });
  $("token").value = "";
  banner("");
  if (message) showSigninError(message);
  render();
}

function showSigninError(message) {
  const p = $("signin-error");
  p.textContent = message;
  p.hidden = !message;
  $("signin").disabled = false;
  $("signin").textContent = t("signin.button");
}

function onHubMessage(msg) {
  switch (msg.type) {
    case "welcome": return onWelcome(msg);
    case "queue.snapshot": return onSnapshot(msg);
    case "call.assigned": return onAssigned(msg);
    case "rtc.offer": return onOffer(msg);
    case "rtc.candidate": return onRemoteCandidate(msg);
    case "call.ended": return onEnded(msg);
    case "error": return onHubError(msg);
    default: return undefined; // a newer hub: ignore what we do not know
  }
}

function onWelcome(msg) {
  if (msg.role !== "teller") {
    // /ws takes either role: a kiosk's token signs in as that kiosk, which is no use here.
    state.signinError = { code: "wrong_role", message: t("signin.wrong_role") };
    signOut(t("signin.wrong_role"));
    return;
  }
  const reconnected = state.tellerId !== null;
  state.signedIn = true;
  state.hub = "open";
  state.tellerId = str(msg.id, 100);
  iceServers = iceConfig(msg.ice_servers);
  reconnectDelay = 1000;
  sessionStorage.setItem(TOKEN_KEY, token);
  showSigninError("");
  banner(reconnected ? t("hub.back") : "", "info");
  const ttl = num(msg.token_expires_in);
  clearTimeout(expiryTimer);
  expiresAt = ttl && ttl > 0 ? Date.now() + ttl * 1000 : 0;
  if (expiresAt) expiryTimer = setTimeout(() => signOut(t("session.expired")), ttl * 1000);
  startMedia();
  render();
}

function iceConfig(list) {
  if (!Array.isArray(list)) return [];
  return list.filter((s) => s && Array.isArray(s.urls)).map((s) => {
    const out = { urls: s.urls.filter((u) => typeof u === "string") };
    if (typeof s.username === "string") out.username = s.username;
    if (typeof s.credential === "string") out.credential = s.credential;
    return out;
  });
}

function onSnapshot(msg) {
  state.queue = Array.isArray(msg.calls) ? msg.calls : [];
  state.tellers = Array.isArray(msg.tellers) ? msg.tellers : [];
  state.presence = str(msg.presence, 20) || null;
  if (transferPending && state.call && state.call.call_id === transferPending && state.presence !== "busy") {
    // The hub took the call back for its new teller or skill (it sends us no call.ended).
    transferPending = null;
    endCallLocally("transferred");
  }
  const me = state.tellers.find((x) => x.teller_id === state.tellerId);
  if (me) state.tellerName = str(me.name, 100);
  snapshotAt = performance.now();
  render();
}

function onAssigned(msg) {
  if (state.call && state.call.call_id === msg.call_id) {
    // Signed in again mid-call (a hub restart or a blip of our own): the media is peer to
    // peer and may still be up; keep it.
    state.call = msg;
    render();
    return;
  }
  if (pc) closePeer();
  resetCall();
  state.call = msg;
  state.callState = "connecting";
  state.callsAnswered += 1;
  const servers = iceConfig(msg.ice_servers);
  if (servers.length) iceServers = servers;
  render();
}

function onEnded(msg) {
  if (!state.call || msg.call_id !== state.call.call_id) return;
  endCallLocally(str(msg.reason, 40) || "teller");
}

function onHubError(msg) {
  const e = noteError(msg.code, msg.message);
  if (!state.signedIn) return; // the close that follows says why
  const known = `hub.${e.code}`;
  banner(has(known) ? t(known, { message: e.message }) : t("error.generic", { code: e.code, message: e.message }), "error");
  if (transferPending && msg.call_id === transferPending) transferPending = null;
  if (state.call && msg.call_id === state.call.call_id && state.callState === "connecting" && !pc) {
    endCallLocally(null); // the answer was refused (taken by someone else…)
  }
}

// ---------------------------------------------------------------- local media

function startMedia() {
  if (mediaPromise) return mediaPromise;
  mediaPromise = navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true },
    video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 15 } },
  }).then((stream) => {
    localStream = stream;
    state.media = "live";
    $("self-video").srcObject = stream;
    return stream;
  }).catch((err) => {
    state.media = "failed";
    banner(t("call.no_media", { message: err.name || String(err) }), "warn", true);
    return null;
  });
  return mediaPromise;
}

function stopMedia() {
  if (localStream) for (const tr of localStream.getTracks()) tr.stop();
  localStream = null;
  mediaPromise = null;
  state.media = "none";
  $("self-video").srcObject = null;
}

// ---------------------------------------------------------------- the peer connection

async function onOffer(msg) {
  if (!state.call || msg.call_id !== state.call.call_id || typeof msg.sdp !== "string") return;
  const attempt = Number.isInteger(msg.attempt) ? msg.attempt : 0;
  if (attempt < state.attempt || (attempt === state.attempt && pc)) return; // stale or repeated
  if (pc) {
    // The kiosk rebuilt its peer connection after a blip (aiortc has no ICE restart): drop
    // ours and answer the new one.
    closePeer();
    state.callState = "reconnecting";
  }
  state.attempt = attempt;
  state.offers += 1;
  const stream = await startMedia();
  if (!state.call || msg.call_id !== state.call.call_id || state.attempt !== attempt) return;
  const mine = new RTCPeerConnection({ iceServers });
  pc = mine;
  mine.ontrack = (ev) => onRemoteTrack(ev);
  mine.ondatachannel = (ev) => { if (ev.channel.label === "control") setupChannel(ev.channel); };
  mine.onicecandidate = (ev) => {
    if (pc !== mine) return;
    const c = ev.candidate;
    if (c && !c.candidate) return; // a per-m-line end marker: the final null follows
    // The final null is forwarded too: aioice reports a failed check only after it.
    send({ type: "rtc.candidate", call_id: msg.call_id, attempt,
      candidate: c ? c.candidate : null,
      sdp_mid: c ? c.sdpMid : null, sdp_mline_index: c ? c.sdpMLineIndex : null });
  };
  mine.onconnectionstatechange = () => {
    if (pc !== mine) return;
    state.pcState = mine.connectionState;
    if (mine.connectionState === "connected" && state.callState !== "ended") state.callState = "in_call";
    render();
  };
  mine.oniceconnectionstatechange = () => { if (pc === mine) state.iceState = mine.iceConnectionState; };
  try {
    await mine.setRemoteDescription({ type: "offer", sdp: msg.sdp });
    if (pc !== mine) return;
    // After the offer, so the tracks take the transceivers the kiosk offered.
    if (stream) for (const track of stream.getTracks()) mine.addTrack(track, stream);
    for (const c of pendingCandidates.splice(0)) if (c.attempt === attempt) await addCandidate(c);
    const answer = await mine.createAnswer();
    await mine.setLocalDescription(answer);
    if (pc !== mine) return;
    send({ type: "rtc.answer", call_id: msg.call_id, sdp: mine.localDescription.sdp, attempt });
    state.pcState = mine.connectionState;
  } catch (err) {
    noteError("webrtc", String(err));
    banner(t("error.generic", { code: "WebRTC", message: String(err.message || err) }), "error");
  }
  startStats();
  render();
}

async function onRemoteCandidate(msg) {
  if (!state.call || msg.call_id !== state.call.call_id) return;
  const attempt = Number.isInteger(msg.attempt) ? msg.attempt : 0;
  if (!pc || !pc.remoteDescription || attempt > state.attempt) { pendingCandidates.push({ ...msg, attempt }); return; }
  if (attempt === state.attempt) await addCandidate(msg);
}

async function addCandidate(msg) {
  try {
    if (msg.candidate === null || msg.candidate === undefined) await pc.addIceCandidate();
    else await pc.addIceCandidate({ candidate: msg.candidate, sdpMid: msg.sdp_mid ?? null,
      sdpMLineIndex: msg.sdp_mline_index ?? null });
  } catch (err) { noteError("candidate", String(err)); }
}

function onRemoteTrack(ev) {
  const video = $("remote-video");
  const stream = ev.streams && ev.streams[0] ? ev.streams[0] : new MediaStream([ev.track]);
  if (video.srcObject !== stream) video.srcObject = stream;
  video.play().catch(() => {});
  if (ev.track.kind === "video") countFrames(video);
}

function countFrames(video) {
  if (!("requestVideoFrameCallback" in HTMLVideoElement.prototype) || frameCallbackVideo === video) return;
  frameCallbackVideo = video;
  const tick = () => {
    if (frameCallbackVideo !== video) return;
    if (video.srcObject) state.framesReceived += 1;
    video.requestVideoFrameCallback(tick);
  };
  video.requestVideoFrameCallback(tick);
}

function startStats() {
  clearInterval(statsTimer);
  statsTimer = setInterval(async () => {
    if (!pc) return;
    try {
      const report = await pc.getStats();
      report.forEach((s) => {
        if (s.type === "inbound-rtp" && s.kind === "video") state.framesDecoded = s.framesDecoded ?? 0;
        if (s.type === "inbound-rtp" && s.kind === "audio") state.audioPacketsReceived = s.packetsReceived ?? 0;
        if (s.type === "outbound-rtp" && s.kind === "video") state.framesSent = s.framesSent ?? s.framesEncoded ?? 0;
      });
    } catch { /* the connection closed under us */ }
  }, 500);
}

function closePeer() {
  clearInterval(pingTimer);
  clearInterval(statsTimer);
  if (dc) { dc.onmessage = dc.onclose = dc.onopen = null; try { dc.close(); } catch { /* closed */ } }
  dc = null;
  if (pc) {
    pc.ontrack = pc.ondatachannel = pc.onicecandidate = pc.onconnectionstatechange = null;
    pc.close();
  }
  pc = null;
  pendingCandidates = [];
  state.channel = "closed";
  state.pcState = "none";
  state.iceState = "none";
  state.unstable = false;
  $("remote-video").srcObject = null;
  frameCallbackVideo = null;
}

function resetCall() {
  Object.assign(state, { attempt: -1, context: null, unstable: false, rttMs: null,
    framesReceived: 0, framesDecoded: 0, framesSent: 0, audioPacketsReceived: 0,
    pingsReceived: 0, pongsReceived: 0, pingsSent: 0, endedReason: null,
    documentHash: null, kioskDocumentHash: null });
  pendingActions.clear();
  lastDocument = null;
}

function endCallLocally(reason) {
  closePeer();
  for (const [id, p] of pendingActions) { clearTimeout(p.timer); setResult(id, { status: "timeout" }); }
  pendingActions.clear();
  if (state.call && reason) {
    state.callState = "ended";
    state.endedReason = reason;
  } else {
    state.callState = "idle";
  }
  state.call = null;
  state.context = null;
  transferPending = null;
  render();
}

// ---------------------------------------------------------------- the data channel

function setupChannel(channel) {
  if (dc) { dc.onmessage = dc.onclose = null; dc.close(); }
  dc = channel;
  const mine = channel;
  const opened = () => {
    if (dc !== mine) return;
    state.channel = "open";
    lastPongAt = performance.now();
    clearInterval(pingTimer);
    pingTimer = setInterval(() => ping(mine), PING_INTERVAL_MS);
    render();
  };
  mine.onopen = opened;
  if (mine.readyState === "open") opened();
  mine.onclose = () => { if (dc === mine) { state.channel = "closed"; clearInterval(pingTimer); render(); } };
  mine.onmessage = (ev) => {
    if (dc !== mine || typeof ev.data !== "string" || ev.data.length > MAX_CHANNEL_MESSAGE) return;
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg && typeof msg === "object") onChannelMessage(msg);
  };
}

function channelSend(msg) {
  if (dc && dc.readyState === "open") { dc.send(JSON.stringify(msg)); return true; }
  return false;
}

function ping(channel) {
  if (dc !== channel || channel.readyState !== "open") return;
  pingSeq += 1;
  state.pingsSent += 1;
  channelSend({ type: "ping", seq: pingSeq, t: performance.now() / 1000 });
  const silent = performance.now() - lastPongAt;
  const unstable = silent > BLIP_AFTER_MS;
  if (unstable !== state.unstable || unstable) { state.unstable = unstable; renderUnstable(silent); }
}

function onChannelMessage(msg) {
  switch (msg.type) {
    case "ping":
      state.pingsReceived += 1;
      channelSend({ type: "pong", seq: msg.seq, t: msg.t });
      return;
    case "pong":
      state.pongsReceived += 1;
      lastPongAt = performance.now();
      if (num(msg.t) !== null) state.rttMs = Math.round(performance.now() - msg.t * 1000);
      if (state.unstable) { state.unstable = false; renderUnstable(0); }
      renderRtt();
      return;
    case "context":
      state.context = msg;
      renderContext();
      renderActions();
      return;
    case "action.result":
      return onActionResult(msg);
    case "event":
      return onEvent(msg);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- actions

function sendAction(name, args = {}) {
  const allowed = state.context && Array.isArray(state.context.allowed) ? state.context.allowed : [];
  if (!allowed.includes(name)) return null;
  const id = newId();
  if (!channelSend({ type: "action", id, name, args })) return null;
  const timer = setTimeout(() => {
    if (pendingActions.delete(id)) setResult(id, { status: "timeout" });
  }, ACTION_TIMEOUT_MS);
  pendingActions.set(id, { name, timer });
  state.results.unshift({ id, name, status: "pending", reason: "", message: "", data: {}, at: Date.now() });
  if (state.results.length > 30) state.results.pop();
  renderResults();
  return id;
}

function setResult(id, fields) {
  const r = state.results.find((x) => x.id === id);
  if (r) Object.assign(r, fields);
  renderResults();
}

function kioskHash(data) {
  if (!data || typeof data !== "object") return null;
  for (const k of ["sha256", "document_sha256", "hash"]) {
    if (typeof data[k] === "string" && /^[0-9a-f]{64}$/i.test(data[k])) return data[k].toLowerCase();
  }
  return null;
}

function onActionResult(msg) {
  const p = pendingActions.get(msg.id);
  if (!p) return; // not ours, or already timed out
  clearTimeout(p.timer);
  pendingActions.delete(msg.id);
  const data = msg.data && typeof msg.data === "object" ? msg.data : {};
  setResult(msg.id, { status: msg.ok === true ? "ok" : "refused", reason: str(msg.reason, 80),
    message: str(msg.message, 500), data });
  if (p.name === "document.sign" && lastDocument && lastDocument.actionId === msg.id) {
    const h = kioskHash(data);
    if (h) { state.kioskDocumentHash = h; renderDocumentHashes(); }
  }
}

function onEvent(msg) {
  const name = str(msg.name, 80);
  const data = msg.data && typeof msg.data === "object" ? msg.data : {};
  state.events.push({ name, data, at: Date.now() });
  if (state.events.length > 50) state.events.shift();
  let text = t("event.generic", { name });
  if (name === "document.signed") {
    const h = kioskHash(data);
    if (h) { state.kioskDocumentHash = h; renderDocumentHashes(); }
    text = t("document.signed", { title: str(data.title, 120) || lastDocument?.title || "" });
    state.documentSigned = { hash: h, record: str(data.record_id, 140) };
  } else if (name === "document.declined" || name === "document.failed") {
    text = t(name, { title: lastDocument?.title || "", message: str(data.message, 200) });
  }
  const r = { id: newId(), name: "event", status: "event", reason: "", message: text, data, at: Date.now() };
  state.results.unshift(r);
  renderResults();
}

function documentBody(title, text) { return `# ${title}\n\n${text}\n`; }

async function sendDocument() {
  const title = $("doc-title").value.trim();
  const text = $("doc-text").value.trim();
  if (!title || !text) { $("doc-title").focus(); return; }
  // What the kiosk shows and signs is this Markdown, UTF-8 (customer_flows/teller_actions.py);
  // the hash here is computed independently and must equal the one the kiosk reports.
  const hash = await sha256Hex(documentBody(title, text));
  const id = sendAction("document.sign", { title, text, language: state.context?.language || language() });
  if (!id) return;
  lastDocument = { title, text, hash, actionId: id };
  state.documentHash = hash;
  state.kioskDocumentHash = null;
  renderDocumentHashes();
}

// ---------------------------------------------------------------- rendering

function render() {
  const signedIn = state.signedIn || (state.tellerId !== null && !!token);
  $("signin-view").hidden = signedIn;
  $("desk").hidden = !signedIn;
  $("presence-bar").hidden = !signedIn;
  $("signout").hidden = !signedIn;
  $("teller-name").textContent = signedIn ? (state.tellerName || state.tellerId || "") : "";
  renderSession();
  renderPresence();
  renderQueue();
  renderTellers();
  renderCall();
  renderContext();
  renderActions();
  renderResults();
  renderDocumentHashes();
}

function renderSession() {
  const note = $("session-note");
  if (!expiresAt || !state.tellerId) { note.textContent = ""; return; }
  const min = Math.max(0, Math.ceil((expiresAt - Date.now()) / 60000));
  note.textContent = min <= 30 ? t("session.expires", { min }) : "";
}

function inCall() { return state.call !== null; }

function renderPresence() {
  const busy = state.presence === "busy" || inCall();
  for (const b of document.querySelectorAll("[data-presence]")) {
    const on = b.dataset.presence === state.presence;
    b.setAttribute("aria-checked", on ? "true" : "false");
    b.classList.toggle("on", on);
    b.disabled = busy || !state.signedIn;
  }
  $("busy").hidden = !busy;
}

/** Replace a select's options only when they changed (an open list stays open). */
function setOptions(sel, options) {
  const sig = JSON.stringify(options);
  if (sel.dataset.sig === sig) return;
  const keep = sel.value;
  sel.replaceChildren(...options.map(([value, text]) => el("option", { value }, text)));
  sel.dataset.sig = sig;
  if (options.some(([value]) => value === keep)) sel.value = keep;
}

function renderQueue() {
  const list = $("queue");
  const focused = document.activeElement?.dataset?.answer; // keep a keyboard user's place
  const calls = state.queue;
  $("queue-count").textContent = t("queue.count", { n: calls.length });
  $("queue-empty").hidden = calls.length > 0;
  const canAnswer = state.signedIn && !inCall();
  $("answer-next").disabled = !canAnswer || !calls.some((c) => c.eligible);
  list.replaceChildren(...calls.map((c) => {
    const badges = el("div", { class: "badges" },
      el("span", { class: "badge lang" }, label("language", str(c.language, 20))),
      el("span", { class: "badge skill" }, label("skill", str(c.skill, 40))));
    if (c.needs_help) badges.append(el("span", { class: "badge help" }, t("queue.needs_help")));
    if (c.flow === "card_issuance") badges.append(el("span", { class: "badge flow" }, t("queue.card_flow")));
    else if (c.flow) badges.append(el("span", { class: "badge flow" }, t("queue.flow", { flow: str(c.flow, 40) })));
    const answerButton = el("button", { type: "button", class: "primary", "data-answer": c.call_id,
      disabled: !canAnswer || !c.eligible,
      "aria-label": `${t("queue.answer")} — ${t("queue.kiosk", { id: str(c.kiosk_id, 60) })}`,
      onclick: () => answer(c.call_id) }, t("queue.answer"));
    const wait = el("span", { class: "wait", "data-waiting": String(num(c.waiting_s) ?? 0) });
    const item = el("li", { class: c.eligible ? "call-item" : "call-item ineligible", "data-call": c.call_id,
      "aria-disabled": c.eligible ? "false" : "true" },
      el("div", { class: "line" }, el("strong", {}, t("queue.kiosk", { id: str(c.kiosk_id, 60) })), wait),
      badges,
      el("p", { class: "reason" }, str(c.reason, 300) || t("queue.no_reason")),
      c.eligible ? answerButton : el("p", { class: "muted small" }, t("queue.ineligible")));
    if (!c.eligible) item.title = t("queue.ineligible");
    return item;
  }));
  if (focused) list.querySelector(`[data-answer="${CSS.escape(focused)}"]`)?.focus();
  tickWaits();
}

function tickWaits() {
  const extra = (performance.now() - snapshotAt) / 1000;
  for (const w of document.querySelectorAll("#queue .wait")) {
    w.textContent = t("queue.waiting", { time: duration(Number(w.dataset.waiting) + extra) });
  }
}

function renderTellers() {
  const ul = $("tellers");
  ul.replaceChildren(...state.tellers.map((x) => el("li", { class: `teller p-${str(x.presence, 20)}` },
    el("span", { class: "dot", "aria-hidden": "true" }),
    el("span", {}, str(x.name, 100) || str(x.teller_id, 100)),
    el("span", { class: "muted" }, label("presence", str(x.presence, 20))))));
  // transfer targets: every skill, and every other teller
  const options = SKILLS.map((s) => [`skill:${s}`, t("transfer.skill", { skill: label("skill", s) })]);
  for (const x of state.tellers) {
    if (x.teller_id === state.tellerId) continue;
    options.push([`teller:${str(x.teller_id, 100)}`, t("transfer.teller", {
      name: str(x.name, 100) || str(x.teller_id, 100), presence: label("presence", str(x.presence, 20)) })]);
  }
  setOptions($("transfer-to"), options);
}

function renderCall() {
  const status = $("call-status");
  const cs = state.callState;
  let text = t("call.idle");
  if (cs === "connecting") text = t("call.connecting");
  else if (cs === "in_call") text = t("call.in_call");
  else if (cs === "reconnecting") text = t("call.reconnecting");
  else if (cs === "ended") text = t("call.ended", { reason: label("end", state.endedReason) });
  status.textContent = text;
  status.dataset.state = cs;
  const c = state.call;
  $("call-info").textContent = c ? t("call.info", { kiosk: str(c.kiosk_id, 60), language: label("language", str(c.language, 20)),
    skill: label("skill", str(c.skill, 40)), time: duration(num(c.waited_s) ?? 0) }) : "";
  const live = inCall();
  $("end").disabled = !live;
  $("transfer").disabled = !live;
  $("transfer-to").disabled = !live;
  $("mute").disabled = !live || !localStream;
  $("camera").disabled = !live || !localStream;
  const audio = localStream?.getAudioTracks()[0];
  const video = localStream?.getVideoTracks()[0];
  $("mute").textContent = audio && !audio.enabled ? t("call.unmute") : t("call.mute");
  $("camera").textContent = video && !video.enabled ? t("call.camera_on") : t("call.camera_off");
  $("remote-video").setAttribute("aria-label", t("call.remote_label"));
  $("self-video").setAttribute("aria-label", t("call.self_label"));
  document.body.classList.toggle("in-call", live);
  renderUnstable(performance.now() - lastPongAt);
  renderRtt();
}

function renderUnstable(silentMs) {
  const u = $("unstable");
  u.hidden = !state.unstable || !inCall();
  if (!u.hidden) u.textContent = t("call.unstable", { s: Math.floor(silentMs / 1000) });
}

function renderRtt() {
  const info = $("call-info");
  if (!state.call) return;
  const base = t("call.info", { kiosk: str(state.call.kiosk_id, 60), language: label("language", str(state.call.language, 20)),
    skill: label("skill", str(state.call.skill, 40)), time: duration(num(state.call.waited_s) ?? 0) });
  info.textContent = state.rttMs !== null && state.channel === "open" ? `${base} · ${t("call.rtt", { ms: state.rttMs })}` : base;
}

const ID_IMAGE = /^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/;

function renderContext() {
  const ctx = state.context;
  $("context").hidden = !ctx;
  $("context-none").hidden = !!ctx || !inCall();
  if (!ctx) { $("id-image").removeAttribute("src"); return; }
  $("ctx-customer").textContent = str(ctx.customer, 120) || "—";
  $("ctx-flow").textContent = str(ctx.flow, 80) || "—";
  $("ctx-step").textContent = str(ctx.step, 80) || "—";
  $("ctx-state").textContent = str(ctx.state, 80) || "—";
  $("ctx-language").textContent = label("language", str(ctx.language, 20)) || "—";
  const img = $("id-image");
  const src = typeof ctx.id_image === "string" && ctx.id_image.length <= MAX_ID_IMAGE && ID_IMAGE.test(ctx.id_image)
    ? ctx.id_image : null;
  if (src) { if (img.getAttribute("src") !== src) img.src = src; img.hidden = false; img.alt = t("context.id_image"); }
  else { img.removeAttribute("src"); img.hidden = true; }
  $("id-image-caption").textContent = src ? t("context.id_image") : t("context.no_id_image");
  const d = num(ctx.face_distance);
  const th = num(ctx.match_threshold);
  const face = $("ctx-face");
  const meter = $("face-meter");
  if (d === null) { face.textContent = t("context.face_none"); face.className = ""; meter.hidden = true; }
  else {
    const verdict = th === null ? "" : ` — ${d < th ? t("context.face_match") : t("context.face_nomatch")}`;
    face.textContent = `${t("context.face_value", { d: d.toFixed(3), t: th === null ? "?" : th.toFixed(3) })}${verdict}`;
    face.className = th === null ? "" : (d < th ? "good-text" : "bad-text");
    meter.hidden = th === null;
    if (th !== null) { meter.max = Math.max(1, th * 2); meter.optimum = 0; meter.low = th * 0.8; meter.high = th; meter.value = d; }
  }
  const live = str(ctx.liveness, 20);
  const lv = $("ctx-liveness");
  lv.textContent = live ? label("liveness", live) : t("liveness.none");
  lv.className = live === "passed" ? "good-text" : live === "failed" ? "bad-text" : live === "borderline" ? "warn-text" : "";
}

function renderActions() {
  const allowed = state.context && Array.isArray(state.context.allowed) ? state.context.allowed : [];
  const open = state.channel === "open" && inCall();
  for (const b of document.querySelectorAll("[data-action]")) {
    const ok = open && allowed.includes(b.dataset.action);
    b.disabled = !ok;
    b.title = ok ? "" : (open ? t("actions.not_allowed") : t("actions.no_channel"));
  }
  const steps = state.context && Array.isArray(state.context.handback_steps)
    ? state.context.handback_steps.filter((x) => typeof x === "string") : [];
  setOptions($("handback-step"), steps.length ? steps.map((x) => [str(x, 80), label("step", str(x, 80))])
    : [["", t("handback.none")]]);
  if (!steps.length) $("handback").disabled = true;
}

function actionLabel(name) { return label("action", name); }

function resultText(r) {
  if (r.status === "event") return r.message;
  if (r.status === "pending") return t("results.pending", { action: actionLabel(r.name) });
  if (r.status === "ok") return t("results.ok", { action: actionLabel(r.name) }) + (r.message ? ` — ${r.message}` : "");
  if (r.status === "timeout") return t("results.timeout", { action: actionLabel(r.name) });
  return t("results.refused", { action: actionLabel(r.name), reason: r.message || r.reason || "?" })
    + (r.message && r.reason ? ` (${r.reason})` : "");
}

function renderResults() {
  const last = $("last-result");
  const newest = state.results[0];
  last.hidden = !newest || !inCall();
  if (newest) { last.textContent = resultText(newest); last.className = `result r-${newest.status}`; }
  const ol = $("results");
  ol.replaceChildren(...state.results.slice(0, 12).map((r) => {
    return el("li", { class: `result r-${r.status}`, "data-result": r.id, "data-status": r.status,
      "data-name": r.name }, resultText(r));
  }));
}

function renderDocumentHashes() {
  const box = $("doc-hashes");
  box.hidden = !state.documentHash && !state.kioskDocumentHash;
  // In groups of 8, as the kiosk shows it to the customer: easy to read out and compare.
  $("doc-hash-local").textContent = groupHex(state.documentHash) || "—";
  $("doc-hash-kiosk").textContent = groupHex(state.kioskDocumentHash) || "…";
  const check = $("doc-hash-check");
  check.hidden = !(state.documentHash && state.kioskDocumentHash);
  if (!check.hidden) {
    const same = state.documentHash === state.kioskDocumentHash;
    check.textContent = same ? t("document.hash_match") : t("document.hash_mismatch");
    check.className = `hash-check ${same ? "good-text" : "bad-text"}`;
    check.dataset.match = same ? "true" : "false";
  }
}

// ---------------------------------------------------------------- teller input

function answer(callId = null) {
  if (!state.signedIn || inCall()) return;
  startMedia(); // usually already live since sign-in
  send(callId ? { type: "call.answer", call_id: callId } : { type: "call.answer" });
}

function wire() {
  $("signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn($("token").value); });
  $("token").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); signIn($("token").value); }
  });
  $("signout").addEventListener("click", () => signOut());
  $("lang").addEventListener("click", () => {
    localStorage.setItem(LANG_KEY, setLanguage(language() === "zh_CN" ? "en_US" : "zh_CN"));
    translate();
    if (!$("signin-error").hidden && state.signinError) $("signin-error").textContent = state.signinError.message;
    render();
  });
  for (const b of document.querySelectorAll("[data-presence]")) {
    b.addEventListener("click", () => send({ type: "presence.set", state: b.dataset.presence }));
  }
  $("answer-next").addEventListener("click", () => answer(null));
  $("end").addEventListener("click", () => {
    if (!state.call) return;
    send({ type: "call.end", call_id: state.call.call_id, reason: "teller" });
    endCallLocally("teller");
  });
  $("mute").addEventListener("click", () => {
    for (const tr of localStream?.getAudioTracks() ?? []) tr.enabled = !tr.enabled;
    renderCall();
  });
  $("camera").addEventListener("click", () => {
    for (const tr of localStream?.getVideoTracks() ?? []) tr.enabled = !tr.enabled;
    renderCall();
  });
  $("transfer-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!state.call) return;
    const [kind, target] = $("transfer-to").value.split(/:(.*)/s);
    const msg = { type: "call.transfer", call_id: state.call.call_id };
    if (kind === "skill") msg.to_skill = target; else msg.to_teller = target;
    if (send(msg)) { transferPending = state.call.call_id; banner(t("transfer.done"), "info"); }
  });
  for (const b of document.querySelectorAll("button[data-action^='identity.']")) {
    b.addEventListener("click", () => sendAction(b.dataset.action, {}));
  }
  $("print-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sendAction("print", { kind: $("print-kind").value, title: $("print-title").value.trim(),
      text: $("print-text").value.trim(), language: state.context?.language || language() });
  });
  $("document-form").addEventListener("submit", (ev) => { ev.preventDefault(); sendDocument(); });
  $("handback-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const step = $("handback-step").value;
    if (step) sendAction("handback", { step });
  });
  setInterval(() => { tickWaits(); renderSession(); }, 1000);
}

function start() {
  setLanguage(localStorage.getItem(LANG_KEY) || (navigator.language?.startsWith("zh") ? "zh_CN" : "en_US"));
  translate();
  wire();
  render();
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) { $("token").value = ""; signIn(saved); }
}

start();
