/* The top bar's notification centre: the unread badge (one small request per page, refreshed
 * each minute) opens a list — unread first — whose items link to their object and can be marked
 * read one by one or all at once. Text only, never innerHTML with data. */
(function () {
  "use strict";
  var badge = document.getElementById("notif-count");
  var bell = document.getElementById("notif-bell");
  var panel = document.getElementById("notif-panel");
  var list = document.getElementById("notif-list");
  if (!badge) return;
  var msgs = {};
  try { msgs = JSON.parse(document.getElementById("nav-messages").textContent); } catch (e) { msgs = {}; }
  var lang = document.documentElement.lang || "zh-CN";
  function m(key) { return msgs["notif." + key] || key; }
  function csrf() { var t = document.querySelector('meta[name="csrf-token"]'); return t ? t.content : ""; }
  function api(url, body) {
    var opts = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      opts.method = "POST";
      opts.headers["Content-Type"] = "application/json";
      opts.headers["X-CSRF-Token"] = csrf();
      opts.body = JSON.stringify(body);
    }
    return fetch(url, opts).then(function (r) { return r.json(); });
  }
  function showCount(n) {
    badge.textContent = n > 99 ? "99+" : String(n);
    badge.setAttribute("data-unread", String(n));
    badge.hidden = !(n > 0);
  }
  function loadCount() {
    api(badge.getAttribute("data-url")).then(function (b) { showCount(b && b.ok ? b.data.unread : 0); })
      .catch(function () {});
  }
  function when(iso) {
    var d = new Date(iso);
    // in Beijing time, as every other page dates things (not the browser's own zone)
    return isNaN(d) ? "" : d.toLocaleString(lang === "en" ? "en-GB" : "zh-CN",
                                            { dateStyle: "short", timeStyle: "short", timeZone: "Asia/Shanghai" });
  }
  function item(n) {
    var li = document.createElement("li");
    li.className = n.read ? "notif-item" : "notif-item unread";
    li.setAttribute("data-id", String(n.id));
    var a = document.createElement(n.link ? "a" : "span");
    if (n.link) a.href = n.link;
    a.className = "notif-link";
    a.textContent = n.title;
    a.addEventListener("click", function () { if (!n.read) markRead([n.id]); });
    var time = document.createElement("time");
    time.textContent = when(n.created_at);
    li.appendChild(a);
    li.appendChild(time);
    if (!n.read) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "notif-read";
      b.textContent = m("mark_read");
      b.addEventListener("click", function () { markRead([n.id]).then(loadList); });
      li.appendChild(b);
    }
    return li;
  }
  function loadList() {
    return api("/api/notifications").then(function (b) {
      list.textContent = "";
      if (!b || !b.ok) { list.appendChild(Object.assign(document.createElement("li"), { textContent: m("failed") })); return; }
      if (!b.data.length) { list.appendChild(Object.assign(document.createElement("li"), { className: "muted", textContent: m("empty") })); }
      b.data.forEach(function (n) { list.appendChild(item(n)); });
      showCount(b.data.filter(function (n) { return !n.read; }).length);
    }).catch(function () {});
  }
  function markRead(ids) {
    return api("/api/notifications/read", ids ? { ids: ids } : {}).then(loadCount).catch(function () {});
  }
  function setOpen(open) {
    panel.hidden = !open;
    bell.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) loadList();
  }
  if (bell && panel) {
    bell.addEventListener("click", function (ev) { ev.stopPropagation(); setOpen(panel.hidden); });
    document.getElementById("notif-all-read").addEventListener("click", function () { markRead(null).then(loadList); });
    panel.addEventListener("click", function (ev) { ev.stopPropagation(); });
    document.addEventListener("click", function () { if (!panel.hidden) setOpen(false); });
    document.addEventListener("keydown", function (ev) { if (ev.key === "Escape" && !panel.hidden) { setOpen(false); bell.focus(); } });
  }
  loadCount();
  setInterval(function () { if (!document.hidden) loadCount(); }, 60000);
  /* on a page with the project's live socket (live.js), a reply or a new comment is seen at once:
     the notice it leads to is written a second after the write (services/notifications.later),
     so the count is read again shortly after the last event of a burst */
  var again = null;
  document.addEventListener("dr:live", function () {
    clearTimeout(again);
    again = setTimeout(function () { if (!document.hidden) loadCount(); }, 2500);
  });
  document.addEventListener("visibilitychange", function () { if (!document.hidden) loadCount(); });
})();
