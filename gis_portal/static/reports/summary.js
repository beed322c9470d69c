/* Step 5: everything the report will say, each line with "Sửa" back to the step that holds it.
   The citizen's words enter as text only. */
import { el } from "../mapcore/dom.js";
import { gettext, interpolate } from "../mapcore/i18n.js";

function labelText(form, field) {
  const label = form.querySelector("label[for='" + field.id + "']");
  return label ? label.textContent.trim() : field.name;
}

// list: the <dl>; place(): the location's words; photos(): the chosen files;
// edit(step, field): opens a step at a field.
export function reportSummary(form, list, { place, photos, edit }) {
  const field = (name) => form.elements.namedItem(name);

  function row(label, value, step, focus) {
    const button = el("button", { type: "button", class: "summary-edit link-button" },
      gettext("Sửa"), el("span", { class: "visually-hidden" }, " " + label));
    button.addEventListener("click", () => edit(step, focus));
    const shown = value === "" || value === null || value === undefined ? "—" : value;
    return el("div", { class: "summary-row" },
      el("dt", {}, label), el("dd", { class: "summary-value" }, shown), el("dd", {}, button));
  }

  function fieldRow(name, step) {
    const input = field(name);
    if (!input) { return null; }
    let value = input.value.trim();
    if (input.type === "checkbox") { value = input.checked ? gettext("Có") : gettext("Không"); }
    if (input.tagName === "SELECT") {
      value = input.value ? input.options[input.selectedIndex].textContent.trim() : "";
    }
    if (input.type === "datetime-local" && input.value) {
      value = input.value.replace("T", " ");
    }
    return row(labelText(form, input), value, step, input);
  }

  return function render() {
    const files = photos();
    const names = files.map((file) => file.name).join(", ");
    const photoText = files.length
      ? interpolate(gettext("%(n)s tệp: %(names)s"), { n: files.length, names })
      : gettext("Không có ảnh");
    list.replaceChildren(...[
      row(gettext("Vị trí"), place(), 1, document.getElementById("address")),
      fieldRow("title", 2),
      fieldRow("description", 2),
      fieldRow("category", 2),
      fieldRow("urgent", 2),
      fieldRow("incident_at", 2),
      row(gettext("Ảnh, video"), photoText, 3, form.elements.namedItem("media")),
      fieldRow("full_name", 4),
      fieldRow("phone", 4),
      fieldRow("email", 4),
      fieldRow("private_result", 4),
    ].filter(Boolean));
    list.hidden = false;
  };
}
