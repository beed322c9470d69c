// Translations for ES modules: Django's JavaScriptCatalog (loaded by base.html before any module)
// defines the globals; a page without it (a test page, the offline shell before the catalogue is
// cached) still works, in Vietnamese, the language of the message ids.
const catalogue = globalThis;

export function gettext(msgid) {
  return typeof catalogue.gettext === "function" ? catalogue.gettext(msgid) : msgid;
}

export function ngettext(singular, plural, count) {
  if (typeof catalogue.ngettext === "function") return catalogue.ngettext(singular, plural, count);
  return count === 1 ? singular : plural;
}

// interpolate("Còn %(n)s ảnh", { n: 2 }) — named placeholders, as in the Python catalogue.
export function interpolate(format, values) {
  return format.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
