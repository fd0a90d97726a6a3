// The main menu's groups are <details>: they open without script. This only closes the others
// when one opens, and all of them on a click elsewhere or Escape, as a menu bar would.
(function () {
  var groups = Array.prototype.slice.call(document.querySelectorAll(".mainnav details.menu-group"));
  function closeAll(except) {
    groups.forEach(function (g) { if (g !== except) { g.open = false; } });
  }
  groups.forEach(function (g) {
    g.addEventListener("toggle", function () { if (g.open) { closeAll(g); } });
  });
  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest(".mainnav")) { closeAll(null); }
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") { closeAll(null); } });
})();
