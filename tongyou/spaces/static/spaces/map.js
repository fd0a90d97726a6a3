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
      var marker = window.L.circleMarker([c[1], c[0]], { radius: 5, color: "#1971c2" })
        .bindTooltip(window.tongyouText(f.properties.name + " · " + f.properties.kind_label)).addTo(layers[kind]);
      var link = document.createElement("a");  // text, not HTML: names come from the registry
      link.href = el.dataset.detail.replace(/0\/$/, f.properties.id + "/");
      link.textContent = f.properties.name;
      marker.bindPopup(link);
    });
    el.dataset.rendered = "true";
    el.dataset.features = String(data.features.length);
  });
  var communities = null;
  var toggle = document.getElementById("facility-communities");
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (!toggle.checked) { if (communities) { map.removeLayer(communities); } return; }
      fetch(el.dataset.boundaries + "?level=3").then(function (r) { return r.json(); }).then(function (data) {
        communities = window.L.geoJSON(data, { style: { color: "#1971c2", weight: 1, fillOpacity: 0.02 } }).addTo(map);
      });
    });
  }
  // Layers other apps add (children's proposals with a place): points with a name and a link.
  document.querySelectorAll("#extra-layers input").forEach(function (box) {
    fetch(box.dataset.url).then(function (r) { return r.json(); }).then(function (data) {
      var group = window.L.layerGroup();
      data.features.forEach(function (f) {
        var c = f.geometry.coordinates;
        var marker = window.L.circleMarker([c[1], c[0]], { radius: 6, color: "#e8590c", fillOpacity: 0.6 })
          .bindTooltip(window.tongyouText(f.properties.name)).addTo(group);
        if (f.properties.url) {
          var link = document.createElement("a");
          link.href = f.properties.url;
          link.textContent = f.properties.name;
          marker.bindPopup(link);
        }
      });
      layers[box.value] = group;
      if (box.checked) { group.addTo(map); }
      el.dataset[box.value.replace(/[^a-z]/g, "")] = String(data.features.length);
    });
  });
  document.querySelectorAll("#layers input, #extra-layers input").forEach(function (box) {
    box.addEventListener("change", function () {
      var layer = layers[box.value];
      if (!layer) { return; }
      if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
    });
  });
})();
