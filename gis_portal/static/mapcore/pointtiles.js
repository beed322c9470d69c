/* Vector tiles of points (maps/tiles.py: report points and grid counts) painted straight onto
   each tile's canvas. VectorGrid made a Leaflet layer object per point and weighed 48 KB; on a
   phone that was most of the map's first-load main-thread work. The decoded points stay with
   their tile for clicks (featureAt) and for tests (drawn), as trackedVectorGrid offered. */
import { SLICE_MS, nextTask, timeBudget } from "./tasks.js";

const key = (c) => c.x + ":" + c.y + ":" + c.z;
const hidden = (style) => Array.isArray(style) && style.length === 0;
const utf8 = new TextDecoder();
const PAUSE_EVERY = 64;

// The Mapbox Vector Tile 2.1 protobuf, as far as point layers need: { name: [{ properties,
// x, y, extent }] } with x, y in tile units. A generator: it pauses every PAUSE_EVERY features
// (its caller may yield to the browser there) and returns the layers.
function* decodeSteps(buffer) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    let byte;
    do {
      byte = bytes[pos++];
      value += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    return value;
  };
  // The end of a length-delimited field whose length was just read (read before pos is).
  const ahead = (length) => pos + length;
  const zigzag = (n) => (n % 2 ? -(n + 1) / 2 : n / 2);
  const skip = (wire) => {
    if (wire === 0) { varint(); } else if (wire === 1) { pos += 8; } else if (wire === 2) {
      pos = ahead(varint());
    } else if (wire === 5) { pos += 4; } else { throw new Error("bad tile"); }
  };
  // Calls field(number, wire, end) for each field of the message ending at end.
  const fields = (end, field) => {
    while (pos < end) {
      const tag = varint();
      const number = Math.floor(tag / 8);
      const wire = tag & 7;
      const before = pos;
      if (!field(number, wire, end)) { pos = before; skip(wire); }
    }
  };
  const packed = () => {
    const end = ahead(varint());
    const out = [];
    while (pos < end) { out.push(varint()); }
    return out;
  };
  const string = () => {
    const end = ahead(varint());
    const text = utf8.decode(bytes.subarray(pos, end));
    pos = end;
    return text;
  };
  const value = () => {
    const end = ahead(varint());
    let result = null;
    fields(end, (number) => {
      if (number === 1) { result = string(); } else if (number === 2) {
        result = view.getFloat32(pos, true); pos += 4;
      } else if (number === 3) { result = view.getFloat64(pos, true); pos += 8; } else if (
        number === 4 || number === 5) { result = varint(); } else if (number === 6) {
        result = zigzag(varint());
      } else if (number === 7) { result = varint() === 1; } else { return false; }
      return true;
    });
    return result;
  };
  // The layer and feature loops are written out (no callbacks) so that they can pause.
  const tagAt = () => {
    const tag = varint();
    return [Math.floor(tag / 8), tag & 7];
  };
  const layers = {};
  let count = 0;
  while (pos < bytes.length) {
    const [number, wire] = tagAt();
    if (number !== 3 || wire !== 2) { skip(wire); continue; }
    const end = ahead(varint());
    let name = "";
    let extent = 4096;
    const keys = [];
    const values = [];
    const raw = [];
    while (pos < end) {
      const [n, w] = tagAt();
      if (n === 1) { name = string(); } else if (n === 3) { keys.push(string()); } else if (
        n === 4) { values.push(value()); } else if (n === 5) { extent = varint(); } else if (
        n === 2) {
        const featureEnd = ahead(varint());
        const feature = { tags: [], geometry: [], type: 0 };
        fields(featureEnd, (f) => {
          if (f === 2) { feature.tags = packed(); } else if (f === 3) {
            feature.type = varint();
          } else if (f === 4) { feature.geometry = packed(); } else { return false; }
          return true;
        });
        raw.push(feature);
        if (++count % PAUSE_EVERY === 0) { yield; }
      } else { skip(w); }
    }
    const points = [];
    for (const feature of raw) {
      if (++count % PAUSE_EVERY === 0) { yield; }
      if (feature.type !== 1) { continue; }
      const properties = {};
      for (let i = 0; i + 1 < feature.tags.length; i += 2) {
        properties[keys[feature.tags[i]]] = values[feature.tags[i + 1]];
      }
      // The first MoveTo (command 1, zigzag deltas from 0, 0): one drawn point per feature,
      // VectorGrid's first vertex.
      const g = feature.geometry;
      if (g.length >= 3 && (g[0] & 7) === 1) {
        points.push({ properties, x: zigzag(g[1]), y: zigzag(g[2]), extent });
      }
    }
    layers[name] = points;
  }
  return layers;
}

// decodeSteps in slices of budget (mapcore/tasks.js); null when stopped() became true meanwhile.
export async function decodeSliced(buffer, budget, stopped) {
  const steps = decodeSteps(buffer);
  let step = steps.next();
  while (!step.done) {
    if (budget.spent()) {
      await budget.pause();
      if (stopped()) { return null; }
    }
    step = steps.next();
  }
  return step.value;
}

// styles: { layerName: (properties, zoom) => style | [] }, a style as Leaflet's circle options.
export function pointTileLayer(map, url, { styles, ...options }) {
  const tiles = new Map(); // tile key -> { canvas, layers, zoom, drawn: [{ properties, point, radius }] }

  // Paints entry's points; with a budget (mapcore/tasks.js), in slices of that many ms, the
  // tile shown only once complete. A later paint of the same tile (redraw) stops an earlier one.
  // Resolves to false when stopped.
  async function paint(entry, budget = null) {
    const mine = ++entry.painting;
    const size = layer.getTileSize();
    const ratio = window.devicePixelRatio || 1;
    const { canvas } = entry;
    const context = canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, size.x, size.y);
    entry.drawn = [];
    // Canvas state is set only when it changes: neighbouring points mostly share their style.
    const state = {};
    const set = (name, value) => {
      if (state[name] !== value) { context[name] = value; state[name] = value; }
    };
    for (const [name, points] of Object.entries(entry.layers)) {
      const style = styles[name];
      if (!style) { continue; }
      for (const p of points) {
        if (budget && budget.spent()) {
          await budget.pause();
          if (entry.painting !== mine) { return false; }
        }
        const s = style(p.properties, entry.zoom);
        if (hidden(s)) { continue; }
        const point = L.point(p.x * size.x / p.extent, p.y * size.y / p.extent);
        const radius = s.radius || 0;
        context.beginPath();
        context.arc(point.x, point.y, radius, 0, 2 * Math.PI);
        if (s.fill !== false) {
          set("globalAlpha", s.fillOpacity ?? 0.2);
          set("fillStyle", s.fillColor || s.color || "#3388ff");
          context.fill();
        }
        if (s.weight) {
          set("globalAlpha", s.opacity ?? 1);
          set("lineWidth", s.weight);
          set("strokeStyle", s.color || "#3388ff");
          context.stroke();
        }
        entry.drawn.push({ properties: p.properties, point, radius });
      }
    }
    context.globalAlpha = 1;
    return true;
  }

  const PointTiles = L.GridLayer.extend({
    createTile(coords, done) {
      const size = this.getTileSize();
      const ratio = window.devicePixelRatio || 1;
      const canvas = document.createElement("canvas");
      canvas.width = size.x * ratio;
      canvas.height = size.y * ratio;
      const controller = new AbortController();
      canvas.abort = () => controller.abort();
      const address = L.Util.template(url, { x: coords.x, y: coords.y, z: coords.z });
      // Each tile's request starts in a task of its own: the grid asks for a view's tiles at once.
      nextTask()
        .then(() => fetch(address, { credentials: "same-origin", signal: controller.signal }))
        .then((response) => {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.arrayBuffer();
        })
        .then(async (buffer) => {
          // Decoding and painting in short tasks of their own, one tile after another.
          await nextTask();
          if (controller.signal.aborted) { return; }
          const budget = timeBudget(SLICE_MS);
          const layers = await decodeSliced(buffer, budget, () => controller.signal.aborted);
          if (!layers) { return; }
          const entry = { canvas, layers, zoom: coords.z, drawn: [], painting: 0 };
          tiles.set(key(coords), entry);
          // Stopped by a redraw, which painted the whole tile at once: it is ready all the same.
          await paint(entry, budget);
          if (!controller.signal.aborted) { done(null, canvas); }
        })
        .catch((err) => { if (err.name !== "AbortError") { done(err, canvas); } });
      return canvas;
    },
    // The styles read the map's overlays: repaint what is loaded, no new requests.
    redraw() {
      for (const entry of tiles.values()) { paint(entry); }
      return this;
    },
  });

  const layer = new PointTiles(options);
  layer.on("tileunload", (e) => {
    if (e.tile.abort) { e.tile.abort(); }
    tiles.delete(key(e.coords));
  });

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
        const entry = tiles.get(key({ x: coords.x, y: coords.y, z }));
        for (const drawn of entry ? entry.drawn : []) {
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
  const drawn = () => [...tiles.values()].flatMap((entry) => entry.drawn.map((f) => f.properties));

  return { layer, featureAt, drawn };
}
