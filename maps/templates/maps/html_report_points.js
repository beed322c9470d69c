// Report pins of the standalone map report. Report text arrives in a JSON data block and is
// only ever inserted with textContent: a title can never become markup or script.
(function (map) {
  "use strict";
  var data = JSON.parse(document.getElementById("report-points").textContent);

  function textNode(tag, className, value) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = value;
    return node;
  }

  function popup(point) {
    var box = document.createElement("div");
    box.className = "report-popup";
    box.appendChild(textNode("strong", "report-title", point.title));
    data.fields.forEach(function (field) {
      box.appendChild(
        textNode("div", "report-" + field.key, field.label + ": " + point[field.key])
      );
    });
    return box;
  }

  function tooltip(point) {
    return textNode(
      "div",
      "report-tooltip",
      point.reference + " — " + point.title + " (" + point.status + ")"
    );
  }

  data.points.forEach(function (point) {
    var options = Object.assign({}, data.style, { fillColor: point.colour });
    L.circleMarker([point.lat, point.lon], options)
      .bindPopup(function () { return popup(point); })
      .bindTooltip(function () { return tooltip(point); }, { sticky: true })
      .addTo(map);
  });
})
