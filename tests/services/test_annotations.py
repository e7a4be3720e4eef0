"""Annotation and finding services against the real databases (SQLite and PostgreSQL + Redis):
idempotency (also under a race), versions, status rules, the audit trail, and the
``check_sheet`` job on a real DXF drawing."""

from __future__ import annotations

import asyncio
import uuid
from functools import partial

import pytest
from sqlmodel import func, select

from drawreview.app import build_context
from drawreview.errors import Conflict, InvalidTransition, PermissionDenied, ValidationFailed
from drawreview.jobs.findings import check_sheet
from drawreview.models import Annotation, AuditEntry, ClientWrite, ProjectEvent, RuleFinding, User
from drawreview.samples.site import site_plan
from drawreview.services import annotation_views, annotations, audit, findings, markups
from drawreview.demo.accounts import principal_for
from tests.statements import watch_statements
from tests.web.matrix.annotations import create_review_world

PIN = {"kind": "pin", "geometry": {"points": [[10, 20]]}, "body": "意见"}


@pytest.fixture(scope="module")
def dxf(tmp_path_factory):
    return site_plan(tmp_path_factory.mktemp("dxf") / "site.dxf", {"FR-01", "PL-01", "PL-02"})


@pytest.fixture(scope="module")
def world(stack, dxf):
    return create_review_world(stack, dxf=dxf)


@pytest.fixture
async def ctx(stack):
    c = build_context(stack.settings)
    await c["broadcast"].connect()
    await c["queue"].start(c)
    async with c["db"].session() as s:
        users = {u.username: u.id for u in (await s.exec(select(User))).all()}
    c["who"] = lambda name: principal_for(stack.account(name), users[name])
    try:
        yield c
    finally:
        await c["queue"].stop()
        await c["broadcast"].disconnect()
        await c["limiter"].close()
        await c["db"].close()


def cid() -> str:
    return uuid.uuid4().hex


async def call(ctx, fn, who, *args):
    async with ctx["db"].session() as s:
        return await fn(s, ctx["broadcast"], ctx["who"](who), *args)


async def count(ctx, stmt) -> int:
    async with ctx["db"].session() as s:
        return (await s.exec(stmt)).one()


async def test_create_is_idempotent_and_audited(ctx, world):
    key = cid()
    first = await call(ctx, annotations.create, "fire", world["sheet_id"], {"client_id": key, **PIN})
    again = await call(ctx, annotations.create, "fire", world["sheet_id"], {"client_id": key, **PIN})
    assert again.replay and again.payload() == first.payload()
    assert first.data["annotation"]["discipline"] == "fire" and first.data["annotation"]["status"] == "open"
    assert await count(ctx, select(func.count()).select_from(Annotation).where(Annotation.client_id == key)) == 1
    assert await count(ctx, select(func.count()).select_from(ProjectEvent).where(
        ProjectEvent.project_id == world["project_id"], ProjectEvent.seq == first.seq)) == 1
    n_audit = await count(ctx, select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "annotation.create", AuditEntry.object_id == str(first.data["annotation"]["id"])))
    assert n_audit == 1
    async with ctx["db"].session() as s:
        assert (await audit.verify(s)).ok


@pytest.fixture
def headless_world(stack, dxf):
    return create_review_world(stack, dxf=dxf)  # made without any audit entry: no chain head yet


async def test_a_create_in_one_statement_names_its_new_id_everywhere(ctx, headless_world):
    """The create's id is only known after its one statement: the answer, the logged and the live
    event, the audit entry (and its hash) and the stored replay all carry the real id. A
    project whose audit chain has no head yet (a new world has no audit entry) writes its first
    markup in an ordinary transaction, nothing written twice; the next one in one statement."""
    world = headless_world
    made, statements = [], []
    async with ctx["broadcast"].subscribe(f"project:{world['project_id']}") as sub:
        for _ in range(2):
            key = cid()
            with watch_statements(ctx["db"].engine) as seen:
                made.append((key, await call(ctx, partial(annotations.create, checked_project=world["project_id"]),
                                             "fire", world["sheet_id"], {"client_id": key, **PIN, "body": key})))
            statements.append(seen)
        live = [await asyncio.wait_for(sub.__anext__(), 5) for _ in range(2)]
    if ctx["db"].engine.dialect.name == "postgresql":  # first: the one statement wrote nothing, then a transaction
        first = [q for q in statements[0] if not q.startswith("select submission.project_id")]  # the sheet's project
        assert first[0].startswith("with s as") and any("audit_head" in q for q in first[1:]), first
        assert len(statements[1]) == 1 and "insert into annotation" in statements[1][0], statements[1]
    async with ctx["db"].session() as s:
        for (key, result), msg in zip(made, live):
            row = (await s.exec(select(Annotation).where(Annotation.client_id == key))).one()
            assert result.data["annotation"]["id"] == row.id and result.data["annotation"]["body"] == key
            assert msg["annotation"]["id"] == row.id and msg["seq"] == result.seq
            logged = (await s.exec(select(ProjectEvent).where(ProjectEvent.project_id == world["project_id"],
                                                              ProjectEvent.seq == result.seq))).one()
            assert logged.payload["annotation"]["id"] == row.id and logged.payload["client_id"] == key
            stored = (await s.exec(select(ClientWrite).where(ClientWrite.client_id == key))).one()
            assert stored.result["annotation"]["id"] == row.id and stored.seq == result.seq
            entries = (await s.exec(select(AuditEntry).where(AuditEntry.project_id == world["project_id"],
                                                             AuditEntry.object_id == str(row.id)))).all()
            assert [e.action for e in entries] == ["annotation.create"]
        assert made[1][1].seq == made[0][1].seq + 1
        assert (await audit.verify(s)).ok
    again = await call(ctx, annotations.create, "fire", world["sheet_id"], {"client_id": made[1][0], **PIN,
                                                                            "body": made[1][0]})
    assert again.replay and again.payload() == made[1][1].payload()


async def test_a_write_takes_each_lock_once_and_the_chain_holds(ctx, world, stack):
    """A markup create is its row plus its journal (event, audit entry, idempotency record): one
    statement on PostgreSQL (an edit: load, compare-and-set, journal), the journal one statement taking the project row and then the
    audit head (services/journal.py); on SQLite the event locks the project row and the audit
    entry after it does not lock it again. A second entry in one transaction reuses the head it
    already holds (services/txlocks.py). Each chain verifies afterwards."""
    async with ctx["db"].session() as s:  # the chain's head row exists (made by its first entry)
        await audit.record(s, "system", "test.first", "project", world["project_id"], world["project_id"], {})
        await s.commit()
    engine = ctx["db"].engine.sync_engine
    mine = {"checked_project": world["project_id"]}  # as on a websocket: the connection checked the project
    async with ctx["db"].session() as s:
        await annotation_views.project_of_sheet(s, world["sheet_id"])  # remembered from the connection's first write
    with watch_statements(engine) as statements:
        made = await call(ctx, partial(annotations.create, **mine), "fire", world["sheet_id"], {"client_id": cid(), **PIN})
        write = list(statements)
        edited = await call(ctx, partial(annotations.edit, **mine), "fire", made.data["annotation"]["id"],
                            {"client_id": cid(), "version": 1, "body": "改"})
        edit = statements[len(write):]
        del statements[:]
        async with ctx["db"].session() as s:  # two entries in one transaction
            for n in range(2):
                await audit.record(s, "system", "test.twice", "annotation", n, world["project_id"], {})
            await s.commit()
    assert edited.data["annotation"]["version"] == 2 and edited.seq == made.seq + 1
    if stack.mode == "scaled":
        # the row and its journal: one statement, run on its own (no BEGIN/COMMIT round trips)
        assert len(write) == 1 and write[0].startswith("with s as ( update project"), write
        assert "insert into annotation" in write[0] and "for update of audit_head" in write[0]
        assert len(edit) == 3, edit  # the markup with its author's name, the compare-and-set, the journal
    else:
        assert len([q for q in write if q.startswith("update project ")]) == 1, write
        assert len([q for q in write if q.startswith("update audit_head") and "returning" in q]) == 1, write
    project_locks = [q for q in statements if q.startswith("update project ")]
    head_locks = [q for q in statements if q.startswith("update audit_head") and "returning" in q]
    assert len(project_locks) == 1 and len(head_locks) == 1, [q[:70] for q in statements if q.startswith("update")]
    async with ctx["db"].session() as s:
        assert (await audit.verify(s)).ok
        entries = (await s.exec(select(AuditEntry).where(AuditEntry.project_id == world["project_id"])
                                .order_by(AuditEntry.id))).all()
        assert [e.action for e in entries[-4:]] == ["annotation.create", "annotation.update", "test.twice",
                                                    "test.twice"]
        assert entries[-4].object_id == str(made.data["annotation"]["id"])


async def test_racing_copies_of_one_write_make_one_row(ctx, world):
    key = cid()
    results = await asyncio.gather(*[call(ctx, annotations.create, "planning", world["sheet_id"],
                                          {"client_id": key, **PIN}) for _ in range(4)])
    assert len({r.data["annotation"]["id"] for r in results}) == 1
    assert len({r.seq for r in results}) == 1
    assert await count(ctx, select(func.count()).select_from(ClientWrite).where(ClientWrite.client_id == key)) == 1


async def test_stale_version_is_a_conflict_never_an_overwrite(ctx, world):
    made = (await call(ctx, annotations.create, "fire", world["sheet_id"], {"client_id": cid(), **PIN})).data
    aid = made["annotation"]["id"]
    ok = await call(ctx, annotations.edit, "fire", aid, {"version": 1, "body": "第一"})
    assert ok.data["annotation"]["version"] == 2
    with pytest.raises(Conflict) as info:
        await call(ctx, annotations.edit, "fire", aid, {"version": 1, "body": "第二"})
    assert info.value.details["version"] == 2 and info.value.details["annotation"]["body"] == "第一"
    with pytest.raises(Conflict):
        await call(ctx, annotations.delete, "fire", aid, {"version": 1})
    # the refusal names who made the change that came first, and how: here the design institute
    # marking it answered, not the markup's author (decision 149)
    await call(ctx, annotations.set_status, "designer", aid, {"version": 2, "status": "answered"})
    designer = ctx["who"]("designer").display_name
    with pytest.raises(Conflict) as info:
        await call(ctx, annotations.edit, "fire", aid, {"version": 2, "body": "第三"})
    assert (info.value.details["changed_by"], info.value.details["change"]) == (designer, "annotation.status")
    with pytest.raises(Conflict) as info:  # a status move that is no move from the state it is in now
        await call(ctx, annotations.set_status, "designer", aid, {"version": 2, "status": "answered"})
    assert info.value.details["changed_by"] == designer and info.value.details["annotation"]["status"] == "answered"


async def test_discipline_and_role_rules(ctx, world):
    aid = (await call(ctx, annotations.create, "fire", world["sheet_id"], {"client_id": cid(), **PIN})).data[
        "annotation"]["id"]
    for who in ("planning", "designer", "window", "builder"):
        with pytest.raises(PermissionDenied):
            await call(ctx, annotations.edit, who, aid, {"version": 1, "body": "x"})
    for who in ("planning", "designer"):  # any reviewer of the project and the designer reply
        await call(ctx, annotations.add_comment, who, aid, {"client_id": cid(), "body": "回复"})
    for who in ("window", "builder"):
        with pytest.raises(PermissionDenied):
            await call(ctx, annotations.add_comment, who, aid, {"client_id": cid(), "body": "回复"})
    for who in ("designer", "window", "builder"):
        with pytest.raises(PermissionDenied):
            await call(ctx, annotations.create, who, world["sheet_id"], {"client_id": cid(), **PIN})


async def test_status_open_answered_closed_and_reopen(ctx, world):
    aid = (await call(ctx, annotations.create, "fire", world["sheet_id"], {"client_id": cid(), **PIN})).data[
        "annotation"]["id"]
    r = await call(ctx, annotations.set_status, "designer", aid, {"version": 1, "status": "answered"})
    assert r.data["annotation"]["status"] == "answered"
    with pytest.raises(PermissionDenied):  # only the reviewer closes
        await call(ctx, annotations.set_status, "designer", aid, {"version": 2, "status": "closed"})
    with pytest.raises(PermissionDenied):  # and only of the markup's discipline
        await call(ctx, annotations.set_status, "planning", aid, {"version": 2, "status": "closed"})
    await call(ctx, annotations.set_status, "fire", aid, {"version": 2, "status": "closed"})
    with pytest.raises(InvalidTransition):
        await call(ctx, annotations.set_status, "fire", aid, {"version": 3, "status": "answered"})
    r = await call(ctx, annotations.set_status, "fire", aid, {"version": 3, "status": "open"})  # reopen
    assert r.data["annotation"]["status"] == "open" and r.data["annotation"]["version"] == 4


@pytest.mark.parametrize("kind,geometry,ok", [
    ("pin", {"points": [[1, 2]]}, True),
    ("pin", {"points": [[1, 2], [3, 4]]}, False),
    ("rect", {"points": [[1, 2], [3, 4]]}, True),
    ("cloud", {"points": [[1, 2], [3, 4], [5, 1]]}, True),
    ("arrow", {"points": [[1, 2]]}, False),
    ("polyline", {"points": [[0, 0], [1, 1], [2, 0]]}, True),
    ("text", {"points": [[1, 2]]}, False),
    ("text", {"points": [[1, 2]], "text": "此处缺少疏散指示"}, True),
    ("rect", {"points": [[1, 2], [3, float("nan")]]}, False),
    ("rect", {"points": [[1, True], [3, 4]]}, False),
])
def test_geometry_per_kind(kind, geometry, ok):
    if ok:
        assert markups.clean_geometry(kind, geometry)["points"]
    else:
        with pytest.raises(ValidationFailed):
            markups.clean_geometry(kind, geometry)


async def test_check_sheet_stores_findings_idempotently_and_keeps_decisions(ctx, world):
    first = await check_sheet(ctx, world["sheet_id"])
    assert first["total"] > 0
    rows = await findings_of(ctx, world["sheet_id"])
    again = await check_sheet(ctx, world["sheet_id"])
    assert again == {**first, "added": 0, "removed": 0}
    assert [r.id for r in await findings_of(ctx, world["sheet_id"])] == [r.id for r in rows]
    fire = [r for r in rows if r.discipline == "fire"]
    planning = [r for r in rows if r.discipline == "planning"]
    assert fire and planning
    # confirm: a markup of the confirming reviewer, linked to the finding, on the sheet
    with pytest.raises(PermissionDenied):
        await call(ctx, findings.confirm, "planning", fire[0].id, {})
    c1 = await call(ctx, findings.confirm, "fire", fire[0].id, {})
    c2 = await call(ctx, findings.confirm, "fire", fire[0].id, {})
    ann = c1.data["annotation"]
    assert ann["finding_id"] == fire[0].id and ann["automatic"] is False and ann["discipline"] == "fire"
    assert ann["severity"] == "mandatory" and "5.2.2" in ann["clause"] and ann["kind"] == "cloud"
    (x0, y0), (x1, y1) = ann["geometry"]["points"]
    assert 0 <= x0 < x1 and 0 <= y0 < y1
    assert c2.data["annotation"]["id"] == ann["id"]
    with pytest.raises(ValidationFailed):
        await call(ctx, findings.dismiss, "planning", planning[0].id, {"reason": " "})
    d = await call(ctx, findings.dismiss, "planning", planning[0].id, {"reason": "已按规划条件复核，不适用"})
    assert d.data["finding"]["state"] == "dismissed"
    with pytest.raises(InvalidTransition):
        await call(ctx, findings.confirm, "planning", planning[0].id, {})
    third = await check_sheet(ctx, world["sheet_id"])
    assert third["total"] == first["total"] and third["added"] == 0
    states = {r.id: r.state for r in await findings_of(ctx, world["sheet_id"])}
    assert states[fire[0].id] == "confirmed" and states[planning[0].id] == "dismissed"
    async with ctx["db"].session() as s:
        listed = await findings.list_for_sheet(s, ctx["who"]("fire"), world["sheet_id"])
        outside = await findings.list_for_sheet(s, ctx["who"]("builder"), world["sheet_id"])
    assert {f["id"] for f in listed} == set(states) and all(f["rect"] for f in listed if f["data"].get("bbox"))
    # the construction unit sees only what a reviewer confirmed (undecided and dismissed stay internal)
    confirmed = {i for i, state in states.items() if state == "confirmed"}
    assert fire[0].id in confirmed and {f["id"] for f in outside} == confirmed


async def test_check_sheet_per_sheet_of_a_file(ctx, world):
    result = await check_sheet(ctx, world["other_sheet_id"])  # same file, same page box: same findings
    assert result["total"] == (await check_sheet(ctx, world["sheet_id"]))["total"]
    assert (await check_sheet(ctx, 99999999))["skipped"]


async def findings_of(ctx, sheet_id):
    async with ctx["db"].session() as s:
        return list((await s.exec(select(RuleFinding).where(RuleFinding.sheet_id == sheet_id)
                                  .order_by(RuleFinding.id))).all())
