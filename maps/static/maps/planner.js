/* Planners' analysis map: pending-case heatmap, Gi* hotspots, per-unit choropleths, exports. */
import {
  boundaryLayers, createMap, el, latestRequest, legend, notify, query,
} from "../mapcore/core.js";
import { gettext, interpolate } from "../mapcore/i18n.js";

const HOT = { 99: "#b2182b", 95: "#ef8a62", 90: "#fddbc7" };
const COLD = { 99: "#2166ac", 95: "#67a9cf", 90: "#d1e5f0" };
const share = (v) => (v === null ? "—" : Math.round(v * 100) + "%");

function ramp(t) {
  const stops = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
  return stops[Math.min(stops.length - 1, Math.floor(t * stops.length))];
}

function tooltipLayer(style, text) {
  return L.geoJSON(null, {
    style,
    onEachFeature: (f, item) => item.bindTooltip(el("span", {}, text(f.properties))),
  });
}

function plannerMap(element) {
  const d = element.dataset;
  const map = createMap(element);
  const control = L.control.layers(null, null, { collapsed: false }).addTo(map);
  boundaryLayers(map, { district: d.districtsUrl }, { control });
  const form = document.getElementById("map-filters");
  const status = document.getElementById("map-status");
  const metricSelect = document.getElementById("choropleth-metric");
  let maxValue = 1;

  const heat = tooltipLayer(
    (f) => ({ weight: 0.3, color: "#777", fillOpacity: 0.75,
              fillColor: ramp(f.properties.intensity) }),
    (p) => interpolate(gettext("%(n)s phản ánh chờ xử lý, tổng tuổi %(days)s ngày"),
      { n: p.count, days: Math.round(p.weight) }));
  const hot = tooltipLayer(
    (f) => ({ weight: 0.3, color: "#555", fillOpacity: 0.8,
              fillColor: (f.properties.kind === "hot" ? HOT : COLD)[f.properties.confidence] }),
    (p) => interpolate(p.kind === "hot"
      ? gettext("Điểm nóng %(confidence)s — z = %(z)s, %(n)s phản ánh")
      : gettext("Điểm lạnh %(confidence)s — z = %(z)s, %(n)s phản ánh"),
    { confidence: p.confidence + "%", z: p.z, n: p.count }));
  const choroStyle = (f) => {
    const v = f.properties[metricSelect.value];
    return { weight: 1, color: "#444", fillOpacity: v === null ? 0.05 : 0.7,
             fillColor: v === null ? "#ccc" : ramp(v / maxValue) };
  };
  const choro = tooltipLayer(choroStyle,
    (p) => interpolate(
      gettext("%(name)s: %(n)s phản ánh, %(density)s/km², đúng hạn %(on_time)s, hài lòng %(satisfied)s"),
      { name: p.name, n: p.reports, density: p.per_km2, on_time: share(p.on_time_share),
        satisfied: share(p.satisfied_share) }));
  heat.addTo(map);
  control.addOverlay(heat, gettext("Bản đồ nhiệt phản ánh chờ xử lý"));
  control.addOverlay(hot, gettext("Điểm nóng / điểm lạnh (Gi*)"));
  control.addOverlay(choro, gettext("Bản đồ theo đơn vị hành chính"));
  const requests = {
    heatmap: latestRequest(), hotspots: latestRequest(), choropleth: latestRequest(),
  };

  // name: the data-* key that reports "loading", the feature count or "error".
  function fill(layer, name, url) {
    element.dataset[name] = "loading";
    const onError = (message) => { element.dataset[name] = "error"; notify(message); };
    return requests[name].fetch(url, { onError }).then((data) => {
      if (!data) { return null; }
      layer.clearLayers();
      layer.addData(data);
      element.dataset[name] = String(data.features.length);
      return data;
    });
  }

  function filters() {
    const params = query(form);
    params.delete("level");
    params.delete("metric");
    return params.toString();
  }

  function loadHeatmap(base) {
    fill(heat, "heatmap", d.heatmapUrl + "?zoom=" + map.getZoom() + (base ? "&" + base : ""));
  }

  function restyle() {
    const values = [];
    choro.eachLayer((item) => {
      const v = item.feature.properties[metricSelect.value];
      if (v !== null) { values.push(v); }
    });
    maxValue = values.length ? Math.max(...values) : 1;
    choro.setStyle(choroStyle);
  }

  function refresh() {
    const level = query(form).get("level") || "commune";
    const base = filters();
    loadHeatmap(base);
    fill(hot, "hotspots", d.hotspotUrl + (base ? "?" + base : "")).then((data) => {
      if (data) {
        status.textContent = interpolate(
          gettext("Gi*: %(tested)s ô %(size)s m, %(n)s ô có ý nghĩa sau hiệu chỉnh FDR."),
          { tested: data.cells_tested, size: data.cell_size_m, n: data.features.length });
      }
    });
    fill(choro, "choropleth", d.choroplethUrl + "?level=" + level + (base ? "&" + base : ""))
      .then((data) => { if (data) { restyle(); } });
    for (const fmt of ["geojson", "csv", "gpkg"]) {
      const link = document.getElementById("export-" + fmt);
      if (link) { link.href = d.exportUrl.replace("FMT", fmt) + (base ? "?" + base : ""); }
    }
  }

  form.addEventListener("change", (e) => (e.target.name === "metric" ? restyle() : refresh()));
  form.addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
  map.on("zoomend", () => loadHeatmap(filters()));
  const unitSelect = document.getElementById("html-report-unit");
  const htmlLink = document.getElementById("html-report");
  if (unitSelect && htmlLink) {
    unitSelect.addEventListener("change", () => {
      htmlLink.href = d.htmlReportUrl + "?unit=" + encodeURIComponent(unitSelect.value);
    });
  }
  refresh();
  const hotLabel = (n) => interpolate(gettext("Điểm nóng %(share)s"), { share: n + "%" });
  const coldLabel = (n) => interpolate(gettext("Điểm lạnh %(share)s"), { share: n + "%" });
  legend(map, "Gi* (FDR)", [[HOT[99], hotLabel(99)], [HOT[95], hotLabel(95)],
                            [HOT[90], hotLabel(90)], [COLD[90], coldLabel(90)],
                            [COLD[95], coldLabel(95)], [COLD[99], coldLabel(99)]]);
  return map;
}

const element = document.getElementById("planner-map");
if (element) { window.plannerMap = plannerMap(element); }
