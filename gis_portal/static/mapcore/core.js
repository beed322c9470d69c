/* The map core shared by every page (ES module). Leaflet and markercluster stay classic scripts
   (globals L, L.markerClusterGroup), deferred, so they run before the page module; the public
   map adds markercluster itself (loadScript) only when it has pins to show. Point tiles are
   drawn by pointtiles.js. */
export { el, loadScript, notify } from "./dom.js";
export { fetchJSON, latestRequest, loadFailed, query } from "./net.js";
export { boundaryLayers, createMap, legend, parseBounds } from "./map.js";
export { STATUS_COLOURS, TIME_LEFT_COLOURS, reportPopup, statusLabels } from "./popup.js";
export { pointTileLayer } from "./pointtiles.js";
