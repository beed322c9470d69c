/* The report form's map: pin, address search, photo GPS, similar reports nearby, hotlines. */
import { el, fetchJSON, latestRequest } from "../mapcore/core.js";
import { reportMap } from "./map.js";

function reportForm(form) {
  const field = (name) => form.querySelector("[name=" + name + "]");
  const [lon, lat, source, category] = ["lon", "lat", "location_source", "category"].map(field);
  const status = document.getElementById("location-status");
  const nearby = document.getElementById("nearby");
  const nearbyList = nearby.querySelector("ul");
  const csrf = field("csrfmiddlewaretoken").value;
  const map = reportMap(document.getElementById("map"), {
    boundariesUrl: form.dataset.boundariesUrl,
  });
  const requests = { nearby: latestRequest(), address: latestRequest(), photo: latestRequest() };
  let marker = null;

  function place(latlng, how) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    source.value = how;
    status.textContent = "Vị trí: " + lat.value + ", " + lon.value +
      (how === "exif" ? " (theo GPS trong ảnh)" : "");
    checkNearby();
  }

  function followButton(item) {
    const button = el("button", { type: "button" }, "Theo dõi phản ánh này");
    const url = form.dataset.nearbyUrl.replace(
      "nearby/", encodeURIComponent(item.reference) + "/follow/");
    button.addEventListener("click", () => {
      const onError = () => { button.textContent = "Không theo dõi được"; };
      fetchJSON(url, { method: "POST", headers: { "X-CSRFToken": csrf }, onError })
        .then((data) => { if (data) { button.textContent = "Đang theo dõi"; } });
    });
    return button;
  }

  function showNearby(items) {
    nearbyList.replaceChildren(...items.map((item) => el("li", {},
      item.reference + " — " + item.title + " (" + Math.round(item.distance_m) + " m, " +
      item.status_label + ") ", followButton(item))));
    nearby.hidden = items.length === 0;
  }

  function checkNearby() {
    if (!lon.value || !category.value) { return; }
    const params = new URLSearchParams({
      category: category.value, lon: lon.value, lat: lat.value,
    });
    const onError = (message) => {
      nearbyList.replaceChildren(el("li", {}, "Không kiểm tra được phản ánh tương tự: " + message));
      nearby.hidden = false;
    };
    requests.nearby.fetch(form.dataset.nearbyUrl + "?" + params, { onError })
      .then((items) => { if (items) { showNearby(items); } });
  }

  function findAddress(text) {
    const onError = (message) => { status.textContent = message; };
    const url = form.dataset.addressUrl + "?" + new URLSearchParams({ q: text });
    requests.address.fetch(url, { onError }).then((data) => {
      if (!data) { return; }
      const here = L.latLng(data.lat, data.lon);
      place(here, "address");
      map.setView(here, 13);
      status.textContent += " — " + data.commune_name +
        (data.converted_from ? " (trước đây: " + data.converted_from + ")" : "") +
        ". Hãy kéo/chấm lại cho đúng chỗ nếu cần.";
    });
  }

  function readPhotoPosition(photo) {
    const body = new FormData();
    body.append("photo", photo);
    const onError = (message) => {
      status.textContent = "Không đọc được vị trí trong ảnh: " + message;
    };
    requests.photo.fetch(form.dataset.photoUrl, {
      method: "POST", body, headers: { "X-CSRFToken": csrf }, onError,
    }).then((data) => {
      if (data && data.found && window.confirm("Ảnh có tọa độ GPS (" + data.lat.toFixed(5) +
          ", " + data.lon.toFixed(5) + "). Dùng làm vị trí sự việc?")) {
        const here = L.latLng(data.lat, data.lon);
        place(here, "exif");
        map.setView(here, 15);
      }
    });
  }

  if (lon.value && lat.value) { place(L.latLng(+lat.value, +lon.value), source.value || "pin"); }
  map.on("click", (e) => place(e.latlng, "pin"));
  category.addEventListener("change", checkNearby);
  const urgent = field("urgent");
  const hotlines = document.getElementById("hotlines");
  const toggleHotlines = () => { hotlines.hidden = !urgent.checked; };
  urgent.addEventListener("change", toggleHotlines);
  toggleHotlines();
  const address = document.getElementById("address");
  const find = document.getElementById("address-find");
  find.addEventListener("click", () => findAddress(address.value));
  const media = field("media");
  media.addEventListener("change", () => {
    const photo = Array.from(media.files).find((f) => f.type.startsWith("image/"));
    if (photo) { readPhotoPosition(photo); }
  });
}

const form = document.getElementById("report-form");
if (form) { reportForm(form); }
