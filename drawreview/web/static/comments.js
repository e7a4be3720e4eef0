/* The project page's list of all the round's comments (templates/_comments.html): numbered as
 * in the merged report, filtered by discipline / status / sheet, each linked to its place on the
 * drawing; the design institute answers in place (reply + "answered"), without leaving the page.
 * Text only (never innerHTML with data). */
(function () {
  "use strict";
  var root = document.getElementById("comments");
  if (!root) return;
  var M = JSON.parse(document.getElementById("comments-messages").textContent);
  var lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
  var en = lang === "en";
  var colon = en ? ": " : "：";  // the page language's punctuation (an English page showed "Clause：")
  var canAnswer = root.dataset.canAnswer === "true";
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var listEl = document.getElementById("comment-list");
  var statusLine = document.getElementById("comments-status-line");
  var selects = { discipline: document.getElementById("comments-discipline"),
                  status: document.getElementById("comments-status"), sheet: document.getElementById("comments-sheet") };
  var all = [];
  var drafts = {};  // comment id -> {text, number}: the answers being written
  var el = window.drPage.el;
  function msg(key, vars) {
    var s = M[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  function api(method, url, body) {
    return fetch(url, { method: method, credentials: "same-origin",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (b) { if (!b.ok) throw new Error(window.drPage.errorText(b.error, lang)); return b.data; });
  }
  function clientId() { return "cl-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10); }
  function when(iso) { return iso ? iso.slice(0, 16).replace("T", " ") : ""; }

  function fillOptions(select, pairs) {
    var keep = select.value;
    while (select.options.length > 1) select.remove(1);
    pairs.forEach(function (p) { select.appendChild(el("option", { value: p[0] }, p[1])); });
    select.value = pairs.some(function (p) { return p[0] === keep; }) ? keep : "";
  }

  // the sheet as the report names it: its number, or (no number) its file and place in the file
  function sheetName(c) {
    var name = (c.sheet_label && c.sheet_label[lang]) || c.sheet_number;
    return name + (c.sheet_title ? " " + c.sheet_title : "");
  }

  function item(c) {
    var li = el("li", { "class": "comment status-" + c.status + " severity-" + c.severity, "data-id": String(c.id),
                        "data-number": c.number, "data-status": c.status, "data-discipline": c.discipline });
    var head = el("div", { "class": "comment-head" });
    head.appendChild(el("strong", { "class": "comment-number" }, c.number));
    head.appendChild(el("span", { "class": "tag discipline-" + c.discipline }, c.discipline_name[lang]));
    head.appendChild(el("span", { "class": "tag sev-" + c.severity }, msg("severity." + c.severity)));
    head.appendChild(el("span", { "class": "tag st-" + c.status }, msg("comments.status." + c.status)));
    var link = el("a", { href: "/sheets/" + c.sheet_id + "#annotation=" + c.id, "class": "comment-sheet" },
                  msg("comments.sheet") + " " + sheetName(c));
    head.appendChild(link);
    li.appendChild(head);
    li.appendChild(el("p", { "class": "comment-text pre" }, c.text));
    if (c.clause) li.appendChild(el("p", { "class": "muted" }, msg("comments.clause") + colon + c.clause));
    li.appendChild(el("p", { "class": "muted comment-by" }, c.author + " · " + when(c.created_at)));
    if (c.thread.length) {
      var thread = el("ul", { "class": "comment-thread" });
      c.thread.forEach(function (r) {
        var ri = el("li");
        var org = (r.org_name && r.org_name[lang]) || r.org;
        ri.appendChild(el("span", { "class": "muted" }, r.author + (org ? (en ? " (" + org + ")" : "（" + org + "）") : "") +
                                                       " · " + when(r.at) + colon));
        ri.appendChild(el("span", { "class": "pre" }, r.text));
        thread.appendChild(ri);
      });
      li.appendChild(thread);
    }
    if (canAnswer && c.status === "open") {
      var form = el("div", { "class": "comment-answer" });
      var text = el("textarea", { rows: "2", maxlength: "4000", placeholder: msg("comments.answer_placeholder"),
                                  "aria-label": msg("comments.answer") + " " + c.number });
      if (drafts[c.id]) text.value = drafts[c.id].text;
      text.addEventListener("input", function () {
        if (text.value) drafts[c.id] = { text: text.value, number: c.number }; else delete drafts[c.id];
      });
      var send = el("button", { type: "button", "class": "answer-send" }, msg("comments.answer"));
      send.addEventListener("click", function () { answer(c, text, send); });
      form.appendChild(text); form.appendChild(send);
      li.appendChild(form);
    }
    return li;
  }

  function answer(c, text, button) {
    var body = text.value.trim();
    if (!body) { say(msg("comments.answer_empty"), true); text.focus(); return; }
    button.disabled = true;
    api("POST", "/api/annotations/" + c.id + "/comments", { client_id: clientId(), body: body })
      .then(function () { return api("GET", "/api/annotations/" + c.id); })
      .then(function (a) {
        var version = (a.annotation || a).version;
        return api("POST", "/api/annotations/" + c.id + "/status", { version: version, status: "answered", client_id: clientId() });
      })
      .then(function () { delete drafts[c.id]; say(msg("comments.answered_ok") + " " + c.number); return load(); })
      .catch(function (e) { say(e.message, true); button.disabled = false; });
  }

  function say(text, isError) { statusLine.textContent = text || ""; statusLine.className = isError ? "error" : "muted"; }

  // Where the reader is (the focus, the caret in an answer), so a live reload of the list (another
  // reviewer's comment, reply or status) or a filter takes none of it away; the answers being
  // written are kept by comment id in `drafts` as they are typed
  function inProgress() {
    var focus = null;
    listEl.querySelectorAll("li.comment").forEach(function (li) {
      var box = li.querySelector(".comment-answer textarea");
      if (li.contains(document.activeElement) && document.activeElement !== li) {
        focus = { id: li.dataset.id, answer: document.activeElement === box,
                  start: box ? box.selectionStart : 0, end: box ? box.selectionEnd : 0 };
      }
    });
    return { focus: focus };
  }
  function restore(kept) {
    listEl.querySelectorAll("li.comment").forEach(function (li) {
      var box = li.querySelector(".comment-answer textarea");
      var f = kept.focus;
      if (f && f.id === li.dataset.id) {
        var to = f.answer && box ? box : li.querySelector("a, button, textarea");
        if (to) { to.focus({ preventScroll: true }); if (to === box) box.setSelectionRange(f.start, f.end); }
      }
    });
  }

  function render() {
    var f = { discipline: selects.discipline.value, status: selects.status.value, sheet: selects.sheet.value };
    var shown = all.filter(function (c) {
      return (!f.discipline || c.discipline === f.discipline) && (!f.status || c.status === f.status) &&
             (!f.sheet || String(c.sheet_id) === f.sheet);
    });
    var kept = inProgress();
    listEl.textContent = "";
    if (!all.length) listEl.appendChild(el("li", { "class": "muted" }, msg("comments.none")));
    shown.forEach(function (c) { listEl.appendChild(item(c)); });
    restore(kept);
    document.getElementById("comments-count").textContent = all.length === shown.length
      ? msg("comments.count", { n: all.length }) : msg("comments.shown", { n: shown.length, total: all.length });
  }

  // an answer being written whose comment was deleted, or answered or closed meanwhile, has no
  // form any more: its text is shown in the status line to copy, not dropped
  function keptAnswers() {
    var byId = {};
    all.forEach(function (c) { byId[c.id] = c; });
    Object.keys(drafts).forEach(function (id) {
      var c = byId[id], d = drafts[id];
      if (c && c.status === "open") return;
      delete drafts[id];
      say(c ? msg("comments.draft_closed", { n: d.number, status: msg("comments.status." + c.status), text: d.text })
            : msg("comments.draft_gone", { n: d.number, text: d.text }), true);
    });
  }

  var looks = 0;
  function load() {
    var mine = ++looks;  // two looks answered out of order: only the newest is drawn
    return api("GET", root.dataset.url).then(function (rows) {
      if (mine !== looks) return;
      all = rows;
      keptAnswers();
      var discs = {}, sheets = {};
      rows.forEach(function (c) {
        discs[c.discipline] = c.discipline_name[lang];
        sheets[c.sheet_id] = sheetName(c);
      });
      fillOptions(selects.discipline, Object.keys(discs).map(function (k) { return [k, discs[k]]; }));
      fillOptions(selects.sheet, Object.keys(sheets).map(function (k) { return [k, sheets[k]]; }));
      render();
    }).catch(function (e) { say(msg("comments.load_failed") + colon + e.message, true); });
  }
  Object.keys(selects).forEach(function (k) { selects[k].addEventListener("change", render); });
  // live (live.js): the reviewers' new comments, edits, replies and status changes show while the
  // page is open, as they do in the viewer; a burst of events is one reload
  var liveTimer = null;
  document.addEventListener("dr:live", function (ev) {
    if (!/^(annotation\.|comment\.)/.test(ev.detail.type)) return;
    clearTimeout(liveTimer);
    liveTimer = setTimeout(load, 300);
  });
  load();
})();
