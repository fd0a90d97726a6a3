// Alert maps: the circle of each alert, sightings with their times, and (on forms) a click that
// fills the latitude and longitude. Data comes from json_script elements; no inline code (CSP).
(function () {
  "use strict";
  if (!window.L) { return; }
  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  document.querySelectorAll("[data-alert-map]").forEach(function (el) {
    var map = window.L.map(el, { zoomSnap: 0.25 });
    if (el.dataset.tiles) { window.L.tileLayer(el.dataset.tiles, { maxZoom: 18 }).addTo(map); }
    var bounds = [];
    var circles = read(el.dataset.circles) || [];
    circles.forEach(function (c) {
      // Bounds from the centre and size: a circle's own getBounds needs the map's view first.
      bounds.push(window.L.latLng(c.lat, c.lng).toBounds(c.radius_km * 2000));
      window.L.circle([c.lat, c.lng], { radius: c.radius_km * 1000, color: "#e03131", fillOpacity: 0.05 }).addTo(map);
      window.L.circleMarker([c.lat, c.lng], { radius: 6, color: "#e03131" }).addTo(map).bindTooltip(window.tongyouText(c.title || c.ref || ""));
    });
    var sightings = read(el.dataset.sightings) || [];
    var colours = { credible: "#2f9e44", not_credible: "#868e96", unreviewed: "#1971c2" };
    sightings.forEach(function (s) {
      window.L.circleMarker([s.lat, s.lng], { radius: 7, color: colours[s.credibility] || "#1971c2" })
        .addTo(map).bindTooltip(window.tongyouText(s.seen));
    });
    if (el.dataset.boundaries) {
      fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (data) {
        var layer = window.L.geoJSON(data, { style: { color: "#d9480f", weight: 1, fillOpacity: 0.03 } }).addTo(map);
        if (!bounds.length) { map.fitBounds(layer.getBounds()); }
      });
    }
    if (bounds.length) {
      var all = window.L.latLngBounds(bounds[0].getSouthWest(), bounds[0].getNorthEast());
      bounds.forEach(function (b) { all.extend(b); });
      map.fitBounds(all);
    } else if (!el.dataset.boundaries) {
      map.setView([40.78, 111.66], 11);
    }
    var lat = document.getElementById(el.dataset.lat || "");
    var lng = document.getElementById(el.dataset.lng || "");
    if (lat && lng) {
      var marker = null;
      map.on("click", function (e) {
        lat.value = e.latlng.lat.toFixed(5);
        lng.value = e.latlng.lng.toFixed(5);
        if (marker) { map.removeLayer(marker); }
        marker = window.L.marker(e.latlng).addTo(map);
        // The community too: the one whose boundary holds the point, or the nearest.
        var region = document.getElementById(el.dataset.region || "");
        if (region && el.dataset.locate) {
          fetch(el.dataset.locate + "?lat=" + lat.value + "&lng=" + lng.value)
            .then(function (r) { return r.json(); })
            .then(function (found) {
              if (found.found && region.querySelector('option[value="' + found.id + '"]')) {
                region.value = String(found.id);
                region.dispatchEvent(new Event("change"));
              }
            });
        }
      });
    }
    el.dataset.rendered = "true";
  });
})();
