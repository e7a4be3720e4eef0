/* The completeness check (GET /api/submissions/<id>/completeness) drawn for the review panel:
 * the window reads it before accepting, the design institute before submitting — the same check,
 * the same words. Missing sheet categories, files still being processed, unreadable files, and
 * the required categories, each named in the page's language (``category_names``: "结施 (structure)"
 * on the English page). Text only (textContent). Used by review.js. */
(function () {
  "use strict";
  var el = window.drPage.el;

  /* the categories ``list`` as the page's language names them (a category without words: as written) */
  function named(c, list, lang) {
    var names = c.category_names || {};
    return list.map(function (cat) { return (names[cat] || {})[lang] || cat; });
  }

  /* fill ``box`` from the check ``c``; ``msg`` is the panel's message lookup, ``P`` its punctuation */
  function render(box, c, msg, P, lang) {
    box.textContent = "";
    var files = c.files || { total: 0, busy: [], unreadable: [] };
    var clean = c.complete && !files.unreadable.length;
    box.className = clean ? "ok" : "error";
    box.dataset.complete = c.complete ? "1" : "0";
    box.dataset.missing = c.missing.join(",");
    box.dataset.unreadable = String(files.unreadable.length);
    box.dataset.busy = String(files.busy.length);
    box.appendChild(document.createTextNode(msg("review.completeness") + P.colon +
      (c.complete ? msg("review.complete") : msg("review.missing") + " " + named(c, c.missing, lang).join(P.list))));
    if (files.busy.length) {
      box.appendChild(el("div", { "class": "check-busy" }, msg("review.busy_files") + P.colon + files.busy.join(P.list)));
    }
    if (files.unreadable.length) {
      var ul = el("ul", { "class": "check-unreadable" });
      files.unreadable.forEach(function (f) {
        var why = (f.messages || {})[lang] || (f.messages || {})["zh-CN"] || "";
        ul.appendChild(el("li", null, f.name + (why ? P.colon + why : "")));
      });
      box.appendChild(el("div", null, msg("review.unreadable") + P.colon));
      box.appendChild(ul);
    }
    box.appendChild(el("div", { "class": "muted" }, msg("review.required") + P.colon + named(c, c.required, lang).join(P.list)));
  }

  /* what the window will find: the lines a designer confirms before submitting an incomplete set */
  function findings(c, msg, P, lang) {
    var out = [];
    if (c.missing.length) out.push(msg("review.missing") + " " + named(c, c.missing, lang).join(P.list));
    var bad = (c.files || {}).unreadable || [];
    if (bad.length) out.push(msg("review.unreadable") + P.colon + bad.map(function (f) { return f.name; }).join(P.list));
    return out;
  }

  window.drCompleteness = { render: render, findings: findings };
})();
