/* The home page's "new project" form: posts JSON to /api/projects with the CSRF token and
 * opens the new project's page; errors are shown next to the form in the page language. */
(function () {
  "use strict";
  var form = document.getElementById("new-project-form");
  if (!form) return;
  var box = document.getElementById("new-project-error");
  var msgs = JSON.parse(document.getElementById("home-messages").textContent);
  var lang = document.documentElement.lang || "zh-CN";
  function fail(text) { box.textContent = text; box.hidden = false; }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    box.hidden = true;
    var data = new FormData(form);
    var body = {
      name: String(data.get("name") || "").trim(),
      address: String(data.get("address") || "").trim(),
      project_type: data.get("project_type"),
      complexity: data.get("complexity"),
      construction_unit_id: parseInt(data.get("construction_unit_id"), 10),
      design_institute_id: parseInt(data.get("design_institute_id"), 10)
    };
    if (!body.name || isNaN(body.construction_unit_id) || isNaN(body.design_institute_id)) { fail(msgs.required); return; }
    var button = document.getElementById("new-project-submit");
    button.disabled = true;
    fetch("/api/projects", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json",
                 "X-CSRF-Token": document.querySelector('meta[name="csrf-token"]').content },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json(); }).then(function (b) {
      if (b && b.ok) { window.location.assign("/projects/" + b.data.id); return; }
      button.disabled = false;
      fail(window.drPage.errorText(b && b.error, lang) || msgs.failed);
    }).catch(function () { button.disabled = false; fail(msgs.failed); });
  });
})();
