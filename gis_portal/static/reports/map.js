/* A Leaflet map of Điện Biên drawn from the portal's own boundary API: no tile server needed. */
window.portalMap = function (elementId, boundariesUrl) {
  var map = L.map(elementId).setView([21.4, 103.0], 9);
  if (boundariesUrl) {
    fetch(boundariesUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var layer = L.geoJSON(data, {
          style: { color: "#555", weight: 1, fillColor: "#f4efe1", fillOpacity: 0.6 },
          onEachFeature: function (f, l) { l.bindTooltip(f.properties.full_name || ""); }
        }).addTo(map);
        layer.bringToBack();
      });
  }
  return map;
};
