/* The project page's live events: one websocket to /ws/projects/<id> (the viewer's protocol,
 * docs/decisions/003) that re-dispatches every project event as a `dr:live` DOM event, so the
 * page's parts look again when something they show changed in another tab or on the server
 * (a file uploaded elsewhere, rule findings stored after processing). Read-only: it sends only
 * `hello`. Reconnects with exponential backoff and jitter from the last event it saw; a refusal
 * by the server (4xxx: signed out, no longer on the project) ends it. */
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root || !window.WebSocket || !root.dataset.projectId) return;
  var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/projects/" + root.dataset.projectId;
  var seq = Number(root.dataset.eventSeq) || 0;
  var tries = 0;

  function open() {
    var ws;
    try { ws = new WebSocket(url); } catch (e) { return; }
    ws.onopen = function () { ws.send(JSON.stringify({ type: "hello", since: seq })); };
    ws.onmessage = function (ev) {
      var m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      if (m.type === "welcome") { tries = 0; return; }
      if (typeof m.seq !== "number" || m.type === "presence") return;
      if (m.seq > seq) seq = m.seq;
      document.dispatchEvent(new CustomEvent("dr:live", { detail: m }));
    };
    ws.onclose = function (ev) {
      if (ev.code >= 4000) return;
      tries += 1;
      var wait = Math.min(30000, 1000 * Math.pow(2, tries));
      setTimeout(open, wait / 2 + Math.random() * wait / 2);
    };
  }
  open();
})();
