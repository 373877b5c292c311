// eventscope live tail: streams /api/live (Server-Sent Events) into the
// list of the /live page, newest on top, with a pause button. Without this
// file the page still lists the latest events and links to refresh.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.EventSource) return;
  var url = root.getAttribute("data-stream");
  if (!url) return;
  var list = document.getElementById("live-list");
  var status = document.getElementById("live-status");
  var pause = document.getElementById("live-pause");
  var MAX = 500; // lines kept on the page, and events held while paused
  var paused = false, held = [], heldSkipped = 0;

  function setStatus(text) { status.textContent = text; }
  function flowID(e) {
    if (e.correlation_id) return e.correlation_id;
    return e.key ? "key:" + e.key : "event:" + e.event_id;
  }
  function shortTime(t) { // RFC 3339 UTC -> "2006-01-02 15:04:05.000"
    var s = String(t || "").replace("T", " ").replace("Z", "");
    var dot = s.indexOf(".");
    if (dot < 0) return s + ".000";
    return (s + "000").slice(0, dot + 4);
  }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function line(e) {
    var li = el("li", "live-row");
    li.setAttribute("data-testid", "live-row");
    li.setAttribute("data-event-id", e.event_id);
    var time = el("time", "", shortTime(e.time));
    time.setAttribute("datetime", e.time);
    var a = el("a", "type", e.type || e.event_id);
    a.href = "/flows/" + encodeURIComponent(flowID(e)) + "?event=" + encodeURIComponent(e.event_id) +
      "#" + encodeURIComponent("event-" + e.event_id);
    var flow = el("a", "mono flow", flowID(e));
    flow.href = "/flows/" + encodeURIComponent(flowID(e));
    flow.setAttribute("data-testid", "live-flow");
    li.append(time, " ", a, " ", el("span", "source", e.source), " → ",
      el("span", "mono topic", e.topic), " ", flow);
    li.classList.add("new");
    return li;
  }
  function marker(n) {
    var li = el("li", "live-skipped", n + " skipped (the page fell behind)");
    li.setAttribute("data-testid", "live-skipped");
    return li;
  }
  // add puts a line in event-time order, newest on top: events arrive out
  // of time order (producers' clocks, batching, partitions), and a marker
  // goes on top.
  function timeOf(node) {
    var t = node.querySelector && node.querySelector("time");
    var ms = t ? Date.parse(t.getAttribute("datetime")) : NaN;
    return isNaN(ms) ? null : ms;
  }
  function add(node) {
    var t = timeOf(node), before = list.firstChild;
    while (t !== null && before && timeOf(before) !== null && timeOf(before) > t) before = before.nextSibling;
    list.insertBefore(node, before);
    while (list.children.length > MAX) list.removeChild(list.lastChild);
  }

  pause.hidden = false;
  pause.setAttribute("aria-pressed", "false");
  pause.addEventListener("click", function () {
    paused = !paused;
    pause.textContent = paused ? "Resume" : "Pause";
    pause.setAttribute("aria-pressed", String(paused));
    if (paused) {
      setStatus("Paused: new events are held (up to " + MAX + ").");
      return;
    }
    held.forEach(add);
    held = [];
    if (heldSkipped > 0) add(marker(heldSkipped));
    heldSkipped = 0;
    setStatus("Live: new events appear at the top.");
  });

  var es = new EventSource(url);
  es.onopen = function () {
    root.setAttribute("data-connected", "true");
    if (!paused) setStatus("Live: new events appear at the top.");
  };
  es.onerror = function () {
    root.setAttribute("data-connected", "false");
    setStatus("Disconnected; reconnecting…");
  };
  es.onmessage = function (m) {
    var e;
    try { e = JSON.parse(m.data); } catch (err) { return; }
    if (!paused) { add(line(e)); return; }
    if (held.length < MAX) held.push(line(e)); else heldSkipped++;
  };
  es.addEventListener("skipped", function (m) {
    var n = 0;
    try { n = JSON.parse(m.data).skipped || 0; } catch (err) { return; }
    if (paused) heldSkipped += n; else add(marker(n));
  });
})();
