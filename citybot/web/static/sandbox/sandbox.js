/* The sandbox page: residents' chats with the bot and the staff group, over the emulator.
   State from /sandbox/state, live changes from /sandbox/events (server-sent events), actions
   to /sandbox/act and /sandbox/photo. No framework: a few render functions over one object. */
"use strict";

const WORDS = JSON.parse(document.getElementById("words").textContent);
const LANG = document.documentElement.lang;
const $ = (id) => document.getElementById(id);

const sandbox = {
  bot: null, residents: [], officials: [], staff: null,
  chats: new Map(),          // chat id -> {messages: Map(id -> message), keyboard, topics}
  resident: null,            // the resident whose chat is shown
  topic: 0,                  // the staff group's topic shown (0: General)
  replyTo: {resident: null, staff: null},
  unread: new Map(),         // "chat:thread" -> count
  map: null, pin: null, picked: null, plan: null,
};
window.sandbox = sandbox;    // for the browser tests and the curious

// ------------------------------------------------------------------------------ the words
function applyWords() {
  document.querySelectorAll("[data-word]").forEach((el) => { el.textContent = WORDS[el.dataset.word]; });
  document.querySelectorAll("[data-title]").forEach((el) => { el.title = WORDS[el.dataset.title]; });
  document.querySelectorAll("[data-placeholder]").forEach((el) => { el.placeholder = WORDS[el.dataset.placeholder]; });
  document.querySelectorAll(".languages a").forEach((a) => {
    if (a.hreflang === LANG) a.style.fontWeight = "bold";
  });
}

// --------------------------------------------------------------------------------- state
function chat(id) {
  const key = String(id);
  if (!sandbox.chats.has(key)) sandbox.chats.set(key, {messages: new Map(), keyboard: null, topics: []});
  return sandbox.chats.get(key);
}

function absorb(id, extras) {
  const c = chat(id);
  if ("keyboard" in extras) c.keyboard = extras.keyboard;
  if ("topics" in extras) c.topics = extras.topics;
}

async function load() {
  const state = await (await fetch("/sandbox/state")).json();
  sandbox.bot = state.bot;
  sandbox.residents = state.residents;
  sandbox.officials = state.officials;
  sandbox.staff = state.staff;
  sandbox.chats.clear();
  for (const [id, data] of Object.entries(state.chats)) {
    const c = chat(id);
    data.messages.forEach((m) => c.messages.set(m.message_id, m));
    absorb(id, data);
  }
  if (!sandbox.resident || !sandbox.residents.some((r) => r.id === sandbox.resident)) {
    sandbox.resident = sandbox.residents[0].id;
  }
  renderAll();
}

/* Follow first, then read the state (again after each reconnection): nothing falls between. */
function follow() {
  const events = new EventSource("/sandbox/events");
  events.onopen = () => load();
  events.onmessage = (e) => handle(JSON.parse(e.data));
}

function handle(ev) {
  if (!sandbox.staff) return;  // the state, read next, has it
  if (ev.event === "person") {
    (ev.role === "official" ? sandbox.officials : sandbox.residents).push(ev.person);
    renderAll();
    return;
  }
  absorb(ev.chat, ev);
  const c = chat(ev.chat);
  if (ev.event === "answered") {
    if (ev.text) toast(ev.text);
    return;
  }
  const m = ev.message;
  let fresh = false;
  if (ev.event === "deleted") c.messages.delete(m.message_id);
  else {
    fresh = !c.messages.has(m.message_id);
    c.messages.set(m.message_id, m);
    if (fresh) countUnread(ev.chat, m);
  }
  if (ev.chat === sandbox.staff.id) { renderTopics(); renderStaffLog(fresh); }
  else {
    renderResidentTabs();
    if (ev.chat === sandbox.resident) { renderKeyboard(); renderResidentLog(fresh); }
  }
}

function countUnread(chatId, m) {
  const shown = chatId === sandbox.staff.id ? (threadOf(m) === sandbox.topic) : chatId === sandbox.resident;
  if (shown) return;
  const key = `${chatId}:${chatId === sandbox.staff.id ? threadOf(m) : 0}`;
  sandbox.unread.set(key, (sandbox.unread.get(key) || 0) + 1);
}

const threadOf = (m) => m.message_thread_id || 0;

// ----------------------------------------------------------------------------- rendering
function renderAll() {
  renderResidentTabs(); renderResidentLog(); renderKeyboard();
  renderOfficials(); renderTopics(); renderStaffLog();
  $("staff-title").textContent = `${WORDS.staff}: ${sandbox.staff.title}`;
}

function tab(label, active, unread, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "tab" + (active ? " active" : "");
  b.textContent = label;
  if (unread) {
    const badge = document.createElement("span");
    badge.className = "badge"; badge.textContent = unread; b.append(badge);
  }
  b.onclick = onclick;
  return b;
}

function renderResidentTabs() {
  const box = $("resident-tabs");
  box.replaceChildren(...sandbox.residents.map((r) => tab(
    `${r.name} (${r.language})`, r.id === sandbox.resident, sandbox.unread.get(`${r.id}:0`),
    () => { sandbox.resident = r.id; sandbox.unread.delete(`${r.id}:0`); setReply("resident", null);
      renderResidentTabs(); renderResidentLog(); renderKeyboard(); })));
}

function renderOfficials() {
  const select = $("official");
  const current = select.value;
  select.replaceChildren(...sandbox.officials.map((o) => {
    const option = document.createElement("option");
    option.value = o.id; option.textContent = `${o.name} (${o.language})`;
    return option;
  }));
  if (current) select.value = current;
}

function renderTopics() {
  const topics = [{id: 0, name: WORDS.general}, ...chat(sandbox.staff.id).topics];
  $("topic-tabs").replaceChildren(...topics.map((t) => tab(
    t.name, t.id === sandbox.topic, sandbox.unread.get(`${sandbox.staff.id}:${t.id}`),
    () => { sandbox.topic = t.id; sandbox.unread.delete(`${sandbox.staff.id}:${t.id}`);
      setReply("staff", null); renderTopics(); renderStaffLog(); })));
}

function sorted(c) {
  return [...c.messages.values()].sort((a, b) => a.message_id - b.message_id);
}

/* A new message scrolls the chat to the bottom, as in Telegram; an edit keeps the place. */
function renderLog(box, messages, pane, emptyThen, fresh) {
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const top = box.scrollTop;
  box.replaceChildren(...messages.map((m) => messageElement(m, pane)));
  if (!messages.length && emptyThen) box.append(emptyThen());
  if (fresh || atBottom || box.dataset.shown !== box.dataset.want) box.scrollTop = box.scrollHeight;
  else box.scrollTop = top;
  box.dataset.shown = box.dataset.want;
}

function renderResidentLog(fresh) {
  const box = $("resident-log");
  box.dataset.want = String(sandbox.resident);
  renderLog(box, sorted(chat(sandbox.resident)), "resident", () => {
    const start = document.createElement("button");
    start.className = "start"; start.type = "button"; start.textContent = WORDS.start;
    start.onclick = () => act("resident", {action: "text", text: "/start"});
    return start;
  }, fresh);
}

function renderStaffLog(fresh) {
  const box = $("staff-log");
  box.dataset.want = String(sandbox.topic);
  const messages = sorted(chat(sandbox.staff.id)).filter((m) => threadOf(m) === sandbox.topic);
  renderLog(box, messages, "staff", null, fresh);
}

function renderKeyboard() {
  const markup = chat(sandbox.resident).keyboard;
  const box = $("resident-keyboard");
  box.replaceChildren(...((markup && markup.keyboard) || []).map((row) => {
    const line = document.createElement("div");
    line.className = "row";
    row.forEach((b) => {
      const button = typeof b === "string" ? {text: b} : b;
      const el = document.createElement("button");
      el.type = "button"; el.textContent = button.text;
      el.onclick = () => {
        if (button.request_location) openLocation();
        else if (button.request_contact) act("resident", {action: "contact"});
        else act("resident", {action: "text", text: button.text});
      };
      line.append(el);
    });
    return line;
  }));
}

function personName(from) {
  if (!from) return "";
  return [from.first_name, from.last_name].filter(Boolean).join(" ");
}

function messageElement(m, pane) {
  const el = document.createElement("div");
  const fromBot = m.from && sandbox.bot && m.from.id === sandbox.bot.id;
  el.className = "msg" + (fromBot ? "" : " mine");
  el.dataset.id = m.message_id;
  if (m.forum_topic_created) {
    el.className = "msg service";
    el.textContent = `${WORDS["topic-created"]}: ${m.forum_topic_created.name}`;
    return el;
  }
  if (pane === "staff" || !fromBot) {
    const who = document.createElement("div");
    who.className = "who"; who.textContent = personName(m.from);
    el.append(who);
  }
  const quoted = m.reply_to_message;
  if (quoted && !quoted.forum_topic_created) {
    const q = document.createElement("div");
    q.className = "quote";
    q.textContent = `${personName(quoted.from)}: ${quoted.text || quoted.caption || "…"}`;
    el.append(q);
  }
  if (m.photo) {
    const img = document.createElement("img");
    img.className = "photo"; img.alt = WORDS.photo;
    img.src = `/sandbox/files/${encodeURIComponent(m.photo[m.photo.length - 1].file_id)}`;
    el.append(img);
  }
  const body = document.createElement("div");
  body.className = "body";
  if (m.venue) body.textContent = `📍 ${m.venue.title}${m.venue.address ? ", " + m.venue.address : ""}`;
  else if (m.location) body.textContent = `📍 ${WORDS["shared-location"]}: ${m.location.latitude.toFixed(5)}, ${m.location.longitude.toFixed(5)}`;
  else if (m.text !== undefined) body.innerHTML = formatted(m.text, m.entities);
  else if (m.caption !== undefined) body.innerHTML = formatted(m.caption, m.caption_entities);
  else if (!m.photo) {
    const kind = ["document", "voice", "video", "sticker", "audio", "animation", "contact"].find((k) => k in m);
    body.textContent = kind ? `<${kind}>` : "";
  }
  if (body.textContent) el.append(body);
  const inline = m.reply_markup && m.reply_markup.inline_keyboard;
  if (inline) el.append(inlineKeyboard(m, inline, pane));
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(m.date * 1000).toLocaleTimeString(LANG, {hour: "2-digit", minute: "2-digit"});
  meta.textContent = (m.edit_date ? WORDS.edited + " · " : "") + time;
  el.append(meta);
  const reply = document.createElement("button");
  reply.type = "button"; reply.className = "reply-button"; reply.title = WORDS.reply; reply.textContent = "↩";
  reply.onclick = () => setReply(pane, m);
  el.append(reply);
  return el;
}

function inlineKeyboard(m, rows, pane) {
  const box = document.createElement("div");
  box.className = "inline";
  rows.forEach((row) => {
    const line = document.createElement("div");
    line.className = "row";
    row.forEach((b) => {
      const el = document.createElement("button");
      el.type = "button"; el.textContent = b.text;
      el.onclick = () => {
        if (b.callback_data !== undefined) act(pane, {action: "click", message: m.message_id, data: b.callback_data});
        else if (b.url) window.open(b.url, "_blank", "noopener");
      };
      line.append(el);
    });
    box.append(line);
  });
  return box;
}

const escapeHtml = (s) => s.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));

function tags(e) {
  const simple = {bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code",
                  pre: "pre", spoiler: "mark", blockquote: "blockquote", expandable_blockquote: "blockquote"};
  if (simple[e.type]) return [`<${simple[e.type]}>`, `</${simple[e.type]}>`];
  if (e.type === "text_link" && /^(https?|tg):/.test(e.url)) {
    return [`<a href="${escapeHtml(e.url)}" target="_blank" rel="noopener">`, "</a>"];
  }
  return ["", ""];
}

/* Telegram's entities count UTF-16 code units, as JavaScript strings do. */
function formatted(text, entities) {
  const opens = new Map(), closes = new Map();
  (entities || []).forEach((e) => {
    const [open, close] = tags(e);
    if (!open) return;
    if (!opens.has(e.offset)) opens.set(e.offset, []);
    opens.get(e.offset).push(open);
    const end = e.offset + e.length;
    if (!closes.has(end)) closes.set(end, []);
    closes.get(end).unshift(close);
  });
  let out = "";
  for (let i = 0; i <= text.length; i++) {
    (closes.get(i) || []).forEach((t) => { out += t; });
    (opens.get(i) || []).forEach((t) => { out += t; });
    if (i < text.length) out += escapeHtml(text[i]);
  }
  return out;
}

// ------------------------------------------------------------------------------- acting
function who(pane) {
  return pane === "staff" ? Number($("official").value) : sandbox.resident;
}

function where(pane) {
  return pane === "staff" ? {chat: sandbox.staff.id, thread: sandbox.topic || null}
                          : {chat: sandbox.resident};
}

async function act(pane, body) {
  const request = {as: who(pane), ...where(pane), ...body};
  if (body.action !== "click" && sandbox.replyTo[pane]) request.reply_to = sandbox.replyTo[pane].message_id;
  const answer = await fetch("/sandbox/act", {method: "POST", headers: {"Content-Type": "application/json"},
                                              body: JSON.stringify(request)});
  if (body.action !== "click") setReply(pane, null);
  if (!answer.ok) notSent(pane, answer);
}

async function notSent(pane, answer) {
  let reason = answer.statusText;
  try { reason = (await answer.json()).error || reason; } catch (e) { /* not JSON */ }
  const line = document.createElement("div");
  line.className = "error"; line.textContent = `${WORDS["not-sent"]} ${reason}`;
  $(`${pane}-log`).append(line);
}

function setReply(pane, m) {
  sandbox.replyTo[pane] = m;
  const bar = $(`${pane}-replying`);
  bar.hidden = !m;
  if (!m) { bar.replaceChildren(); return; }
  const text = document.createElement("span");
  text.textContent = `${WORDS["reply-to"]}: ${m.text || m.caption || "…"}`;
  const cancel = document.createElement("button");
  cancel.type = "button"; cancel.textContent = "✕"; cancel.onclick = () => setReply(pane, null);
  bar.replaceChildren(text, cancel);
  $(`${pane}-text`).focus();
}

function composer(pane) {
  $(`${pane}-composer`).onsubmit = (e) => {
    e.preventDefault();
    const input = $(`${pane}-text`);
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    act(pane, {action: "text", text});
  };
  $(`${pane}-photo`).onchange = async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const form = new FormData();
    const place = where(pane);
    form.append("as", who(pane));
    form.append("chat", place.chat);
    if (place.thread) form.append("thread", place.thread);
    if (sandbox.replyTo[pane]) form.append("reply_to", sandbox.replyTo[pane].message_id);
    const input = $(`${pane}-text`);
    form.append("caption", input.value.trim());
    input.value = "";
    form.append("file", file);
    e.target.value = "";
    const answer = await fetch("/sandbox/photo", {method: "POST", body: form});
    setReply(pane, null);
    if (!answer.ok) notSent(pane, answer);
  };
}

function toast(text) {
  const box = $("toast");
  box.textContent = text; box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 3500);
}

// ------------------------------------------------------------------------------ people
function addPerson(role) {
  $("person-title").textContent = WORDS[role === "official" ? "add-official" : "add-resident"];
  $("person-name").value = "";
  $("person-language").value = LANG;
  const dialog = $("person-dialog");
  $("person-form").onsubmit = async (e) => {
    e.preventDefault();
    const name = $("person-name").value.trim();
    if (!name) return;
    dialog.close();
    const answer = await fetch("/sandbox/people", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({role, name, language: $("person-language").value})});
    if (answer.ok && role === "resident") {
      sandbox.resident = (await answer.json()).id;
      renderResidentTabs(); renderResidentLog(); renderKeyboard();
    }
  };
  $("person-cancel").onclick = () => dialog.close();
  dialog.showModal();
}

// ----------------------------------------------------------------------- the city plan
async function openLocation() {
  const dialog = $("location-dialog");
  dialog.showModal();
  if (!sandbox.map) await drawPlan();
  sandbox.map.invalidateSize();
  sandbox.map.fitBounds(sandbox.plan.bounds);
}

function streetMiddle(coordinates) {
  const middle = coordinates[Math.floor((coordinates.length - 1) / 2)];
  const next = coordinates[Math.min(coordinates.length - 1, Math.floor((coordinates.length - 1) / 2) + 1)];
  return [(middle[1] + next[1]) / 2, (middle[0] + next[0]) / 2];
}

async function drawPlan() {
  const plan = sandbox.plan = await (await fetch("/plan.geojson")).json();
  const map = sandbox.map = L.map("plan", {attributionControl: false, zoomSnap: 0.25});
  const name = (f) => f.properties.name[LANG] || f.properties.name.en;
  L.geoJSON(plan, {
    style: (f) => ({
      boundary: {color: "#555", weight: 2, fill: false, dashArray: "6 4"},
      district: {color: "#7a9cc0", weight: 1, fillColor: "#c9d9ea", fillOpacity: 0.25},
      street: {color: "#fff", weight: 5, opacity: 1},
    }[f.properties.kind]),
    onEachFeature: (f, layer) => {
      if (f.properties.kind !== "boundary") layer.bindTooltip(name(f), {sticky: true});
    },
  }).addTo(map);
  L.geoJSON(plan, {filter: (f) => f.properties.kind === "street",
                   style: {color: "#b8a98a", weight: 1.5}, interactive: false}).addTo(map);
  map.fitBounds(plan.bounds);
  map.on("click", (e) => pick(e.latlng.lat, e.latlng.lng, null));
  const select = $("landmark");
  const streets = plan.features.filter((f) => f.properties.kind === "street")
    .map((f) => ({name: name(f), point: streetMiddle(f.geometry.coordinates)}))
    .sort((a, b) => a.name.localeCompare(b.name, LANG));
  const none = document.createElement("option");
  none.value = ""; none.textContent = WORDS["landmark-none"];
  select.replaceChildren(none, ...streets.map((s, i) => {
    const option = document.createElement("option");
    option.value = i; option.textContent = s.name;
    return option;
  }));
  select.onchange = () => {
    if (select.value === "") return;
    const street = streets[Number(select.value)];
    pick(street.point[0], street.point[1], street.name);
    map.panTo(street.point);
  };
  $("location-cancel").onclick = () => $("location-dialog").close();
  $("location-form").onsubmit = (e) => {
    e.preventDefault();
    $("location-dialog").close();
    const p = sandbox.picked;
    if (!p) return;
    if (p.title) {
      const city = plan.features.find((f) => f.properties.kind === "boundary");
      act("resident", {action: "venue", lat: p.lat, lon: p.lon, title: p.title,
                       address: city ? name(city) : ""});
    } else act("resident", {action: "location", lat: p.lat, lon: p.lon});
  };
}

function pick(lat, lon, title) {
  sandbox.picked = {lat, lon, title};
  if (sandbox.pin) sandbox.pin.setLatLng([lat, lon]);
  else sandbox.pin = L.circleMarker([lat, lon], {radius: 8, color: "#e0463a", fillOpacity: 0.8}).addTo(sandbox.map);
  if (!title) $("landmark").value = "";
  $("picked").textContent = title ? `📍 ${title}` : `📍 ${lat.toFixed(5)}, ${lon.toFixed(5)}`;
  $("location-send").disabled = false;
}

// --------------------------------------------------------------------------------- start
applyWords();
composer("resident");
composer("staff");
$("resident-location").onclick = openLocation;
$("add-resident").onclick = () => addPerson("resident");
$("add-official").onclick = () => addPerson("official");
follow();
