(function () {
  var form = document.getElementById("report-form");
  if (!form) { return; }
  var lon = form.querySelector("[name=lon]");
  var lat = form.querySelector("[name=lat]");
  var source = form.querySelector("[name=location_source]");
  var category = form.querySelector("[name=category]");
  var status = document.getElementById("location-status");
  var nearby = document.getElementById("nearby");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var map = window.portalMap("map", form.dataset.boundariesUrl);
  var marker = null;

  function place(latlng, how) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    source.value = how;
    status.textContent = "Vị trí: " + lat.value + ", " + lon.value +
      (how === "exif" ? " (theo GPS trong ảnh)" : "");
    checkNearby();
  }
  if (lon.value && lat.value) { place(L.latLng(+lat.value, +lon.value), source.value || "pin"); }
  map.on("click", function (e) { place(e.latlng, "pin"); });

  function checkNearby() {
    if (!lon.value || !category.value) { return; }
    var option = category.options[category.selectedIndex];
    var code = option ? option.value : "";
    var url = form.dataset.nearbyUrl + "?category=" + encodeURIComponent(code) +
      "&lon=" + lon.value + "&lat=" + lat.value;
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        var list = nearby.querySelector("ul");
        list.innerHTML = "";
        items.forEach(function (item) {
          var li = document.createElement("li");
          li.textContent = item.reference + " — " + item.title + " (" +
            Math.round(item.distance_m) + " m, " + item.status_label + ") ";
          var button = document.createElement("button");
          button.type = "button";
          button.textContent = "Theo dõi phản ánh này";
          button.addEventListener("click", function () {
            fetch(form.dataset.nearbyUrl.replace("nearby/", item.reference + "/follow/"), {
              method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf }
            }).then(function (r) {
              button.textContent = r.ok ? "Đang theo dõi" : "Không theo dõi được";
            });
          });
          li.appendChild(button);
          list.appendChild(li);
        });
        nearby.hidden = items.length === 0;
      });
  }
  category.addEventListener("change", checkNearby);

  var urgent = form.querySelector("[name=urgent]");
  var hotlines = document.getElementById("hotlines");
  function toggleHotlines() { hotlines.hidden = !urgent.checked; }
  urgent.addEventListener("change", toggleHotlines);
  toggleHotlines();

  var addressInput = document.getElementById("address");
  document.getElementById("address-find").addEventListener("click", function () {
    var url = form.dataset.addressUrl + "?q=" + encodeURIComponent(addressInput.value);
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.error) { status.textContent = data.error; return; }
        var here = L.latLng(data.lat, data.lon);
        place(here, "address");
        map.setView(here, 13);
        status.textContent += " — " + data.commune_name +
          (data.converted_from ? " (trước đây: " + data.converted_from + ")" : "") +
          ". Hãy kéo/chấm lại cho đúng chỗ nếu cần.";
      });
  });

  var media = form.querySelector("[name=media]");
  media.addEventListener("change", function () {
    var photo = Array.prototype.find.call(media.files, function (f) {
      return f.type.indexOf("image/") === 0;
    });
    if (!photo) { return; }
    var body = new FormData();
    body.append("photo", photo);
    fetch(form.dataset.photoUrl, {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf }
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (data && data.found &&
          window.confirm("Ảnh có tọa độ GPS (" + data.lat.toFixed(5) + ", " + data.lon.toFixed(5) +
                         "). Dùng làm vị trí sự việc?")) {
        var here = L.latLng(data.lat, data.lon);
        place(here, "exif");
        map.setView(here, 15);
      }
    });
  });
})();
