"""Permission rows for the joint-review workflow (reviews, tasks, notifications, webhooks,
progress, statistics, ratings).

``{submission_id}`` is the drawings area's submission of the demo project (shared key): the
rows that act on it put it ``in_review`` first, so the roles allowed to act get past the
permission check and are refused by the state machine (409) without creating review tasks on
the demo project (which would let reviewers see it). The 200 paths of those actions are in
tests/web/test_reviews_api.py. ``{task_id}`` is the fire task of a project of its own,
reset before every request so each role meets the same state.
"""

from __future__ import annotations

from sqlalchemy import update

from tests.services.reviews_world import new_project, new_submission, run

from . import REVIEWERS, expect

SEEN_BY_DEMO = {"other_designer": 404, **{r: 404 for r in REVIEWERS}}
DEMO_VISIBLE = expect(200, **SEEN_BY_DEMO)
WINDOW_ONLY_DEMO = expect(403, window=200, **SEEN_BY_DEMO)
WINDOW_REFUSED_BY_STATE = expect(403, window=409, **SEEN_BY_DEMO)
DESIGNER_REFUSED_BY_STATE = expect(403, designer=409, **SEEN_BY_DEMO)
# on the workflow project every discipline but meteorology has a task, so reviewers see it
TASK_SEEN = {"other_designer": 404, "meteorology": 404}
FIRE_ONLY = expect(403, fire=200, **TASK_SEEN)
WINDOW_ONLY_TASK = expect(403, window=200, **TASK_SEEN)
ALL = expect(200)
ORG_MANAGERS = expect(403, window=200, designer=200, builder=200, other_designer=200)


def _force_submission(stack, world, state: str | None = None):
    from drawreview.models import Submission
    from drawreview.storage import make_storage

    sha = make_storage(stack.settings).put_bytes(b"%PDF-1.4\n% matrix placeholder\n%%EOF\n").sha256

    async def go(s):
        values = {"receipt_sha256": sha, "report_sha256": sha}
        if state:
            values.update(state=state, deficiencies=[])
        await s.exec(update(Submission).where(Submission.id == world["submission_id"]).values(**values))

    run(stack, go)
    return {}


def _force_task(stack, world, state: str, paused: bool = False):
    from drawreview.models import ReviewTask

    async def go(s):
        pauses = [["2025-03-04T01:00:00+00:00", None]] if paused else []
        await s.exec(update(ReviewTask).where(ReviewTask.id == world["task_id"]).values(
            state=state, reviewer_id=world["fire_id"], pauses=pauses, conclusion=None))

    run(stack, go)


def _on_submission(state=None, **kw):
    return lambda s, w: {**_force_submission(s, w, state), **kw}


def _task(state, paused=False, **kw):
    def build(s, w):
        _force_task(s, w, state, paused)
        return kw
    return build


def _progress_query(s, w):
    w["reset_limit"](f"progress:case:{w['case']}")  # 10 queries per case an hour: fewer than the roles
    return {"params": {"case": w["case"], "code": w["code"]}}


def _period_body(s, w):
    """Normal again before each request, so the window's change to complex goes through every time."""
    from drawreview.models import Project

    async def go(session):
        await session.exec(update(Project).where(Project.id == w["project_id"]).values(complexity="normal"))
    run(s, go)
    return {"json": {"complexity": "complex", "reason": "权限矩阵"}}


ROWS = {
    ("POST", "/api/submissions/{submission_id}/submit"): (_on_submission("in_review"), DESIGNER_REFUSED_BY_STATE),
    ("GET", "/api/submissions/{submission_id}/review"): (_on_submission(), DEMO_VISIBLE),
    # the window before accepting, the project's design institute before submitting
    ("GET", "/api/submissions/{submission_id}/completeness"): (_on_submission(), expect(403, window=200, designer=200,
                                                                                         **SEEN_BY_DEMO)),
    ("POST", "/api/submissions/{submission_id}/accept"): (_on_submission("in_review", json={}), WINDOW_REFUSED_BY_STATE),
    ("POST", "/api/submissions/{submission_id}/return"): (_on_submission("in_review", json={"reasons": ["缺图"]}),
                                                          WINDOW_REFUSED_BY_STATE),
    ("POST", "/api/submissions/{submission_id}/deficiencies"): (_on_submission("in_review", json={"items": ["x"]}),
                                                                WINDOW_REFUSED_BY_STATE),
    # nothing missing: the window is refused by the state (409 no_deficiencies), others by permission
    ("POST", "/api/submissions/{submission_id}/deficiencies/return"): (
        _on_submission("in_review", json={"reason": "逾期"}), WINDOW_REFUSED_BY_STATE),
    ("POST", "/api/submissions/{submission_id}/deficiencies/extend"): (
        _on_submission("in_review", json={"deadline": "2099-01-01", "reason": "延期"}), WINDOW_REFUSED_BY_STATE),
    ("GET", "/api/submissions/{submission_id}/receipt.pdf"): (_on_submission(), DEMO_VISIBLE),
    ("POST", "/api/submissions/{submission_id}/report"): (_on_submission("in_review"), WINDOW_REFUSED_BY_STATE),
    ("GET", "/api/submissions/{submission_id}/report.pdf"): (_on_submission(), DEMO_VISIBLE),
    ("GET", "/api/submissions/{submission_id}/comments"): (_on_submission(), DEMO_VISIBLE),
    # the window's look before signing: the refusal in the answer, or (pictures, PDF) a 409
    ("GET", "/api/submissions/{submission_id}/report/preview"): (_on_submission("in_review"), WINDOW_ONLY_DEMO),
    ("GET", "/api/submissions/{submission_id}/report/preview.pdf"): (_on_submission("in_review"), WINDOW_REFUSED_BY_STATE),
    ("GET", "/api/submissions/{submission_id}/report/preview/{page}.png"): (_on_submission("in_review"),
                                                                            WINDOW_REFUSED_BY_STATE),
    ("GET", "/api/tasks"): (lambda s, w: {}, expect(403, window=200, **{r: 200 for r in REVIEWERS})),
    ("POST", "/api/tasks/{task_id}/assign"): (lambda s, w: {**_task("in_progress")(s, w), "json": {"reviewer_id": w["fire_id"]}},
                                              WINDOW_ONLY_TASK),
    ("POST", "/api/tasks/{task_id}/start"): (_task("pending"), FIRE_ONLY),
    ("POST", "/api/tasks/{task_id}/pause"): (_task("in_progress", json={"reason": "补充说明"}), FIRE_ONLY),
    ("POST", "/api/tasks/{task_id}/resume"): (_task("paused", paused=True), expect(403, window=200, designer=200,
                                                                                   **TASK_SEEN)),
    ("POST", "/api/tasks/{task_id}/conclude"): (_task("in_progress", json={"conclusion": "approved"}), FIRE_ONLY),
    ("GET", "/api/notifications"): (lambda s, w: {}, ALL),
    ("GET", "/api/notifications/unread_count"): (lambda s, w: {}, ALL),
    ("POST", "/api/notifications/read"): (lambda s, w: {"json": {}}, ALL),
    ("GET", "/api/webhooks"): (lambda s, w: {}, ORG_MANAGERS),
    ("POST", "/api/webhooks"): (lambda s, w: {"json": {"url": "http://1.1.1.1:9/hook", "events": ["report.issued"]}},
                                ORG_MANAGERS),
    ("DELETE", "/api/webhooks/{webhook_id}"): (lambda s, w: {}, expect(403, window=200, designer=404, builder=404,
                                                                       other_designer=404)),
    ("GET", "/api/progress"): (_progress_query, {**ALL, "anonymous": 200}),
    ("GET", "/api/stats"): (lambda s, w: {"params": {"from": "2020-01-01"}}, expect(403, window=200)),
    ("GET", "/api/stats.csv"): (lambda s, w: {}, expect(403, window=200)),
    # the window only (the demo project is in its first round: the change goes through)
    ("POST", "/api/projects/{project_id}/review-period"): (_period_body, WINDOW_ONLY_DEMO),
    # the demo project is not complete yet: its institute and construction unit are refused by state
    ("POST", "/api/projects/{project_id}/ratings"): (lambda s, w: {"json": {"score": 5, "text": "高效"}},
                                                     expect(403, designer=409, builder=409, **SEEN_BY_DEMO)),
}


def prepare(stack, client, world):
    world["page"] = 1  # the preview's first page
    async def make(s):
        project = await new_project(s, stack, name="权限矩阵-联审流程")
        sub = await new_submission(s, project)
        return project.id, sub.id

    project_id, sub_id = run(stack, make)
    designer, window = stack.token_headers("designer"), stack.token_headers("window")
    assert client.post(f"/api/submissions/{sub_id}/submit", headers=designer).status_code == 200
    r = client.post(f"/api/submissions/{sub_id}/accept", headers=window, json={})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    fire = next(t for t in data["tasks"] if t["discipline"] == "fire")
    hook = client.post("/api/webhooks", headers=window, json={"url": "http://1.1.1.1:9/matrix"}).json()["data"]
    world.update(task_id=fire["id"], fire_id=fire["reviewer_id"], wf_project_id=project_id, webhook_id=hook["id"],
                 case=data["case_number"], code=data["verification_code"])
