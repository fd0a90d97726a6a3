// The place of a child's idea: a tap on the map of the activity's area fills the hidden latitude
// and longitude fields (optional; the place can be written in words instead).
(function () {
  "use strict";
  var el = document.getElementById("place-map");
  if (!el || !window.L) { return; }
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  var map = window.L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tiles) { window.L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map); }
  fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (data) {
    var mine = data.features.filter(function (f) { return f.properties.code === el.dataset.code; });
    var area = window.L.geoJSON(mine.length ? mine : data, { style: { color: "#1f4e79", weight: 2, fillOpacity: 0.05 } }).addTo(map);
    map.fitBounds(area.getBounds());
    el.dataset.rendered = "true";
  });
  var marker = null;
  map.on("click", function (event) {
    if (marker) { map.removeLayer(marker); }
    marker = window.L.circleMarker(event.latlng, { radius: 9, color: "#c92a2a", fillOpacity: 0.7 }).addTo(map);
    lat.value = event.latlng.lat.toFixed(6);
    lng.value = event.latlng.lng.toFixed(6);
    document.getElementById("place-chosen").hidden = false;
  });
})();
