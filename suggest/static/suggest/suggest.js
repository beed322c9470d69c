/* Category suggestions under the report text while the citizen types (issue 15 §3): the best
   categories for the title and content, from GET /api/v1/category-suggest; a click selects one
   in the form's category list. Names enter the page as text only. Offline or refused (429),
   the suggestions just stay hidden: choosing by hand always works. */
import { el } from "../mapcore/dom.js";
import { gettext } from "../mapcore/i18n.js";
import { latestRequest } from "../mapcore/net.js";

const DEBOUNCE_MS = 400;
const MIN_CHARS = 4;
// Enough words to decide; keeps the GET's URL well under proxies' header limits.
const MAX_CHARS = 500;

// The box of suggestions after `anchor`; a click selects one in `category`. Returns show().
function suggestPanel(category, anchor, id) {
  const list = el("ul", { class: "suggest-list" });
  const attributes = { class: "suggest hint", hidden: true, "aria-live": "polite" };
  const box = el("div", id ? { ...attributes, id } : attributes,
    el("span", {}, gettext("Lĩnh vực gợi ý (bấm để chọn):") + " "), list);
  anchor.after(box);

  function choose(item, button) {
    category.value = item.code;
    // submit.js listens: the nearby check and the urgent hint follow the new category.
    category.dispatchEvent(new Event("change", { bubbles: true }));
    list.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", "false"));
    button.setAttribute("aria-pressed", "true");
  }

  return function show(items) {
    list.replaceChildren(...items.map((item) => {
      const button = el("button", { type: "button", "data-code": item.code,
        "aria-pressed": String(category.value === item.code) }, item.name);
      button.addEventListener("click", () => choose(item, button));
      return el("li", {}, button);
    }));
    box.hidden = items.length === 0;
  };
}

// The citizen's form: suggestions follow the text as it is typed.
function categorySuggest(form, url) {
  const field = (name) => form.querySelector("[name=" + name + "]");
  const [category, title, description] = ["category", "title", "description"].map(field);
  if (!category || !description) { return; }
  const show = suggestPanel(category, description.closest("p") || description, "category-suggest");
  const request = latestRequest();
  let timer = null;
  let asked = "";

  function ask() {
    const parts = [title ? title.value.trim() : "", description.value.trim()];
    const text = parts.filter(Boolean).join(". ").slice(0, MAX_CHARS);
    if (text.length < MIN_CHARS) { asked = ""; show([]); return; }
    if (text === asked) { return; }
    asked = text;
    const onError = () => { asked = ""; show([]); };
    request.fetch(url + "?" + new URLSearchParams({ text }), { onError })
      .then((data) => { if (data) { show(data.suggestions || []); } });
  }

  const later = () => { clearTimeout(timer); timer = setTimeout(ask, DEBOUNCE_MS); };
  [title, description].forEach((input) => { if (input) { input.addEventListener("input", later); } });
}

// The IOC's forms (a draft to complete, a category to change): the report's own text, once.
function fixedTextSuggest(form, url) {
  const category = form.querySelector("[name=category]");
  const text = (form.dataset.suggestText || "").trim().slice(0, MAX_CHARS);
  if (!category || text.length < MIN_CHARS) { return; }
  const show = suggestPanel(category, category.closest("p") || category);
  latestRequest().fetch(url + "?" + new URLSearchParams({ text }), { onError: () => show([]) })
    .then((data) => { if (data) { show(data.suggestions || []); } });
}

const script = document.querySelector("script[data-suggest-url]");
const reportForm = document.getElementById("report-form");
if (script && reportForm) { categorySuggest(reportForm, script.dataset.suggestUrl); }
if (script) {
  document.querySelectorAll("form[data-suggest-text]")
    .forEach((form) => fixedTextSuggest(form, script.dataset.suggestUrl));
}
