// Never lose what someone typed. A form marked data-keep="name" remembers its fields in this tab
// (sessionStorage, never sent anywhere) as they are typed. When the page comes back with other
// values — another form on the page reloaded it, or the server refused and redirected — what was
// typed is put back and the person is told; once the page shows exactly what was typed (it was
// saved), the memory is dropped. Files, passwords, hidden fields and fields marked data-nokeep
// (ID and account numbers, names) are never kept.
(function () {
  var forms = document.querySelectorAll("form[data-keep]");
  function kept(field) {
    var type = (field.type || "").toLowerCase();
    return field.name && !field.hasAttribute("data-nokeep") &&
      ["file", "password", "hidden", "submit", "button"].indexOf(type) < 0;
  }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, kept);
  }
  function value(field) {
    return field.type === "checkbox" || field.type === "radio" ? (field.checked ? "1" : "") : field.value;
  }
  Array.prototype.forEach.call(forms, function (form) {
    var key = "tongyou-keep:" + location.pathname + ":" + form.getAttribute("data-keep");
    var stored = null;
    try { stored = JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (stored) {
      var differs = fields(form).some(function (f) { return f.name in stored && stored[f.name] !== value(f); });
      if (differs) {
        fields(form).forEach(function (f) {
          if (!(f.name in stored)) { return; }
          if (f.type === "checkbox" || f.type === "radio") { f.checked = stored[f.name] === "1"; } else { f.value = stored[f.name]; }
        });
        var note = document.createElement("p");
        note.className = "messages kept";
        note.setAttribute("role", "status");
        note.textContent = form.getAttribute("data-keep-notice") || "";
        form.insertBefore(note, form.firstChild);
      } else {
        sessionStorage.removeItem(key);  // the page shows what was typed: it was saved
      }
    }
    function remember() {
      var values = {};
      fields(form).forEach(function (f) { values[f.name] = value(f); });
      try { sessionStorage.setItem(key, JSON.stringify(values)); } catch (e) { /* storage full or off */ }
    }
    form.addEventListener("input", remember);
    form.addEventListener("change", remember);
  });
})();
