/* The portal's Leaflet map: self-hosted base layer, data credit, boundaries, legend. */
import { el, notify, useStatusLine } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { latestRequest } from "./net.js";
import { eachSliced, nextTask } from "./tasks.js";

const BOUNDARY_STYLES = {
  commune: { color: "#666", weight: 1, fillColor: "#f4efe1", fillOpacity: 0.35 },
  district: { color: "#8b1a1a", weight: 2.5, fill: false, dashArray: "6 4" },
};
const BOUNDARY_NAMES = {
  commune: gettext("Ranh giới xã/phường"), district: gettext("Ranh giới huyện (cũ)"),
};

// The boundary data's licence requires the credit on every map. Leaflet's attribution control
// takes HTML strings; this one is built from text nodes.
function creditControl(text) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = el("div", { class: "leaflet-control-attribution map-credit" },
      "Leaflet", text ? " | " + text : "");
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  return control;
}

// "west,south,east,north" (degrees) as a Leaflet bounds, or null when absent or malformed.
export function parseBounds(text) {
  const box = String(text || "").split(",").map(Number);
  if (box.length !== 4 || !box.every(Number.isFinite)) { return null; }
  return L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
}

// data-tile-base: self-hosted raster tiles (optional); data-credit or #data-credit: the credit;
// data-status: id of the status line where failed requests are reported; data-bounds
// ("west,south,east,north", from the server): the area the map opens on instead of center/zoom.
// Any other option goes to L.map.
export function createMap(element, { center = [21.6, 103.0], zoom = 8, ...options } = {}) {
  const d = element.dataset;
  useStatusLine(d.status ? document.getElementById(d.status) : null, element);
  // markercluster needs a maxZoom even when no tile layer defines one.
  const map = L.map(element, { attributionControl: false, maxZoom: 19, ...options });
  // Leaflet makes the container focusable (keyboard panning): give it a name for screen readers.
  if (!element.hasAttribute("aria-label")) {
    element.setAttribute("role", "region");
    element.setAttribute("aria-label", gettext("Bản đồ"));
  }
  const area = parseBounds(d.bounds);
  if (area) { map.fitBounds(area); } else { map.setView(center, zoom); }
  if (d.tileBase) { L.tileLayer(d.tileBase, { maxZoom: 19 }).addTo(map); }
  const credit = d.credit || (document.getElementById("data-credit") || {}).textContent || "";
  creditControl(credit.trim()).addTo(map);
  return map;
}

// The bands of boundaries.simplified.BANDS: a url with "{z}" (the simplified endpoint) is asked
// for the coarsest band fine enough for the map's zoom, again whenever the zoom leaves that band;
// from BBOX_BAND on only around the view (one view's width and height on each side), again
// when the view leaves that area. Any other url is loaded once, as it is.
const BANDS = [8, 10, 12, 14, 16];
const BBOX_BAND = 12;
const bandFor = (zoom) => BANDS.find((band) => band >= zoom) || BANDS[BANDS.length - 1];

function boundaryUrl(map, template) {
  if (!template.includes("{z}")) { return { url: template, key: template }; }
  const band = bandFor(Math.round(map.getZoom()));
  const url = template.replace("{z}", String(band));
  if (band < BBOX_BAND) { return { url, key: url }; }
  // Rounded outwards to a grid, so that small moves ask for the same (cached) area again.
  const area = map.getBounds().pad(1);
  const step = 360 / 256 / 2 ** band * 64;
  const down = (v) => Math.floor(v / step) * step;
  const up = (v) => Math.ceil(v / step) * step;
  const box = [down(area.getWest()), down(area.getSouth()), up(area.getEast()), up(area.getNorth())];
  const bounds = L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
  return { url: url + "&bbox=" + box.map((v) => v.toFixed(5)).join(","), key: url, bounds };
}

// urls: { commune?, district? }. The commune layer fits the map once loaded unless fit is false;
// the container's data-commune-loaded / data-district-loaded then hold the feature count.
// The outlines are added a few at a time, in short tasks, so that a phone keeps painting and
// answering taps while they arrive.
export function boundaryLayers(map, urls, { control = null, fit = true } = {}) {
  const layers = {};
  for (const [level, template] of Object.entries(urls)) {
    if (!template) { continue; }
    const layer = L.geoJSON(null, {
      style: BOUNDARY_STYLES[level],
      interactive: level === "commune",
      onEachFeature: (feature, item) => {
        const p = feature.properties;
        item.bindTooltip(el("span", {}, p.full_name || p.name || ""), { sticky: true });
      },
    }).addTo(map);
    layers[level] = layer;
    if (control) { control.addOverlay(layer, BOUNDARY_NAMES[level]); }
    const onError = (message) => notify(
      interpolate(gettext("Không tải được ranh giới: %(reason)s"), { reason: message }));
    const latest = latestRequest();
    let shown = null; // { key, bounds } of the data on the map, or being fetched
    let fitted = !fit || level !== "commune";
    let generation = 0; // the answer being added; a newer one stops the older one's slices
    const load = () => {
      const next = boundaryUrl(map, template);
      if (shown && shown.key === next.key
          && (!shown.bounds || shown.bounds.contains(map.getBounds()))) { return; }
      shown = next;
      latest.fetch(next.url, {
        onError: (message) => { shown = null; onError(message); },
      }).then(async (data) => {
        if (!data) { return; }
        const mine = ++generation;
        const stillWanted = () => mine === generation;
        // The answer was parsed in this task: the first slice gets a task of its own.
        await nextTask();
        if (!stillWanted()) { return; }
        layer.clearLayers();
        if (!await eachSliced(data.features, (feature) => layer.addData(feature), { stillWanted })) {
          return;
        }
        layer.bringToBack();
        if (!fitted && layer.getBounds().isValid()) {
          // The new view redraws every layer: a task of its own, and one jump, not an animation
          // (each of its frames redrew the map).
          await nextTask();
          if (!stillWanted()) { return; }
          fitted = true;
          map.fitBounds(layer.getBounds(), { animate: false });
        }
        map.getContainer().dataset[level + "Loaded"] = String(data.features.length);
      });
    };
    if (template.includes("{z}")) { map.on("zoomend moveend", load); }
    load();
  }
  return layers;
}

// entries: [[colour, label], ...]
export function legend(map, title, entries) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => el("div", { class: "map-legend" }, el("strong", {}, title),
    entries.map(([colour, label]) => el("div", {},
      el("span", { class: "swatch", style: "background: " + colour }), label)));
  return control.addTo(map);
}
