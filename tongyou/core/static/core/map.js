// District map: Leaflet with boundary layers from our own GeoJSON endpoint. A tile layer is
// added only when the deployment names a tile server (an intranet one such as Tianditu);
// without one the map works on boundaries alone.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  var map = window.L.map(el, { zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    window.L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map);
  }
  var approximate = el.dataset.labelApproximate;
  function layer(level, style) {
    return fetch(el.dataset.boundaries + "?level=" + level, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        return window.L.geoJSON(data, {
          style: style,
          onEachFeature: function (f, l) {
            var p = f.properties;
            l.bindTooltip(window.tongyouText(p.name + " " + p.code + (p.approximate ? " (" + approximate + ")" : "")));
          }
        });
      });
  }
  var communities = null;
  // Zoom to the signed-in user's own street or community (data-focus), outlined; else the district.
  function focusOn(group) {
    var found = null;
    group.eachLayer(function (l) {
      if (l.feature && l.feature.properties.code === el.dataset.focus) { found = l; }
    });
    if (!found) { return false; }
    found.setStyle({ weight: 4, color: "#1971c2" });
    map.fitBounds(found.getBounds());
    el.dataset.focused = el.dataset.focus;
    return true;
  }
  layer(2, { color: "#d9480f", weight: 2, fillOpacity: 0.08 }).then(function (streets) {
    streets.addTo(map);
    map.fitBounds(streets.getBounds());
    el.dataset.features = String(streets.getLayers().length);
    if (el.dataset.focus && !focusOn(streets) && el.dataset.focusLevel === "3") {
      return layer(3, { color: "#1971c2", weight: 1, fillOpacity: 0.04 }).then(function (l) {
        communities = l.addTo(map);
        document.getElementById("show-communities").checked = true;
        focusOn(communities);
      });
    }
  }).then(function () { el.dataset.rendered = "true"; });
  document.getElementById("show-communities").addEventListener("change", function (e) {
    if (e.target.checked) {
      layer(3, { color: "#1971c2", weight: 1, fillOpacity: 0.04 }).then(function (l) {
        communities = l.addTo(map);
      });
    } else if (communities) {
      map.removeLayer(communities);
    }
  });
})();
