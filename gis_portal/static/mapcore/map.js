/* The portal's Leaflet map: self-hosted base layer, data credit, boundaries, legend. */
import { el, notify, useStatusLine } from "./dom.js";
import { fetchJSON } from "./net.js";

const BOUNDARY_STYLES = {
  commune: { color: "#666", weight: 1, fillColor: "#f4efe1", fillOpacity: 0.35 },
  district: { color: "#8b1a1a", weight: 2.5, fill: false, dashArray: "6 4" },
};
const BOUNDARY_NAMES = { commune: "Ranh giới xã/phường", district: "Ranh giới huyện (cũ)" };

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

// data-tile-base: self-hosted raster tiles (optional); data-credit or #data-credit: the credit;
// data-status: id of the status line where failed requests are reported.
export function createMap(element, { center = [21.6, 103.0], zoom = 8 } = {}) {
  const d = element.dataset;
  useStatusLine(d.status ? document.getElementById(d.status) : null, element);
  // markercluster needs a maxZoom even when no tile layer defines one.
  const map = L.map(element, { attributionControl: false, maxZoom: 19 }).setView(center, zoom);
  if (d.tileBase) { L.tileLayer(d.tileBase, { maxZoom: 19 }).addTo(map); }
  const credit = d.credit || (document.getElementById("data-credit") || {}).textContent || "";
  creditControl(credit.trim()).addTo(map);
  return map;
}

// urls: { commune?, district? }. The commune layer fits the map once loaded unless fit is false;
// the container's data-commune-loaded / data-district-loaded then hold the feature count.
export function boundaryLayers(map, urls, { control = null, fit = true } = {}) {
  const layers = {};
  for (const [level, url] of Object.entries(urls)) {
    if (!url) { continue; }
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
    const onError = (message) => notify("Không tải được ranh giới: " + message);
    fetchJSON(url, { onError }).then((data) => {
      if (!data) { return; }
      layer.addData(data);
      layer.bringToBack();
      if (fit && level === "commune" && layer.getBounds().isValid()) {
        map.fitBounds(layer.getBounds());
      }
      map.getContainer().dataset[level + "Loaded"] = String(data.features.length);
    });
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
