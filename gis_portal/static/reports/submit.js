/* The report form's map: pin, address search, phone or photo GPS, similar reports nearby,
   hotlines; without a connection (or on the worker's offline copy of this page) the report is
   queued on the phone and sent when the network is back (pwa/app.js). */
import { el, fetchJSON, latestRequest } from "../mapcore/core.js";
import { outboxPanel } from "../pwa/app.js";
import { outboxDraft } from "../pwa/outbox.js";
import { reportMap } from "./map.js";

function reportForm(form) {
  const field = (name) => form.querySelector("[name=" + name + "]");
  const [lon, lat, source, category] = ["lon", "lat", "location_source", "category"].map(field);
  const status = document.getElementById("location-status");
  const nearby = document.getElementById("nearby");
  const nearbyList = nearby.querySelector("ul");
  const csrf = field("csrfmiddlewaretoken").value;
  const map = reportMap(document.getElementById("map"), {
    boundariesUrl: form.dataset.boundariesUrl,
  });
  const requests = { nearby: latestRequest(), address: latestRequest(), photo: latestRequest() };
  let marker = null;
  const offline = () => !navigator.onLine;

  function place(latlng, how) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    source.value = how;
    status.textContent = "Vị trí: " + lat.value + ", " + lon.value +
      (how === "exif" ? " (theo GPS trong ảnh)" : "");
    checkNearby();
  }

  function followButton(item) {
    const button = el("button", { type: "button" }, "Theo dõi phản ánh này");
    const url = form.dataset.nearbyUrl.replace(
      "nearby/", encodeURIComponent(item.reference) + "/follow/");
    button.addEventListener("click", () => {
      const onError = () => { button.textContent = "Không theo dõi được"; };
      fetchJSON(url, { method: "POST", headers: { "X-CSRFToken": csrf }, onError })
        .then((data) => { if (data) { button.textContent = "Đang theo dõi"; } });
    });
    return button;
  }

  function showNearby(items) {
    nearbyList.replaceChildren(...items.map((item) => el("li", {},
      item.reference + " — " + item.title + " (" + Math.round(item.distance_m) + " m, " +
      item.status_label + ") ", followButton(item))));
    nearby.hidden = items.length === 0;
  }

  function checkNearby() {
    if (!lon.value || !category.value || offline()) { return; }
    const params = new URLSearchParams({
      category: category.value, lon: lon.value, lat: lat.value,
    });
    const onError = (message) => {
      nearbyList.replaceChildren(el("li", {}, "Không kiểm tra được phản ánh tương tự: " + message));
      nearby.hidden = false;
    };
    requests.nearby.fetch(form.dataset.nearbyUrl + "?" + params, { onError })
      .then((items) => { if (items) { showNearby(items); } });
  }

  function findAddress(text) {
    const onError = (message) => { status.textContent = message; };
    const url = form.dataset.addressUrl + "?" + new URLSearchParams({ q: text });
    requests.address.fetch(url, { onError }).then((data) => {
      if (!data) { return; }
      const here = L.latLng(data.lat, data.lon);
      place(here, "address");
      map.setView(here, 13);
      status.textContent += " — " + data.commune_name +
        (data.converted_from ? " (trước đây: " + data.converted_from + ")" : "") +
        ". Hãy kéo/chấm lại cho đúng chỗ nếu cần.";
    });
  }

  function readPhotoPosition(photo) {
    if (offline()) { return; } // the portal reads a photo's GPS: it waits for the queue
    const body = new FormData();
    body.append("photo", photo);
    const onError = (message) => {
      status.textContent = "Không đọc được vị trí trong ảnh: " + message;
    };
    requests.photo.fetch(form.dataset.photoUrl, {
      method: "POST", body, headers: { "X-CSRFToken": csrf }, onError,
    }).then((data) => {
      if (data && data.found && window.confirm("Ảnh có tọa độ GPS (" + data.lat.toFixed(5) +
          ", " + data.lon.toFixed(5) + "). Dùng làm vị trí sự việc?")) {
        const here = L.latLng(data.lat, data.lon);
        place(here, "exif");
        map.setView(here, 15);
      }
    });
  }

  if (lon.value && lat.value) { place(L.latLng(+lat.value, +lon.value), source.value || "pin"); }
  map.on("click", (e) => place(e.latlng, "pin"));
  category.addEventListener("change", checkNearby);
  const urgent = field("urgent");
  const hotlines = document.getElementById("hotlines");
  const toggleHotlines = () => { hotlines.hidden = !urgent.checked; };
  urgent.addEventListener("change", toggleHotlines);
  toggleHotlines();
  const address = document.getElementById("address");
  const find = document.getElementById("address-find");
  find.addEventListener("click", () => findAddress(address.value));
  const media = field("media");
  media.addEventListener("change", () => {
    const photo = Array.from(media.files).find((f) => f.type.startsWith("image/"));
    if (photo) { readPhotoPosition(photo); }
  });
  document.getElementById("gps-find").addEventListener("click", () => {
    if (!navigator.geolocation) { status.textContent = "Máy không có GPS."; return; }
    status.textContent = "Đang lấy vị trí GPS…";
    navigator.geolocation.getCurrentPosition((position) => {
      const here = L.latLng(position.coords.latitude, position.coords.longitude);
      // The API knows a point the citizen gave, not how: the phone's fix is such a point.
      place(here, "pin");
      status.textContent += " (theo GPS của máy)";
      map.setView(here, 15);
    }, (err) => {
      status.textContent = "Không lấy được vị trí GPS: " +
        (err.code === 1 ? "bạn chưa cho phép dùng vị trí." : "hãy chấm trên bản đồ.");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });
  queueWhenOffline(form, { field, media, status, clearPlace });

  function clearPlace() {
    if (marker) { marker.remove(); marker = null; }
    lon.value = "";
    lat.value = "";
    status.textContent = "Chưa chọn vị trí.";
  }
}

// Without a connection, or on the worker's offline copy of this page, "Gửi" keeps the report
// on the phone with its own Idempotency-Key; online, the form posts as it always did.
function queueWhenOffline(form, { field, media, status, clearPlace }) {
  const d = form.dataset;
  const queue = outboxPanel(document.getElementById("outbox"), {
    worker: d.workerUrl, session: d.sessionUrl, submitApi: d.submitApi, login: d.loginUrl,
    form: form.getAttribute("action"),
  });
  form.addEventListener("submit", (event) => {
    if (navigator.onLine && !d.shell) { return; }
    event.preventDefault();
    if (!field("lon").value || !field("lat").value) {
      status.textContent = "Hãy chấm vị trí sự việc trên bản đồ (hoặc dùng GPS của máy).";
      return;
    }
    // A new key for each draft: the offline copy of this page carries one key for all.
    const { fields, files } = outboxDraft(new FormData(form));
    queue(fields, files).then(() => {
      for (const name of ["title", "description", "incident_at"]) { field(name).value = ""; }
      for (const name of ["urgent", "private_result"]) { field(name).checked = false; }
      field("urgent").dispatchEvent(new Event("change")); // hides the hotlines again
      media.value = "";
      clearPlace();
      document.getElementById("outbox").scrollIntoView({ block: "nearest" });
    }, () => {
      status.textContent = "Không lưu được phản ánh trên máy (bộ nhớ đầy?). Hãy thử lại.";
    });
  });
}

const form = document.getElementById("report-form");
if (form) { reportForm(form); }
