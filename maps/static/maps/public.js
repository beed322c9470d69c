/* Citizens' map: boundaries, clustered published reports (vector tiles when there are too many
   for GeoJSON), a resolved-items layer, filters, "report a problem here" and locate-me. */
(function () {
  "use strict";
  var P = window.PortalMaps;
  var element = document.getElementById("public-map");
  if (!element) { return; }
  var d = element.dataset;
  var map = P.createMap(element);
  var control = L.control.layers(null, null, { collapsed: window.innerWidth < 700 }).addTo(map);
  P.boundaryLayers(map, { commune: d.communesUrl, district: d.districtsUrl }, control);
  var form = document.getElementById("map-filters");
  var status = document.getElementById("map-status");
  var MAX = parseInt(d.maxFeatures, 10) || 5000;

  function clusterGroup(className) {
    return L.markerClusterGroup({
      showCoverageOnHover: false,
      iconCreateFunction: function (cluster) {
        return L.divIcon({
          html: "<span>" + cluster.getChildCount() + "</span>",
          className: "cluster " + className, iconSize: [36, 36]
        });
      }
    });
  }
  var openLayer = clusterGroup("cluster-open").addTo(map);
  var resolvedLayer = clusterGroup("cluster-resolved").addTo(map);
  control.addOverlay(openLayer, "Phản ánh đang xử lý");
  control.addOverlay(resolvedLayer, "Phản ánh đã có kết quả");
  var tileLayer = null;
  var serial = 0;
  // Vector tiles are drawn above the commune polygons (overlay pane, 400), whose fill would
  // veil the points.
  map.createPane("report-tiles").style.zIndex = 450;

  function marker(feature) {
    var c = feature.geometry.coordinates;
    var props = feature.properties;
    var m = L.circleMarker([c[1], c[0]], {
      radius: 7, weight: 1, color: "#222", fillOpacity: 0.9,
      fillColor: P.STATUS_COLOURS[props.status] || "#333"
    });
    m.bindPopup(function () { return P.popupContent(props); });
    m.bindTooltip(P.el("span", props.title));
    return m;
  }

  function showTiles(params) {
    if (!L.vectorGrid) { return; }
    var url = d.tileUrl + "?" + params.toString();
    tileLayer = L.vectorGrid.protobuf(url, {
      rendererFactory: L.canvas.tile,
      pane: "report-tiles",
      // VectorGrid's own click handling throws under Leaflet 1.9 (Leaflet.VectorGrid#274,
      // #267); clicks are matched to drawn points in featureAt instead.
      interactive: false,
      // Counts have no report id; each drawn feature still needs its own key.
      getFeatureId: function (f) { return f.properties.id || "n" + (++serial); },
      vectorTileLayerStyles: {
        reports: function (props) {
          // The two status overlays toggle tile points too (the tiles carry both kinds).
          if (!map.hasLayer(props.status === "published" ? resolvedLayer : openLayer)) {
            return [];
          }
          // A point standing for several nearby reports (below street zoom) is drawn larger.
          var radius = props.count > 1 ? Math.min(11, 5 + Math.log2(props.count)) : 5;
          return { radius: radius, weight: 1, color: "#222", fill: true, fillOpacity: 0.9,
                   fillColor: P.STATUS_COLOURS[props.status] || "#333" };
        },
        counts: function (props) {
          var r = Math.min(22, 4 + Math.sqrt(props.count));
          return { radius: r, weight: 1, color: "#8b1a1a", fill: true, fillOpacity: 0.55,
                   fillColor: "#e6550d" };
        }
      }
    }).addTo(map);
  }

  // The drawn tile point (or count) nearest to a click, within a few pixels.
  function featureAt(latlng) {
    var z = Math.round(map.getZoom());
    var size = tileLayer.getTileSize();
    var pixel = map.project(latlng, z);
    var coords = pixel.unscaleBy(size).floor();
    var tile = tileLayer._vectorTiles[coords.x + ":" + coords.y + ":" + z];
    if (!tile) { return null; }
    var local = pixel.subtract(coords.scaleBy(size));
    var best = null, bestDistance = 10;
    Object.keys(tile._features).forEach(function (id) {
      var drawn = tile._features[id].feature;
      var distance = drawn._point ? local.distanceTo(drawn._point) : Infinity;
      if (distance <= Math.max(bestDistance, drawn._radius || 0)) {
        best = drawn.properties; bestDistance = distance;
      }
    });
    return best;
  }

  map.on("click", function (e) {
    if (picking || !tileLayer) { return; }
    var props = featureAt(e.latlng);
    if (!props) { return; }
    var box;
    if (props.id === undefined) {
      box = P.el("span", props.count + " phản ánh — phóng to để xem từng điểm");
    } else {
      box = P.popupContent({ title: props.title, category_name: props.category_name,
                             status_label: P.STATUS_LABELS[props.status] || props.status,
                             created: props.created, reference: props.reference,
                             url: d.detailUrl.replace("REF", props.reference) });
      if (props.count > 1) {
        box.appendChild(P.el("p", "và " + (props.count - 1) +
                             " phản ánh khác ở gần — phóng to để xem từng điểm", "hint"));
      }
    }
    L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
  });

  map.on("overlayadd overlayremove", function () { if (tileLayer) { tileLayer.redraw(); } });

  function showPins(data) {
    data.features.forEach(function (feature) {
      var layer = feature.properties.status === "published" ? resolvedLayer : openLayer;
      layer.addLayer(marker(feature));
    });
    element.dataset.mode = "geojson";
    element.dataset.pins = String(data.features.length);
    status.textContent = data.count + " phản ánh.";
  }

  function load() {
    var params = P.query(form);
    openLayer.clearLayers();
    resolvedLayer.clearLayers();
    if (tileLayer) { map.removeLayer(tileLayer); tileLayer = null; }
    status.textContent = "Đang tải…";
    // Count first (one feature), so a large result never travels as GeoJSON.
    params.set("page_size", "1");
    P.getJSON(d.reportsUrl + "?" + params.toString()).then(function (first) {
      if (first.count > MAX) {
        params.delete("page_size");
        showTiles(params);
        status.textContent = first.count + " phản ánh — hiển thị dạng ô vector.";
        element.dataset.mode = "tiles";
        return null;
      }
      if (first.count <= 1) { return showPins(first); }
      params.set("page_size", String(MAX));
      return P.getJSON(d.reportsUrl + "?" + params.toString()).then(showPins);
    }).catch(function (err) { status.textContent = "Không tải được dữ liệu: " + err.message; });
  }
  if (form) {
    form.addEventListener("change", load);
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  }
  load();

  // "Report a problem here": the next click on the map proposes that spot.
  var picking = false;
  var pin = null;
  var reportButton = document.getElementById("report-here");
  reportButton.addEventListener("click", function () {
    picking = !picking;
    element.classList.toggle("picking", picking);
    status.textContent = picking ? "Chạm vào vị trí sự việc trên bản đồ." : "";
  });
  map.on("click", function (e) {
    if (!picking) { return; }
    picking = false;
    element.classList.remove("picking");
    var lat = e.latlng.lat.toFixed(6), lon = e.latlng.lng.toFixed(6);
    if (pin) { pin.setLatLng(e.latlng); } else { pin = L.marker(e.latlng).addTo(map); }
    status.textContent = "Đang kiểm tra vị trí…";
    P.getJSON(d.locateUrl + "?lat=" + lat + "&lon=" + lon).then(function (loc) {
      var box = P.el("div", null, "map-popup");
      box.appendChild(P.el("p", "Vị trí thuộc " + loc.commune.full_name + "."));
      var link = P.el("a", "Gửi phản ánh tại đây", "button");
      link.id = "report-here-link";
      link.href = d.reportHereUrl + "?lat=" + lat + "&lon=" + lon;
      box.appendChild(link);
      pin.bindPopup(box).openPopup();
      status.textContent = "";
    }).catch(function (err) {
      status.textContent = err.message;
      pin.bindPopup(P.el("p", err.message)).openPopup();
    });
  });

  document.getElementById("locate-me").addEventListener("click", function () {
    map.locate({ setView: true, maxZoom: 16 });
  });
  map.on("locationfound", function (e) { L.circleMarker(e.latlng, { radius: 8 }).addTo(map); });
  map.on("locationerror", function () {
    status.textContent = "Không xác định được vị trí của bạn (cần cho phép định vị).";
  });

  P.legend(map, "Trạng thái", ["assigned", "in_progress", "result_submitted", "reopened",
    "published"].map(function (s) { return [P.STATUS_COLOURS[s], P.STATUS_LABELS[s] || s]; }));
  window.publicMap = map;
})();
