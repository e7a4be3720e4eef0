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
      cell(row, rep.issued_at.slice(0, 10));
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

  const button = document.getElementById("issue-report");
  if (button) {
    const status = document.getElementById("issue-status");
    button.addEventListener("click", async () => {
      button.disabled = true; status.textContent = msg.issuing;
      try {
        const r = await fetch(button.dataset.url, { method: "POST", credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf, "Content-Type": "application/json" }, body: "{}" });
        const body = await r.json();
        status.textContent = r.ok ? msg.issued_ok : body.error.message;
        if (r.ok) await load();
      } finally { button.disabled = false; }
    });
  }
  load();
})();
