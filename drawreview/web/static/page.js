/* Helpers shared by the portal pages' scripts (upload.js, review.js): building elements with
 * text only (never innerHTML with data) and the error envelope's message in the page language. */
(function () {
  "use strict";
  window.drPage = {
    el: function (tag, attrs, text) {
      var e = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (text !== undefined && text !== null) e.textContent = text;
      return e;
    },
    // The Beijing date (YYYY-MM-DD) of an API time: the API's times carry their offset (UTC),
    // and the reports and deadlines are dated in Beijing, so slicing the string gave the UTC day
    // (a day early for anything between 00:00 and 08:00 Beijing time). A bare date stays as is.
    day: function (iso) {
      if (!iso) return "";
      if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
      var d = new Date(iso);
      if (isNaN(d.getTime())) return String(iso).slice(0, 10);
      return new Date(d.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);  // UTC+8, no summer time
    },
    errorText: function (err, lang) {
      if (!err) return "";
      var m = err.messages || {};
      return m[lang] || err.message || m["zh-CN"] || err.code || "";
    }
  };
  // The language switch (/lang/xx sets a cookie and sends the browser back to the page it came
  // from) loses what the address keeps after "#" (the viewer's open thread, #markup=…): browsers
  // send no fragment in the Referer. Where there is one, the cookie is set in the background and
  // this very address loaded again.
  document.addEventListener("click", function (ev) {
    var a = ev.target && ev.target.closest && ev.target.closest("#lang-switch");
    if (!a || !location.hash || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    fetch(a.href, { credentials: "same-origin" })
      .then(function () { location.reload(); }, function () { location.href = a.href; });
  });
})();
