/* The report's position on the detail page, and the nearby reports it may be merged into:
   a click on one ticks its choice in the merge form. */
import { nextTask } from "../mapcore/tasks.js";
import { reportMap } from "./map.js";
import { photoPicker } from "./photos.js";

function candidateMarkers(map) {
  const data = document.getElementById("merge-candidates");
  if (!data) return;
  for (const c of JSON.parse(data.textContent)) {
    const marker = L.circleMarker([c.lat, c.lon], { radius: 7, color: "#0b4f8a" }).addTo(map);
    const label = document.createElement("span");
    label.textContent = `${c.reference} — ${c.title}`;
    marker.bindTooltip(label);
    marker.on("click", () => {
      const radio = document.querySelector(`input[name="into"][value="${CSS.escape(c.reference)}"]`);
      if (radio) {
        radio.checked = true;
        radio.focus();
      }
    });
  }
}

// The map, then its markers, each in a task of its own and not in the one that evaluated the
// modules: on a phone these were one long freeze together. (Leaflet's set-up and the first view
// were tried in two tasks as well: the frame drawn in between cost more than it saved.)
const element = document.getElementById("map");
if (element) {
  nextTask().then(async () => {
    const here = L.latLng(+element.dataset.lat, +element.dataset.lon);
    const map = reportMap(element, { center: here, zoom: 15 });
    await nextTask();
    L.circleMarker(here, { radius: 8, color: "#8b1a1a" }).addTo(map);
    candidateMarkers(map);
  });
}

// The result form's photos of the fix, shown back as thumbnails before sending (the citizens'
// picker: canvas thumbnails under the CSP, checked as the portal checks them, removable).
const MB = 2 ** 20;
for (const box of document.querySelectorAll("fieldset.evidence-inputs")) {
  for (const input of box.querySelectorAll("input[type=file][data-preview]")) {
    const id = input.dataset.preview;
    photoPicker({
      input, list: document.getElementById(id + "-list"),
      status: document.getElementById(id + "-status"),
      limits: { files: +box.dataset.maxFiles, imageBytes: box.dataset.maxImageMb * MB, videoBytes: 0 },
    });
  }
}
