// The reports section of the project page (templates/_reports.html): list issued reports and
// let the window issue the current round's report. No framework; strings come from the page.
(function () {
  "use strict";
  const section = document.getElementById("reports");
  if (!section) return;
  const msg = JSON.parse(document.getElementById("reports-messages").textContent);
  const tbody = section.querySelector("#report-list tbody");
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function cell(row, content) {
    const td = document.createElement("td");
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    row.appendChild(td);
  }
  function link(href, text) {
    const a = document.createElement("a");
    a.href = href; a.textContent = text;
    return a;
  }

  async function load() {
    const r = await fetch(section.dataset.listUrl, { credentials: "same-origin" });
    if (!r.ok) return;
    const reports = (await r.json()).data || [];
    tbody.textContent = "";
    if (!reports.length) {
      const row = tbody.insertRow(); row.className = "muted"; cell(row, msg.none);
      row.cells[0].colSpan = 5; return;
    }
    for (const rep of reports) {
      const row = tbody.insertRow();
      row.dataset.reportId = rep.id;
      cell(row, String(rep.round_no));
      cell(row, rep.issued_date);  // the Beijing date the PDF prints, not the UTC day
      cell(row, msg.verdicts[rep.verdict] || rep.verdict);
      const code = document.createElement("code"); code.textContent = rep.sha256.slice(0, 16) + "…"; code.title = rep.sha256;
      cell(row, code);
      const links = document.createElement("span");
      links.appendChild(link(rep.pdf_url, msg.download));
      links.appendChild(document.createTextNode(" · "));
      links.appendChild(link(rep.verify_url, msg.verify));
      cell(row, links);
    }
  }

  // Issuing: the window first sees the report as it would be issued (the first pages, unsigned)
  // or the refusal naming what blocks it, next to the button; only "confirm" signs and sends.
  const button = document.getElementById("issue-report");
  if (button) {
    const status = document.getElementById("issue-status");
    const box = document.getElementById("issue-preview");
    const pages = document.getElementById("issue-preview-pages");
    const confirm = document.getElementById("issue-confirm");
    const fill = (text, vars) => Object.keys(vars).reduce((s, k) => s.replace("{" + k + "}", vars[k]), text);
    const say = (text, isError) => { status.textContent = text || ""; status.className = isError ? "error" : "muted"; };
    const errText = (body) => (body && body.error && ((body.error.messages || {})[document.documentElement.lang] || body.error.message)) || "";
    button.addEventListener("click", async () => {
      button.disabled = true; box.hidden = true; say(msg.previewing);
      try {
        const r = await fetch(button.dataset.previewUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
        const body = await r.json();
        if (!r.ok) { say(errText(body), true); return; }
        const p = body.data;
        if (!p.may_issue) { say(p.refusal.message, true); box.hidden = true; return; }
        say("");
        document.getElementById("issue-preview-facts").textContent =
          fill(msg.preview_facts, { round: p.round, verdict: msg.verdicts[p.verdict] || "—", pages: p.pages });
        document.getElementById("issue-preview-pdf").href = p.pdf_url;
        pages.textContent = "";
        p.page_urls.forEach((url, i) => {
          const fig = document.createElement("figure");
          const img = document.createElement("img");
          img.src = url; img.alt = fill(msg.page, { n: i + 1 }); img.loading = "lazy";
          const cap = document.createElement("figcaption"); cap.textContent = img.alt;
          fig.appendChild(img); fig.appendChild(cap); pages.appendChild(fig);
        });
        renderCheckers(p.checkers);
        box.hidden = false;
        confirm.focus();
      } catch (e) { say(String(e), true); } finally { button.disabled = false; }
    });
    // the checker (审核人) of each discipline: anyone of the authority but its own reviewer
    const checkersBox = document.getElementById("issue-checkers");
    const lang = document.documentElement.lang === "en" ? "en" : "zh-CN";
    function renderCheckers(c) {
      checkersBox.querySelectorAll("label").forEach((l) => l.remove());
      if (!c) { checkersBox.hidden = true; return; }
      checkersBox.hidden = false;
      for (const d of c.disciplines) {
        const label = document.createElement("label");
        label.textContent = (msg.disciplines && msg.disciplines[d.code]) || d.name;
        const sel = document.createElement("select");
        sel.dataset.discipline = d.code;
        sel.id = "checker-" + d.code;
        const none = document.createElement("option"); none.value = ""; none.textContent = msg.checker_default;
        sel.appendChild(none);
        for (const u of c.candidates) {
          if (u.id === d.reviewer_id) continue;
          const o = document.createElement("option"); o.value = String(u.id); o.textContent = u.name;
          if (u.id === d.checker_id) o.selected = true;
          sel.appendChild(o);
        }
        label.appendChild(sel);
        checkersBox.appendChild(label);
      }
    }
    function chosenCheckers() {
      const out = {};
      checkersBox.querySelectorAll("select").forEach((s) => { if (s.value) out[s.dataset.discipline] = Number(s.value); });
      return out;
    }
    document.getElementById("issue-cancel").addEventListener("click", () => { box.hidden = true; say(""); });
    confirm.addEventListener("click", async () => {
      confirm.disabled = true; button.disabled = true; say(msg.issuing);
      try {
        const r = await fetch(button.dataset.url, { method: "POST", credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" },
          body: JSON.stringify({ checkers: chosenCheckers() }) });
        const body = await r.json();
        if (r.ok) { box.hidden = true; say(msg.issued_ok); await load(); } else say(errText(body), true);
      } finally { confirm.disabled = false; button.disabled = false; }
    });
  }
  load();
})();
