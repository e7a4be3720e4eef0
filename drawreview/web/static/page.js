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
    errorText: function (err, lang) {
      if (!err) return "";
      var m = err.messages || {};
      return m[lang] || err.message || m["zh-CN"] || err.code || "";
    }
  };
})();
