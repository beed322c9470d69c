/* The report form one step at a time (issue 14 §3): where → what → photos → who → check and
   send. Without this script the same form is one page (every <section class="step"> shown);
   with it, one section shows, a progress list says which (aria-current="step"), and a step is
   checked before the next one opens, each error next to its field (aria-invalid,
   aria-describedby) and focus on the first of them. The server's answer stays the judge: a
   page it sent back with errors opens on the step of the first failing field. */
import { el } from "../mapcore/dom.js";
import { gettext, interpolate } from "../mapcore/i18n.js";

const lowerFirst = (text) => text.charAt(0).toLowerCase() + text.slice(1);

function labelOf(field) {
  const label = field.id && document.querySelector("label[for='" + field.id + "']");
  return label ? label.textContent.trim() : field.name;
}

// The error list next to a field, with the id Django gives its own (id_title_error), so a
// server error and a browser one are the same element.
export function fieldError(field, message, { id = field.id + "_error", after = field } = {}) {
  let list = document.getElementById(id);
  if (!list) {
    list = el("ul", { class: "errorlist", id });
    after.after(list);
  }
  list.replaceChildren(el("li", {}, message));
  field.setAttribute("aria-invalid", "true");
  const ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
  if (!ids.includes(id)) { field.setAttribute("aria-describedby", [...ids, id].join(" ")); }
}

export function fieldErrorClear(field, { id = field.id + "_error" } = {}) {
  const list = document.getElementById(id);
  if (list) { list.remove(); }
  field.removeAttribute("aria-invalid");
  const ids = (field.getAttribute("aria-describedby") || "").split(/\s+/)
    .filter((token) => token && token !== id);
  if (ids.length) { field.setAttribute("aria-describedby", ids.join(" ")); }
  else { field.removeAttribute("aria-describedby"); }
}

// The browser's own checks (required, maxlength, e-mail), in the page's language.
function constraintMessage(field) {
  const v = field.validity;
  const label = lowerFirst(labelOf(field));
  if (v.valueMissing) {
    return interpolate(field.tagName === "SELECT" ? gettext("Hãy chọn %(label)s.")
      : gettext("Hãy nhập %(label)s."), { label });
  }
  if (v.typeMismatch && field.type === "email") {
    return gettext("Thư điện tử chưa đúng (ví dụ: ten@example.vn).");
  }
  if (v.tooLong) {
    return interpolate(gettext("Dài quá %(n)s ký tự."), { n: field.maxLength });
  }
  if (v.badInput) { return gettext("Giá trị chưa đúng."); }
  return field.validationMessage;
}

// form: the report form; checks: { [step]: () => [[field, message, options]…] } for what
// the browser cannot check itself (the pin); onShow(step): after a step opens.
export function reportSteps(form, { checks = {}, onShow = () => {} } = {}) {
  const sections = Array.from(form.querySelectorAll("section.step"));
  const total = sections.length;
  const progress = form.querySelector(".steps-progress");
  const count = progress.querySelector(".step-count");
  const items = Array.from(progress.querySelectorAll("li"));
  const buttons = form.querySelector(".steps-buttons");
  const back = buttons.querySelector("#step-back");
  const next = buttons.querySelector("#step-next");
  const names = items.map((item) => item.querySelector(".step-name").textContent.trim());
  let current = 1;
  let reached = 1;

  const section = (step) => sections[step - 1];
  const controls = (step) => Array.from(section(step).querySelectorAll("input, select, textarea"))
    .filter((field) => field.type !== "hidden" && field.type !== "file" && field.name);

  // Every problem of a step, shown; true when there is none.
  function validate(step) {
    const problems = [];
    for (const field of controls(step)) {
      if (!field.checkValidity()) { problems.push([field, constraintMessage(field), {}]); }
      else if (field.getAttribute("aria-invalid") === "true" && !field.dataset.serverError) {
        fieldErrorClear(field);
      }
    }
    problems.push(...(checks[step] ? checks[step]() : []));
    problems.forEach(([field, message, options]) => fieldError(field, message, options));
    if (problems.length) { problems[0][0].focus(); }
    return problems.length === 0;
  }

  function renderProgress() {
    items.forEach((item, index) => {
      const step = index + 1;
      const name = item.querySelector(".step-name");
      const number = item.querySelector(".step-number");
      item.classList.toggle("done", step < reached || (step !== current && step <= reached));
      if (step === current) { item.setAttribute("aria-current", "step"); }
      else { item.removeAttribute("aria-current"); }
      // A step already reached can be opened again from the list.
      const existing = item.querySelector("button");
      if (step !== current && step <= reached) {
        if (!existing) {
          const jump = el("button", { type: "button", class: "step-jump" });
          jump.addEventListener("click", () => go(step));
          item.append(jump);
        }
        const jump = item.querySelector("button");
        jump.replaceChildren(number, " ", name);
      } else if (existing) {
        item.prepend(number, " ", name);
        existing.remove();
      }
    });
    count.textContent = interpolate(gettext("Bước %(n)s/%(total)s: %(name)s"),
      { n: current, total, name: names[current - 1] });
  }

  function show(step, { focus = true } = {}) {
    current = step;
    reached = Math.max(reached, step);
    sections.forEach((s, index) => { s.hidden = index + 1 !== step; });
    back.hidden = step === 1;
    next.hidden = step === total;
    renderProgress();
    onShow(step);
    if (focus) { section(step).querySelector("h2").focus(); }
    form.dispatchEvent(new CustomEvent("stepchange", { detail: { step } }));
  }

  // Forward only through checked steps; back freely.
  function go(step) {
    if (step > current) {
      for (let s = current; s < step; s += 1) {
        if (!validate(s)) { if (s !== current) { show(s, { focus: false }); validate(s); } return; }
      }
    }
    show(step);
  }

  back.addEventListener("click", () => go(current - 1));
  next.addEventListener("click", () => go(current + 1));
  // Enter in a field moves on rather than sending half a report; at the last step every
  // step is checked again, and the first that fails opens.
  form.addEventListener("submit", (event) => {
    if (current < total) {
      event.preventDefault();
      event.stopImmediatePropagation();
      go(current + 1);
      return;
    }
    for (let s = 1; s < total; s += 1) {
      const ok = validate(s);
      if (!ok) {
        event.preventDefault();
        event.stopImmediatePropagation();
        show(s, { focus: false });
        validate(s);
        return;
      }
    }
  });
  // An error goes as soon as its field is put right.
  const putRight = (event) => {
    const field = event.target;
    if (field.name && field.getAttribute("aria-invalid") === "true") {
      delete field.dataset.serverError;
      if (field.checkValidity()) { fieldErrorClear(field); }
    }
  };
  // "change" too: a suggestion tapped sets the category without an input event.
  form.addEventListener("input", putRight);
  form.addEventListener("change", putRight);

  // The steps take over: the browser's own bubbles would point at hidden fields.
  form.noValidate = true;
  form.classList.add("steps-on");
  progress.hidden = false;
  buttons.hidden = false;

  // The page the server sent back with errors: open the step of the first failing field.
  function start(step) {
    const failing = sections.findIndex((s) => s.querySelector("[aria-invalid=true]"));
    if (failing >= 0) {
      sections[failing].querySelectorAll("[aria-invalid=true]")
        .forEach((field) => { field.dataset.serverError = "1"; });
      reached = Math.max(reached, step || 1, failing + 1);
      show(failing + 1, { focus: false });
      sections[failing].querySelector("[aria-invalid=true]").focus();
      return;
    }
    reached = Math.max(reached, step || 1);
    show(step || 1, { focus: Boolean(step && step > 1) });
  }

  return {
    start,
    show,
    current: () => current,
    reached: () => reached,
    // "Sửa" on the summary: the step, then the field.
    edit(step, field) {
      show(step, { focus: !field });
      if (field) { field.focus(); }
    },
    reset() { reached = 1; show(1); },
  };
}
