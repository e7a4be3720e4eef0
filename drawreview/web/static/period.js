/* The window changes the project's review period (templates/project.html #review-period-form):
 * POST /api/projects/<id>/review-period with the period and a reason; the page reloads to show
 * the change, the recomputed due dates and lights. A refusal is shown in the page language. */
(function () {
  "use strict";
  var form = document.getElementById("review-period-form");
  if (!form) return;
  var M = JSON.parse(document.getElementById("period-messages").textContent);
  var lang = document.documentElement.getAttribute("lang") || "zh-CN";
  var statusEl = document.getElementById("review-period-status");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');

  function say(text, isError) {
    statusEl.textContent = text;
    statusEl.className = isError ? "error" : "muted";
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var reason = form.elements.reason.value.trim();
    if (!reason) { say(M["period.reason_required"], true); form.elements.reason.focus(); return; }
    var button = document.getElementById("review-period-save");
    button.disabled = true;
    fetch(form.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfMeta ? csrfMeta.getAttribute("content") : "", "Content-Type": "application/json",
                 Accept: "application/json" },
      body: JSON.stringify({ complexity: form.elements.complexity.value, reason: reason })
    }).then(function (r) { return r.json(); }).then(function (b) {
      if (!b.ok) throw new Error(window.drPage.errorText(b.error, lang));
      say(M["period.saved"]);
      window.location.reload();
    }).catch(function (e) { say(e.message, true); button.disabled = false; });
  });
})();
