/* The project page: drag & drop uploads with a progress bar per file, retry without
 * duplicates (the server keeps one row per bytes + name), and the file and sheet lists
 * refreshed while processing runs. Vanilla JS, no dependencies. */
(function () {
  "use strict";
  var dataEl = document.getElementById("page-data");
  if (!dataEl) return;
  var page = JSON.parse(dataEl.textContent);
  var M = page.messages || {};
  var lang = page.lang || "zh-CN";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var MAX_PARALLEL = 2;
  var queue = [];
  var active = 0;
  var inFlight = 0;
  var pollTimer = null;
  var wasBusy = false;  // files were being processed at the last look
  var byFileId = {};  // file id -> upload row, to show processing errors on the row

  function msg(key) { return M[key] || key; }
  function formatLabel(code) {
    return ["dxf", "dwg", "pdf", "zip"].indexOf(String(code || "").toLowerCase()) >= 0 ? code.toUpperCase() : msg("file.format.unknown");
  }
  /* waiting for a job or for a drawing process: 排队中, not "处理中 0%" */
  function fileStateLabel(f) {
    if (f.state === "uploaded" || (f.state === "processing" && !(f.progress > 0))) return msg("file.state.queued");
    if (f.state === "processing") return msg("file.state.processing") + " " + Math.round(f.progress * 100) + "%";
    return msg("file.state." + f.state);
  }
  function spaceLabel(s) { return (s.key_label && s.key_label[lang === "en" ? "en" : "zh-CN"]) || msg("sheet.untitled"); }
  /* the title cell: a sheet without a number is named by its file and place (the server's label) */
  function titleLabel(s) {
    if (!s.number && s.label) return s.label[lang === "en" ? "en" : "zh-CN"];
    return s.title || spaceLabel(s);
  }
  var el = window.drPage.el;
  function errorText(err) { return window.drPage.errorText(err, lang); }
  function size(n) {
    if (n >= 1048576) return (n / 1048576).toFixed(1) + " MB";
    if (n >= 1024) return (n / 1024).toFixed(1) + " KB";
    return n + " B";
  }

  /* -- uploads ------------------------------------------------------------------ */
  function addFiles(files) {
    for (var i = 0; i < files.length; i++) {
      var row = makeRow(files[i]);
      queue.push(row);
    }
    pump();
  }

  function makeRow(file) {
    var li = el("li", { "class": "upload", "data-name": file.name });
    var name = el("span", { "class": "name" }, file.name + " (" + size(file.size) + ")");
    var bar = el("progress", { max: "100", value: "0" });
    var status = el("span", { "class": "status" }, msg("upload.uploading"));
    var retry = el("button", { type: "button", "class": "retry", hidden: "hidden" }, msg("upload.retry"));
    li.appendChild(name); li.appendChild(bar); li.appendChild(status); li.appendChild(retry);
    document.getElementById("uploads").appendChild(li);
    var row = { file: file, li: li, bar: bar, status: status, retry: retry };
    retry.addEventListener("click", function () {
      retry.hidden = true;
      li.classList.remove("failed");
      queue.push(row);
      pump();
    });
    return row;
  }

  function pump() {
    while (active < MAX_PARALLEL && queue.length) {
      active++;
      send(queue.shift());
    }
  }

  function fail(row, text) {
    row.li.classList.add("failed");
    row.status.className = "status error";
    row.status.textContent = msg("upload.failed") + msg("punct.colon") + text;
    row.retry.hidden = false;
  }

  function send(row) {
    var xhr = new XMLHttpRequest();
    var form = new FormData();
    form.append("file", row.file, row.file.name);
    row.bar.value = 0;
    row.status.className = "status";
    row.status.textContent = msg("upload.uploading") + " 0%";
    inFlight++;
    xhr.open("POST", page.upload_url);
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (ev) {
      if (!ev.lengthComputable) return;
      var pct = Math.floor(ev.loaded * 100 / ev.total);
      row.bar.value = pct;
      row.status.textContent = msg("upload.uploading") + " " + pct + "%";
    };
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status >= 200 && xhr.status < 300 && body && body.ok) {
        row.bar.value = 100;
        var f = body.data.files[0];
        row.fileId = f.id;
        byFileId[f.id] = row;
        showFileState(row, f);
        if (row.after) row.after();
      } else {
        fail(row, body && body.error ? errorText(body.error) : ("HTTP " + xhr.status));
      }
    };
    xhr.onerror = xhr.onabort = function () { fail(row, msg("upload.network")); };
    xhr.onloadend = function () {
      active--; inFlight--;
      pump();
      schedulePoll(200);
    };
    xhr.send(form);
  }

  function showFileState(row, f) {
    row.li.setAttribute("data-file-id", f.id);
    row.li.setAttribute("data-state", f.state);
    if (f.state === "failed") {
      row.status.className = "status error state-failed";
      row.status.textContent = errorText(f.error);
      return;
    }
    row.status.className = "status state-" + f.state;
    var text = msg("upload.done") + " · " + msg("file.state." + f.state);
    if (f.state === "processing") text += " " + Math.round((f.progress || 0) * 100) + "%";
    row.status.textContent = text;
  }

  /* -- remove / replace a file of the draft ---------------------------------------- */
  function actionStatus(text, isError) {
    var box = document.getElementById("file-action-status");
    if (!box) {
      box = el("p", { id: "file-action-status", role: "status" });
      document.getElementById("files").insertAdjacentElement("afterend", box);
    }
    box.textContent = text || "";
    box.className = isError ? "error" : "muted";
  }
  function removeFile(f) {
    return fetch("/api/files/" + f.id, { method: "DELETE", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (b) {
        if (!b.ok) throw new Error(errorText(b.error));
        actionStatus(msg("file.removed").replace("{name}", f.original_name));
        schedulePoll(0);
      })
      .catch(function (e) { actionStatus(e.message, true); });
  }
  var replaceInput = el("input", { type: "file", id: "replace-input", accept: ".dwg,.dxf,.pdf,.zip", hidden: "hidden" });
  document.body.appendChild(replaceInput);
  var replacing = null;
  replaceInput.addEventListener("change", function () {
    var file = replaceInput.files[0], old = replacing;
    replaceInput.value = "";
    if (!file || !old) return;
    var row = makeRow(file);
    row.after = function () { removeFile(old); };  // the new file is in before the old one goes
    queue.push(row);
    pump();
  });
  function fileActions(f) {
    var td = el("td", { "class": "file-actions" });
    if (f.parent_id || f.state === "uploaded" || f.state === "processing") return td;
    var rm = el("button", { type: "button", "class": "secondary file-remove" }, msg("file.remove"));
    rm.addEventListener("click", function () {
      if (window.confirm(msg("file.remove_confirm").replace("{name}", f.original_name))) removeFile(f);
    });
    var rp = el("button", { type: "button", "class": "secondary file-replace" }, msg("file.replace"));
    rp.addEventListener("click", function () { replacing = f; replaceInput.click(); });
    td.appendChild(rm); td.appendChild(rp);
    return td;
  }

  /* Notes and repairs in the reader's language: our own notes are written "中文 / English" (the
   * reader's half is shown); messages from the CAD library are English only — for a Chinese
   * reader they are counted in one line, the originals kept behind a disclosure. */
  var CJK = /[\u3400-\u9fff]/;
  function ownHalf(n) {
    var i = n.indexOf(" / ");
    if (i < 0 || !CJK.test(n.slice(0, i))) return null;
    return lang === "en" ? n.slice(i + 3) : n.slice(0, i);
  }
  function notesList(items, kind) {
    var wrap = el("div", { "class": "notes-wrap " + kind[0] });
    var list = el("ul", { "class": "notes " + kind[0], title: msg(kind[1]) });
    var foreign = [];
    items.forEach(function (n) {
      var own = ownHalf(n);
      if (own !== null) list.appendChild(el("li", null, own));
      else if (lang !== "en" && !CJK.test(n)) foreign.push(n);
      else list.appendChild(el("li", null, n));
    });
    var more = [].slice.call(list.children, 5);  // past five: behind a disclosure, never dropped
    if (more.length) {
      var rest = el("details", { "class": "more" });
      rest.appendChild(el("summary", null, msg("file.more_notes").replace("{n}", more.length)));
      var restList = el("ul");
      more.forEach(function (li) { restList.appendChild(li); });
      rest.appendChild(restList);
      var holder = el("li", { "class": "more" });
      holder.appendChild(rest);
      list.appendChild(holder);
    }
    if (foreign.length) {
      var li = el("li", { "class": "foreign" });
      var det = el("details");
      det.appendChild(el("summary", null, msg(kind[0] === "repairs" ? "file.repairs_summary" : "file.notes_summary")
                                          .replace("{n}", foreign.length)));
      var inner = el("ul");
      foreign.slice(0, 20).forEach(function (n) { inner.appendChild(el("li", { lang: "en" }, n)); });
      det.appendChild(inner);
      li.appendChild(det);
      list.appendChild(li);
    }
    wrap.appendChild(list);
    return wrap;
  }

  /* -- lists -------------------------------------------------------------------- */
  function renderFiles(files) {
    var body = document.querySelector("#files tbody");
    if (!body) return;
    body.textContent = "";
    if (!files.length) {
      var tr0 = el("tr", { "class": "empty" }); tr0.appendChild(el("td", { colspan: "4", "class": "muted" }, msg("files.empty")));
      body.appendChild(tr0);
    }
    files.forEach(function (f) {
      var tr = el("tr", { "data-file-id": f.id, "data-state": f.state });
      tr.appendChild(el("td", null, (f.parent_id ? "└ " : "") + f.original_name));
      tr.appendChild(el("td", null, formatLabel(f.format)));
      tr.appendChild(el("td", null, size(f.size)));
      var td = el("td", { "class": "state-" + f.state });
      var label = fileStateLabel(f);
      td.appendChild(el("span", null, label));
      if (f.error) {
        td.appendChild(el("div", { "class": "error" }, errorText(f.error)));
        if (f.error.entries && f.error.entries.length) {
          var ul = el("ul", { "class": "notes" });
          f.error.entries.forEach(function (e) { ul.appendChild(el("li", { "class": "error" }, errorText(e))); });
          td.appendChild(ul);
        }
      }
      [["repairs", "file.repairs"], ["notes", "file.notes"]].forEach(function (kind) {
        var items = f[kind[0]];
        if (!items || !items.length) return;
        td.appendChild(notesList(items, kind));
      });
      tr.appendChild(td);
      if (page.upload_url) tr.appendChild(fileActions(f));
      body.appendChild(tr);
      var row = byFileId[f.id];
      if (row) showFileState(row, f);
    });
  }

  /* a sheet's discipline in the reader's language (vocabulary.sheet_discipline_label): known
   * names translated in English, "电气(防雷)" part by part, the designer's own words as given */
  function disciplineLabel(d) {
    var names = page.discipline_names || {};
    if (!d) return "—";
    if (names[d]) return names[d];
    var m = /^\s*([^()（）]+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$/.exec(d);
    if (m && names[m[1]] && names[m[2]]) return names[m[1]] + " (" + names[m[2]] + ")";
    return d;
  }

  /* a big set lists part of its files (failed and unfinished first): say how many there are */
  function fileCounts(c) {
    var p = document.getElementById("file-counts");
    if (!p || !c) return;
    p.hidden = c.total <= c.shown;
    p.querySelector("span").textContent = msg("files.partial").replace("{n}", c.total).replace("{k}", c.shown);
  }

  function renderSheets(sheets, files) {
    var body = document.querySelector("#sheets tbody");
    if (!body) return;
    var progress = {};
    (files || []).forEach(function (f) { progress[f.id] = f.progress; });
    body.textContent = "";
    if (!sheets.length) {
      var tr0 = el("tr", { "class": "empty" }); tr0.appendChild(el("td", { colspan: "6", "class": "muted" }, msg("sheets.empty")));
      body.appendChild(tr0);
    }
    sheets.forEach(function (s) {
      var tr = el("tr", { "data-sheet-id": s.id, "data-state": s.state });
      var tdImg = el("td");
      if (s.state === "ready") tdImg.appendChild(el("img", { "class": "thumb", loading: "lazy", alt: s.number || titleLabel(s),
                                                         src: "/api/sheets/" + s.id + "/thumbnail.png" }));
      tr.appendChild(tdImg);
      tr.appendChild(el("td", { "class": "number" }, s.number || "—"));
      tr.appendChild(el("td", { "class": "title" }, titleLabel(s)));
      tr.appendChild(el("td", null, disciplineLabel(s.discipline)));
      var state = msg("sheet.state." + s.state);
      if (s.state === "processing" && progress[s.file_id] !== undefined) state += " " + Math.round(progress[s.file_id] * 100) + "%";
      tr.appendChild(el("td", { "class": "state-" + s.state }, state));
      var tdLink = el("td");
      // "Open" five times over says nothing to a screen reader: the link names its sheet
      if (s.state === "ready") tdLink.appendChild(el("a", { href: "/sheets/" + s.id, "aria-label":
        [msg("sheet.open"), s.number, titleLabel(s)].filter(Boolean).join(" ") }, msg("sheet.open")));
      tr.appendChild(tdLink);
      body.appendChild(tr);
    });
  }

  function busy(files, sheets) {
    return inFlight > 0 || files.some(function (f) { return f.state === "uploaded" || f.state === "processing"; }) ||
      sheets.some(function (s) { return s.state === "pending" || s.state === "processing"; });
  }

  function schedulePoll(ms) {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, ms);
  }

  function getJSON(url, whole) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (b) { if (!b.ok) throw new Error(errorText(b.error)); return whole ? b : b.data; });
  }

  /* the page of sheets shown (filters and cursor of the page's address), never the whole set */
  function sheetsUrl() {
    var v = page.sheet_view || {}, f = v.filters || {}, q = ["limit=" + (v.limit || 50)];
    ["discipline", "number", "state", "q"].forEach(function (k) { if (f[k]) q.push(k + "=" + encodeURIComponent(f[k])); });
    if (v.after) q.push("cursor=" + encodeURIComponent(v.after));
    return "/api/submissions/" + page.submission_id + "/sheets?" + q.join("&");
  }

  function poll() {
    pollTimer = null;
    if (!page.submission_id) return;
    Promise.all([getJSON("/api/submissions/" + page.submission_id + (page.files_limit ? "?files_limit=" + page.files_limit : "")),
                 getJSON(sheetsUrl(), true)])
      .then(function (res) {
        var files = res[0].files, sheets = res[1].data, count = document.getElementById("sheet-count");
        if (count && res[1].page) count.textContent = msg("sheets.count").replace("{n}", res[1].page.total);
        renderFiles(files);
        fileCounts(res[0].file_counts);
        renderSheets(sheets, files);
        if (busy(files, sheets)) { wasBusy = true; schedulePoll(1000); }
        else if (wasBusy) {  // processing ended: the review panel's pre-check summary looks again
          wasBusy = false;
          document.dispatchEvent(new CustomEvent("dr:files-settled"));
        }
      })
      .catch(function () { schedulePoll(3000); });
  }

  /* -- wiring ------------------------------------------------------------------- */
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("file-input");
  if (zone && input) {
    input.addEventListener("change", function () { addFiles(input.files); input.value = ""; });
    zone.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); input.click(); } });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (ev) { ev.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (ev) {
      if (ev.dataTransfer && ev.dataTransfer.files) addFiles(ev.dataTransfer.files);
    });
  }
  var create = document.getElementById("new-submission");
  if (create) {
    create.addEventListener("click", function () {
      create.disabled = true;
      fetch(create.getAttribute("data-url"), { method: "POST", credentials: "same-origin",
        headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json", Accept: "application/json" }, body: "{}" })
        .then(function (r) { return r.json(); })
        .then(function (b) {
          if (b.ok) { window.location.href = "/projects/" + page.project_id + "?submission=" + b.data.id; }
          else { create.disabled = false; alert(errorText(b.error)); }
        })
        .catch(function () { create.disabled = false; });
    });
  }

  /* a file added, removed or renamed in another tab or by another user: look again (live.js) */
  document.addEventListener("dr:live", function (ev) {
    var t = ev.detail.type;
    if (t === "file.uploaded" || t === "file.deleted" || t === "file.failed" || t === "sheet.updated") schedulePoll(300);
  });

  renderFiles(page.files || []);
  var shown = Array.prototype.map.call(document.querySelectorAll("#sheets tbody tr[data-state]"),
                                       function (tr) { return { state: tr.getAttribute("data-state") }; });
  if (busy(page.files || [], shown)) schedulePoll(1000);
})();
