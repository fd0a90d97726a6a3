// Web push opt-in: when "web push" is chosen, ask the browser for a push subscription with the
// server's VAPID key and put it in the hidden field. No inline code (CSP).
(function () {
  "use strict";
  var form = document.getElementById("optin-form");
  if (!form) { return; }
  var channel = form.querySelector("[name=channel]");
  var field = form.querySelector("[name=subscription]");
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }
  channel.addEventListener("change", function () {
    if (channel.value !== "web_push" || !form.dataset.vapid || !("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(form.dataset.worker).then(function (registration) {
      return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(form.dataset.vapid) });
    }).then(function (subscription) {
      field.value = JSON.stringify(subscription.toJSON());
    }).catch(function () { field.value = ""; });
  });
})();
