/* DOM helpers. Report text comes from citizens: it only ever enters the page as text nodes. */

// Set as properties; every other key is an attribute ("class", "role", "aria-*", "data-*").
const PROPERTIES = new Set(["id", "href", "src", "alt", "type", "title", "hidden", "value"]);

// el("a", { href, class: "button" }, "text", node): strings become text nodes, never markup.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) { continue; }
    // Inline handlers would be code built from strings.
    if (/^on/i.test(key)) { throw new Error("el(): use addEventListener, not " + key); }
    if (key === "class") { node.className = value; }
    // Through CSSOM: the CSP (style-src 'self') refuses style attributes set as markup.
    else if (key === "style") { node.style.cssText = String(value); }
    else if (PROPERTIES.has(key)) { node[key] = value; }
    else { node.setAttribute(key, String(value)); }
  }
  const parts = children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false);
  node.append(...parts.map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

// The page's status line: where failed requests are reported. A page without one gets a
// line right after its map.
let statusLine = null;
let anchor = null;

export function useStatusLine(node, fallbackAnchor) {
  statusLine = node || null;
  anchor = fallbackAnchor || null;
}

export function notify(text) {
  if (!statusLine || !statusLine.isConnected) {
    statusLine = el("p", { class: "hint map-message", role: "status", "aria-live": "polite" });
    if (anchor && anchor.isConnected) { anchor.after(statusLine); }
    else { (document.querySelector("main") || document.body).append(statusLine); }
  }
  statusLine.textContent = text;
}

// A classic script (a vendored Leaflet plugin) added to the page once, when a page first needs
// it, rather than parsed and run on every first load. Resolves once it has run; rejects when it
// cannot be loaded. The CSP allows it: same origin, not inline.
const scripts = new Map();

export function loadScript(src) {
  if (!scripts.has(src)) {
    scripts.set(src, new Promise((resolve, reject) => {
      const script = el("script", { src });
      script.addEventListener("load", () => resolve());
      script.addEventListener("error", () => {
        scripts.delete(src);
        reject(new Error(src));
      });
      document.head.append(script);
    }));
  }
  return scripts.get(src);
}
