// eventscope: small enhancements on top of server-rendered pages. Everything
// works without this file.
(function () {
  "use strict";
  // When htmx swaps the flow page's detail panel, mark the tree row of the
  // event now shown as the selected one (the server marks it on full loads).
  document.addEventListener("htmx:afterSettle", function () {
    var detail = document.getElementById("event-detail");
    var tree = document.querySelector("[data-testid=event-tree]");
    if (!detail || !tree) return;
    var id = detail.getAttribute("data-event-id");
    var rows = tree.querySelectorAll("tr[data-event-id]");
    var marked = false;
    rows.forEach(function (tr) {
      if (!marked && tr.getAttribute("data-event-id") === id) {
        tr.setAttribute("aria-current", "true");
        marked = true;
      } else {
        tr.removeAttribute("aria-current");
      }
    });
  });
})();
