/* Officers' area queue: map and list in sync, coloured by time left, urgent cases marked. */
(function () {
  "use strict";
  var P = window.PortalMaps;
  var element = document.getElementById("officer-map");
  if (!element) { return; }
  var d = element.dataset;
  var map = P.createMap(element);
  var control = L.control.layers(null, null, { collapsed: true }).addTo(map);
  P.boundaryLayers(map, { commune: d.communesUrl, district: d.districtsUrl }, control);
  var form = document.getElementById("map-filters");
  var list = document.getElementById("queue-list");
  var status = document.getElementById("map-status");
  var layer = L.featureGroup().addTo(map);
  var LABELS = { on_time: "Còn hạn", due_soon: "Đến hạn trong 1 ngày làm việc", overdue: "Quá hạn" };
  var byRef = {};

  function select(ref) {
    Object.keys(byRef).forEach(function (key) {
      byRef[key].row.classList.toggle("selected", key === ref);
    });
    var item = byRef[ref];
    if (!item) { return; }
    item.row.scrollIntoView({ block: "nearest" });
    map.setView(item.marker.getLatLng(), Math.max(map.getZoom(), 14));
    item.marker.openPopup();
  }

  function load() {
    layer.clearLayers();
    list.replaceChildren();
    byRef = {};
    var params = P.query(form);
    params.set("page_size", "5000");
    P.getJSON(d.reportsUrl + "?" + params.toString()).then(function (data) {
      data.features.forEach(function (feature) {
        var props = feature.properties;
        var c = feature.geometry.coordinates;
        var m = L.circleMarker([c[1], c[0]], {
          radius: props.urgent ? 10 : 7, weight: props.urgent ? 3 : 1,
          color: props.urgent ? "#000" : "#333", fillOpacity: 0.9,
          fillColor: P.TIME_LEFT_COLOURS[props.time_left]
        }).addTo(layer);
        m.bindPopup(function () {
          return P.popupContent(props, [["Hạn xử lý", props.due ? props.due.slice(0, 16).replace("T", " ") : ""],
                                        ["Thời hạn", LABELS[props.time_left]],
                                        ["Khẩn cấp", props.urgent ? "Có" : ""]]);
        });
        var row = document.createElement("tr");
        row.className = "tl-" + props.time_left + (props.urgent ? " urgent" : "");
        row.dataset.reference = props.reference;
        row.appendChild(P.el("td", props.urgent ? "⚠ " + props.reference : props.reference));
        row.appendChild(P.el("td", props.title));
        row.appendChild(P.el("td", props.status_label));
        row.appendChild(P.el("td", LABELS[props.time_left]));
        var open = P.el("a", "Mở");
        open.href = props.url;
        var cell = P.el("td");
        cell.appendChild(open);
        row.appendChild(cell);
        row.addEventListener("click", function (e) {
          if (e.target.tagName !== "A") { select(props.reference); }
        });
        m.on("click", function () { select(props.reference); });
        list.appendChild(row);
        byRef[props.reference] = { marker: m, row: row };
      });
      element.dataset.pins = String(data.features.length);
      status.textContent = data.count + " phản ánh trong hàng đợi.";
      if (data.features.length) { map.fitBounds(layer.getBounds().pad(0.2), { maxZoom: 15 }); }
    }).catch(function (err) { status.textContent = "Không tải được dữ liệu: " + err.message; });
  }
  if (form) {
    form.addEventListener("change", load);
    form.addEventListener("submit", function (e) { e.preventDefault(); load(); });
  }
  load();
  P.legend(map, "Thời hạn", [[P.TIME_LEFT_COLOURS.on_time, LABELS.on_time],
                             [P.TIME_LEFT_COLOURS.due_soon, LABELS.due_soon],
                             [P.TIME_LEFT_COLOURS.overdue, LABELS.overdue]]);
  window.officerMap = map;
})();
