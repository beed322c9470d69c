/* Vector tiles whose drawn points can be found again under a click, through public hooks only.

   VectorGrid 1.3's own click handling throws under Leaflet 1.9 (Leaflet.VectorGrid#274, #267),
   so the layer stays non-interactive and we keep what VectorGrid hands us: for each tile it calls
   getFeatureId(feature) and the layer's style function for every feature, then renderer.addTo(map),
   all in one synchronous pass. The features seen since the previous addTo therefore belong to
   that renderer's tile (renderer.getCoord()). */

const key = (c) => c.x + ":" + c.y + ":" + c.z;
const hidden = (style) => Array.isArray(style) && style.length === 0;

// styles: { layerName: (properties, zoom) => style | [] }, as vectorTileLayerStyles.
export function trackedVectorGrid(map, url, { styles, ...options }) {
  const tiles = new Map(); // tile key -> [{ properties, point, radius }]
  let pending = [];
  let serial = 0;
  let layer = null;

  function record(feature) {
    const first = feature.type === 1 && feature.geometry[0] && feature.geometry[0][0];
    if (!first) { return; }
    const size = layer.getTileSize();
    const point = L.point(first.x * size.x / feature.extent, first.y * size.y / feature.extent);
    pending.push({ properties: feature.properties, point, radius: 0 });
  }

  const trackedStyles = {};
  for (const [name, style] of Object.entries(styles)) {
    trackedStyles[name] = (properties, zoom) => {
      const result = style(properties, zoom);
      const last = pending[pending.length - 1];
      if (last && last.properties === properties) {
        if (hidden(result)) { pending.pop(); } else { last.radius = result.radius || 0; }
      }
      return result;
    };
  }

  const TrackedTile = L.Canvas.Tile.extend({
    addTo(target) {
      tiles.set(key(this.getCoord()), pending);
      pending = [];
      return L.Canvas.Tile.prototype.addTo.call(this, target);
    },
  });

  layer = L.vectorGrid.protobuf(url, {
    ...options,
    interactive: false,
    rendererFactory: (coords, size, opts) => new TrackedTile(coords, size, opts),
    // Counts have no report id; each drawn feature still needs its own key.
    getFeatureId: (feature) => {
      record(feature);
      return feature.properties.id || "n" + (++serial);
    },
    vectorTileLayerStyles: trackedStyles,
  });
  layer.on("tileunload", (e) => tiles.delete(key(e.coords)));

  // The properties of the drawn point nearest to latlng (within tolerance px or its radius).
  // Neighbouring tiles count too: a point near a tile edge is drawn in both.
  function featureAt(latlng, tolerance = 10) {
    const z = Math.round(map.getZoom());
    const size = layer.getTileSize();
    const pixel = map.project(latlng, z);
    const home = pixel.unscaleBy(size).floor();
    let best = null;
    let bestDistance = tolerance;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const coords = L.point(home.x + dx, home.y + dy);
        const local = pixel.subtract(coords.scaleBy(size));
        for (const drawn of tiles.get(key({ x: coords.x, y: coords.y, z })) || []) {
          const distance = local.distanceTo(drawn.point);
          if (distance <= Math.max(bestDistance, drawn.radius)) {
            best = drawn.properties;
            bestDistance = distance;
          }
        }
      }
    }
    return best;
  }

  // Every drawn feature's properties (for tests and debugging).
  const drawn = () => [...tiles.values()].flat().map((f) => f.properties);

  return { layer, featureAt, drawn };
}
