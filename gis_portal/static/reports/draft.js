/* The report being written, kept on the phone while the citizen writes it (issue 14 §3): its
   words, category, pin and step in localStorage, its photos in IndexedDB, both under the
   signed-in account's own key, so two people sharing a phone never see each other's draft.
   Name, phone and e-mail are never kept here (Law 91/2025 on personal data): the form takes
   them from the account each time it opens. */

const PREFIX = "dienbien-draft:";
// The offline copy of the form knows nobody (it is cached without cookies): it uses the
// account that last opened the form online on this phone.
const OWNER_KEY = "dienbien-draft-owner";
const DB_NAME = "dienbien-draft";
const STORE = "photos";
// A draft nobody came back to for this long is dropped, with its photos.
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

// What a draft keeps: everything but the person (full_name, phone, email).
export const DRAFT_FIELDS = [
  "category", "title", "description", "incident_at", "lon", "lat", "location_source",
];
export const DRAFT_CHECKS = ["urgent", "private_result"];

function storage() {
  try { return window.localStorage; } catch (err) { return null; } // storage blocked
}

export function draftOwner(form) {
  const local = storage();
  const owner = form.dataset.draftOwner || "";
  if (owner) {
    if (local) { try { local.setItem(OWNER_KEY, owner); } catch (err) { /* full */ } }
    return owner;
  }
  return (local && local.getItem(OWNER_KEY)) || "anonymous";
}

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
      request.result.createObjectStore(STORE, { keyPath: "owner" });
    };
    opening = done(request);
  }
  return opening;
}

async function photoStore(mode) {
  return (await database()).transaction(STORE, mode).objectStore(STORE);
}

// read/write/remove of the words (synchronous), photosRead/photosWrite of the files
// (promises that never reject: a phone without IndexedDB just keeps no photos).
export function draftStore(owner) {
  const key = PREFIX + owner;
  const local = storage();

  function read() {
    if (!local) { return null; }
    let data = null;
    try { data = JSON.parse(local.getItem(key) || "null"); } catch (err) { data = null; }
    if (data && Date.now() - (data.savedAt || 0) > MAX_AGE_MS) { remove(); return null; }
    return data;
  }

  function write(data) {
    if (!local) { return; }
    try { local.setItem(key, JSON.stringify({ ...data, savedAt: Date.now() })); } catch (err) {
      // Storage full: the form goes on working, without a draft.
    }
  }

  async function photosRead() {
    try {
      const row = await done((await photoStore("readonly")).get(owner));
      return row ? row.files : [];
    } catch (err) { return []; }
  }

  async function photosWrite(files) {
    try {
      const store = await photoStore("readwrite");
      await done(files.length ? store.put({ owner, files, savedAt: Date.now() })
        : store.delete(owner));
    } catch (err) { /* no IndexedDB, or full: the photos stay in the form only */ }
  }

  function remove() {
    if (local) { local.removeItem(key); }
    return photosWrite([]);
  }

  return { read, write, remove, photosRead, photosWrite };
}

// The draft's words from the form as it is now.
export function draftFields(form) {
  const fields = {};
  for (const name of DRAFT_FIELDS) {
    const input = form.elements.namedItem(name);
    if (input && input.value) { fields[name] = input.value; }
  }
  for (const name of DRAFT_CHECKS) {
    const input = form.elements.namedItem(name);
    if (input && input.checked) { fields[name] = true; }
  }
  return fields;
}

// Back into the form; each restored field tells its listeners (urgent shows the hotlines).
export function draftApply(form, fields) {
  for (const name of DRAFT_FIELDS) {
    const input = form.elements.namedItem(name);
    if (input && typeof fields[name] === "string") { input.value = fields[name]; }
  }
  for (const name of DRAFT_CHECKS) {
    const input = form.elements.namedItem(name);
    if (input) {
      input.checked = Boolean(fields[name]);
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }
}
