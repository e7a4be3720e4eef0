/* The top bar's unread-notification badge: one small request per page, refreshed each minute. */
(function () {
  "use strict";
  var badge = document.getElementById("notif-count");
  if (!badge) return;
  function load() {
    fetch(badge.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (b) {
        var n = b && b.ok ? b.data.unread : 0;
        badge.textContent = n > 99 ? "99+" : String(n);
        badge.setAttribute("data-unread", String(n));
        badge.hidden = !(n > 0);
      })
      .catch(function () {});
  }
  load();
  setInterval(function () { if (!document.hidden) load(); }, 60000);
})();
