/* The report's position on the detail page. */
import { reportMap } from "./map.js";

const element = document.getElementById("map");
if (element) {
  const here = L.latLng(+element.dataset.lat, +element.dataset.lon);
  const map = reportMap(element, { center: here, zoom: 15 });
  L.circleMarker(here, { radius: 8, color: "#8b1a1a" }).addTo(map);
}
