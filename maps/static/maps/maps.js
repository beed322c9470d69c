/* Shared helpers for the portal's maps. Data is always written with textContent / DOM APIs:
   report text comes from citizens and must never be parsed as HTML. */
(function () {
  "use strict";

  var STATUS_COLOURS = {
    submitted: "#6c757d", returned: "#6c757d", assigned: "#1f77b4", in_progress: "#ff7f0e",
    result_submitted: "#9467bd", published: "#2ca02c", reopened: "#d62728",
    rejected: "#444", merged: "#999"
  };
  var TIME_LEFT_COLOURS = { on_time: "#2ca02c", due_soon: "#f0a500", overdue: "#d62728" };
  // Vietnamese status names, from the page (vector tiles carry only the status code).
  var labels = document.getElementById("status-labels");
  var STATUS_LABELS = labels ? JSON.parse(labels.textContent) : {};

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function query(form) {
    var params = new URLSearchParams();
    if (!form) { return params; }
    new FormData(form).forEach(function (value, key) {
      if (value !== "") { params.append(key, value); }
    });
    return params;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) {
          if (!r.ok) { throw new Error(body.error || body.detail || ("HTTP " + r.status)); }
          return body;
        });
      });
  }

  function createMap(element) {
    // markercluster needs a maxZoom even when no tile layer defines one.
    var map = L.map(element, { attributionControl: true, maxZoom: 19 }).setView([21.6, 103.0], 8);
    var tileUrl = element.dataset.tileBase;
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19, attribution: "" }).addTo(map);
    }
    map.attributionControl.setPrefix("Leaflet");
    var credit = document.getElementById("data-credit");
    if (credit) {
      // Attribution strings are HTML in Leaflet: pass an escaped copy of the credit text.
      var holder = document.createElement("div");
      holder.textContent = credit.textContent.trim();
      map.attributionControl.addAttribution(holder.innerHTML);
    }
    return map;
  }

  function boundaryLayers(map, urls, control) {
    var styles = {
      commune: { color: "#666", weight: 1, fillColor: "#f4efe1", fillOpacity: 0.35 },
      district: { color: "#8b1a1a", weight: 2.5, fill: false, dashArray: "6 4" }
    };
    var result = {};
    Object.keys(urls).forEach(function (level) {
      var layer = L.geoJSON(null, {
        style: styles[level],
        interactive: level === "commune",
        onEachFeature: function (feature, lyr) {
          lyr.bindTooltip(el("span", feature.properties.full_name || feature.properties.name || ""),
                          { sticky: true });
        }
      });
      result[level] = layer;
      layer.addTo(map);
      if (control) {
        control.addOverlay(layer, level === "commune" ? "Ranh giới xã/phường" : "Ranh giới huyện (cũ)");
      }
      getJSON(urls[level]).then(function (data) {
        layer.addData(data);
        layer.bringToBack();
        if (level === "commune" && layer.getBounds().isValid()) {
          map.fitBounds(layer.getBounds());
        }
        map.getContainer().dataset[level + "Loaded"] = String(data.features.length);
      }).catch(function () { /* the rest of the map still works */ });
    });
    return result;
  }

  function popupContent(props, extraRows) {
    var box = el("div", null, "map-popup");
    box.appendChild(el("strong", props.title || "", "popup-title"));
    var list = el("dl");
    var rows = [["Lĩnh vực", props.category_name], ["Trạng thái", props.status_label],
                ["Xã/phường", props.commune], ["Ngày gửi", props.created]];
    if (props.closed) { rows.push(["Ngày có kết quả", props.closed]); }
    (extraRows || []).forEach(function (row) { rows.push(row); });
    rows.forEach(function (row) {
      if (row[1] === undefined || row[1] === null || row[1] === "") { return; }
      list.appendChild(el("dt", row[0]));
      list.appendChild(el("dd", row[1]));
    });
    box.appendChild(list);
    if (props.photo) {
      var img = document.createElement("img");
      img.src = props.photo;
      img.alt = "Ảnh hiện trường";
      img.className = "popup-photo";
      box.appendChild(img);
    }
    if (props.url) {
      var link = el("a", "Xem chi tiết " + (props.reference || ""));
      link.href = props.url;
      box.appendChild(link);
    }
    return box;
  }

  function legend(map, title, entries) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = el("div", null, "map-legend");
      box.appendChild(el("strong", title));
      entries.forEach(function (entry) {
        var row = el("div");
        var swatch = el("span", null, "swatch");
        swatch.style.background = entry[0];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(entry[1]));
        box.appendChild(row);
      });
      return box;
    };
    control.addTo(map);
    return control;
  }

  window.PortalMaps = {
    STATUS_COLOURS: STATUS_COLOURS, STATUS_LABELS: STATUS_LABELS,
    TIME_LEFT_COLOURS: TIME_LEFT_COLOURS,
    el: el, query: query, getJSON: getJSON, createMap: createMap,
    boundaryLayers: boundaryLayers, popupContent: popupContent, legend: legend
  };
})();
