// Forms whose step cannot be undone carry data-confirm: ask before sending them (a served file,
// not inline script, so the content security policy stays strict).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
