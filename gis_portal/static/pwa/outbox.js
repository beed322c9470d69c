/* Reports composed without a connection, kept in IndexedDB until they are sent (ES module, used
   by the report page and by the service worker alike).

   Each draft has its own Idempotency-Key, made here once: however often it is sent (a lost
   answer, the page and the worker at the same moment), the API files one report. A draft holds
   the citizen's own words, place, photos and, if typed, name and phone; once the API has
   filed it only its title and reference stay, to show the citizen where it went. */

// In the service worker there is no catalogue: the message stays in Vietnamese there.
import { gettext } from "../mapcore/i18n.js";

const DB_NAME = "dienbien-pwa";
const STORE = "outbox";
const LOCK = "dienbien-outbox";
// A sent draft's line stays this long on the page, then goes.
const SENT_KEEP_MS = 7 * 24 * 3600 * 1000;

export const STATE = {
  PENDING: "pending", // waiting for the network
  LOGIN: "login", // the session ended: waits for the citizen to sign in again
  REFUSED: "refused", // the portal refused it (e.g. a place outside the province)
  SENT: "sent",
};

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

let opening = null;
function database() {
  if (!opening) {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(STORE, { keyPath: "key" });
    };
    opening = done(request);
  }
  return opening;
}

async function store(mode) {
  return (await database()).transaction(STORE, mode).objectStore(STORE);
}

function newKey() {
  if (self.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// The report form's fields the API takes (the rest — token, files — the send sets itself).
const FIELDS = [
  "category", "title", "description", "lon", "lat", "location_source", "incident_at",
  "urgent", "private_result", "full_name", "phone", "email",
];

// A draft from the report form's data: unticked boxes are absent, as in a form post.
export function outboxDraft(formData) {
  const fields = {};
  for (const name of FIELDS) {
    const value = formData.get(name);
    if (typeof value === "string" && value.trim() !== "") { fields[name] = value.trim(); }
  }
  const files = formData.getAll("media").filter((f) => typeof f !== "string" && f.size > 0);
  return { fields, files };
}

// fields: { name: string } as the API takes them; files: File objects (photos, videos).
// viaForm: a report form post that failed on the network, under the form's own key — it may
// have reached the portal after all, so it goes again the same way (the web channel), where
// that key finds its report.
export async function outboxAdd({ fields, files = [], key = null, viaForm = false }) {
  const item = {
    key: key || newKey(), createdAt: Date.now(), state: STATE.PENDING, viaForm,
    title: fields.title || "", fields, files, message: "",
  };
  await done((await store("readwrite")).put(item));
  return item;
}

export async function outboxList() {
  const items = await done((await store("readonly")).getAll());
  return items.sort((a, b) => a.createdAt - b.createdAt);
}

export async function outboxRemove(key) {
  await done((await store("readwrite")).delete(key));
}

async function save(item) {
  await done((await store("readwrite")).put(item));
}

// Another try for a refused or sign-in-waiting draft (the citizen asked for it).
export async function outboxRetry(key) {
  const item = await done((await store("readonly")).get(key));
  if (item && item.state !== STATE.SENT) {
    await save({ ...item, state: STATE.PENDING, message: "" });
  }
}

function body(item) {
  const form = new FormData();
  for (const [name, value] of Object.entries(item.fields)) {
    if (value !== "" && value !== null && value !== undefined) { form.append(name, value); }
  }
  for (const file of item.files) { form.append("media", file, file.name || "anh.jpg"); }
  return form;
}

async function answer(response) {
  try { return await response.json(); } catch (err) { return {}; }
}

// Filed: only what the citizen needs to find it stays on the phone.
async function sent(item, reference, link) {
  await save({
    key: item.key, createdAt: item.createdAt, sentAt: Date.now(), state: STATE.SENT,
    title: item.title, reference, link, fields: {}, files: [], message: "",
  });
}

// The report form's own way in: its answer is a redirect to the report's page.
async function sendForm(item, csrf, formUrl) {
  const form = body(item);
  form.append("idempotency_key", item.key);
  form.append("csrfmiddlewaretoken", csrf);
  const response = await fetch(formUrl, {
    method: "POST", body: form, credentials: "same-origin", cache: "no-store",
    headers: { "X-CSRFToken": csrf },
  });
  const path = new URL(response.url).pathname;
  const filed = response.redirected && response.ok && path.match(/\/(PA-\d{4}-\d+)\/$/);
  if (filed) {
    await sent(item, filed[1], path);
    return true;
  }
  if (response.status === 429 || response.status >= 500) { return false; }
  if (response.redirected || response.status === 403) {
    await save({ ...item, state: STATE.LOGIN, message: "" }); // to the sign-in page
    return true; // it waits for the next visit after signing in, not for a timer
  }
  await save({ ...item, state: STATE.REFUSED,
    message: gettext(
      "cổng thông tin không nhận biểu mẫu; hãy mở trang Gửi phản ánh và gửi lại.") });
  return true;
}

// One draft: true if the queue may go on, false if it should wait for the network or the
// server (tried again later).
async function send(item, csrf, urls) {
  if (item.viaForm) { return sendForm(item, csrf, urls.formUrl); }
  const form = body(item);
  form.append("channel", "app");
  const response = await fetch(urls.submitUrl, {
    method: "POST", body: form, credentials: "same-origin", cache: "no-store",
    headers: { Accept: "application/json", "Idempotency-Key": item.key, "X-CSRFToken": csrf },
  });
  const data = await answer(response);
  if (response.ok && data.reference) {
    await sent(item, data.reference, (data.links || {}).web || "");
    return true;
  }
  if (response.status === 401 || response.status === 403) {
    await save({ ...item, state: STATE.LOGIN, message: data.error || data.detail || "" });
    return true; // it waits for the next visit after signing in, not for a timer
  }
  // The key's earlier row was purged meanwhile (409), too many requests, server trouble:
  // the same draft goes again later, with the same key.
  if (response.status === 409 || response.status === 429 || response.status >= 500) {
    return false;
  }
  await save({ ...item, state: STATE.REFUSED, message: data.error || "HTTP " + response.status });
  return true;
}

async function flushLocked(urls) {
  const now = Date.now();
  const items = await outboxList();
  for (const item of items) {
    if (item.state === STATE.SENT && now - item.sentAt > SENT_KEEP_MS) { await outboxRemove(item.key); }
  }
  const waiting = items.filter((i) => i.state === STATE.PENDING || i.state === STATE.LOGIN);
  if (!waiting.length) { return { retry: false, sent: 0 }; }
  let session;
  try {
    const response = await fetch(urls.sessionUrl, {
      credentials: "same-origin", cache: "no-store",
    });
    if (!response.ok) { return { retry: true, sent: 0 }; }
    session = await response.json();
  } catch (err) {
    return { retry: true, sent: 0 }; // still no connection
  }
  if (!session.signed_in) {
    for (const item of waiting) { await save({ ...item, state: STATE.LOGIN, message: "" }); }
    return { retry: false, sent: 0 };
  }
  let count = 0;
  for (const item of waiting) {
    let goOn;
    try {
      goOn = await send(item, session.csrf_token, urls);
    } catch (err) {
      return { retry: true, sent: count }; // the connection went again
    }
    if (!goOn) { return { retry: true, sent: count }; }
    count += 1;
  }
  return { retry: false, sent: count };
}

// urls: { sessionUrl, submitUrl (the API), formUrl (the report form's page) }.
// Sends every waiting draft, in order. Never rejects on the network; resolves to
// { retry: whether something still waits for a connection, sent: how many went }.
export function outboxFlush(urls) {
  const run = () => flushLocked(urls);
  if (self.navigator && navigator.locks) { return navigator.locks.request(LOCK, run); }
  return run();
}
