/* Report colours, labels and popups, built from DOM nodes with text only. */
import { el } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";

export const STATUS_COLOURS = {
  submitted: "#6c757d", returned: "#6c757d", assigned: "#1f77b4", in_progress: "#ff7f0e",
  result_submitted: "#9467bd", published: "#2ca02c", reopened: "#d62728",
  rejected: "#444", merged: "#999",
};
export const TIME_LEFT_COLOURS = { on_time: "#2ca02c", due_soon: "#f0a500", overdue: "#d62728" };

// Vietnamese status names, from the page (vector tiles carry only the status code).
export function statusLabels() {
  const node = document.getElementById("status-labels");
  return node ? JSON.parse(node.textContent) : {};
}

export function reportPopup(props, extraRows = []) {
  const rows = [[gettext("Lĩnh vực"), props.category_name],
                [gettext("Trạng thái"), props.status_label],
                [gettext("Xã/phường"), props.commune], [gettext("Ngày gửi"), props.created]];
  if (props.closed) { rows.push([gettext("Ngày có kết quả"), props.closed]); }
  const shown = [...rows, ...extraRows].filter(([, value]) =>
    value !== undefined && value !== null && value !== "");
  return el("div", { class: "map-popup" },
    el("strong", { class: "popup-title" }, props.title || ""),
    el("dl", {}, shown.map(([label, value]) => [el("dt", {}, label), el("dd", {}, value)])),
    props.photo && el("img", { src: props.photo, alt: gettext("Ảnh hiện trường"), class: "popup-photo" }),
    // The fix (a published public result's "after" photo; the API leaves it out otherwise).
    props.after_photo && el("figure", { class: "popup-after" },
      el("img", { src: props.after_photo, alt: gettext("Ảnh sau khi xử lý"), class: "popup-photo" }),
      el("figcaption", {}, gettext("Sau khi xử lý"))),
    props.url && el("a", { href: props.url },
      interpolate(gettext("Xem chi tiết %(reference)s"), { reference: props.reference || "" })));
}
