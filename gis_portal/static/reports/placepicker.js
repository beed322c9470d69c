/* A pin on a small map plus a place search (new or pre-2025 names, the address-locate API)
   for each form[data-place-picker]: the IOC's draft completion, the hotline, assisted reports.
   A map inside a closed <details> is made when it opens (Leaflet needs its size). */
import { latestRequest } from "../mapcore/core.js";
import { gettext, interpolate } from "../mapcore/i18n.js";
import { reportMap } from "./map.js";

function placePicker(form) {
  const lon = form.querySelector("[name=lon]");
  const lat = form.querySelector("[name=lat]");
  const source = form.querySelector("[name=location_source]");
  const status = form.querySelector(".place-status");
  const box = form.querySelector(".place-map");
  const query = form.querySelector(".place-q");
  const requests = latestRequest();
  let map = null;
  let marker = null;

  function place(latlng, how) {
    if (!map) { return; }
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    if (source) { source.value = how; }
    status.textContent = interpolate(gettext("Vị trí: %(lat)s, %(lon)s"), {
      lat: lat.value, lon: lon.value,
    });
    box.dataset.pinned = "1";
  }

  function ensureMap() {
    if (map) { return; }
    map = reportMap(box, { boundariesUrl: form.dataset.boundariesUrl });
    map.on("click", (e) => place(e.latlng, "pin"));
    if (lon.value && lat.value) {
      const here = L.latLng(+lat.value, +lon.value);
      place(here, (source && source.value) || "pin");
      map.setView(here, 13);
    }
  }

  function find() {
    ensureMap();
    const text = query.value.trim();
    if (!text) { status.textContent = gettext("Hãy nhập địa danh."); return; }
    const onError = (message) => { status.textContent = message; };
    const url = form.dataset.addressUrl + "?" + new URLSearchParams({ q: text });
    requests.fetch(url, { onError }).then((data) => {
      if (!data) { return; }
      const here = L.latLng(data.lat, data.lon);
      place(here, "address");
      map.setView(here, 13);
      const where = data.converted_from
        ? interpolate(gettext("%(commune)s (trước đây: %(before)s)"), {
          commune: data.commune_name, before: data.converted_from,
        })
        : data.commune_name;
      status.textContent += " — " + where + ". " +
        gettext("Chấm lại trên bản đồ cho đúng chỗ nếu cần.");
    });
  }

  form.querySelector(".place-find").addEventListener("click", find);
  // Enter in the search box searches; it does not send the form.
  query.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); find(); }
  });
  const details = form.closest("details");
  if (details && !details.open) {
    details.addEventListener("toggle", () => { if (details.open) { ensureMap(); } });
  } else {
    ensureMap();
  }
}

document.querySelectorAll("form[data-place-picker]").forEach(placePicker);
