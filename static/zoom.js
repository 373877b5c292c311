// eventscope zoom: fit, zoom and pan for the big SVGs (the flow's causal
// graph, the service map), on top of the vendored @panzoom/panzoom
// (static/panzoom.min.js, loaded before this file). Every <svg data-zoom>
// is drawn by the server with a viewBox and scales to its box's width
// without JavaScript (CSS max-width: 100%; height: auto), so the whole
// drawing is in view: that is the fit, panzoom's scale 1. This file puts
// the SVG in a pane that clips it and lets panzoom move it by a CSS
// transform (set through the CSSOM, which the CSP allows; no style
// attribute, no eval): dragging and touch pan, pinching zooms (panzoom);
// the wheel zooms about the pointer, the buttons and the keys + − 0 (over
// or in the drawing) zoom in, out and fit again (here). A drawing of
// MINIMAP boxes or more gets a minimap: a small copy of its boxes (no text)
// in the top right corner with a frame for the part in view; pressing or
// dragging on it centres the view there. The part in view, in drawing
// units, is kept in the SVG's data-view attribute ("x y w h").
(function () {
  "use strict";
  var MAX = 40; // the largest scale (the smallest view: 1/40 of the drawing's width)
  var MIN = 1 / 1.2; // the smallest scale (zoomed out a little beyond the fit)
  var STEP = 1 / 0.7; // one button press or key: the view 0.7 times as wide
  var MINIMAP = 50; // boxes from which a drawing gets a minimap
  var SVGNS = "http://www.w3.org/2000/svg";
  var live = []; // initialised drawings, to unbind those htmx swapped out

  function full(svg) { var v = svg.viewBox.baseVal; return { x: v.x, y: v.y, w: v.width, h: v.height }; }
  // toDrawing turns a client point into drawing units (the screen CTM
  // includes panzoom's transform).
  function toDrawing(svg, cx, cy) {
    var m = svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    var p = svg.createSVGPoint();
    p.x = cx; p.y = cy;
    p = p.matrixTransform(m.inverse());
    return { x: p.x, y: p.y };
  }
  // view is the part of the drawing in view, in drawing units: the pane's
  // box mapped into the drawing and cut to the drawing's viewBox.
  function view(svg) {
    var p = svg.zoomPane.getBoundingClientRect(), f = full(svg);
    var a = toDrawing(svg, p.left, p.top), b = toDrawing(svg, p.right, p.bottom);
    var x = Math.max(a.x, f.x), y = Math.max(a.y, f.y);
    return { x: x, y: y, w: Math.max(Math.min(b.x, f.x + f.w) - x, 0), h: Math.max(Math.min(b.y, f.y + f.h) - y, 0) };
  }
  // changed records the view after every move: data-view, the minimap's
  // frame, and the class "zoomed" (touch then pans the drawing, not the page).
  function changed(svg) {
    var v = view(svg), f = full(svg);
    var r = [v.x, v.y, v.w, v.h].map(function (n) { return String(Math.round(n * 10) / 10); });
    svg.setAttribute("data-view", r.join(" "));
    var frame = svg.minimapFrame;
    if (frame) ["x", "y", "width", "height"].forEach(function (a, i) { frame.setAttribute(a, r[i]); });
    var pan = svg.panzoom.getPan();
    svg.classList.toggle("zoomed", Math.abs(svg.panzoom.getScale() - 1) > 1e-3 || Math.abs(pan.x) > 0.5 || Math.abs(pan.y) > 0.5 ||
      Math.abs(v.w - f.w) > 0.5);
  }
  // zoomBy scales the view by k (k > 1 zooms in) about the client point
  // (cx, cy), the pane's centre when omitted.
  function zoomBy(svg, k, cx, cy) {
    var p = svg.zoomPane.getBoundingClientRect(), pz = svg.panzoom;
    if (cx === undefined) { cx = p.left + p.width / 2; cy = p.top + p.height / 2; }
    pz.zoomToPoint(Math.min(Math.max(pz.getScale() * k, MIN), MAX), { clientX: cx, clientY: cy }, { animate: false });
  }
  function fit(svg) { svg.panzoom.reset({ animate: false }); }
  // panBy moves the drawing by (dx, dy) screen pixels.
  function panBy(svg, dx, dy) {
    var pz = svg.panzoom, s = pz.getScale(), p = pz.getPan();
    pz.pan(p.x + dx / s, p.y + dy / s, { animate: false, force: true });
  }
  // centreOn moves drawing point (x, y) to the middle of the pane.
  function centreOn(svg, x, y) {
    var m = svg.getScreenCTM(), p = svg.zoomPane.getBoundingClientRect();
    if (!m) return;
    panBy(svg, p.left + p.width / 2 - (m.a * x + m.c * y + m.e), p.top + p.height / 2 - (m.b * x + m.d * y + m.f));
  }
  // reveal pans so that element el of svg is in view (the selected box).
  function reveal(svg, el) {
    if (!el || !el.getBBox || !svg.panzoom) return;
    var e = el.getBoundingClientRect(), p = svg.zoomPane.getBoundingClientRect();
    if (e.left >= p.left && e.top >= p.top && e.right <= p.right && e.bottom <= p.bottom) return;
    var b = el.getBBox();
    centreOn(svg, b.x + b.width / 2, b.y + b.height / 2);
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
    var moving = false;
    function centre(ev) {
      var p = toDrawing(m, ev.clientX, ev.clientY);
      centreOn(svg, p.x, p.y);
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
    var holder = svg.zoomPane.parentNode;
    holder.classList.add("has-minimap");
    holder.appendChild(m);
  }

  function init(svg) {
    if (svg.hasAttribute("data-zoom-ready") || !svg.viewBox || !svg.viewBox.baseVal || typeof window.Panzoom !== "function") return;
    svg.setAttribute("data-zoom-ready", "");
    var name = svg.getAttribute("data-zoom");
    var pane = document.createElement("div");
    pane.className = "zoom-pane";
    svg.parentNode.insertBefore(pane, svg);
    pane.appendChild(svg);
    svg.zoomPane = pane;
    // canvas: a press anywhere in the pane pans; touchAction "" leaves
    // touch-action to app.css (pan-y until zoomed, so that a phone still
    // scrolls the page over a fitted drawing); cursor "" likewise.
    svg.panzoom = window.Panzoom(svg, { canvas: true, touchAction: "", cursor: "", minScale: MIN, maxScale: MAX, step: Math.log(STEP) });
    live.push(svg);

    var bar = document.createElement("div");
    bar.className = "zoom-bar";
    bar.setAttribute("data-testid", name + "-zoom");
    bar.append(
      button("+", "Zoom in (+)", name + "-zoom-in", function () { zoomBy(svg, STEP); }),
      button("−", "Zoom out (−)", name + "-zoom-out", function () { zoomBy(svg, 1 / STEP); }),
      button("Fit", "Fit the whole drawing (0)", name + "-zoom-fit", function () { fit(svg); }),
      Object.assign(document.createElement("span"), { className: "muted zoom-hint", textContent: "wheel or pinch zooms, drag pans" })
    );
    pane.parentNode.insertBefore(bar, pane);
    svg.setAttribute("tabindex", svg.getAttribute("tabindex") || "0");
    minimap(svg, name);
    svg.addEventListener("panzoomchange", function () { changed(svg); });
    changed(svg);

    pane.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      zoomBy(svg, Math.pow(1.0015, -ev.deltaY * (ev.deltaMode === 1 ? 30 : 1)), ev.clientX, ev.clientY);
    }, { passive: false });

    // a drag is not a click on the box it started on
    var start = null, dragged = false;
    pane.addEventListener("pointerdown", function (ev) { start = { x: ev.clientX, y: ev.clientY }; dragged = false; }, true);
    function move(ev) {
      if (start && !dragged && Math.abs(ev.clientX - start.x) + Math.abs(ev.clientY - start.y) >= 4) { dragged = true; svg.classList.add("panning"); }
    }
    function up() { start = null; svg.classList.remove("panning"); }
    document.addEventListener("pointermove", move, { passive: true });
    document.addEventListener("pointerup", up, { passive: true });
    svg.zoomUnbind = function () {
      svg.panzoom.destroy();
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", up);
    };
    svg.addEventListener("click", function (ev) {
      if (dragged) { ev.preventDefault(); ev.stopPropagation(); dragged = false; }
    }, true);
  }

  function initAll() {
    live = live.filter(function (svg) {
      if (svg.isConnected) return true;
      svg.zoomUnbind(); // htmx swapped it out: unbind its document listeners
      return false;
    });
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
    if (!svg || !svg.panzoom || !svg.isConnected) return;
    if (ev.key === "+" || ev.key === "=") zoomBy(svg, STEP);
    else if (ev.key === "-" || ev.key === "−" || ev.key === "_") zoomBy(svg, 1 / STEP);
    else if (ev.key === "0") fit(svg);
    else return;
    ev.preventDefault();
  });

  window.eventscopeZoom = { reveal: reveal, fit: fit, init: initAll };
  document.addEventListener("htmx:afterSettle", initAll);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
