// The facility map: boundaries, and one layer per facility type, toggled by the checkboxes.
(function () {
  "use strict";
  var el = document.getElementById("facility-map");
  if (!el || !window.L) { return; }
  var map = window.L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tiles) { window.L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map); }
  fetch(el.dataset.boundaries + "?level=2").then(function (r) { return r.json(); }).then(function (data) {
    var streets = window.L.geoJSON(data, { style: { color: "#d9480f", weight: 1, fillOpacity: 0.03 } }).addTo(map);
    map.fitBounds(streets.getBounds());
  });
  var layers = {};
  fetch(el.dataset.facilities).then(function (r) { return r.json(); }).then(function (data) {
    data.features.forEach(function (f) {
      var kind = f.properties.kind;
      layers[kind] = layers[kind] || window.L.layerGroup().addTo(map);
      var c = f.geometry.coordinates;
      window.L.circleMarker([c[1], c[0]], { radius: 5, color: "#1971c2" })
        .bindTooltip(f.properties.name + " · " + f.properties.kind_label).addTo(layers[kind]);
    });
    el.dataset.rendered = "true";
    el.dataset.features = String(data.features.length);
  });
  document.querySelectorAll("#layers input").forEach(function (box) {
    box.addEventListener("change", function () {
      var layer = layers[box.value];
      if (!layer) { return; }
      if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
    });
  });
})();
