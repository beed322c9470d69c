/* The reports pages' small map (submit, detail): the shared map core with commune boundaries,
   no tile server needed. */
import { boundaryLayers, createMap } from "../mapcore/core.js";

export function reportMap(element, {
  center = [21.4, 103.0], zoom = 9, boundariesUrl = element.dataset.boundariesUrl,
} = {}) {
  const map = createMap(element, { center, zoom });
  // These maps keep their own view (the report, the citizen's pin): no fit to the province.
  boundaryLayers(map, { commune: boundariesUrl }, { fit: false });
  return map;
}
