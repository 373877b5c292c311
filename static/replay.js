// eventscope replay: step and play through a flow without reloading the
// page. The page works without this file (every control is a link or a
// form); here each step only re-marks the rows that changed between the
// old and the new step, and swaps the frame (state, anomalies, event
// detail) for the server-rendered fragment of the new step, fetched with
// HX-Request/HX-Target headers like an htmx partial and cached.
(function () {
  "use strict";
  var page = document.querySelector("[data-testid=replay-page]");
  if (!page) return;
  document.documentElement.classList.add("js-replay");

  var TICK_MS = 400, MIN_MS = 16, MAX_MS = 4000, CACHE = 60;
  var total = +page.getAttribute("data-total");
  var rowsFrom = +page.getAttribute("data-rows-from");
  var base = page.getAttribute("data-base");
  var cur = +page.getAttribute("data-step");
  var shown = cur;
  var list = page.querySelector("[data-testid=replay-list]");
  var rows = list ? list.children : [];
  var slider = page.querySelector("[data-testid=replay-slider]");
  var position = page.querySelector("[data-testid=replay-position]");
  var playBtn = page.querySelector("[data-testid=replay-play]");
  var speed = page.querySelector("[data-testid=replay-speed]");
  var links = {};
  ["first", "prev", "next", "last"].forEach(function (k) {
    links[k] = page.querySelector("[data-testid=replay-" + k + "]");
  });
  playBtn.hidden = false;
  speed.closest("label").hidden = false;

  function stepURL(n) {
    return base + (base.indexOf("?") < 0 ? "?" : "&") + "step=" + n;
  }

  function row(n) {
    return rows[n - rowsFrom] || null;
  }

  function setRow(n, cls) {
    var r = row(n);
    if (!r) return;
    r.classList.remove("past", "current", "future");
    r.classList.add(cls);
    if (cls === "current") r.setAttribute("aria-current", "step");
    else r.removeAttribute("aria-current");
  }

  // mark re-marks only the rows between the old and the new step, then
  // the graph's boxes and arrows (drawn only for flows small enough).
  function mark(from, to) {
    var n;
    if (to > from) for (n = from; n < to; n++) setRow(n, "past");
    else for (n = from; n > to; n--) setRow(n, "future");
    setRow(to, "current");
    reveal(row(to));
    markGraph(to);
  }

  // The graph: each box is past, current or future by the first step of
  // its event; each arrow by the later of its two ends.
  var firstStep = {};
  Array.prototype.forEach.call(rows, function (r) {
    var id = r.getAttribute("data-event-id");
    if (!(id in firstStep)) firstStep[id] = +r.getAttribute("data-step");
  });
  function nodes() { // graph boxes and timeline marks (a zoom swaps the timeline)
    return page.querySelectorAll("[data-testid=graph-node][data-event-id], [data-testid=flow-timeline] a[data-event-id]");
  }
  var edges = page.querySelectorAll("[data-testid=graph-edge]");
  function stepClass(k, n) {
    return k < n ? "past" : k === n ? "current" : "future";
  }
  function setClass(el, cls) {
    el.classList.remove("past", "current", "future");
    el.classList.add(cls);
  }
  function markGraph(n) {
    Array.prototype.forEach.call(nodes(), function (el) {
      var k = firstStep[el.getAttribute("data-event-id")];
      if (k) setClass(el, stepClass(k, n));
    });
    Array.prototype.forEach.call(edges, function (el) {
      var a = firstStep[el.getAttribute("data-from")], b = firstStep[el.getAttribute("data-to")];
      if (a && b) setClass(el, stepClass(Math.max(a, b), n));
    });
  }

  // reveal scrolls the list (not the page) to show r.
  function reveal(r) {
    if (!r || !list) return;
    var top = r.offsetTop, bottom = top + r.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = Math.max(top - 40, 0);
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight + 40;
  }

  function setLink(a, n, disabled) {
    a.href = stepURL(n);
    if (disabled) a.setAttribute("aria-disabled", "true");
    else a.removeAttribute("aria-disabled");
  }

  function controls(n) {
    slider.value = n;
    position.textContent = "Step " + n + " of " + total;
    setLink(links.first, 1, n === 1);
    setLink(links.prev, Math.max(n - 1, 1), n === 1);
    setLink(links.next, Math.min(n + 1, total), n === total);
    setLink(links.last, total, n === total);
    page.setAttribute("data-step", n);
  }

  // Frames: one fetch per URL (the promise is cached), the newest asked
  // for wins, one request at a time so a dragged slider does not queue
  // hundreds of them.
  var cache = new Map();
  function frame(url) {
    var p = cache.get(url);
    if (p) return p;
    p = fetch(url, { headers: { "HX-Request": "true", "HX-Target": "replay-frame" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    });
    p.catch(function () { cache.delete(url); });
    cache.set(url, p);
    if (cache.size > CACHE) cache.delete(cache.keys().next().value);
    return p;
  }

  var inflight = false, wanted = 0, askedAt = 0, afterShown = null;
  function pump() {
    if (inflight || !wanted) return;
    var n = wanted, url = stepURL(n), from = shown;
    wanted = 0;
    if (n === shown) return settle();
    inflight = true;
    frame(url).then(function (html) {
      var t = document.createElement("template");
      t.innerHTML = html;
      var next = t.content.querySelector("#replay-frame");
      var old = document.getElementById("replay-frame");
      if (!next || !old) throw new Error("no frame in response");
      old.replaceWith(next);
      shown = n;
      page.setAttribute("data-frame-ms", Math.round(performance.now() - askedAt));
    }).catch(function () {
      location.assign(url); // let the server say what went wrong
    }).finally(function () {
      inflight = false;
      if (wanted) return pump();
      prefetch(shown, shown - from);
      settle();
    });
  }

  // prefetch warms the cache with the next step in the direction of travel
  // (dir > 0: forward), so the next press of that arrow key shows its frame
  // at once.
  function prefetch(n, dir) {
    var next = dir < 0 ? n - 1 : n + 1;
    if (next >= 1 && next <= total) frame(stepURL(next));
  }

  function settle() {
    if (shown !== cur || !afterShown) return;
    var f = afterShown;
    afterShown = null;
    f();
  }

  function go(n) {
    n = Math.min(Math.max(n, 1), total);
    if (n === cur) return;
    var from = cur;
    cur = n;
    askedAt = performance.now();
    mark(from, n);
    controls(n);
    history.replaceState(null, "", stepURL(n));
    wanted = n;
    pump();
  }

  // Play: the next step is due after the time between the two events
  // divided by the speed (gaps capped at MAX_MS), or one step per tick;
  // the wait starts once the current frame is shown.
  var playing = false, timer = 0;
  function delay(n) {
    var a = row(n), b = row(n + 1);
    if (speed.value === "tick" || !a || !b) return TICK_MS;
    var gap = (+b.getAttribute("data-t") - +a.getAttribute("data-t")) / +speed.value;
    return Math.min(Math.max(gap, MIN_MS), MAX_MS);
  }
  function schedule() {
    clearTimeout(timer);
    if (!playing) return;
    if (cur >= total) return pause();
    frame(stepURL(cur + 1)); // warm the cache while waiting
    timer = setTimeout(function () {
      if (!playing) return;
      go(cur + 1);
      afterShown = schedule;
      settle();
    }, delay(cur));
  }
  function play() {
    if (cur >= total) go(1);
    playing = true;
    playBtn.textContent = "⏸ Pause";
    playBtn.setAttribute("aria-pressed", "true");
    afterShown = schedule;
    settle();
  }
  function pause() {
    playing = false;
    afterShown = null;
    clearTimeout(timer);
    playBtn.textContent = "▶ Play";
    playBtn.setAttribute("aria-pressed", "false");
  }
  function toggle() {
    if (playing) pause();
    else play();
  }
  function manual(n) {
    pause();
    go(n);
  }

  playBtn.addEventListener("click", toggle);
  speed.addEventListener("change", function () {
    if (playing) schedule();
  });
  slider.addEventListener("input", function () {
    manual(+slider.value);
  });

  // stepOf returns the step a link names when it is this replay with the
  // same order, entity and future; null for anything else.
  function stepOf(href) {
    var u = new URL(href, location.href), b = new URL(base, location.href);
    if (u.origin !== b.origin || u.pathname !== b.pathname) return null;
    var q = new URLSearchParams(u.search), step = q.get("step");
    q.delete("step");
    if (q.toString() !== new URLSearchParams(b.search).toString()) return null;
    if (step === null) return 1;
    var n = parseInt(step, 10);
    return n >= 1 && n <= total && String(n) === step ? n : null;
  }
  page.addEventListener("click", function (ev) {
    if (ev.defaultPrevented || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    var a = ev.target.closest("a[href]");
    var n = a && stepOf(a.href);
    if (!n) return;
    ev.preventDefault();
    manual(n);
  });

  // The timeline's zoom and pan links reload the page at the current step
  // (before htmx sees the click: its fragment would carry the step the
  // page was loaded at).
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("[data-testid=flow-timeline] .zoom a[href]");
    if (!a || ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    ev.stopPropagation();
    var u = new URL(a.href, location.href);
    u.searchParams.set("step", cur);
    location.assign(u.pathname + "?" + u.searchParams.toString() + u.hash);
  }, true);

  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var t = ev.target, tag = t.tagName || "";
    if ((tag === "INPUT" && t.type !== "range") || tag === "TEXTAREA" || tag === "SELECT" || t.isContentEditable) return;
    if (t === slider && ev.key !== " ") return; // the slider steps itself and fires input
    switch (ev.key) {
      case "ArrowLeft": manual(cur - 1); break;
      case "ArrowRight": manual(cur + 1); break;
      case "Home": manual(1); break;
      case "End": manual(total); break;
      case " ":
        if (tag === "BUTTON" || tag === "A") return; // their own activation
        toggle();
        break;
      default: return;
    }
    ev.preventDefault();
  });

  reveal(row(cur));
})();
