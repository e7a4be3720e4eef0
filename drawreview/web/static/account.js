/* The account page: the user's API tokens (list, create, revoke) and the password change.
 * Data goes into the page as text only (drPage.el). */
(function () {
  "use strict";
  var M = {};
  var lang = document.documentElement.lang || "zh-CN";
  function csrf() { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
  function call(method, url, body) {
    var opts = { method: method, headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
    return fetch(url, opts).then(function (r) { return r.json(); });
  }
  function day(iso) { return iso ? window.drPage.day(iso) : ""; }
  function load() {
    call("GET", "/api/tokens").then(function (res) {
      var body = document.querySelector("#tokens tbody");
      body.textContent = "";
      (res.data || []).forEach(function (t) {
        var tr = drPage.el("tr", { "data-token-id": t.id });
        tr.appendChild(drPage.el("td", {}, t.name || "—"));
        tr.appendChild(drPage.el("td", {}, day(t.created_at)));
        tr.appendChild(drPage.el("td", {}, day(t.expires_at)));
        tr.appendChild(drPage.el("td", {}, t.revoked ? M["account.revoked"] : (t.usable ? M["account.usable"] : M["account.expired"])));
        var cell = drPage.el("td", {});
        if (!t.revoked) {
          var b = drPage.el("button", { type: "button", "class": "revoke" }, M["account.revoke"]);
          b.addEventListener("click", function () { call("DELETE", "/api/tokens/" + t.id).then(load); });
          cell.appendChild(b);
        }
        tr.appendChild(cell);
        body.appendChild(tr);
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    M = JSON.parse(document.getElementById("account-messages").textContent);
    load();
    document.getElementById("token-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      call("POST", "/api/tokens", { name: document.getElementById("token-name").value }).then(function (res) {
        var p = document.getElementById("token-new");
        p.hidden = false;
        p.textContent = res.ok ? M["account.token_once"] + " " + res.data.token : drPage.errorText(res.error, lang);
        load();
      });
    });
    document.getElementById("password-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var f = ev.target;
      call("POST", "/api/me/password", { current_password: f.current_password.value, new_password: f.new_password.value })
        .then(function (res) {
          var out = document.getElementById("password-result");
          out.textContent = res.ok ? M["account.password_changed"] : drPage.errorText(res.error, lang);
          if (res.ok && res.data.csrf_token) {
            document.querySelectorAll('meta[name="csrf-token"]').forEach(function (m) { m.content = res.data.csrf_token; });
            document.querySelectorAll('input[name="csrf_token"]').forEach(function (i) { i.value = res.data.csrf_token; });
          }
          f.reset();
          load();
        });
    });
  });
})();
