// eventscope zoom: fit, zoom and pan for the big SVGs (the flow's causal
// graph, the service map). Every <svg data-zoom> is drawn by the server
// with a viewBox and scales to its box's width without this file (CSS
// max-width: 100%; height: auto), so the whole drawing is in view. This
// file moves the viewBox: the wheel zooms about the pointer, dragging pans,
// the buttons and the keys + − 0 (over or in the drawing) zoom in, out and
// fit again. A drawing of MINIMAP boxes or more gets a minimap: a small
// copy of its boxes (no text) in the top right corner with a frame for the
// part in view; pressing or dragging on it centres the view there. Nothing
// here sets a style attribute (the CSP forbids them).
(function () {
  "use strict";
  var MIN = 1 / 40; // the smallest viewBox width, as a share of the whole drawing
  var MINIMAP = 50; // boxes from which a drawing gets a minimap
  var SVGNS = "http://www.w3.org/2000/svg";

  function box(svg) { var v = svg.viewBox.baseVal; return { x: v.x, y: v.y, w: v.width, h: v.height }; }
  function set(svg, b) {
    var v = [b.x, b.y, b.w, b.h].map(function (n) { return Math.round(n * 10) / 10; });
    svg.setAttribute("viewBox", v.join(" "));
    var frame = svg.minimapFrame;
    if (frame) ["x", "y", "width", "height"].forEach(function (a, i) { frame.setAttribute(a, v[i]); });
  }
  function full(svg) {
    var f = svg.getAttribute("data-full").split(" ").map(Number);
    return { x: f[0], y: f[1], w: f[2], h: f[3] };
  }
  // zoom scales the view by k (k < 1 zooms in) about (px, py) in drawing units.
  function zoom(svg, k, px, py) {
    var b = box(svg), f = full(svg);
    var w = Math.min(Math.max(b.w * k, f.w * MIN), f.w * 1.2);
    k = w / b.w;
    if (px === undefined) { px = b.x + b.w / 2; py = b.y + b.h / 2; }
    set(svg, { x: px - (px - b.x) * k, y: py - (py - b.y) * k, w: b.w * k, h: b.h * k });
    mark(svg);
  }
  function fit(svg) { set(svg, full(svg)); mark(svg); }
  function mark(svg) {
    var zoomed = Math.abs(box(svg).w - full(svg).w) > 0.5 || Math.abs(box(svg).x - full(svg).x) > 0.5 || Math.abs(box(svg).y - full(svg).y) > 0.5;
    svg.classList.toggle("zoomed", zoomed);
  }
  // toDrawing turns a client point into drawing units.
  function toDrawing(svg, cx, cy) {
    var p = svg.createSVGPoint();
    p.x = cx; p.y = cy;
    var m = svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    p = p.matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  }
  // reveal pans so that element el of svg is in view (the selected box).
  function reveal(svg, el) {
    if (!el || !el.getBBox) return;
    var e = el.getBBox(), b = box(svg);
    if (e.x >= b.x && e.y >= b.y && e.x + e.width <= b.x + b.w && e.y + e.height <= b.y + b.h) return;
    set(svg, { x: e.x + e.width / 2 - b.w / 2, y: e.y + e.height / 2 - b.h / 2, w: b.w, h: b.h });
    mark(svg);
  }

  function button(label, title, testid, fn) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.setAttribute("data-testid", testid);
    b.addEventListener("click", fn);
    return b;
  }

  // minimap draws the boxes of svg small, with a frame for the view.
  function minimap(svg, name) {
    var boxes = svg.querySelectorAll(".node > rect");
    if (boxes.length < MINIMAP) return;
    var f = full(svg);
    var m = document.createElementNS(SVGNS, "svg");
    m.setAttribute("class", "minimap");
    m.setAttribute("data-testid", name + "-minimap");
    m.setAttribute("viewBox", [f.x, f.y, f.w, f.h].join(" "));
    m.setAttribute("preserveAspectRatio", "xMidYMid meet");
    m.setAttribute("aria-hidden", "true");
    Array.prototype.forEach.call(boxes, function (r) {
      var c = document.createElementNS(SVGNS, "rect");
      ["x", "y", "width", "height"].forEach(function (a) { c.setAttribute(a, r.getAttribute(a)); });
      c.setAttribute("class", "mini-box " + (r.parentNode.getAttribute("class") || ""));
      m.appendChild(c);
    });
    var frame = document.createElementNS(SVGNS, "rect");
    frame.setAttribute("class", "mini-frame");
    frame.setAttribute("data-testid", name + "-minimap-frame");
    m.appendChild(frame);
    svg.minimapFrame = frame;
    set(svg, box(svg));
    var moving = false;
    function centre(ev) {
      var p = toDrawing(m, ev.clientX, ev.clientY), b = box(svg);
      set(svg, { x: p.x - b.w / 2, y: p.y - b.h / 2, w: b.w, h: b.h });
      mark(svg);
    }
    m.addEventListener("pointerdown", function (ev) {
      moving = true;
      try { m.setPointerCapture(ev.pointerId); } catch (e) { /* a pointer that is not down (a synthetic event) */ }
      centre(ev);
      ev.preventDefault();
    });
    m.addEventListener("pointermove", function (ev) { if (moving) centre(ev); });
    m.addEventListener("pointerup", function () { moving = false; });
    m.addEventListener("pointercancel", function () { moving = false; });
    var holder = svg.parentNode;
    holder.classList.add("has-minimap");
    holder.appendChild(m);
  }

  function init(svg) {
    if (svg.hasAttribute("data-zoom-ready") || !svg.viewBox || !svg.viewBox.baseVal) return;
    svg.setAttribute("data-zoom-ready", "");
    var b = box(svg);
    svg.setAttribute("data-full", [b.x, b.y, b.w, b.h].join(" "));
    var name = svg.getAttribute("data-zoom");
    var bar = document.createElement("div");
    bar.className = "zoom-bar";
    bar.setAttribute("data-testid", name + "-zoom");
    bar.append(
      button("+", "Zoom in (+)", name + "-zoom-in", function () { zoom(svg, 0.7); }),
      button("−", "Zoom out (−)", name + "-zoom-out", function () { zoom(svg, 1 / 0.7); }),
      button("Fit", "Fit the whole drawing (0)", name + "-zoom-fit", function () { fit(svg); }),
      Object.assign(document.createElement("span"), { className: "muted zoom-hint", textContent: "wheel zooms, drag pans" })
    );
    svg.parentNode.insertBefore(bar, svg);
    svg.setAttribute("tabindex", svg.getAttribute("tabindex") || "0");
    minimap(svg, name);

    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = toDrawing(svg, ev.clientX, ev.clientY);
      zoom(svg, Math.pow(1.0015, ev.deltaY * (ev.deltaMode === 1 ? 30 : 1)), p.x, p.y);
    }, { passive: false });

    var drag = null, dragged = false;
    svg.addEventListener("pointerdown", function (ev) {
      if (ev.button !== 0) return;
      drag = { x: ev.clientX, y: ev.clientY, b: box(svg), id: ev.pointerId };
      dragged = false;
    });
    svg.addEventListener("pointermove", function (ev) {
      if (!drag || ev.pointerId !== drag.id) return;
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!dragged) { dragged = true; svg.setPointerCapture(ev.pointerId); svg.classList.add("panning"); }
      var r = svg.getBoundingClientRect();
      var s = Math.max(drag.b.w / r.width, drag.b.h / r.height); // drawing units per pixel ("meet")
      set(svg, { x: drag.b.x - dx * s, y: drag.b.y - dy * s, w: drag.b.w, h: drag.b.h });
      mark(svg);
    });
    function end() { drag = null; svg.classList.remove("panning"); }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    // a drag is not a click on the box it started on
    svg.addEventListener("click", function (ev) {
      if (dragged) { ev.preventDefault(); ev.stopPropagation(); dragged = false; }
    }, true);
  }

  function initAll() {
    Array.prototype.forEach.call(document.querySelectorAll("svg[data-zoom]"), init);
  }

  // keys: over or in a drawing, + − 0
  var over = null;
  document.addEventListener("pointerover", function (ev) {
    over = ev.target.closest ? ev.target.closest("svg[data-zoom]") : null;
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var svg = (t && t.closest && t.closest("svg[data-zoom]")) || over;
    if (!svg || !svg.hasAttribute("data-zoom-ready")) return;
    if (ev.key === "+" || ev.key === "=") zoom(svg, 0.7);
    else if (ev.key === "-" || ev.key === "−" || ev.key === "_") zoom(svg, 1 / 0.7);
    else if (ev.key === "0") fit(svg);
    else return;
    ev.preventDefault();
  });

  window.eventscopeZoom = { reveal: reveal, fit: fit, init: initAll };
  document.addEventListener("htmx:afterSettle", initAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
