"""Audit anchors (services/anchors.py) through the `drawreview audit` command: a truncated chain
tail with its head row rewritten to match, and a project's whole chain deleted together with
its head row, both pass the plain hash-chain check but fail against the anchors kept in the
append-only export and printed in a signed document."""

import asyncio
import sqlite3

import pymupdf

from drawreview.db import Database
from drawreview.services import anchors
from drawreview.settings import load_settings
from tests.test_cli import run


def _biggest_project_chain(db) -> int:
    return db.execute("select project_id from audit_entry where project_id is not null group by project_id "
                      "order by count(*) desc limit 1").fetchone()[0]


def _more_entries(env, n: int = 5) -> None:
    """A few more entries on the demo project's chain, written by the audit service."""
    from drawreview.services import audit

    async def write():
        db = Database(load_settings(env))
        try:
            async with db.session() as s:
                for i in range(n):
                    await audit.record(s, "window", "project.note", "project", 1, 1, {"n": i})
                    await s.commit()
        finally:
            await db.close()

    asyncio.run(write())


def _document_with_anchor(tmp_path, env, chain: int):
    """A PDF carrying the anchor line the way a signed document prints it."""
    async def take():
        db = Database(load_settings(env))
        try:
            async with db.session() as s:
                a = await anchors.document_anchor(s, chain)
                await s.commit()
                return a
        finally:
            await db.close()

    anchor = asyncio.run(take())
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(pymupdf.Rect(40, 700, 560, 800), anchors.anchor_line(anchor), fontsize=7, fontname="china-s")
    path = tmp_path / "report.pdf"
    doc.save(path)
    assert anchors.anchors_in_pdf(path)[0].key() == anchor.key()
    return path, anchor


def test_truncation_with_a_rewritten_head_is_caught_by_the_anchors(tmp_path):
    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    assert run(["demo", "--no-drawings"], env).returncode == 0
    _more_entries(env)
    anchored = run(["audit", "anchor"], env)
    assert anchored.returncode == 0, anchored.stderr
    export = tmp_path / "audit-anchors.jsonl"
    assert export.exists() and len(anchors.read_export(export)) >= 2
    db = sqlite3.connect(tmp_path / "drawreview.sqlite3")
    chain = _biggest_project_chain(db)
    pdf, anchor = _document_with_anchor(tmp_path, env, chain)
    good = run(["audit", "verify", "--document", str(pdf)], env)
    assert good.returncode == 0 and "anchors" in good.stdout, good.stderr
    # cut the chain's last two entries and rewrite its head row to the new last entry
    ids = [i for (i,) in db.execute("select id from audit_entry where project_id = ? order by id", (chain,))]
    assert len(ids) >= 3
    keep = ids[-3]
    db.execute("delete from audit_entry where project_id = ? and id > ?", (chain, keep))
    new_hash = db.execute("select hash from audit_entry where id = ?", (keep,)).fetchone()[0]
    db.execute("update audit_head set last_id = ?, last_hash = ? where id = ?", (keep, new_hash, chain))
    db.commit()
    export.rename(tmp_path / "kept-elsewhere.jsonl")
    assert run(["audit", "verify"], env).returncode == 0  # the chain alone cannot tell
    by_export = run(["audit", "verify", "--anchors", str(tmp_path / "kept-elsewhere.jsonl")], env)
    assert by_export.returncode == 1 and f"chain {chain}" in by_export.stderr and "truncated" in by_export.stderr
    by_document = run(["audit", "verify", "--document", str(pdf)], env)
    assert by_document.returncode == 1 and "report.pdf" in by_document.stderr


def test_a_deleted_chain_is_caught_by_the_export(tmp_path):
    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    assert run(["demo", "--no-drawings"], env).returncode == 0
    assert run(["audit", "anchor"], env).returncode == 0
    db = sqlite3.connect(tmp_path / "drawreview.sqlite3")
    chain = _biggest_project_chain(db)
    db.execute("delete from audit_entry where project_id = ?", (chain,))
    db.execute("delete from audit_head where id = ?", (chain,))
    db.commit()
    export = tmp_path / "audit-anchors.jsonl"
    export.rename(tmp_path / "offsite.jsonl")
    assert run(["audit", "verify"], env).returncode == 0
    bad = run(["audit", "verify", "--anchors", str(tmp_path / "offsite.jsonl")], env)
    assert bad.returncode == 1 and f"chain {chain}: has 0 entries" in bad.stderr


def test_a_replaced_anchored_entry_is_named(tmp_path):
    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    assert run(["demo", "--no-drawings"], env).returncode == 0
    assert run(["audit", "anchor"], env).returncode == 0
    export = tmp_path / "audit-anchors.jsonl"
    lines = export.read_text().splitlines()
    # an export line whose head does not match the chain (someone rebuilt the chain)
    forged = lines[-1].replace('"head": "', '"head": "f' ).replace('", "at"', '", "at"')
    forged = forged[:forged.index('"head": "') + 9] + "0" * 64 + forged[forged.index('"head": "') + 9 + 65:]
    (tmp_path / "forged.jsonl").write_text(forged + "\n")
    bad = run(["audit", "verify", "--anchors", str(tmp_path / "forged.jsonl")], env)
    assert bad.returncode == 1 and "does not match the anchor" in bad.stderr


def test_the_periodic_job_appends_only_moved_heads(tmp_path):
    """jobs_workflow.anchor_audit (hourly: in-process embedded, arq cron scaled) keeps the
    export growing with the chains; a chain that did not move is not written again."""
    from drawreview.jobs import workflow as jobs_workflow

    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    assert run(["demo", "--no-drawings"], env).returncode == 0
    settings = load_settings(env)

    ctx = {"settings": settings}

    async def sweep(times: int) -> list[int]:
        ctx["db"] = Database(settings)
        try:
            return [await jobs_workflow.anchor_audit(ctx) for _ in range(times)]
        finally:
            await ctx["db"].close()

    first, again = asyncio.run(sweep(2))
    _more_entries(env, 1)
    (moved,) = asyncio.run(sweep(1))
    assert first >= 2 and again == 0 and moved == 1
    assert len(anchors.read_export(anchors.export_path(settings))) == first + 1
    assert run(["audit", "verify"], env).returncode == 0
