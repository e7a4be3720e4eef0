"""A real review round on a big ingested set, for bench_scale (issue 18): the designer submits,
the window accepts, the five reviewers put markups with comments on sheets spread over the set
(some with a reply thread: the designer answers, the reviewer verifies), every comment is
closed, each discipline concludes, and the window issues the merged, signed report through the
workflow's endpoint; then the stamped-sheets zip is downloaded through its endpoint. Every
step goes through drawreview's HTTP API, like the browser.

The issued PDF and the zip are then checked from outside: ``pdftotext`` lists every comment
with the number the system gave it and every sheet reviewed, ``pdfsig`` validates the
signature against the authority certificate, and the zip holds one member per sheet.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

DISCIPLINES = ("planning", "fire", "civil_defence", "lightning", "meteorology")
KINDS = ("rect", "cloud", "pin", "arrow", "text")
SEVERITIES = ("general", "mandatory", "suggestion")
REPLY_EVERY = 4  # every fourth comment gets the designer's answer before the reviewer closes it


def _ok(r: httpx.Response):
    if r.status_code != 200:
        raise SystemExit(f"{r.request.method} {r.request.url.path}: {r.status_code} {r.text[:500]}")
    return r.json()["data"]


def ready_sheets(c: httpx.Client, base: str, h: dict, sid: int) -> list[dict]:
    out, cursor = [], None
    while True:
        page = c.get(f"{base}/api/submissions/{sid}/sheets", headers=h,
                     params={"state": "ready", "limit": 500, **({"cursor": cursor} if cursor else {})}).json()
        out += page["data"]
        cursor = page["page"]["next"]
        if not cursor:
            return out


def _geometry(kind: str, w: float, h: float, k: int) -> dict:
    fx, fy = 0.15 + (k * 37 % 60) / 100, 0.15 + (k * 53 % 60) / 100
    x, y = round(fx * w, 1), round(fy * h, 1)
    if kind == "pin":
        return {"points": [[x, y]]}
    if kind == "arrow":
        return {"points": [[x, y], [round(x + 0.08 * w, 1), round(y + 0.06 * h, 1)]]}
    if kind == "text":
        return {"points": [[x, y]], "text": f"见意见 {k + 1}"}
    return {"points": [[x, y], [round(x + 0.12 * w, 1), round(y + 0.08 * h, 1)]]}


def review(base: str, stack, sid: int, comments: int, threads: int = 4) -> dict:
    """Bring submission *sid* to the point where the window can issue; returns what was made."""
    h = {u: stack.token_headers(u) for u in ("designer", "window", *DISCIPLINES)}
    t0 = time.perf_counter()
    with httpx.Client(timeout=120) as c:
        _ok(c.post(f"{base}/api/submissions/{sid}/submit", headers=h["designer"]))
        check = _ok(c.get(f"{base}/api/submissions/{sid}/completeness", headers=h["window"]))
        body = {"disciplines": list(DISCIPLINES)}  # the window lets all five take part
        if check["missing"]:
            body.update(missing_items=check["missing"], deficiency_deadline="2099-12-31")
        view = _ok(c.post(f"{base}/api/submissions/{sid}/accept", headers=h["window"], json=body))
        if check["missing"]:  # 容缺受理: the items are supplied before the round can be approved
            view = _ok(c.post(f"{base}/api/submissions/{sid}/deficiencies", headers=h["window"],
                              json={"items": check["missing"]}))
        sheets = ready_sheets(c, base, h["window"], sid)
    setup_s = time.perf_counter() - t0
    picks = [sheets[k * len(sheets) // comments] for k in range(comments)]

    def one(k: int) -> dict:
        disc, sheet = DISCIPLINES[k % len(DISCIPLINES)], picks[k]
        kind = KINDS[k // len(DISCIPLINES) % len(KINDS)]
        with httpx.Client(base_url=base, timeout=120) as c:
            ann = _ok(c.post(f"/api/sheets/{sheet['id']}/annotations", headers=h[disc], json={
                "client_id": f"bench-{uuid.uuid4().hex}", "kind": kind,
                "geometry": _geometry(kind, sheet["width"], sheet["height"], k),
                "severity": SEVERITIES[k % len(SEVERITIES)], "clause": f"GB 50016-2014 第{k % 9 + 1}.{k % 7 + 1}.{k % 5 + 1}条",
                "body": f"第{k + 1}条意见：请核对{sheet['number']}的疏散宽度与防火分区（{disc}）。"}))["annotation"]
            version = ann["version"]
            if k % REPLY_EVERY == 0:
                _ok(c.post(f"/api/annotations/{ann['id']}/comments", headers=h["designer"],
                           json={"client_id": f"bench-{uuid.uuid4().hex}", "body": f"已按第{k + 1}条意见修改。"}))
                version = _ok(c.post(f"/api/annotations/{ann['id']}/status", headers=h["designer"],
                                     json={"status": "answered", "version": version}))["annotation"]["version"]
            _ok(c.post(f"/api/annotations/{ann['id']}/status", headers=h[disc],
                       json={"status": "closed", "version": version}))
        return {"id": ann["id"], "sheet_id": sheet["id"], "sheet": sheet["number"], "discipline": disc}

    t = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        made = list(pool.map(one, range(comments)))
    markup_s = time.perf_counter() - t
    with httpx.Client(timeout=120) as c:
        for task in view["tasks"]:
            _ok(c.post(f"{base}/api/tasks/{task['id']}/conclude", headers=h[task["discipline"]],
                       json={"conclusion": "approved", "opinion": "意见均已落实，同意。"}))
    return {"sheets": sheets, "comments": made, "setup_s": setup_s, "markup_s": markup_s,
            "disciplines": [t["discipline"] for t in view["tasks"]]}


def server_timing(header: str) -> dict[str, float]:
    """``Server-Timing: gather;dur=12.3, render;dur=…`` -> {name: seconds}."""
    out = {}
    for part in header.split(","):
        m = re.match(r"\s*([\w-]+)\s*;.*dur=([\d.]+)", part)
        if m:
            out[m.group(1)] = float(m.group(2)) / 1000
    return out


def issue(base: str, stack, sid: int, sampler_for, rss, out: Path) -> dict:
    """The window issues the round's report (``POST /api/submissions/{id}/report``); the signed
    PDF is then downloaded to *out*. *sampler_for()* makes a memory/CPU sampler of the server,
    *rss(pid)* reads a process's resident size."""
    h = stack.token_headers("window")
    sampler = sampler_for()
    rss0 = rss(next(iter(sampler.roots.values())))
    sampler.start()
    t = time.perf_counter()
    r = httpx.post(f"{base}/api/submissions/{sid}/report", headers=h, timeout=7200)
    wall = time.perf_counter() - t
    sampler.finish()
    _ok(r)
    pid = _ok(httpx.get(f"{base}/api/submissions/{sid}", headers=h, timeout=60))["project_id"]
    report = next(x for x in _ok(httpx.get(f"{base}/api/projects/{pid}/reports", headers=h, timeout=60))
                  if x["submission_id"] == sid)
    with httpx.stream("GET", base + report["pdf_url"], headers=h, timeout=600) as resp, open(out, "wb") as fh:
        for chunk in resp.iter_bytes(1 << 20):
            fh.write(chunk)
    app = next(iter(sampler.roots))
    return {"wall": wall, "phases": server_timing(r.headers.get("server-timing", "")), "report": report,
            "peak_mb": sampler.peak[app] / 1024**2, "grew_mb": (sampler.peak[app] - rss0) / 1024**2,
            "cpu_s": sampler.cpu[app], "pdf_mb": out.stat().st_size / 1024**2}


def download_zip(base: str, stack, sid: int, sampler_for, rss, out: Path) -> dict:
    """``GET /api/submissions/{id}/stamped-sheets.zip`` streamed to *out*: time to the first byte
    and to the end, the server's peak memory over its resident size before the request."""
    sampler = sampler_for()
    rss0 = rss(next(iter(sampler.roots.values())))
    sampler.start()
    t = time.perf_counter()
    first = None
    with httpx.stream("GET", f"{base}/api/submissions/{sid}/stamped-sheets.zip", headers=stack.token_headers("builder"),
                      timeout=7200) as resp, open(out, "wb") as fh:
        if resp.status_code != 200:
            raise SystemExit(f"stamped zip: {resp.status_code} {resp.read()[:500]!r}")
        for chunk in resp.iter_bytes(1 << 20):
            first = first or time.perf_counter() - t
            fh.write(chunk)
    wall = time.perf_counter() - t
    sampler.finish()
    app = next(iter(sampler.roots))
    return {"wall": wall, "first_byte": first, "grew_mb": (sampler.peak[app] - rss0) / 1024**2,
            "cpu_s": sampler.cpu[app], "zip_mb": out.stat().st_size / 1024**2}


def report_text(pdf: Path) -> str:
    """The report's text as poppler reads it, without any whitespace."""
    return "".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout.split())


def check_pdf(pdf: Path, made: dict, cert_pem: bytes, work: Path) -> dict:
    """Read the issued report back with poppler: every comment by its system id, with the
    numbers of ``/api/submissions/{id}/comments``; one row per sheet reviewed in the drawings
    list (each row prints its uploaded file's SHA-256); the signature valid against the
    authority certificate."""
    flat = report_text(pdf)
    listed = re.findall(r"意见(\d+-\d+)（#(\d+)）", flat)
    ids = [int(i) for _, i in listed]
    want = {c["id"] for c in made["comments"]}
    numbers = made.get("numbers") or {}
    wrong_no = [i for no, i in listed if numbers and numbers.get(int(i)) != no]
    sheets_missing = [s["number"] for s in made["sheets"] if s["number"] not in flat]
    drawing_rows = sum(flat.count(sha) for sha in set(made.get("file_hashes", ())))
    sig = _pdfsig(pdf, cert_pem, work) if shutil.which("pdfsig") else "pdfsig not installed"
    return {"comments_listed": len(ids), "distinct": len(set(ids)), "all_present": set(ids) == want,
            "numbers_wrong": len(wrong_no), "sheets_missing": len(sheets_missing), "drawing_rows": drawing_rows,
            "signature": sig,
            "pages": int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                     text=True).stdout).group(1))}


def _pdfsig(pdf: Path, cert_pem: bytes, work: Path) -> str:
    """poppler's ``pdfsig`` on the signature (its own NSS store does not hold the authority, so
    the chain is checked with pyHanko against the certificate ``/verify/authority.pem`` serves)."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    out = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
    sig = re.search(r"Signature Validation:\s*(.+)", out)
    certs = list(load_certs_from_pemder_data(cert_pem))
    with open(pdf, "rb") as fh:
        (embedded,) = PdfFileReader(fh).embedded_signatures
        status = validate_pdf_signature(embedded, ValidationContext(trust_roots=certs[-1:], other_certs=certs[:-1]))
    return (f"pdfsig: {sig.group(1).strip() if sig else '?'}; pyHanko: intact={status.intact} valid={status.valid} "
            f"trusted={status.trusted} coverage={status.coverage.name}")


def check_zip(path: Path, sheets: int, report: Path) -> dict:
    """Members, their CRCs, and how many of them the report lists among its stamped sheets
    (by SHA-256)."""
    import hashlib

    flat = report_text(report)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        bad = zf.testzip()
        listed = sum(hashlib.sha256(zf.read(n)).hexdigest() in flat for n in names)
    return {"members": len(names), "pdfs": sum(n.endswith(".pdf") for n in names), "expected": sheets,
            "crc_ok": bad is None, "in_report": listed}
