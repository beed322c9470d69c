/* The map core shared by every page (ES module). Leaflet, markercluster and VectorGrid stay
   classic scripts (globals L, L.markerClusterGroup, L.vectorGrid) loaded before the page module. */
export { el, notify } from "./dom.js";
export { fetchJSON, latestRequest, loadFailed, query } from "./net.js";
export { boundaryLayers, createMap, legend } from "./map.js";
export { STATUS_COLOURS, TIME_LEFT_COLOURS, reportPopup, statusLabels } from "./popup.js";
export { trackedVectorGrid } from "./tiles.js";
