/* The design institute's check of the sheet list before submitting (templates/_sheetcheck.html):
 * every sheet of the draft (read page by page from the paged list API) with editable number,
 * title and discipline; bulk discipline for the selected rows; live warnings for sheets without
 * a number and for duplicate numbers; "save" sends only the changed cells (PATCH /api/sheets/id). */
(function () {
  "use strict";
  var root = document.getElementById("sheet-check");
  if (!root) return;
  var M = JSON.parse(document.getElementById("sheetcheck-messages").textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var el = window.drPage.el;
  var body = document.querySelector("#sheet-check-table tbody");
  var statusEl = document.getElementById("sheet-check-status");
  var rows = [];  // {sheet, inputs: {number, title, discipline}, tr, pick}
  var FIELDS = ["number", "title", "discipline"];

  function msg(key, vars) {
    var s = M["sheetcheck." + key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  function say(text, isError) { statusEl.textContent = text || ""; statusEl.className = isError ? "error" : "muted"; }
  function getPage(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (b) { if (!b.ok) throw new Error(window.drPage.errorText(b.error, lang)); return b; });
  }
  function loadAll(cursor, acc) {
    var url = root.dataset.url + "?limit=200" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
    return getPage(url).then(function (b) {
      acc = acc.concat(b.data);
      return b.page && b.page.next ? loadAll(b.page.next, acc) : acc;
    });
  }

  function warn() {
    var missing = 0, seen = {}, dup = {};
    rows.forEach(function (r) {
      var n = r.inputs.number.value.trim();
      r.tr.classList.toggle("no-number", !n);
      if (!n) { missing += 1; return; }
      var k = n.toUpperCase();
      if (seen[k]) dup[k] = n; else seen[k] = true;
    });
    rows.forEach(function (r) {
      var k = r.inputs.number.value.trim().toUpperCase();
      r.tr.classList.toggle("dup-number", !!k && !!dup[k]);
    });
    var box = document.getElementById("sheet-check-warnings");
    box.textContent = "";
    var dups = Object.keys(dup).map(function (k) { return dup[k]; });
    if (missing) box.appendChild(el("span", { "class": "warn", id: "warn-missing" }, msg("no_number", { n: missing })));
    if (dups.length) box.appendChild(el("span", { "class": "warn", id: "warn-duplicates" }, msg("duplicates", { list: dups.join(lang === "en" ? ", " : "、") })));
    if (!missing && !dups.length) box.appendChild(el("span", { "class": "ok" }, msg("all_good")));
  }

  function render(sheets) {
    body.textContent = "";
    rows = sheets.map(function (s) {
      var tr = el("tr", { "data-sheet-id": String(s.id) });
      var pick = el("input", { type: "checkbox", "class": "pick", "aria-label": s.number || String(s.id) });
      var td0 = el("td"); td0.appendChild(pick); tr.appendChild(td0);
      tr.appendChild(el("td", { "class": "muted" }, (s.key_label && s.key_label[lang]) || ""));
      var inputs = {};
      FIELDS.forEach(function (f) {
        var input = el("input", { name: f, value: s[f] || "", maxlength: f === "title" ? "200" : f === "number" ? "64" : "32",
                                  "aria-label": f, "class": "cell-" + f });
        input.addEventListener("input", warn);
        inputs[f] = input;
        var td = el("td"); td.appendChild(input); tr.appendChild(td);
      });
      body.appendChild(tr);
      return { sheet: s, inputs: inputs, tr: tr, pick: pick };
    });
    warn();
  }

  function save() {
    var changed = rows.map(function (r) {
      var patch = {};
      FIELDS.forEach(function (f) {
        var v = r.inputs[f].value.trim();
        if (v !== (r.sheet[f] || "")) patch[f] = v;
      });
      return [r, patch];
    }).filter(function (p) { return Object.keys(p[1]).length; });
    if (!changed.length) { say(msg("nothing")); return Promise.resolve(); }
    // after submission the window corrects, and each correction carries its reason (audit log)
    var reasonInput = document.getElementById("sheet-check-reason");
    var reason = reasonInput ? reasonInput.value.trim() : "";
    if (reasonInput && !reason) { say(msg("reason_required"), true); reasonInput.focus(); return Promise.resolve(); }
    if (reason) changed.forEach(function (p) { p[1].reason = reason; });
    var button = document.getElementById("sheet-check-save");
    button.disabled = true;
    var done = 0;
    return changed.reduce(function (chain, p) {
      return chain.then(function () {
        return fetch("/api/sheets/" + p[0].sheet.id, { method: "PATCH", credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify(p[1]) })
          .then(function (r) { return r.json(); })
          .then(function (b) {
            if (!b.ok) throw new Error(window.drPage.errorText(b.error, lang));
            p[0].sheet = b.data; done += 1;
          });
      });
    }, Promise.resolve())
      .then(function () {
        say(msg("saved", { n: done }));
        document.dispatchEvent(new CustomEvent("dr:sheets-corrected", { detail: { n: done } }));
      })
      .catch(function (e) { say(e.message, true); })
      .then(function () { button.disabled = false; });
  }

  document.getElementById("sheet-check-open").addEventListener("click", function () {
    var box = document.getElementById("sheet-check-body");
    box.hidden = false;
    say(msg("loading"));
    loadAll(null, []).then(function (sheets) { say(""); render(sheets); }).catch(function (e) { say(e.message, true); });
  });
  document.getElementById("sheet-check-all").addEventListener("change", function (ev) {
    rows.forEach(function (r) { r.pick.checked = ev.target.checked; });
  });
  document.getElementById("bulk-apply").addEventListener("click", function () {
    var v = document.getElementById("bulk-discipline").value.trim();
    rows.forEach(function (r) { if (r.pick.checked) r.inputs.discipline.value = v; });
  });
  document.getElementById("sheet-check-save").addEventListener("click", save);
})();
