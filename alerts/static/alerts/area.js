/* The area-alert form: only the chosen kind's fields show; for a circle, a click on the map
   sets the centre and the radius field redraws the circle. */
import { gettext, interpolate } from "../mapcore/i18n.js";
import { reportMap } from "../reports/map.js";

function alertForm(form) {
  const field = (name) => form.querySelector("[name=" + name + "]");
  const [lat, lon, radius] = ["lat", "lon", "radius_m"].map(field);
  const status = document.getElementById("circle-status");
  const sections = form.querySelectorAll("[data-kind]");
  let map = null;
  let circle = null;

  function draw() {
    if (!map || !lat.value || !lon.value) { return; }
    const centre = [Number(lat.value), Number(lon.value)];
    const metres = Number(radius.value) || 1000;
    if (circle) { circle.setLatLng(centre).setRadius(metres); }
    else { circle = L.circle(centre, { radius: metres }).addTo(map); }
    status.textContent = interpolate(gettext("Tâm: %(lat)s, %(lon)s — %(r)s m"), {
      lat: lat.value, lon: lon.value, r: metres,
    });
  }

  function show() {
    const kind = (form.querySelector("[name=kind]:checked") || {}).value;
    sections.forEach((section) => { section.hidden = section.dataset.kind !== kind; });
    if (kind === "circle" && !map) {
      const element = document.getElementById("map");
      map = reportMap(element, { boundariesUrl: form.dataset.boundariesUrl });
      map.on("click", (event) => {
        lat.value = event.latlng.lat.toFixed(6);
        lon.value = event.latlng.lng.toFixed(6);
        draw();
      });
      if (lat.value && lon.value) { map.setView([Number(lat.value), Number(lon.value)], 13); }
      draw();
    }
  }

  form.querySelectorAll("[name=kind]").forEach((input) => input.addEventListener("change", show));
  radius.addEventListener("input", draw);
  show();
}

const form = document.getElementById("alert-form");
if (form) { alertForm(form); }
