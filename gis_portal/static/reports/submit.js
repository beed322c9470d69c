/* The report form: five steps (steps.js) over one form — the map's pin, address search, phone
   or photo GPS and the commune found; the text with category choices (choices.js) and similar
   reports nearby; photos as thumbnails (photos.js); who; a summary (summary.js). A draft is
   kept on the phone as it is written (draft.js). Without a connection (or on the worker's
   offline copy of this page) the report is queued on the phone and sent when the network is
   back (pwa/app.js). */
import { el, fetchJSON, latestRequest } from "../mapcore/core.js";
import { gettext, interpolate } from "../mapcore/i18n.js";
import { outboxPanel } from "../pwa/app.js";
import { outboxDraft } from "../pwa/outbox.js";
import { categoryChoices } from "./choices.js";
import {
  DRAFT_CHECKS, DRAFT_FIELDS, draftApply, draftFields, draftOwner, draftStore,
} from "./draft.js";
import { reportMap } from "./map.js";
import { photoPicker } from "./photos.js";
import { fieldError, fieldErrorClear, reportSteps } from "./steps.js";
import { reportSummary } from "./summary.js";

const MB = 2 ** 20;
const SAVE_DELAY_MS = 300;
// The API answers in the page's language, not the phone's (many are set to English).
const LANGUAGE = { "Accept-Language": document.documentElement.lang || "vi" };
const LOCATION_ERROR = "location_error";

function reportForm(form) {
  const d = form.dataset;
  const field = (name) => form.elements.namedItem(name);
  const [lon, lat, source, category] = ["lon", "lat", "location_source", "category"].map(field);
  const byId = (id) => document.getElementById(id);
  const status = byId("location-status");
  const commune = byId("place-commune");
  const address = byId("address");
  const nearby = byId("nearby");
  const nearbyList = nearby.querySelector("ul");
  const csrf = field("csrfmiddlewaretoken").value;
  const map = reportMap(byId("map"), { boundariesUrl: d.boundariesUrl });
  const requests = { nearby: latestRequest(), address: latestRequest(), photo: latestRequest() };
  const choices = categoryChoices(form, byId("category-suggest"), d.suggestUrl);
  let marker = null;
  let placeProblem = "";
  let located = 0;
  const offline = () => !navigator.onLine;

  // The commune the pin falls in, as the portal will file it; a point it refuses is said here.
  function locateCommune() {
    const mine = ++located;
    placeProblem = "";
    if (offline()) {
      commune.textContent = gettext("Xã/phường sẽ được xác định khi phản ánh được gửi.");
      commune.hidden = false;
      return;
    }
    const url = d.locateUrl + "?" + new URLSearchParams({ lat: lat.value, lon: lon.value });
    fetch(url, { headers: { Accept: "application/json", ...LANGUAGE } })
      .then((response) => response.json().then((data) => [response.status, data]))
      .then(([code, data]) => {
        if (mine !== located) { return; }
        if (code === 200 && data.commune) {
          commune.textContent = interpolate(gettext("Xã/phường: %(name)s"),
            { name: data.commune.full_name || data.commune.name });
        } else if (code === 422) {
          placeProblem = data.error || gettext("Vị trí này không thuộc địa bàn tỉnh.");
          commune.textContent = placeProblem;
        } else { commune.textContent = ""; }
        commune.hidden = !commune.textContent;
      })
      .catch(() => { if (mine === located) { commune.hidden = true; } });
  }

  function place(latlng, how) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    source.value = how;
    status.textContent = interpolate(gettext("Vị trí: %(lat)s, %(lon)s"),
      { lat: lat.value, lon: lon.value }) + (how === "exif" ? gettext(" (theo GPS trong ảnh)") : "");
    fieldErrorClear(address, { id: LOCATION_ERROR });
    locateCommune();
    checkNearby();
    choices.refresh();
    form.dispatchEvent(new Event("change"));
  }

  function clearPlace() {
    if (marker) { marker.remove(); marker = null; }
    lon.value = "";
    lat.value = "";
    status.textContent = gettext("Chưa chọn vị trí.");
    commune.hidden = true;
  }

  function followButton(item) {
    const button = el("button", { type: "button" }, gettext("Theo dõi phản ánh này"));
    const url = d.nearbyUrl.replace("nearby/", encodeURIComponent(item.reference) + "/follow/");
    button.addEventListener("click", () => {
      const onError = () => { button.textContent = gettext("Không theo dõi được"); };
      fetchJSON(url, { method: "POST", headers: { "X-CSRFToken": csrf, ...LANGUAGE }, onError })
        .then((data) => { if (data) { button.textContent = gettext("Đang theo dõi"); } });
    });
    return button;
  }

  function checkNearby() {
    if (!lon.value || !category.value || offline()) { return; }
    const params = new URLSearchParams({ category: category.value, lon: lon.value, lat: lat.value });
    const onError = (message) => {
      nearbyList.replaceChildren(el("li", {},
        interpolate(gettext("Không kiểm tra được phản ánh tương tự: %(message)s"), { message })));
      nearby.hidden = false;
    };
    requests.nearby.fetch(d.nearbyUrl + "?" + params, { onError, headers: LANGUAGE })
      .then((items) => {
        if (!items) { return; }
        nearbyList.replaceChildren(...items.map((item) => el("li", {},
          item.reference + " — " + item.title + " (" + Math.round(item.distance_m) + " m, " +
          item.status_label + ") ", followButton(item))));
        nearby.hidden = items.length === 0;
      });
  }

  function findAddress() {
    const text = address.value.trim();
    if (!text) { status.textContent = gettext("Hãy nhập tên xã/phường để tìm."); return; }
    const onError = (message) => { status.textContent = message; };
    const url = d.addressUrl + "?" + new URLSearchParams({ q: text });
    requests.address.fetch(url, { onError, headers: LANGUAGE }).then((data) => {
      if (!data) { return; }
      const here = L.latLng(data.lat, data.lon);
      place(here, "address");
      map.setView(here, 13);
      status.textContent += " — " + data.commune_name + (data.converted_from
        ? interpolate(gettext(" (trước đây: %(name)s)"), { name: data.converted_from }) : "") +
        ". " + gettext("Hãy chấm lại trên bản đồ cho đúng chỗ nếu cần.");
    });
  }

  function readPhotoPosition(photo) {
    if (offline()) { return; } // the portal reads a photo's GPS: it waits for the queue
    const body = new FormData();
    body.append("photo", photo);
    const onError = (message) => {
      status.textContent = interpolate(gettext("Không đọc được vị trí trong ảnh: %(message)s"),
        { message });
    };
    requests.photo.fetch(d.photoUrl, {
      method: "POST", body, headers: { "X-CSRFToken": csrf, ...LANGUAGE }, onError,
    }).then((data) => {
      if (data && data.found && window.confirm(interpolate(
        gettext("Ảnh có tọa độ GPS (%(lat)s, %(lon)s). Dùng làm vị trí sự việc?"),
        { lat: data.lat.toFixed(5), lon: data.lon.toFixed(5) }))) {
        const here = L.latLng(data.lat, data.lon);
        place(here, "exif");
        map.setView(here, 15);
      }
    });
  }

  function useGps() {
    if (!navigator.geolocation) { status.textContent = gettext("Máy không có GPS."); return; }
    status.textContent = gettext("Đang lấy vị trí GPS…");
    navigator.geolocation.getCurrentPosition((position) => {
      const here = L.latLng(position.coords.latitude, position.coords.longitude);
      // The API knows a point the citizen gave, not how: the phone's fix is such a point.
      place(here, "pin");
      status.textContent += gettext(" (theo GPS của máy)");
      map.setView(here, 15);
    }, (err) => {
      status.textContent = err.code === 1
        ? gettext("Không lấy được vị trí GPS: bạn chưa cho phép dùng vị trí.")
        : gettext("Không lấy được vị trí GPS: hãy chấm trên bản đồ.");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  }

  map.on("click", (e) => place(e.latlng, "pin"));
  category.addEventListener("change", checkNearby);
  const urgent = field("urgent");
  const hotlines = byId("hotlines");
  const toggleHotlines = () => { hotlines.hidden = !urgent.checked; };
  urgent.addEventListener("change", toggleHotlines);
  toggleHotlines();
  byId("address-find").addEventListener("click", findAddress);
  // Enter in the search box searches; it does not move on.
  address.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); findAddress(); }
  });
  byId("gps-find").addEventListener("click", useGps);
  for (const [name, kind] of [["full_name", "name"], ["phone", "tel"], ["email", "email"]]) {
    field(name).setAttribute("autocomplete", kind);
  }
  field("phone").setAttribute("inputmode", "tel");

  const photos = photoPicker({
    input: field("media"), list: byId("photo-list"), status: byId("photo-status"),
    limits: { files: +d.maxFiles, imageBytes: d.maxImageMb * MB, videoBytes: d.maxVideoMb * MB },
    onChange: (files, added) => {
      draft.photos(files);
      const photo = added.find((f) => f.type.startsWith("image/"));
      if (photo) { readPhotoPosition(photo); }
    },
  });

  const steps = reportSteps(form, {
    checks: {
      1: () => {
        const options = { id: LOCATION_ERROR, after: commune };
        if (!lon.value || !lat.value) {
          const message = gettext(
            "Hãy chấm vị trí sự việc trên bản đồ, dùng GPS của máy hoặc tìm theo địa chỉ.");
          return [[address, message, options]];
        }
        return placeProblem ? [[address, placeProblem, options]] : [];
      },
      2: () => {
        const at = field("incident_at");
        const future = at.value && new Date(at.value) > new Date();
        return future ? [[at, gettext("Thời điểm xảy ra không được ở tương lai."), {}]] : [];
      },
    },
    onShow: (step) => {
      if (step === 1) { map.invalidateSize(); }
      if (step === 2) { choices.refresh(); }
      if (step === 5) { summary(); }
      draft.save();
    },
  });
  const summary = reportSummary(form, byId("step-summary"), {
    place: () => (lon.value ? [status.textContent, commune.hidden ? "" : commune.textContent]
      .filter(Boolean).join(" — ") : ""),
    photos: photos.files,
    edit: steps.edit,
  });

  function resetForm() {
    for (const name of DRAFT_FIELDS) { if (name !== "location_source") { field(name).value = ""; } }
    for (const name of DRAFT_CHECKS) { field(name).checked = false; }
    urgent.dispatchEvent(new Event("change")); // hides the hotlines again
    address.value = "";
    nearby.hidden = true;
    photos.clear();
    clearPlace();
    choices.refresh();
    steps.reset();
  }

  const draft = keepDraft(form, { address, photos, steps, resetForm });
  if (lon.value && lat.value) {
    const here = L.latLng(+lat.value, +lon.value);
    place(here, source.value || "pin");
    map.setView(here, 15);
  }
  steps.start(draft.restoredStep);
  queueWhenOffline(form, { field, status, resetForm, draft });
}

// The draft: restored when the form opens empty, saved as the citizen writes, dropped once the
// portal has the report. A form post leaves the draft marked with its Idempotency-Key: the
// portal's answer with errors carries that key again (photos come back from the draft); any
// other opening of the form means the report was filed (or queued): the draft goes.
function keepDraft(form, { address, photos, steps, resetForm }) {
  const store = draftStore(draftOwner(form));
  const key = form.elements.namedItem("idempotency_key").value;
  const notice = document.getElementById("draft-notice");
  const saved = store.read();
  let sentKey = "";
  let timer = null;
  let restoredStep = 1;

  function save() {
    clearTimeout(timer);
    const fields = draftFields(form);
    const written = fields.title || fields.description || fields.lon || fields.category;
    if (!written && !photos.files().length && !sentKey) { store.remove(); return; }
    store.write({ fields, address: address.value, step: steps.current(), sentKey });
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(save, SAVE_DELAY_MS); };

  const field = (name) => form.elements.namedItem(name);
  const fresh = !form.dataset.bound && !field("title").value && !field("description").value &&
    !field("lon").value;
  if (saved && saved.sentKey) {
    if (saved.sentKey === key && form.dataset.bound) {
      store.photosRead().then((files) => photos.restore(files));
      later(); // kept, now without the mark: the report is not filed yet
    } else {
      store.remove();
    }
  } else if (saved && fresh) {
    draftApply(form, saved.fields || {});
    address.value = saved.address || "";
    restoredStep = saved.step || 1;
    store.photosRead().then((files) => photos.restore(files));
    notice.hidden = false;
  }
  document.getElementById("draft-clear").addEventListener("click", () => {
    notice.hidden = true;
    store.remove();
    resetForm();
  });
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  window.addEventListener("pagehide", save);
  return {
    restoredStep,
    save: later,
    photos: (files) => store.photosWrite(files),
    // The form is about to post: the next opening of the form decides what became of it.
    posting() { sentKey = key; save(); },
    drop() { sentKey = ""; notice.hidden = true; return store.remove(); },
  };
}

// Without a connection, or on the worker's offline copy of this page, "Gửi" keeps the report
// on the phone with its own Idempotency-Key; online, the form posts as it always did.
function queueWhenOffline(form, { field, status, resetForm, draft }) {
  const d = form.dataset;
  const queue = outboxPanel(document.getElementById("outbox"), {
    worker: d.workerUrl, session: d.sessionUrl, submitApi: d.submitApi, login: d.loginUrl,
    form: form.getAttribute("action"),
  });
  // Registered after the steps' own listener, which stops a send from an earlier step.
  form.addEventListener("submit", (event) => {
    if (navigator.onLine && !d.shell) { draft.posting(); return; }
    event.preventDefault();
    if (!field("lon").value || !field("lat").value) {
      status.textContent = gettext("Hãy chấm vị trí sự việc trên bản đồ (hoặc dùng GPS của máy).");
      return;
    }
    // A new key for each draft: the offline copy of this page carries one key for all.
    const { fields, files } = outboxDraft(new FormData(form));
    queue(fields, files).then(() => {
      draft.drop();
      resetForm();
      document.getElementById("outbox").scrollIntoView({ block: "nearest" });
    }, () => {
      status.textContent = gettext("Không lưu được phản ánh trên máy (bộ nhớ đầy?). Hãy thử lại.");
    });
  });
}

const form = document.getElementById("report-form");
if (form) { reportForm(form); }
