/* The map core shared by every page (ES module). Leaflet and markercluster stay classic scripts
   (globals L, L.markerClusterGroup), deferred, so they run before the page module. Point tiles
   are drawn by pointtiles.js. */
export { el, notify } from "./dom.js";
export { fetchJSON, latestRequest, loadFailed, query } from "./net.js";
export { boundaryLayers, createMap, legend, parseBounds } from "./map.js";
export { STATUS_COLOURS, TIME_LEFT_COLOURS, reportPopup, statusLabels } from "./popup.js";
export { pointTileLayer } from "./pointtiles.js";
