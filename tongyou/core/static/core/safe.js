// Text for map tooltips and popups: Leaflet treats a string as HTML, and names, places and
// sighting notes are stored text anyone may have typed. A text node is never markup.
window.tongyouText = function (value) {
  var span = document.createElement("span");
  span.textContent = value === null || value === undefined ? "" : String(value);
  return span;
};
