/* The project page's review panel (templates/_review.html): the submission's state, each
 * discipline's task with its reviewer, due date and traffic light, and the actions the
 * user's role may take now: the designer submits or starts revision N+1, the window checks
 * completeness, accepts (容缺 with listed items and a deadline), returns, reassigns and records
 * supplied items; a reviewer starts and concludes his discipline's task; after completion the
 * construction unit and the design institute rate the service. Vanilla JS; every string comes
 * from the page's message table; user text is set with textContent only. */
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root) return;
  var M = JSON.parse(document.getElementById("review-messages").textContent);
  var lang = document.documentElement.getAttribute("lang") || "zh-CN";
  // the page language's punctuation around the users' words (an English page read "Missing items (容缺)：…；…")
  var P = lang === "en" ? { colon: ": ", semi: "; ", list: ", ", open: " (", close: ")" }
                        : { colon: "：", semi: "；", list: "、", open: "（", close: "）" };
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";
  var me = { role: root.dataset.role, id: Number(root.dataset.userId), discipline: root.dataset.discipline };
  var subId = root.dataset.submissionId;
  var statusEl = document.getElementById("review-status");
  var last = null;  // the last review view rendered (the quiet refresh skips an unchanged one)
  var busy = false;

  function msg(key, vars) {
    var s = M[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  var el = window.drPage.el;
  function errorText(err) { return window.drPage.errorText(err, lang); }
  function day(iso) { return iso ? window.drPage.day(iso) : "—"; }
  function lines(text) { return text.split(/\n+/).map(function (s) { return s.trim(); }).filter(Boolean); }
  function status(text, isError) {
    statusEl.textContent = text || "";
    statusEl.className = isError ? "error" : "muted";
    // a refusal is read where it is written: below the tasks table it was out of sight
    if (isError && text && statusEl.scrollIntoView) statusEl.scrollIntoView({ block: "center" });
  }

  function call(method, url, body) {
    return fetch(url, { method: method, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json", Accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.json(); })
      .then(function (b) { if (!b.ok) throw new Error(errorText(b.error)); return b.data; });
  }

  /* run one action: disable the panel's buttons, show progress, refresh (or reload) after */
  function act(url, body, after) {
    if (busy) return;
    busy = true;
    root.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    status(msg("review.working"));
    call("POST", url, body)
      .then(function (data) {
        status(msg("review.done"));
        if (after) return after(data);
        return load();
      })
      .catch(function (e) { status(e.message, true); })
      .then(function () {
        busy = false;
        root.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      });
  }

  function button(id, text, onClick, cls) {
    var b = el("button", { type: "button", id: id, "class": cls || "" }, text);
    b.addEventListener("click", onClick);
    return b;
  }
  function light(l) {
    if (!l) return el("span", { "class": "muted" }, "—");
    return el("span", { "class": "light light-" + l, "data-light": l }, msg("light." + l));
  }

  /* -- summary ------------------------------------------------------------------------ */
  function renderSummary(v) {
    var box = document.getElementById("review-summary");
    box.textContent = "";
    var dl = el("dl", { "class": "review-facts" });
    function fact(label, value, id) {
      dl.appendChild(el("dt", null, label));
      var dd = el("dd", id ? { id: id } : null);
      if (value instanceof Node) dd.appendChild(value); else dd.textContent = value;
      dl.appendChild(dd);
    }
    var reviewed = v.state !== "draft" && v.state !== "submitted" && v.state !== "returned";
    if (v.case_number) fact(msg("review.case"), v.case_number, "review-case");
    fact(msg("review.state"), msg("submission.state." + v.state) + (reviewed ? " · " + msg("review.round", { n: v.round }) : ""),
         "review-state");
    fact(msg("review.stage"), msg("submission.state." + v.project_stage), "review-stage");
    if (v.verdict) fact(msg("review.verdict"), msg("verdict." + v.verdict), "review-verdict");
    var links = el("span");
    if (v.receipt) links.appendChild(el("a", { href: "/api/submissions/" + subId + "/receipt.pdf", id: "review-receipt", target: "_blank" }, msg("review.receipt")));
    if (v.report) {
      if (links.childNodes.length) links.appendChild(document.createTextNode(" · "));
      links.appendChild(el("a", { href: "/api/submissions/" + subId + "/report.pdf", id: "review-report", target: "_blank" }, msg("review.report_pdf")));
    }
    if (links.childNodes.length) fact("PDF", links);
    box.appendChild(dl);
    // the reasons in the page's language (a reason the system wrote comes in both; the window's words as written)
    var reasons = lang === "en" && v.return_reasons_en ? v.return_reasons_en : v.return_reasons;
    if (reasons && reasons.length && v.state === "returned") {
      box.appendChild(el("p", { "class": "error", id: "review-return-reasons-text" },
                         msg("review.return_reasons") + P.colon + reasons.join(P.semi)));
    }
    if (v.deficiencies && v.deficiencies.length) {
      var p = el("p", { id: "review-deficiencies" }, msg("review.deficiencies") + P.colon);
      v.deficiencies.forEach(function (d, i) {
        p.appendChild(document.createTextNode((i ? P.semi : "") + (d.item_name || d.item) + (d.supplied_at ? P.open + msg("review.supplied") + P.close : "")));
      });
      if (v.deficiency_deadline) p.appendChild(document.createTextNode(" · " + msg("review.deadline") + " " + day(v.deficiency_deadline)));
      box.appendChild(p);
    }
    if (v.state === "concluded") box.appendChild(el("p", { "class": "muted", id: "review-waiting-report" }, msg("review.waiting_report")));
    document.getElementById("review-calendar-warning").hidden = v.calendar_exact !== false;
  }

  /* -- tasks -------------------------------------------------------------------------- */
  function taskActions(t, v) {
    var td = el("td");
    var cell = el("div", { "class": "task-actions" });
    td.appendChild(cell);
    var open = v.state === "in_review";
    if (open && me.role === "reviewer" && me.discipline === t.discipline && (t.reviewer_id === null || t.reviewer_id === me.id)) {
      if (t.state === "pending") {
        cell.appendChild(button("task-start-" + t.id, msg("review.start"), function () {
          act("/api/tasks/" + t.id + "/start", {});
        }));
      } else if (t.state === "in_progress") {
        // nothing pre-selected; a multi-line opinion; a confirmation that shows what will be recorded
        var sel = el("select", { id: "task-conclusion-" + t.id, "aria-label": msg("review.conclusion") });
        var none = el("option", { value: "" }, msg("review.choose_conclusion"));
        none.selected = true; none.disabled = true;
        sel.appendChild(none);
        ["approved", "approved_with_comments", "revision_required", "rejected"].forEach(function (c) {
          sel.appendChild(el("option", { value: c }, msg("verdict." + c)));
        });
        var opinion = el("textarea", { id: "task-opinion-" + t.id, placeholder: msg("review.opinion"), maxlength: "2000",
                                       rows: "4", "aria-label": msg("review.opinion") });
        var confirmBox = el("div", { "class": "conclude-confirm", id: "task-confirm-box-" + t.id });
        confirmBox.hidden = true;
        cell.appendChild(sel); cell.appendChild(opinion);
        cell.appendChild(button("task-conclude-" + t.id, msg("review.conclude"), function () {
          if (!sel.value) { status(msg("review.choose_conclusion_first"), true); sel.focus(); return; }
          status("");
          confirmBox.textContent = "";
          confirmBox.appendChild(el("p", null, msg("review.confirm_intro")));
          var dl = el("dl");
          [[msg("review.discipline"), msg("discipline." + t.discipline)], [msg("review.conclusion"), msg("verdict." + sel.value)],
           [msg("review.opinion_label"), opinion.value.trim() || msg("review.no_opinion")]].forEach(function (pair) {
            dl.appendChild(el("dt", null, pair[0]));
            dl.appendChild(el("dd", { "class": "pre" }, pair[1]));
          });
          confirmBox.appendChild(dl);
          confirmBox.appendChild(button("task-confirm-" + t.id, msg("review.confirm_conclude"), function () {
            act("/api/tasks/" + t.id + "/conclude", { conclusion: sel.value, opinion: opinion.value.trim() });
          }));
          confirmBox.appendChild(button("task-edit-" + t.id, msg("review.back_to_edit"), function () {
            confirmBox.hidden = true; sel.focus();
          }, "secondary"));
          confirmBox.hidden = false;
        }));
        cell.appendChild(confirmBox);
        // 要求补正: the clock stops until the design institute has supplied the corrections
        var why = el("input", { type: "text", id: "task-pause-reason-" + t.id, maxlength: "2000",
                                placeholder: msg("review.pause_reason"), "aria-label": msg("review.pause_reason") });
        cell.appendChild(why);
        cell.appendChild(button("task-pause-" + t.id, msg("review.pause"), function () {
          if (!why.value.trim()) { status(msg("review.pause_reason_first"), true); why.focus(); return; }
          act("/api/tasks/" + t.id + "/pause", { reason: why.value.trim() });
        }, "secondary"));
      }
    }
    // the corrections are in: the design institute (or the window for it) restarts the clock
    if (open && t.state === "paused" && (me.role === "designer" || me.role === "window" || me.role === "admin")) {
      cell.appendChild(button("task-resume-" + t.id, msg("review.resume"), function () {
        act("/api/tasks/" + t.id + "/resume", {});
      }));
    }
    if (open && (me.role === "window" || me.role === "admin") && t.state !== "concluded" && (t.candidates || []).length) {
      var pick = el("select", { id: "task-reviewer-" + t.id, "aria-label": msg("review.reviewer") });
      // the holder is not among the choices (deactivated): no candidate is shown as if chosen
      if (!t.candidates.some(function (c) { return c.id === t.reviewer_id; })) {
        var none = el("option", { value: "", disabled: "disabled" }, msg("review.pick_reviewer"));
        none.selected = true;
        pick.appendChild(none);
      }
      t.candidates.forEach(function (c) {
        var o = el("option", { value: String(c.id) }, c.name);
        if (c.id === t.reviewer_id) o.selected = true;
        pick.appendChild(o);
      });
      cell.appendChild(pick);
      cell.appendChild(button("task-assign-" + t.id, msg("review.reassign"), function () {
        if (!pick.value) { pick.focus(); return; }
        act("/api/tasks/" + t.id + "/assign", { reviewer_id: Number(pick.value) });
      }, "secondary"));
    }
    return td;
  }

  /* on a phone each task row stacks as "label  value" lines (app.css .stack-on-phone): the
   * header's words as labels, the discipline as the row's head, the actions without a label */
  function labelCells(tr) {
    var heads = [].slice.call(document.querySelectorAll("#review-tasks thead th")).map(function (th) { return th.textContent; });
    [].slice.call(tr.children).forEach(function (td, i) {
      td.setAttribute("data-label", heads[i] || "");
      if (i === 0) td.classList.add("stack-head");
      if (i === tr.children.length - 1) td.classList.add("stack-actions");
    });
  }

  function renderTasks(v) {
    var body = document.querySelector("#review-tasks tbody");
    body.textContent = "";
    document.getElementById("review-tasks").hidden = !v.tasks.length;
    v.tasks.forEach(function (t) {
      var tr = el("tr", { "data-task-id": t.id, "data-discipline": t.discipline, "data-state": t.state,
                          "data-light": t.light || "" });
      tr.appendChild(el("td", null, msg("discipline." + t.discipline)));
      var who = el("td", { "class": "reviewer" }, t.reviewer || msg("review.unassigned"));
      if (t.reviewer_active === false && t.state !== "concluded") {
        who.appendChild(el("div", { "class": "review-warning-inline reviewer-inactive" }, "⚠ " + msg("review.reviewer_inactive")));
      }
      tr.appendChild(who);
      tr.appendChild(el("td", { "class": "state" }, msg("task.state." + t.state)));
      var due = el("td", { "class": "due" }, day(t.due_at));
      if (t.remaining_workdays !== null && t.remaining_workdays !== undefined) {
        due.appendChild(el("div", { "class": "muted" }, msg("review.remaining", { n: t.remaining_workdays })));
      }
      if (t.paused) due.appendChild(el("div", { "class": "muted due-moves" }, msg("review.due_moves")));
      if (t.calendar_exact === false) due.appendChild(el("div", { "class": "review-warning-inline" }, "⚠ " + msg("review.calendar_approx")));
      tr.appendChild(due);
      var lt = el("td"); lt.appendChild(light(t.paused ? "paused" : t.light)); tr.appendChild(lt);  /* the clock stands */
      var c = el("td", { "class": "conclusion" }, t.conclusion ? msg("verdict." + t.conclusion) : "—");
      if (t.opinion) c.appendChild(el("div", { "class": "muted" }, t.opinion));
      tr.appendChild(c);
      tr.appendChild(taskActions(t, v));
      labelCells(tr);
      body.appendChild(tr);
    });
    // disciplines with no task this round keep the conclusion they gave in an earlier one
    (v.standing || []).forEach(function (s) {
      if (!s.carried) return;
      var tr = el("tr", { "data-discipline": s.discipline, "data-state": "kept", "class": "kept" });
      tr.appendChild(el("td", null, msg("discipline." + s.discipline)));
      tr.appendChild(el("td", { "class": "reviewer" }, s.reviewer || "—"));
      tr.appendChild(el("td", { "class": "state" }, msg("review.kept", { n: s.round })));
      tr.appendChild(el("td", { "class": "due" }, day(s.concluded_at)));
      tr.appendChild(el("td"));
      var c = el("td", { "class": "conclusion" }, s.conclusion ? msg("verdict." + s.conclusion) : "—");
      if (s.opinion) c.appendChild(el("div", { "class": "muted" }, s.opinion));
      tr.appendChild(c);
      tr.appendChild(el("td"));
      labelCells(tr);
      body.appendChild(tr);
    });
  }

  /* -- role actions --------------------------------------------------------------------- */
  // a date as text in the page's form (年-月-日 / YYYY-MM-DD), read by the server: type=date
  // followed the browser's locale (mm/dd/yyyy on a Chinese page in an English browser)
  function dayField(id) {
    return el("input", { type: "text", id: id, "class": "day", placeholder: msg("date.format"), maxlength: "20",
                         autocomplete: "off", spellcheck: "false" });
  }

  function field(labelText, input) {
    var l = el("label", null, labelText);
    l.appendChild(input);
    return l;
  }

  /* the designer's completeness check: drawn now, and again when files settle or change */
  var checkTarget = null;
  function refreshCheck() {
    if (!checkTarget || !document.body.contains(checkTarget)) return Promise.resolve(null);
    var target = checkTarget;
    return call("GET", "/api/submissions/" + subId + "/completeness").then(function (c) {
      window.drCompleteness.render(target, c, msg, P, lang);
      return c;
    }).catch(function (e) { target.textContent = e.message; return null; });
  }
  var checkTimer = null;
  function refreshSoon() { clearTimeout(checkTimer); checkTimer = setTimeout(refreshCheck, 400); }
  document.addEventListener("dr:files-settled", refreshSoon);
  document.addEventListener("dr:live", function (ev) {
    if (/^(file\.|sheets?\.)/.test(ev.detail.type)) refreshSoon();
  });

  function designerActions(v, box) {
    if (v.state === "draft" || v.state === "returned") {
      var pre = el("p", { id: "precheck-summary" }, msg("review.precheck_loading"));
      box.appendChild(pre);
      var precheckAgain = window.drPrecheck.show(pre, call, msg, root.dataset.projectId, subId);  // precheck.js
      box.appendChild(button("review-precheck", msg("review.precheck_run"), function () {
        act("/api/submissions/" + subId + "/precheck", {}, function (data) {
          status(msg("review.precheck_queued", { n: data.queued.length }));
          setTimeout(precheckAgain, 3000);
        });
      }, "secondary"));
      // the window's completeness check, before the designer presses submit (the same words)
      var check = el("div", { id: "review-completeness", "class": "muted" }, msg("review.completeness") + "…");
      box.appendChild(check);
      checkTarget = check;
      refreshCheck();
      box.appendChild(el("p", { "class": "muted" }, msg("review.submit_hint")));
      var confirmBox = el("div", { "class": "conclude-confirm", id: "review-submit-confirm" });
      confirmBox.hidden = true;
      function submitNow() { act("/api/submissions/" + subId + "/submit", {}, function () { window.location.reload(); }); }
      box.appendChild(button("review-submit", msg("review.submit"), function () {
        // the check again now (files may have finished since): an incomplete set is submitted only
        // once the designer has read what the window will find and what it may do about it
        refreshCheck().then(function (c) {
          if (!c) return;
          if (c.submit_blockers.length) { status(msg("review.submit_blocked_" + c.submit_blockers[0]), true); return; }
          var found = window.drCompleteness.findings(c, msg, P, lang);
          if (!found.length) { submitNow(); return; }
          confirmBox.textContent = "";
          confirmBox.appendChild(el("p", null, msg("review.submit_confirm_intro")));
          var ul = el("ul");
          found.forEach(function (line) { ul.appendChild(el("li", null, line)); });
          confirmBox.appendChild(ul);
          confirmBox.appendChild(el("p", { "class": "muted" }, msg(c.missing.length ? "review.submit_missing_note" : "review.submit_unreadable_note")));
          confirmBox.appendChild(button("review-submit-anyway", msg("review.submit_anyway"), submitNow));
          confirmBox.appendChild(button("review-submit-back", msg("review.back_to_edit"), function () { confirmBox.hidden = true; }, "secondary"));
          confirmBox.hidden = false;
        });
      }));
      box.appendChild(confirmBox);
    }
    if (v.state === "revision_required" && root.dataset.latest === "1") {
      box.appendChild(el("p", { id: "review-revision-hint" }, msg("review.revision_hint")));
      box.appendChild(button("review-new-revision", msg("review.new_revision", { n: v.revision + 1 }), function () {
        act(root.dataset.createUrl, {}, function (data) {
          window.location.href = "/projects/" + root.dataset.projectId + "?submission=" + data.id;
        });
      }));
    }
  }

  function renderRating(v) {
    var box = document.getElementById("review-rating");
    var show = (me.role === "designer" || me.role === "construction") &&
      (v.project_stage === "approved" || v.project_stage === "rejected");
    box.hidden = !show;
    if (!show || box.dataset.built) return;
    box.dataset.built = "1";
    box.appendChild(el("h3", null, msg("review.rate")));
    var score = el("select", { id: "rating-score" });
    [5, 4, 3, 2, 1].forEach(function (n) { score.appendChild(el("option", { value: String(n) }, "★".repeat(n) + " " + n)); });
    var text = el("textarea", { id: "rating-text", rows: "2", maxlength: "2000" });
    box.appendChild(field(msg("review.score"), score));
    box.appendChild(field(msg("review.rate_text"), text));
    box.appendChild(button("rating-send", msg("review.rate_send"), function () {
      act(root.dataset.rateUrl, { score: Number(score.value), text: text.value }, function () {
        status(msg("review.rated"));
        box.dataset.rated = "1";
      });
    }));
  }

  function render(v) {
    last = v;
    root.dataset.state = v.state;
    root.dataset.stage = v.project_stage;
    var pill = document.querySelector(".revisions a[data-submission-id='" + subId + "']");  // server-rendered, may be stale
    if (pill) pill.textContent = pill.textContent.replace(/[^·]*$/, " " + msg("submission.state." + v.state));
    renderSummary(v);
    renderTasks(v);
    var box = document.getElementById("review-actions");
    box.textContent = "";
    if (me.role === "window" || me.role === "admin") {
      window.drReviewWindow.actions({ msg: msg, el: el, call: call, act: act, button: button, field: field,
                                      dayField: dayField, lines: lines, P: P, lang: lang, subId: subId }, v, box);
    }
    if (me.role === "designer") designerActions(v, box);
    renderRating(v);
    var issue = document.getElementById("issue-report");  // in _reports.html: only useful when concluded
    if (issue) issue.hidden = v.state !== "concluded";
    root.dataset.loaded = String(Number(root.dataset.loaded || 0) + 1);
  }

  function load(quiet) {
    return call("GET", root.dataset.url).then(function (v) {
      var same = last !== null && JSON.stringify(v) === JSON.stringify(last);
      if (quiet && (same || root.contains(document.activeElement))) return;  // keep what the user is typing
      render(v);
    }).catch(function (e) { if (!quiet) status(e.message, true); });
  }

  // the window corrected the sheet list: the completeness check reads the new numbers
  document.addEventListener("dr:sheets-corrected", function () { if (!busy) load(); });
  // the reports section issues the report: refresh when it says so
  var issueStatus = document.getElementById("issue-status");
  if (issueStatus && window.MutationObserver) {
    new MutationObserver(function () { setTimeout(load, 100); }).observe(issueStatus, { childList: true, characterData: true, subtree: true });
  }
  // others act too (reviewers conclude, the window accepts): refresh now and then while visible
  setInterval(function () { if (!busy && !document.hidden) load(true); }, 8000);
  load();
})();
