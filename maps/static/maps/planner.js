/* Planners' analysis map: pending-case heatmap, Gi* hotspots, per-unit choropleths, exports. */
(function () {
  "use strict";
  var P = window.PortalMaps;
  var element = document.getElementById("planner-map");
  if (!element) { return; }
  var d = element.dataset;
  var map = P.createMap(element);
  var control = L.control.layers(null, null, { collapsed: false }).addTo(map);
  P.boundaryLayers(map, { district: d.districtsUrl }, control);
  var form = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var HOT = { 99: "#b2182b", 95: "#ef8a62", 90: "#fddbc7" };
  var COLD = { 99: "#2166ac", 95: "#67a9cf", 90: "#d1e5f0" };

  function ramp(t) {
    var stops = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
    return stops[Math.min(stops.length - 1, Math.floor(t * stops.length))];
  }

  var heat = L.geoJSON(null, {
    style: function (f) {
      return { weight: 0.3, color: "#777", fillOpacity: 0.75, fillColor: ramp(f.properties.intensity) };
    },
    onEachFeature: function (f, l) {
      l.bindTooltip(P.el("span", f.properties.count + " phản ánh chờ xử lý, tổng tuổi " +
                           Math.round(f.properties.weight) + " ngày"));
    }
  });
  var hot = L.geoJSON(null, {
    style: function (f) {
      var p = f.properties;
      return { weight: 0.3, color: "#555", fillOpacity: 0.8,
               fillColor: (p.kind === "hot" ? HOT : COLD)[p.confidence] };
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      l.bindTooltip(P.el("span", (p.kind === "hot" ? "Điểm nóng" : "Điểm lạnh") + " " +
                           p.confidence + "% — z = " + p.z + ", " + p.count + " phản ánh"));
    }
  });
  var choro = L.geoJSON(null, {
    style: function (f) {
      var metric = document.getElementById("choropleth-metric").value;
      var v = f.properties[metric];
      var max = choro.maxValue || 1;
      return { weight: 1, color: "#444", fillOpacity: v === null ? 0.05 : 0.7,
               fillColor: v === null ? "#ccc" : ramp(v / max) };
    },
    onEachFeature: function (f, l) {
      var p = f.properties;
      l.bindTooltip(P.el("span", p.name + ": " + p.reports + " phản ánh, " + p.per_km2 +
                           "/km², đúng hạn " + (p.on_time_share === null ? "—" : Math.round(p.on_time_share * 100) + "%") +
                           ", hài lòng " + (p.satisfied_share === null ? "—" : Math.round(p.satisfied_share * 100) + "%")));
    }
  });
  heat.addTo(map);
  control.addOverlay(heat, "Bản đồ nhiệt phản ánh chờ xử lý");
  control.addOverlay(hot, "Điểm nóng / điểm lạnh (Gi*)");
  control.addOverlay(choro, "Bản đồ theo đơn vị hành chính");

  function fill(layer, url, name) {
    element.dataset[name] = "loading";
    return P.getJSON(url).then(function (data) {
      layer.clearLayers();
      layer.addData(data);
      element.dataset[name] = String(data.features.length);
      return data;
    }).catch(function (err) {
      element.dataset[name] = "error";
      status.textContent = err.message;
    });
  }

  function refresh() {
    var params = P.query(form);
    var level = params.get("level") || "commune";
    params.delete("level");
    params.delete("metric");
    var base = params.toString();
    fill(heat, d.heatmapUrl + "?zoom=" + map.getZoom() + (base ? "&" + base : ""), "heatmap");
    fill(hot, d.hotspotUrl + (base ? "?" + base : ""), "hotspots").then(function (data) {
      if (data) {
        status.textContent = "Gi*: " + data.cells_tested + " ô " + data.cell_size_m + " m, " +
          data.features.length + " ô có ý nghĩa sau hiệu chỉnh FDR.";
      }
    });
    fill(choro, d.choroplethUrl + "?level=" + level + (base ? "&" + base : ""), "choropleth")
      .then(function () { restyle(); });
    ["geojson", "csv", "gpkg"].forEach(function (fmt) {
      var link = document.getElementById("export-" + fmt);
      if (link) { link.href = d.exportUrl.replace("FMT", fmt) + (base ? "?" + base : ""); }
    });
  }
  function restyle() {
    var metric = document.getElementById("choropleth-metric").value;
    var values = [];
    choro.eachLayer(function (l) {
      var v = l.feature.properties[metric];
      if (v !== null) { values.push(v); }
    });
    choro.maxValue = values.length ? Math.max.apply(null, values) : 1;
    choro.setStyle(choro.options.style);
  }
  form.addEventListener("change", function (e) {
    if (e.target.name === "metric") { restyle(); } else { refresh(); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
  map.on("zoomend", function () {
    var params = P.query(form);
    params.delete("level");
    params.delete("metric");
    var base = params.toString();
    fill(heat, d.heatmapUrl + "?zoom=" + map.getZoom() + (base ? "&" + base : ""), "heatmap");
  });
  var unitSelect = document.getElementById("html-report-unit");
  var htmlLink = document.getElementById("html-report");
  if (unitSelect && htmlLink) {
    unitSelect.addEventListener("change", function () {
      htmlLink.href = d.htmlReportUrl + "?unit=" + encodeURIComponent(unitSelect.value);
    });
  }
  refresh();
  P.legend(map, "Gi* (FDR)", [[HOT[99], "Điểm nóng 99%"], [HOT[95], "Điểm nóng 95%"],
                              [HOT[90], "Điểm nóng 90%"], [COLD[90], "Điểm lạnh 90%"],
                              [COLD[95], "Điểm lạnh 95%"], [COLD[99], "Điểm lạnh 99%"]]);
  window.plannerMap = map;
})();
