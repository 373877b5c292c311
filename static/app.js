// eventscope: small enhancements on top of server-rendered pages. Everything
// works without this file.
(function () {
  "use strict";
  // Mark the clicked row of the flow tree as selected when htmx swaps the
  // detail panel instead of loading the whole page.
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("[data-testid=event-tree] a[data-select]");
    if (!a) return;
    var tree = a.closest("[data-testid=event-tree]");
    tree.querySelectorAll("tr[aria-current]").forEach(function (tr) { tr.removeAttribute("aria-current"); });
    a.closest("tr").setAttribute("aria-current", "true");
  });
})();
