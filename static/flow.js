// eventscope flow page: links the causal graph, the timeline and the event
// tree. Hovering or focusing an event highlights it in all three; clicking
// an event in an SVG loads its detail with htmx instead of the whole page;
// #event-ID in the address selects that event; arrow keys move between
// events in causal order and Enter opens the detail. Without this file
// every box and mark is a plain link that the server answers.
(function () {
  "use strict";
  var page = function () { return document.querySelector(".flow-page"); };
  var q = function (sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); };
  var attr = function (name, value) { return "[" + name + '="' + CSS.escape(value) + '"]'; };

  // highlight marks every element showing node (and event id) with .hl.
  var lit = [];
  function highlight(node, id) {
    lit.forEach(function (el) { el.classList.remove("hl"); });
    lit = [];
    if (node) lit = lit.concat(q(attr("data-node", node)));
    if (id) lit = lit.concat(q(attr("data-event-id", id)));
    lit.forEach(function (el) { el.classList.add("hl"); });
  }
  function onPoint(ev) {
    var el = ev.target.closest && ev.target.closest("[data-node], [data-event-id]");
    if (!el || !page() || !page().contains(el)) return;
    highlight(el.getAttribute("data-node"), el.getAttribute("data-event-id"));
  }
  document.addEventListener("mouseover", onPoint);
  document.addEventListener("focusin", onPoint);

  // urlFor is the page with event id selected: full (with the fragment)
  // and without the fragment (what htmx asks for).
  function urlFor(id) {
    var u = new URL(window.location.href);
    u.searchParams.set("event", id);
    u.hash = "";
    var hx = u.pathname + u.search;
    return { hx: hx, full: hx + "#event-" + encodeURIComponent(id) };
  }

  // markSelected moves the .selected class in the SVGs to the event id.
  function markSelected(id) {
    q(".graph-svg .selected, .timeline-svg .selected").forEach(function (el) { el.classList.remove("selected"); });
    q(".timeline-svg " + attr("data-event-id", id)).forEach(function (el) { el.classList.add("selected"); });
    var mark = document.querySelector(".timeline-svg " + attr("data-event-id", id));
    var row = document.querySelector("tr" + attr("data-event-id", id));
    var node = (mark || row) && (mark || row).getAttribute("data-node");
    var box = document.querySelector(".graph-svg " + attr("data-event-id", id)) ||
      (node && document.querySelector(".graph-svg " + attr("data-node", node)));
    if (box) box.classList.add("selected");
  }

  // select loads the detail of event id into the panel.
  function select(id, push) {
    var detail = document.getElementById("event-detail");
    if (!window.htmx || !detail) return false;
    var u = urlFor(id);
    markSelected(id);
    if (detail.getAttribute("data-event-id") !== id) {
      window.htmx.ajax("GET", u.hx, { target: "#event-detail", swap: "outerHTML" });
    }
    if (push) window.history.pushState({}, "", u.full);
    return true;
  }

  document.addEventListener("click", function (ev) {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    var a = ev.target.closest && ev.target.closest("svg a[data-event-id]");
    if (a && select(a.getAttribute("data-event-id"), true)) ev.preventDefault();
  });

  // Expanding a group or zooming the timeline keeps the event selected
  // since the page was rendered (the server built those links before).
  document.addEventListener("htmx:configRequest", function (ev) {
    var t = ev.detail.target;
    if (!t || (t.id !== "flow-graph" && t.id !== "flow-timeline")) return;
    var id = new URL(window.location.href).searchParams.get("event");
    if (id && ev.detail.path.indexOf("?event=") < 0 && ev.detail.path.indexOf("&event=") < 0) {
      ev.detail.parameters.event = id;
    }
  });

  // reveal pans a zoomed graph so that SVG element el is in view (zoom.js;
  // a graph that fits its box shows every element already).
  function reveal(el) {
    var svg = el && el.ownerSVGElement;
    if (svg && window.eventscopeZoom) window.eventscopeZoom.reveal(svg, el);
  }
  // After a group expands, show its first event; on load, the selected box.
  var expanding = null;
  document.addEventListener("htmx:beforeRequest", function (ev) {
    var elt = ev.detail.elt;
    if (ev.detail.target && ev.detail.target.id === "flow-graph" && elt) {
      expanding = elt.getAttribute("data-node") || (elt.closest("[data-group]") || elt).getAttribute("data-group");
    }
  });
  document.addEventListener("htmx:afterSettle", function (ev) {
    if (!ev.detail.target || ev.detail.target.id !== "flow-graph") return;
    var first = expanding && document.querySelector(".graph-svg a.member" + attr("data-group", expanding));
    reveal(first || document.querySelector(".graph-svg a.node.selected"));
    expanding = null;
  });
  function revealOnLoad() {
    var sel = document.querySelector(".graph-svg a.node.selected");
    var member = document.querySelector(".graph-svg a.member");
    reveal(new URL(window.location.href).searchParams.has("event") ? sel : member || sel);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", revealOnLoad);
  else revealOnLoad();

  // fromHash selects the event named by #event-ID and shows its box.
  function fromHash() {
    var h = window.location.hash;
    if (h.indexOf("#event-") !== 0 || !page()) return;
    var id;
    try { id = decodeURIComponent(h.slice(7)); } catch (e) { return; }
    select(id, false);
    var box = document.querySelector(".graph-svg " + attr("data-event-id", id)) ||
      document.querySelector(".timeline-svg " + attr("data-event-id", id));
    if (box && box.scrollIntoView) box.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  window.addEventListener("hashchange", fromHash);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fromHash);
  else fromHash();

  // Keyboard: on a focused event (graph box, timeline mark, tree row), the
  // arrows move in causal order (the tree's) and Enter opens the detail.
  function order() {
    var seen = {}, ids = [];
    q("[data-testid=tree-row]").forEach(function (tr) {
      var id = tr.getAttribute("data-event-id");
      if (!seen[id]) { seen[id] = true; ids.push(id); }
    });
    return ids;
  }
  function focusEvent(id) {
    var el = document.querySelector(".graph-svg a" + attr("data-event-id", id)) ||
      document.querySelector(".timeline-svg a" + attr("data-event-id", id)) ||
      document.querySelector("tr" + attr("data-event-id", id) + " a");
    if (el) el.focus();
  }
  document.addEventListener("keydown", function (ev) {
    if (!page() || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var cur = t && t.closest && t.closest("[data-event-id]");
    var id = cur ? cur.getAttribute("data-event-id") : null;
    if (ev.key === "Enter") {
      if (cur && cur.closest("svg") && select(id, true)) ev.preventDefault();
      return;
    }
    var step = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 }[ev.key];
    if (!step || !cur || cur.id === "event-detail") return; // arrows scroll elsewhere
    var ids = order();
    var i = ids.indexOf(id);
    var next = ids[i < 0 ? 0 : Math.min(Math.max(i + step, 0), ids.length - 1)];
    if (next === undefined) return;
    ev.preventDefault();
    focusEvent(next);
  });
})();

// Fold the event tree by causal subtree: a row with effects gets a toggle
// that hides (and shows again) the rows under it; the Gantt chart, whose
// rows are the tree's in the same order, folds with it. Without JS every
// row shows.
(function () {
  "use strict";
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-testid=tree-row]")); }
  function depth(tr) { return parseInt(tr.getAttribute("data-depth"), 10) || 0; }
  function subtree(all, i) {
    var out = [], d = depth(all[i]);
    for (var j = i + 1; j < all.length && depth(all[j]) > d; j++) out.push(all[j]);
    return out;
  }
  // gantt hides the chart's rows whose tree row is hidden and moves the
  // rest up (attributes only: the CSP forbids style attributes).
  function gantt() {
    var svg = document.querySelector(".gantt-svg");
    if (!svg) return;
    var tree = rows(), shift = 0;
    if (!svg.hasAttribute("data-h")) svg.setAttribute("data-h", svg.getAttribute("height"));
    Array.prototype.forEach.call(svg.querySelectorAll("a.row"), function (a, i) {
      if (tree[i] && tree[i].hidden) { a.setAttribute("display", "none"); shift += 20; return; }
      a.removeAttribute("display");
      if (shift) a.setAttribute("transform", "translate(0 -" + shift + ")"); else a.removeAttribute("transform");
    });
    var h = parseFloat(svg.getAttribute("data-h")) - shift, w = svg.getAttribute("width");
    svg.setAttribute("height", h);
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  }
  function init() {
    var all = rows();
    all.forEach(function (tr, i) {
      if (tr.querySelector(".fold") || i + 1 >= all.length || depth(all[i + 1]) <= depth(tr)) return;
      var b = document.createElement("button");
      b.type = "button";
      b.className = "fold";
      b.textContent = "▾";
      b.title = "Fold this event's effects";
      b.setAttribute("aria-expanded", "true");
      b.setAttribute("data-testid", "tree-fold");
      b.addEventListener("click", function () {
        var open = b.getAttribute("aria-expanded") === "true";
        b.setAttribute("aria-expanded", String(!open));
        b.textContent = open ? "▸" : "▾";
        b.title = open ? "Unfold this event's effects" : "Fold this event's effects";
        var now = rows(), k = now.indexOf(tr);
        subtree(now, k).forEach(function (r) {
          if (open) { r.hidden = true; return; }
          r.hidden = false; // unfold: rows under a still-folded toggle stay hidden
        });
        if (!open) {
          subtree(now, k).forEach(function (r) {
            var f = r.querySelector(".fold");
            if (f && f.getAttribute("aria-expanded") === "false") subtree(now, now.indexOf(r)).forEach(function (x) { x.hidden = true; });
          });
        }
        gantt();
      });
      var cell = tr.querySelector("td.type");
      cell.insertBefore(b, cell.firstChild);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
