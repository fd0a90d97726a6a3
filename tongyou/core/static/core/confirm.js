// Forms whose step cannot be undone carry data-confirm: ask before sending them (a served file,
// not inline script, so the content security policy stays strict).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    // The question is the clicked button's (a form with several irreversible buttons) or the form's.
    var button = event.submitter;
    var form = event.target;
    var question = (button && button.dataset && button.dataset.confirm) || (form && form.dataset && form.dataset.confirm);
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
