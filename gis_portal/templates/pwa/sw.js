/* The portal's service worker (served by gis_portal/pwa.py at /sw.js, module type).
   Pages: network first, the cache only when there is no connection, and then only the offline
   shell of the report form (cached without cookies: nobody's name, nobody's session). Static
   files of the shell: from the cache. The categories and the commune outlines: network first.
   Nothing else is cached — no POST, no private page, no API answer about a report. The drafts
   waiting to be sent live in IndexedDB (pwa/outbox.js), not here; a form post that fails on
   the network becomes such a draft. */
import { outboxAdd, outboxDraft, outboxFlush } from "{{ outbox_url|safe }}";

const CONFIG = {{ config|safe }};
const PREFIX = "dienbien-pwa-";
const CACHE = PREFIX + CONFIG.version;
const SYNC_TAG = "dienbien-outbox";
const DATA = new Set(CONFIG.data);
// Versioned URLs, as static files: the JavaScript catalogues.
const STATIC = new Set([...CONFIG.static, ...CONFIG.catalogue]);

// Without cookies: the shell and the public data are the same for everyone. An install skips
// the HTTP cache, so that a new version never stores an old file.
const anonymous = (url, cache = "default") => new Request(url, { credentials: "omit", cache });

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll([CONFIG.shell, ...CONFIG.static, ...CONFIG.catalogue, ...CONFIG.data]
    .map((url) => anonymous(url, "reload")));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith(PREFIX) && n !== CACHE)
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

async function tellPages(message) {
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage(message));
}

// One flush at a time in this worker; pages and worker share a Web Lock in outbox.js.
let flushing = null;
function flush() {
  if (!flushing) {
    const urls = {
      sessionUrl: CONFIG.session, submitUrl: CONFIG.submitApi, formUrl: CONFIG.submitPage,
    };
    flushing = outboxFlush(urls)
      .finally(() => { flushing = null; tellPages({ type: "outbox-changed" }); });
  }
  return flushing;
}

async function refreshShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch(anonymous(CONFIG.shell, "no-store"));
  if (response.ok) { await cache.put(CONFIG.shell, response); }
}

async function page(event) {
  const url = new URL(event.request.url);
  try {
    const response = await fetch(event.request);
    // A page came from the network: the connection is back, the queue may go, and the
    // form's shell may have new categories.
    event.waitUntil(flush().catch(() => {}));
    if (url.pathname === CONFIG.submitPage) { event.waitUntil(refreshShell().catch(() => {})); }
    return response;
  } catch (err) {
    const cache = await caches.open(CACHE);
    return (await cache.match(CONFIG.shell, { ignoreVary: true })) || Response.error();
  }
}

async function data(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(anonymous(request.url));
    if (response.ok) { await cache.put(key, response.clone()); }
    return response;
  } catch (err) {
    const cached = await cache.match(key, { ignoreVary: true });
    if (cached) { return cached; }
    throw err;
  }
}

async function staticFile(request, key) {
  const cache = await caches.open(CACHE);
  return (await cache.match(key, { ignoreVary: true })) || fetch(request);
}

// The report form posted while the phone thought it was online, and the connection failed:
// the post is kept as a draft under the form's own Idempotency-Key (had it reached the
// portal after all, the queued send gets that report back), and the form shows it waiting.
async function submitOrKeep(event) {
  const copy = event.request.clone();
  try {
    return await fetch(event.request);
  } catch (err) {
    const data = await copy.formData();
    const key = data.get("idempotency_key");
    await outboxAdd({
      ...outboxDraft(data), key: typeof key === "string" ? key : null, viaForm: true,
    });
    if (self.registration.sync) {
      event.waitUntil(self.registration.sync.register(SYNC_TAG).catch(() => {}));
    }
    return Response.redirect(CONFIG.submitPage, 303);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && request.mode === "navigate"
      && url.pathname === CONFIG.submitPage) {
    event.respondWith(submitOrKeep(event));
    return;
  }
  if (request.method !== "GET") { return; }
  const key = url.pathname + url.search;
  if (request.mode === "navigate") { event.respondWith(page(event)); }
  else if (DATA.has(key)) { event.respondWith(data(request, key)); }
  else if (STATIC.has(key)) { event.respondWith(staticFile(request, key)); }
});

self.addEventListener("sync", (event) => {
  // A rejection asks the browser to try again later (with its own back-off).
  if (event.tag === SYNC_TAG) {
    event.waitUntil(flush().then((left) => {
      if (left.retry) { throw new Error("the queue is still waiting for the network"); }
    }));
  }
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "outbox-flush") { event.waitUntil(flush().catch(() => {})); }
});
