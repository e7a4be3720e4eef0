/* The joint review window's actions in the project page's review panel (review.js draws the
 * panel and calls ``drReviewWindow.actions``): on a submitted set, the disciplines that take
 * part (the required ones checked from the completeness check), accept, accept with missing
 * items (容缺) and their deadline, return with reasons; on a case with items outstanding, record
 * them supplied, give more time or return the case past its deadline. ``k`` is the panel's kit
 * (its message table, request and action helpers, the page's punctuation); user text is set
 * with textContent only. */
(function () {
  "use strict";

  function actions(k, v, box) {
    var msg = k.msg, el = k.el, call = k.call, act = k.act, button = k.button, field = k.field,
      dayField = k.dayField, lines = k.lines, P = k.P, lang = k.lang, subId = k.subId;
    if (v.state === "submitted") {
      var who = el("fieldset", { "class": "review-form", id: "review-disciplines" });
      who.appendChild(el("legend", null, msg("review.disciplines_taking_part")));
      ["planning", "fire", "civil_defence", "lightning", "meteorology"].forEach(function (d) {
        var cb = el("input", { type: "checkbox", id: "review-discipline-" + d, value: d });
        var l = el("label", null);
        l.appendChild(cb);
        l.appendChild(document.createTextNode(" " + msg("discipline." + d)));
        who.appendChild(l);
      });
      box.appendChild(who);
      var check = el("div", { id: "review-completeness", "class": "muted" }, msg("review.completeness") + "…");
      box.appendChild(check);
      call("GET", "/api/submissions/" + subId + "/completeness").then(function (c) {
        window.drCompleteness.render(check, c, msg, P, lang);
        // the disciplines that take part: the required ones checked (meteorology only where it applies)
        c.disciplines.forEach(function (d) { var cb = who.querySelector("#review-discipline-" + d); if (cb) cb.checked = true; });
        who.dataset.loaded = "1";
      }).catch(function (e) { check.textContent = e.message; });
      function chosen() {  // before the required ones are known, the server's default applies
        if (who.dataset.loaded !== "1") return undefined;
        return [].slice.call(who.querySelectorAll("input:checked")).map(function (cb) { return cb.value; });
      }
      box.appendChild(button("review-accept", msg("review.accept"), function () {
        act("/api/submissions/" + subId + "/accept", { disciplines: chosen() });
      }));
      var def = el("fieldset", { "class": "review-form" });
      def.appendChild(el("legend", null, msg("review.accept_def")));
      var items = el("textarea", { id: "review-missing-items", rows: "2" });
      var deadline = dayField("review-deadline");
      def.appendChild(field(msg("review.missing_items"), items));
      def.appendChild(field(msg("review.deadline"), deadline));
      def.appendChild(button("review-accept-def", msg("review.accept_def"), function () {
        act("/api/submissions/" + subId + "/accept", { missing_items: lines(items.value), deficiency_deadline: deadline.value,
                                                       disciplines: chosen() });
      }));
      box.appendChild(def);
      var ret = el("fieldset", { "class": "review-form" });
      ret.appendChild(el("legend", null, msg("review.return")));
      var reasons = el("textarea", { id: "review-return-reasons", rows: "2" });
      ret.appendChild(field(msg("review.reasons"), reasons));
      ret.appendChild(button("review-return", msg("review.return"), function () {
        act("/api/submissions/" + subId + "/return", { reasons: lines(reasons.value) });
      }, "danger"));
      box.appendChild(ret);
    }
    var outstanding = v.outstanding_deficiencies || [];
    if (outstanding.length && ["accepted_with_deficiencies", "in_review", "concluded"].indexOf(v.state) >= 0) {
      var sup = el("fieldset", { "class": "review-form", id: "review-supply" });
      sup.appendChild(el("legend", null, msg("review.deficiencies")));
      var named = {};  // the item in the reader's language (结施 (structure)); the code is what is sent
      (v.deficiencies || []).forEach(function (d) { named[d.item] = d.item_name || d.item; });
      var boxes = outstanding.map(function (item) {
        var cb = el("input", { type: "checkbox", value: item });
        var l = el("label"); l.appendChild(cb); l.appendChild(document.createTextNode(" " + (named[item] || item)));
        sup.appendChild(l);
        return cb;
      });
      sup.appendChild(button("review-supply-send", msg("review.supply"), function () {
        act("/api/submissions/" + subId + "/deficiencies",
            { items: boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }) });
      }, "secondary"));
      // past the deadline: return the case (as the receipt says) or give more time, with a reason
      var newDeadline = dayField("review-extend-deadline");
      var why = el("input", { type: "text", id: "review-overdue-reason", size: "40" });
      sup.appendChild(field(msg("review.overdue_reason"), why));
      sup.appendChild(field(msg("review.new_deadline"), newDeadline));
      sup.appendChild(button("review-extend", msg("review.extend"), function () {
        act("/api/submissions/" + subId + "/deficiencies/extend", { deadline: newDeadline.value, reason: why.value });
      }, "secondary"));
      if (v.deficiency_overdue) {
        sup.insertBefore(el("p", { "class": "error", id: "review-overdue" }, msg("review.overdue")), sup.children[1]);
        sup.appendChild(button("review-return-overdue", msg("review.return_overdue"), function () {
          act("/api/submissions/" + subId + "/deficiencies/return", { reason: why.value });
        }, "danger"));
      }
      box.appendChild(sup);
    }
  }

  window.drReviewWindow = { actions: actions };
})();
