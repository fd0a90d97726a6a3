// The public alert app: the phone works out its own H3 cells (h3-js) and subscribes to them over
// MQTT on WebSockets. The server never learns where the phone is: it publishes to cells, the
// phone listens to its own and decides by its own position whether an alert's circle holds it.
(function () {
  "use strict";
  var root = document.getElementById("alert-app");
  if (!root || !window.h3 || !window.mqtt) { return; }
  var status = document.getElementById("app-status");
  var list = document.getElementById("app-alerts");
  var prefix = root.dataset.prefix;
  var resolutions = JSON.parse(root.dataset.resolutions);
  var cases = {};  // case reference -> the latest message of it (de-duplicated by identifier)
  var seen = {};
  var here = null;

  function say(text) { status.textContent = text; }

  function version(message) {
    var parts = String(message.identifier).split(".");
    return parseInt(parts[parts.length - 1], 10) || 0;
  }

  function distanceKm(lat1, lng1, lat2, lng2) {
    var rad = Math.PI / 180, dLat = (lat2 - lat1) * rad, dLng = (lng2 - lng1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
    return 12742 * Math.asin(Math.sqrt(a));
  }

  function render() {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var shown = Object.keys(cases).map(function (ref) { return cases[ref]; }).filter(function (m) {
      var c = m.circle;
      return distanceKm(here.lat, here.lng, c.lat, c.lng) <= c.radius_km;
    });
    if (!shown.length) {
      var none = document.createElement("li");
      none.textContent = root.dataset.none;
      list.appendChild(none);
    }
    shown.forEach(function (m) {
      var item = document.createElement("li");
      item.className = "app-alert" + (m.drill ? " drill" : "");
      item.dataset.case = m.case;
      var link = document.createElement("a");
      link.href = root.dataset.detail.replace("REF", encodeURIComponent(m.case));
      link.textContent = m.headline || m.case;  // text, never markup
      item.appendChild(link);
      var hint = document.createElement("p");
      hint.textContent = root.dataset.hint;
      item.appendChild(hint);
      list.appendChild(item);
    });
    root.dataset.shown = String(shown.length);
  }

  function receive(payload) {
    if (!payload || !payload.length) { return; }  // a cleared retained message
    var message;
    try { message = JSON.parse(new TextDecoder().decode(payload)); } catch (e) { return; }
    if (seen[message.identifier]) { return; }  // the same message on another cell or resolution
    seen[message.identifier] = true;
    var known = cases[message.case];
    if (message.msgType === "Cancel") {
      delete cases[message.case];
    } else if (!known || version(message) > version(known)) {
      cases[message.case] = message;
    }
    render();
  }

  function start(lat, lng) {
    here = { lat: lat, lng: lng };
    var cells = resolutions.map(function (r) { return window.h3.latLngToCell(lat, lng, r); });
    root.dataset.cells = cells.join(",");
    say(root.dataset.connecting);
    var client = window.mqtt.connect(root.dataset.broker, { reconnectPeriod: 3000, connectTimeout: 10000 });
    client.on("connect", function () {
      cells.forEach(function (cell) { client.subscribe(prefix + "/" + cell + "/#", { qos: 1 }); });
      say(root.dataset.listening);
      root.dataset.connected = "true";
      render();
    });
    client.on("message", function (topic, payload) { receive(payload); });
    client.on("offline", function () { say(root.dataset.offline); root.dataset.connected = "false"; });
  }

  if (!navigator.geolocation) { say(root.dataset.noLocation); return; }
  say(root.dataset.locating);
  navigator.geolocation.getCurrentPosition(
    function (position) { start(position.coords.latitude, position.coords.longitude); },
    function () { say(root.dataset.noLocation); },
    { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
  );
  if ("serviceWorker" in navigator && root.dataset.worker) {
    navigator.serviceWorker.register(root.dataset.worker).catch(function () {});
  }
})();
