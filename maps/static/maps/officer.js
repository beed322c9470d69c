/* Officers' area queue: map and list in sync, coloured by time left, urgent cases marked. */
import {
  TIME_LEFT_COLOURS, boundaryLayers, createMap, el, latestRequest, legend, parseBounds, query,
  reportPopup,
} from "../mapcore/core.js";
import { gettext, interpolate } from "../mapcore/i18n.js";

const LABELS = {
  on_time: gettext("Còn hạn"),
  due_soon: gettext("Đến hạn trong 1 ngày làm việc"),
  overdue: gettext("Quá hạn"),
};

function markerFor(feature) {
  const props = feature.properties;
  const [lon, lat] = feature.geometry.coordinates;
  const marker = L.circleMarker([lat, lon], {
    radius: props.urgent ? 10 : 7, weight: props.urgent ? 3 : 1,
    color: props.urgent ? "#000" : "#333", fillOpacity: 0.9,
    fillColor: TIME_LEFT_COLOURS[props.time_left],
  });
  marker.bindPopup(() => reportPopup(props, [
    [gettext("Hạn xử lý"), props.due ? props.due.slice(0, 16).replace("T", " ") : ""],
    [gettext("Thời hạn"), LABELS[props.time_left]],
    [gettext("Khẩn cấp"), props.urgent ? gettext("Có") : ""],
  ]));
  return marker;
}

function rowFor(props) {
  return el("tr", {
    class: "tl-" + props.time_left + (props.urgent ? " urgent" : ""),
    "data-reference": props.reference,
  },
  el("td", {}, props.urgent ? "⚠ " + props.reference : props.reference),
  el("td", {}, props.title),
  el("td", {}, props.status_label),
  el("td", {}, LABELS[props.time_left]),
  el("td", {}, el("a", { href: props.url }, gettext("Mở"))));
}

function officerMap(element) {
  const d = element.dataset;
  const map = createMap(element);
  const control = L.control.layers(null, null, { collapsed: true }).addTo(map);
  // Opened on the agency's own area (data-bounds): neither the boundaries nor the pins move it.
  const ownArea = Boolean(parseBounds(d.bounds));
  boundaryLayers(map, { commune: d.communesUrl, district: d.districtsUrl }, {
    control, fit: !ownArea,
  });
  const form = document.getElementById("map-filters");
  const list = document.getElementById("queue-list");
  const status = document.getElementById("map-status");
  const layer = L.featureGroup().addTo(map);
  const queue = latestRequest();
  let byRef = new Map();

  function select(ref) {
    for (const [key, item] of byRef) { item.row.classList.toggle("selected", key === ref); }
    const item = byRef.get(ref);
    if (!item) { return; }
    item.row.scrollIntoView({ block: "nearest" });
    map.setView(item.marker.getLatLng(), Math.max(map.getZoom(), 14));
    item.marker.openPopup();
  }

  function show(data) {
    for (const feature of data.features) {
      const ref = feature.properties.reference;
      const marker = markerFor(feature).addTo(layer);
      const row = rowFor(feature.properties);
      row.addEventListener("click", (e) => { if (e.target.tagName !== "A") { select(ref); } });
      marker.on("click", () => select(ref));
      list.append(row);
      byRef.set(ref, { marker, row });
    }
    d.pins = String(data.features.length);
    status.textContent = interpolate(gettext("%(n)s phản ánh trong hàng đợi."), { n: data.count });
    if (data.features.length && !ownArea) {
      map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 15 });
    }
  }

  function load() {
    layer.clearLayers();
    list.replaceChildren();
    byRef = new Map();
    const params = query(form);
    params.set("page_size", "5000");
    queue.fetch(d.reportsUrl + "?" + params).then((data) => { if (data) { show(data); } });
  }

  if (form) {
    form.addEventListener("change", load);
    form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  }
  load();
  legend(map, gettext("Thời hạn"), ["on_time", "due_soon", "overdue"].map((k) =>
    [TIME_LEFT_COLOURS[k], LABELS[k]]));
  return map;
}

const element = document.getElementById("officer-map");
if (element) { window.officerMap = officerMap(element); }
