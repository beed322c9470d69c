(function () {
  var el = document.getElementById("map");
  if (!el) { return; }
  var here = L.latLng(+el.dataset.lat, +el.dataset.lon);
  var map = window.portalMap("map", el.dataset.boundariesUrl);
  map.setView(here, 15);
  L.circleMarker(here, { radius: 8, color: "#8b1a1a" }).addTo(map);
})();
