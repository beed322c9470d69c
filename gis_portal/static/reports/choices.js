/* Step 2's category choices: the categories the portal suggests for what the citizen wrote and
   where the pin is (GET /api/v1/category-suggest?text&lat&lon), as one-tap buttons above the
   full list. A tap selects the category in the form's own list, which stays the way to choose
   by hand. Offline or refused (429), the buttons just stay hidden. Names enter as text only. */
import { el } from "../mapcore/dom.js";
import { latestRequest } from "../mapcore/net.js";

const DEBOUNCE_MS = 400;
const MIN_CHARS = 4;
// Enough words to decide; keeps the GET's URL well under proxies' header limits.
const MAX_CHARS = 500;

// box: the suggestions' container (its <ul> gets the buttons); url: the suggest API.
export function categoryChoices(form, box, url) {
  const field = (name) => form.elements.namedItem(name);
  const [category, title, description, lon, lat] =
    ["category", "title", "description", "lon", "lat"].map(field);
  const list = box.querySelector("ul");
  const request = latestRequest();
  let timer = null;
  let asked = "";

  function pressed() {
    list.querySelectorAll("button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.code === category.value));
    });
  }

  function show(items) {
    list.replaceChildren(...items.map((item) => {
      const button = el("button", { type: "button", class: "choice", "data-code": item.code,
        "aria-pressed": String(category.value === item.code) }, item.name);
      button.addEventListener("click", () => {
        category.value = item.code;
        // submit.js listens: the nearby check and the draft follow the new category.
        category.dispatchEvent(new Event("change", { bubbles: true }));
      });
      return el("li", {}, button);
    }));
    box.hidden = items.length === 0;
  }

  function ask() {
    const parts = [title.value.trim(), description.value.trim()];
    const text = parts.filter(Boolean).join(". ").slice(0, MAX_CHARS);
    if (text.length < MIN_CHARS) { asked = ""; show([]); return; }
    const params = new URLSearchParams({ text });
    if (lon.value && lat.value) { params.set("lat", lat.value); params.set("lon", lon.value); }
    const query = params.toString();
    if (query === asked) { return; }
    asked = query;
    const onError = () => { asked = ""; show([]); };
    request.fetch(url + "?" + query, { onError })
      .then((data) => { if (data) { show(data.suggestions || []); } });
  }

  const later = () => { clearTimeout(timer); timer = setTimeout(ask, DEBOUNCE_MS); };
  [title, description].forEach((input) => input.addEventListener("input", later));
  category.addEventListener("change", pressed);
  // The pin moved, or a draft came back: ask again (the same question is not asked twice).
  return { refresh: ask };
}
