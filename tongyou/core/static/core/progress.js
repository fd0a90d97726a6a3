// Polls an import's progress while it is checked or committed and reloads the page when it ends.
(function () {
  "use strict";
  var bar = document.getElementById("progress");
  var active = ["running", "checking"];
  if (!bar || active.indexOf(bar.dataset.status) < 0) { return; }
  var text = document.getElementById("progress-text");
  function poll() {
    fetch(bar.dataset.url, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      })
      .then(function (p) {
        bar.max = p.total || 1;
        bar.value = p.processed;
        text.textContent = p.processed + " / " + p.total;
        if (active.indexOf(p.status) >= 0) { window.setTimeout(poll, 700); } else { window.location.reload(); }
      })
      // A busy server (the import holds the database) is asked again shortly, not given up on.
      .catch(function () { window.setTimeout(poll, 1500); });
  }
  poll();
})();
