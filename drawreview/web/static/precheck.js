/* The designer's pre-check line in the review panel (review.js draws it on a draft or returned
 * submission): what the automatic rule checks found on this submission's sheets. It looks again
 * when files settle (upload.js), when the project's live events (live.js) say findings were stored
 * or files changed, and when review.js asks (after "run the pre-check again"). Only the newest
 * look is drawn: a busy server may answer two looks out of order, and the older count (the first
 * sheet's findings, before the second sheet's were stored) must not replace the newer one. */
(function () {
  "use strict";
  var shown = null;  // {target, call, msg, projectId, subId}: the line on the page now
  var asked = 0;     // the number of the newest look
  var liveTimer = null;

  function look() {
    var c = shown;
    if (!c || !document.body.contains(c.target)) return;
    var mine = ++asked;
    // "no problems found" only once there are drawings and none is still being processed
    Promise.all([c.call("GET", "/api/projects/" + c.projectId + "/findings?submission=" + c.subId),
                 c.call("GET", "/api/submissions/" + c.subId + "?files_limit=1")])
      .then(function (both) {
        if (mine !== asked) return;  // a newer look was asked for: its answer is the one to show
        var msg = c.msg, target = c.target;
        var tally = both[1].file_counts || { total: 0, by_state: {} };
        var busyFiles = (tally.by_state.uploaded || 0) + (tally.by_state.processing || 0);
        var open = both[0].filter(function (f) { return f.state !== "dismissed"; });
        var mandatory = open.filter(function (f) { return (f.data && f.data.mandatory) || f.severity === "error"; });
        var text = open.length ? msg("review.precheck_summary", { n: open.length, m: mandatory.length })
          : !tally.total ? msg("review.precheck_no_files")
          : busyFiles ? msg("review.precheck_processing", { n: busyFiles })
          : !tally.by_state.ready ? msg("review.precheck_nothing_readable") : msg("review.precheck_none");
        if (open.length && busyFiles) text += " " + msg("review.precheck_more", { n: busyFiles });
        target.textContent = text;
        target.dataset.files = String(tally.total);
        target.dataset.busy = String(busyFiles);
        target.dataset.count = String(open.length);
        target.dataset.mandatory = String(mandatory.length);
      })
      .catch(function (e) { if (mine === asked) c.target.textContent = e.message; });
  }

  // the rule checks run after each file is processed: look again when processing ends, and a
  // little later for the checks that follow it (no "no problems found" until a reload)
  document.addEventListener("dr:files-settled", function () {
    [0, 3000, 10000].forEach(function (ms) { setTimeout(look, ms); });
  });
  // the checks end at a time the page cannot know (a busy queue): the live events say when a
  // sheet's findings were stored; a file added, refused, processed or removed changes what
  // there is to check, as findings do
  document.addEventListener("dr:live", function (ev) {
    if (ev.detail.type !== "findings.updated" && !/^file\.(uploaded|failed|ready|deleted)$/.test(ev.detail.type)) return;
    clearTimeout(liveTimer);
    liveTimer = setTimeout(look, 400);
  });

  /* show(target, call, msg, projectId, subId): draw the pre-check in *target* now; returns
   * the function that looks again */
  window.drPrecheck = {
    show: function (target, call, msg, projectId, subId) {
      shown = { target: target, call: call, msg: msg, projectId: projectId, subId: subId };
      look();
      return look;
    }
  };
})();
