/* Citizens' map: boundaries, clustered published reports (vector tiles when there are too many
   for GeoJSON), a resolved-items layer, filters, "report a problem here" and locate-me. */
import {
  STATUS_COLOURS, boundaryLayers, createMap, el, latestRequest, legend, loadFailed, loadScript,
  query, reportPopup, pointTileLayer, statusLabels,
} from "../mapcore/core.js";
import { gettext, interpolate, ngettext } from "../mapcore/i18n.js";
import { nextTask } from "../mapcore/tasks.js";

const LEGEND_STATUSES = ["assigned", "in_progress", "result_submitted", "reopened", "published"];

function clusterGroup(className) {
  return L.markerClusterGroup({
    showCoverageOnHover: false,
    iconCreateFunction: (cluster) => L.divIcon({
      html: el("span", {}, cluster.getChildCount()),
      className: "cluster " + className, iconSize: [36, 36],
    }),
  });
}

function pinFor(feature) {
  const [lon, lat] = feature.geometry.coordinates;
  const props = feature.properties;
  const pin = L.circleMarker([lat, lon], {
    radius: 7, weight: 1, color: "#222", fillOpacity: 0.9,
    fillColor: STATUS_COLOURS[props.status] || "#333",
  });
  pin.bindPopup(() => reportPopup(props));
  pin.bindTooltip(el("span", {}, props.title));
  return pin;
}

function tileStyles(map, overlays) {
  return {
    reports: (props) => {
      // The two status overlays toggle tile points too (the tiles carry both kinds).
      if (!map.hasLayer(props.status === "published" ? overlays.resolved : overlays.open)) {
        return [];
      }
      // A point standing for several nearby reports (below street zoom) is drawn larger.
      const radius = props.count > 1 ? Math.min(11, 5 + Math.log2(props.count)) : 5;
      return { radius, weight: 1, color: "#222", fill: true, fillOpacity: 0.9,
               fillColor: STATUS_COLOURS[props.status] || "#333" };
    },
    counts: (props) => ({
      radius: Math.min(22, 4 + Math.sqrt(props.count)), weight: 1, color: "#8b1a1a",
      fill: true, fillOpacity: 0.55, fillColor: "#e6550d",
    }),
  };
}

function tilePopup(props, labels, detailUrl) {
  if (props.id === undefined) {
    return el("span", {}, interpolate(ngettext(
      "%(n)s phản ánh — phóng to để xem từng điểm", "%(n)s phản ánh — phóng to để xem từng điểm",
      props.count), { n: props.count }));
  }
  const box = reportPopup({
    title: props.title, category_name: props.category_name,
    status_label: labels[props.status] || props.status, created: props.created,
    reference: props.reference, url: detailUrl.replace("REF", encodeURIComponent(props.reference)),
  });
  if (props.count > 1) {
    box.append(el("p", { class: "hint" },
      interpolate(ngettext(
        "và %(n)s phản ánh khác ở gần — phóng to để xem từng điểm",
        "và %(n)s phản ánh khác ở gần — phóng to để xem từng điểm",
        props.count - 1), { n: props.count - 1 })));
  }
  return box;
}

function reportHerePopup(loc, url) {
  return el("div", { class: "map-popup" },
    el("p", {}, interpolate(gettext("Vị trí thuộc %(commune)s."),
      { commune: loc.commune.full_name })),
    el("a", { id: "report-here-link", class: "button", href: url },
      gettext("Gửi phản ánh tại đây")));
}

// The map's set-up runs as short tasks (the map; the outlines' requests; the report layers and
// controls; the legend and the first count), not one long one: on a phone each was a freeze of
// its own. Leaflet's set-up and the first view stay one task: split, the frame drawn in between
// cost more than the split saved.
function publicMap(element) {
  // No fade-in of the point tiles: each of its frames recomposited the whole map, a phone's
  // longest tasks after the first paint. The tiles appear painted in full, all the same.
  const map = createMap(element, { fadeAnimation: false });
  nextTask().then(() => publicLayers(map, element));
  return map;
}

async function publicLayers(map, element) {
  const d = element.dataset;
  // On the map once every overlay is in it: each overlay added to a shown control rebuilds it.
  const control = L.control.layers(null, null, { collapsed: window.innerWidth < 700 });
  // The outlines stay SVG: a canvas renderer was tried, and it was slower on a phone without
  // GPU raster (its redraws run on the main thread; SVG paths are rastered off it). A map opened
  // on the server's bounds is already where the fit would take it.
  boundaryLayers(map, { commune: d.communesUrl, district: d.districtsUrl },
    { control, fit: !d.bounds });
  await nextTask();
  const form = document.getElementById("map-filters");
  const status = document.getElementById("map-status");
  const labels = statusLabels();
  const max = parseInt(d.maxFeatures, 10) || 5000;
  // The overlays the layer control toggles, for the point tiles as for the pins; the pins'
  // cluster groups go inside them once markercluster is loaded (clustersReady).
  const overlays = { open: L.layerGroup(), resolved: L.layerGroup() };
  overlays.open.addTo(map);
  overlays.resolved.addTo(map);
  control.addOverlay(overlays.open, gettext("Phản ánh đang xử lý"));
  control.addOverlay(overlays.resolved, gettext("Phản ánh đã có kết quả"));
  control.addTo(map);
  // Vector tiles are drawn above the commune polygons (overlay pane, 400), whose fill would
  // veil the points.
  map.createPane("report-tiles").style.zIndex = 450;
  const reports = latestRequest();
  const locating = latestRequest();
  let tiles = null;
  let clusters = null;
  let serial = 0; // the latest load(): pins that arrive for an older one are dropped
  let picking = false;
  let pin = null;

  function clustersReady() {
    return loadScript(d.clusterScript).then(() => {
      if (!clusters) {
        clusters = {
          open: clusterGroup("cluster-open"), resolved: clusterGroup("cluster-resolved"),
        };
        overlays.open.addLayer(clusters.open);
        overlays.resolved.addLayer(clusters.resolved);
      }
      return clusters;
    });
  }

  function showTiles(params) {
    tiles = pointTileLayer(map, d.tileUrl + "?" + params, {
      pane: "report-tiles", styles: tileStyles(map, overlays),
    });
    tiles.layer.addTo(map);
  }

  async function showPins(data, mine) {
    try {
      await clustersReady();
    } catch (err) {
      loadFailed(gettext("mất kết nối tới máy chủ"));
      return;
    }
    if (mine !== serial) { return; }
    for (const feature of data.features) {
      const target = feature.properties.status === "published" ? clusters.resolved : clusters.open;
      target.addLayer(pinFor(feature));
    }
    d.mode = "geojson";
    d.pins = String(data.features.length);
    status.textContent = interpolate(
      ngettext("%(n)s phản ánh.", "%(n)s phản ánh.", data.count), { n: data.count });
  }

  function load() {
    const params = query(form);
    const mine = ++serial;
    if (clusters) {
      clusters.open.clearLayers();
      clusters.resolved.clearLayers();
    }
    if (tiles) { map.removeLayer(tiles.layer); tiles = null; }
    delete d.pins;
    status.textContent = gettext("Đang tải…");
    // Count first (one feature), so a large result never travels as GeoJSON.
    params.set("page_size", "1");
    reports.fetch(d.reportsUrl + "?" + params).then((first) => {
      if (!first) { return null; }
      if (first.count > max) {
        params.delete("page_size");
        showTiles(params);
        status.textContent = interpolate(ngettext(
          "%(n)s phản ánh — hiển thị dạng ô vector.", "%(n)s phản ánh — hiển thị dạng ô vector.",
          first.count), { n: first.count });
        d.mode = "tiles";
        return null;
      }
      if (first.count <= 1) { return showPins(first, mine); }
      params.set("page_size", String(max));
      // markercluster is fetched while the pins are.
      clustersReady().catch(() => {});
      return reports.fetch(d.reportsUrl + "?" + params)
        .then((data) => data && showPins(data, mine));
    });
  }

  // "Report a problem here": the next click on the map proposes that spot.
  function pick(latlng) {
    picking = false;
    element.classList.remove("picking");
    const where = new URLSearchParams({ lat: latlng.lat.toFixed(6), lon: latlng.lng.toFixed(6) });
    if (pin) { pin.setLatLng(latlng); } else { pin = L.marker(latlng).addTo(map); }
    status.textContent = gettext("Đang kiểm tra vị trí…");
    const onError = (message) => {
      status.textContent = message;
      pin.bindPopup(el("p", {}, message)).openPopup();
    };
    locating.fetch(d.locateUrl + "?" + where, { onError }).then((loc) => {
      if (!loc) { return; }
      pin.bindPopup(reportHerePopup(loc, d.reportHereUrl + "?" + where)).openPopup();
      status.textContent = "";
    });
  }

  map.on("click", (e) => {
    if (picking) { pick(e.latlng); return; }
    const props = tiles && tiles.featureAt(e.latlng);
    if (!props) { return; }
    L.popup().setLatLng(e.latlng).setContent(tilePopup(props, labels, d.detailUrl)).openOn(map);
  });
  map.on("overlayadd overlayremove", () => { if (tiles) { tiles.layer.redraw(); } });
  if (form) {
    form.addEventListener("change", load);
    form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
  }
  document.getElementById("report-here").addEventListener("click", () => {
    picking = !picking;
    element.classList.toggle("picking", picking);
    status.textContent = picking ? gettext("Chạm vào vị trí sự việc trên bản đồ.") : "";
  });
  document.getElementById("locate-me").addEventListener("click", () => {
    map.locate({ setView: true, maxZoom: 16 });
  });
  map.on("locationfound", (e) => { L.circleMarker(e.latlng, { radius: 8 }).addTo(map); });
  map.on("locationerror", () => {
    status.textContent = gettext("Không xác định được vị trí của bạn (cần cho phép định vị).");
  });
  // Exposed for the browser tests.
  window.publicTileFeatures = () => (tiles ? tiles.drawn() : null);
  nextTask().then(() => {
    legend(map, gettext("Trạng thái"),
      LEGEND_STATUSES.map((s) => [STATUS_COLOURS[s], labels[s] || s]));
    load();
  });
}

// Not in the task that evaluated the modules: on a phone the two together were one long freeze.
const element = document.getElementById("public-map");
if (element) { nextTask().then(() => { window.publicMap = publicMap(element); }); }
