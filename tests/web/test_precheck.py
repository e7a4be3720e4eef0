"""Pre-check end to end, in both modes: a designer uploads a two-frame DXF to a draft
submission, processing runs the rule checks per sheet (each sheet gets only its own frame's
findings), the designer reads them before submitting and can run them again
(``POST /api/submissions/{id}/precheck``); a reviewer sees them only once the review started."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import delete, update

from drawreview.samples.floor import floor_params, floor_plan
from tests import drawing_inputs as di

OFFSET = 150_000.0  # mm: the second frame sits 150 m east of the first
BAD = {"FR-12", "FR-13"}


def _two_frames(tmp_path) -> bytes:
    """A clean floor plan (建施-01) and one violating FR-12 and FR-13 (建施-02) in one model space."""
    di.side_by_side(floor_plan(tmp_path / "clean.dxf"),
                    floor_plan(tmp_path / "bad.dxf", BAD, sheet_no="建施-02", title="二层平面图"), OFFSET,
                    tmp_path / "two.dxf")
    return (tmp_path / "two.dxf").read_bytes()


async def _db(stack, fn):
    from drawreview.db import Database

    db = Database(stack.settings)
    try:
        async with db.session() as s:
            out = await fn(s)
            await s.commit()
            return out
    finally:
        await db.close()


def _project(stack) -> int:
    from drawreview.models import Project

    async def make(s):
        orgs = stack.demo["organisations"]
        p = Project(name="自检项目", construction_unit_id=orgs["示范置业有限公司"],
                    design_institute_id=orgs["示范建筑设计研究院有限公司"], params=floor_params())
        s.add(p)
        await s.flush()
        return p.id

    return asyncio.run(_db(stack, make))


def _findings(client, stack, sheet_id: int, who: str = "designer") -> list[dict]:
    r = client.get(f"/api/sheets/{sheet_id}/findings", headers=stack.token_headers(who))
    assert r.status_code == 200, r.text
    return r.json()["data"]


def _wait_findings(client, stack, sheet_id: int, who: str = "designer") -> list[dict]:
    """Findings of the sheet once its check job ran (scaled mode: a burst worker runs it)."""
    deadline = time.monotonic() + 60
    while True:
        if stack.mode == "scaled":
            di.run_queued_jobs(stack)
        got = _findings(client, stack, sheet_id, who)
        if {f["rule_id"] for f in got} & BAD or time.monotonic() > deadline:
            return got
        time.sleep(0.2)


@pytest.fixture(scope="module")
def world(stack, client, tmp_path_factory):
    project_id = _project(stack)
    sid = di.new_submission(client, stack, project_id)
    di.upload(client, stack, sid, [("自检.dxf", _two_frames(tmp_path_factory.mktemp("precheck")))])
    (f,) = di.wait_files(client, stack, sid)
    assert f["state"] == "ready", f
    sheets = client.get(f"/api/submissions/{sid}/sheets", headers=stack.token_headers("designer")).json()["data"]
    assert [s["number"] for s in sheets] == ["建施-01", "建施-02"]
    return {"project_id": project_id, "submission_id": sid, "left": sheets[0]["id"], "right": sheets[1]["id"]}


def test_each_sheet_gets_only_its_own_frames_findings(stack, client, world):
    right = _wait_findings(client, stack, world["right"])
    left = _findings(client, stack, world["left"])
    assert BAD <= {f["rule_id"] for f in right}
    assert left == []  # the clean frame: nothing from its neighbour
    for f in right:
        assert f["sheet_id"] == world["right"]
        if f.get("rect"):  # on the page of its own sheet
            sheet = client.get(f"/api/sheets/{world['right']}", headers=stack.token_headers("designer")).json()["data"]
            (x0, y0), (x1, y1) = f["rect"]
            assert 0 <= x0 <= x1 <= sheet["width"] and 0 <= y0 <= y1 <= sheet["height"]


def test_designer_prechecks_again_before_submitting(stack, client, world):
    from drawreview.models import RuleFinding

    _wait_findings(client, stack, world["right"])
    asyncio.run(_db(stack, lambda s: s.exec(delete(RuleFinding).where(
        RuleFinding.sheet_id.in_([world["left"], world["right"]])))))
    assert _findings(client, stack, world["right"]) == []
    r = client.post(f"/api/submissions/{world['submission_id']}/precheck", headers=stack.token_headers("designer"))
    assert r.status_code == 200, r.text
    assert r.json()["data"]["queued"] == [world["left"], world["right"]]
    assert BAD <= {f["rule_id"] for f in _wait_findings(client, stack, world["right"])}
    assert _findings(client, stack, world["left"]) == []
    # only the designer of the project runs it
    r = client.post(f"/api/submissions/{world['submission_id']}/precheck", headers=stack.token_headers("window"))
    assert r.status_code == 403 and r.json()["error"]["code"] == "permission_denied"


def test_reviewer_sees_findings_once_the_review_started(stack, client, world):
    from drawreview.models import ReviewTask, Submission

    assert BAD <= {f["rule_id"] for f in _wait_findings(client, stack, world["right"])}
    sid = world["submission_id"]

    async def accepted(s):  # the window accepted it: a fire task, not started yet
        await s.exec(update(Submission).where(Submission.id == sid).values(state="accepted"))
        s.add(ReviewTask(submission_id=sid, discipline="fire", state="pending"))

    asyncio.run(_db(stack, accepted))
    assert client.get(f"/api/sheets/{world['right']}", headers=stack.token_headers("fire")).status_code == 200
    assert _findings(client, stack, world["right"], "fire") == []  # the project is visible, findings not yet
    project = client.get(f"/api/projects/{world['project_id']}/findings", headers=stack.token_headers("fire"))
    assert project.status_code == 200 and project.json()["data"] == []
    # the pre-check belongs to the draft: an accepted submission refuses it
    r = client.post(f"/api/submissions/{sid}/precheck", headers=stack.token_headers("designer"))
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_transition"
    assert "提交前" in r.json()["error"]["message"] or r.json()["error"]["details"]["state"] == "accepted"

    asyncio.run(_db(stack, lambda s: s.exec(update(Submission).where(Submission.id == sid)
                                                .values(state="in_review"))))
    seen = _findings(client, stack, world["right"], "fire")
    assert BAD <= {f["rule_id"] for f in seen}
    project = client.get(f"/api/projects/{world['project_id']}/findings", headers=stack.token_headers("fire"))
    assert BAD <= {f["rule_id"] for f in project.json()["data"]}
    # ?discipline= (which the OpenAPI document declared and the endpoint ignored) filters, and a
    # discipline that does not exist is named, not answered with everything
    every = client.get(f"/api/projects/{world['project_id']}/findings", headers=stack.token_headers("window"))
    fire = client.get(f"/api/projects/{world['project_id']}/findings", headers=stack.token_headers("window"),
                      params={"discipline": "fire"})
    assert [f for f in every.json()["data"] if f["discipline"] == "fire"] == fire.json()["data"] != []
    r = client.get(f"/api/projects/{world['project_id']}/findings", headers=stack.token_headers("window"),
                   params={"discipline": "castle"})
    assert r.status_code == 422 and "discipline" in r.json()["error"]["details"], r.text


def test_outside_the_authority_only_confirmed_findings_are_shown(stack, client, world):
    """Once submitted, the design institute and the construction unit see only the findings a
    reviewer confirmed (which are comments they can answer), never undecided ones."""
    from drawreview.models import Submission

    sid, right = world["submission_id"], world["right"]
    asyncio.run(_db(stack, lambda s: s.exec(update(Submission).where(Submission.id == sid).values(state="in_review"))))
    undecided = [f for f in _wait_findings(client, stack, right, "fire") if f["state"] == "new"]
    assert BAD <= {f["rule_id"] for f in undecided}
    for who in ("designer", "builder"):
        assert _findings(client, stack, right, who) == []
        project = client.get(f"/api/projects/{world['project_id']}/findings", headers=stack.token_headers(who))
        assert project.status_code == 200 and project.json()["data"] == []
    chosen = next(f for f in undecided if f["discipline"] == "fire")
    r = client.post(f"/api/findings/{chosen['id']}/confirm", headers=stack.token_headers("fire"), json={})
    assert r.status_code == 200, r.text
    markup = r.json()["data"]["annotation"]
    for who in ("designer", "builder"):
        seen = _findings(client, stack, right, who)
        assert [(f["id"], f["state"]) for f in seen] == [(chosen["id"], "confirmed")]
    anns = client.get(f"/api/projects/{world['project_id']}/annotations", headers=stack.token_headers("designer"))
    assert markup["id"] in {a["id"] for a in anns.json()["data"]}  # a comment the institute can answer
    # a returned submission is the designer's to correct and pre-check again: undecided ones are back
    asyncio.run(_db(stack, lambda s: s.exec(update(Submission).where(Submission.id == sid).values(state="returned"))))
    assert BAD <= {f["rule_id"] for f in _findings(client, stack, right, "designer")}
    assert [f["state"] for f in _findings(client, stack, right, "builder")] == ["confirmed"]
