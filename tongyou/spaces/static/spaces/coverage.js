// Coverage map: children by grid (a circle sized by the count), red where beyond walking distance.
(function () {
  "use strict";
  var el = document.getElementById("coverage-map");
  if (!el || !window.L) { return; }
  var map = window.L.map(el, { zoomSnap: 0.25 });
  fetch(el.dataset.boundaries + "?level=2").then(function (r) { return r.json(); }).then(function (data) {
    map.fitBounds(window.L.geoJSON(data, { style: { color: "#d9480f", weight: 1, fillOpacity: 0.03 } }).addTo(map).getBounds());
  });
  fetch(el.dataset.density, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
    data.features.forEach(function (f) {
      var c = f.geometry.coordinates, p = f.properties;
      window.L.circleMarker([c[1], c[0]], {
        radius: Math.max(3, Math.sqrt(p.children) * 1.5),
        color: p.covered ? "#2f9e44" : "#e03131",
        fillOpacity: 0.5
      }).bindTooltip(window.tongyouText(p.children)).addTo(map);
    });
    el.dataset.rendered = "true";
  });
})();
