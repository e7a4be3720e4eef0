/* The administrator's user management (templates/users.html): every account, with a confirmed
 * "deactivate" (its sessions, tokens and open live connections end), and every API token, with
 * "revoke". User text goes into the page as text only (drPage.el); refusals are shown in words. */
(function () {
  "use strict";
  var M = {};
  var me = 0;  // the admin's own id: no "deactivate" on his own row
  var lang = document.documentElement.lang || "zh-CN";
  function csrf() { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }
  function call(method, url, body) {
    var headers = { "X-CSRF-Token": csrf(), "Accept": "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    return fetch(url, { method: method, credentials: "same-origin", headers: headers,
                        body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (r) { return r.json(); });
  }
  function day(iso) { return iso ? window.drPage.day(iso) : ""; }
  function msg(key, vars) {
    var s = M[key] || key;
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }
  function status(text, isError) {
    var p = document.getElementById("users-status");
    p.textContent = text || "";
    p.className = isError ? "error" : "muted";
  }
  function after(res, done) {
    if (!res.ok) { status(drPage.errorText(res.error, lang), true); return; }
    status(done);
    load();
  }
  function role(u) {
    var r = M["role." + u.role] || u.role;
    return u.discipline ? r + " · " + (M["discipline." + u.discipline] || u.discipline) : r;
  }

  function users(list) {
    var names = document.getElementById("org-names");  // the new-account form offers the known names
    names.textContent = "";
    list.map(function (u) { return u.organisation; }).filter(function (n, i, all) { return n && all.indexOf(n) === i; })
      .forEach(function (n) { names.appendChild(drPage.el("option", { value: n })); });
    var body = document.querySelector("#users tbody");
    body.textContent = "";
    list.forEach(function (u) {
      var tr = drPage.el("tr", { "data-user-id": u.id, "data-active": u.active ? "1" : "0" });
      tr.appendChild(drPage.el("td", {}, u.username));
      tr.appendChild(drPage.el("td", {}, u.display_name));
      tr.appendChild(drPage.el("td", {}, role(u)));
      tr.appendChild(drPage.el("td", {}, u.organisation || "—"));
      tr.appendChild(drPage.el("td", {}, String(u.usable_tokens)));
      tr.appendChild(drPage.el("td", {}, u.active ? M["users.active"] : M["users.inactive"]));
      var cell = drPage.el("td", {});
      if (u.active && u.id !== me) {  // never yourself (the server refuses it too)
        var b = drPage.el("button", { type: "button", "class": "danger deactivate" }, M["users.deactivate"]);
        b.addEventListener("click", function () {
          if (!window.confirm(msg("users.deactivate_confirm", { name: u.display_name, user: u.username }))) return;
          call("POST", "/api/users/" + u.id + "/deactivate").then(function (res) {
            after(res, msg("users.deactivated", { user: u.username }));
          });
        });
        cell.appendChild(b);
      } else if (!u.active) {  // audited; what deactivation ended (sessions, tokens) stays ended
        var back = drPage.el("button", { type: "button", "class": "secondary reactivate" }, M["users.reactivate"]);
        back.addEventListener("click", function () {
          call("POST", "/api/users/" + u.id + "/reactivate").then(function (res) {
            after(res, msg("users.reactivated", { user: u.username }));
          });
        });
        cell.appendChild(back);
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    });
  }

  function tokens(list) {
    var body = document.querySelector("#all-tokens tbody");
    body.textContent = "";
    list.forEach(function (t) {
      var tr = drPage.el("tr", { "data-token-id": t.id, "data-user": t.username });
      tr.appendChild(drPage.el("td", {}, t.username));
      tr.appendChild(drPage.el("td", {}, t.name || "—"));
      tr.appendChild(drPage.el("td", {}, day(t.created_at)));
      tr.appendChild(drPage.el("td", {}, day(t.expires_at)));
      tr.appendChild(drPage.el("td", {}, t.revoked ? M["account.revoked"] : (t.usable ? M["account.usable"] : M["account.expired"])));
      var cell = drPage.el("td", {});
      if (!t.revoked) {
        var b = drPage.el("button", { type: "button", "class": "revoke" }, M["account.revoke"]);
        b.addEventListener("click", function () {
          call("DELETE", "/api/tokens/" + t.id).then(function (res) {
            after(res, msg("users.revoked", { user: t.username, name: t.name || "—" }));
          });
        });
        cell.appendChild(b);
      }
      tr.appendChild(cell);
      body.appendChild(tr);
    });
  }

  function load() {
    Promise.all([call("GET", "/api/users"), call("GET", "/api/tokens?user_id=0")]).then(function (r) {
      if (!r[0].ok) { status(drPage.errorText(r[0].error, lang), true); return; }
      users(r[0].data);
      if (r[1].ok) tokens(r[1].data);
    });
  }

  /* the new-account form: a discipline only for a reviewer; the server's refusal is shown in words */
  function newAccount(form) {
    var role = form.elements.role, discipline = form.elements.discipline, org = form.elements.organisation;
    function fit() {  /* an administrator belongs to no organisation */
      var reviewer = role.value === "reviewer";
      discipline.disabled = !reviewer;
      discipline.required = reviewer;
      if (!reviewer) discipline.value = "";
      org.disabled = role.value === "admin";
      if (org.disabled) org.value = "";
    }
    role.addEventListener("change", fit);
    fit();
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = {};
      ["username", "display_name", "role", "discipline", "organisation", "password"].forEach(function (k) {
        body[k] = form.elements[k].value;
      });
      var button = document.getElementById("new-user-create");
      button.disabled = true;
      var said = document.getElementById("new-user-status");  // beside the button: the page's top is out of sight
      call("POST", "/api/users", body).then(function (res) {
        said.textContent = res.ok ? msg("users.created", { user: body.username }) : drPage.errorText(res.error, lang);
        said.className = res.ok ? "muted" : "error";
        if (res.ok) { form.reset(); fit(); load(); }
      }).catch(function (e) { said.textContent = e.message; said.className = "error"; })
        .then(function () { button.disabled = false; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    M = JSON.parse(document.getElementById("users-messages").textContent);
    me = Number(document.getElementById("users").dataset.me);
    newAccount(document.getElementById("new-user"));
    load();
  });
})();
