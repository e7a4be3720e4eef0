"""Demo review round: the demo project gets real drawings and a review in progress.

Drives drawreview's own HTTP API in-process (the same endpoints the browser and scripts use):
the designer uploads a generated Chinese drawing set (site plan, floor plans, roof plan,
civil-defence basement), it is processed, submitted and accepted by the window (with listed
missing items, 容缺受理), and reviewers of several disciplines mark up the sheets with a reply
thread. Idempotent and resumable: each step checks the state first, and writes carry fixed
client ids, so running it again changes nothing.
"""

from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from ..settings import Settings

# sheet-number prefix -> (reviewer, markup kind, geometry as fractions of the sheet, severity, clause, text)
MARKUPS = [
    ("总图", "planning", "rect", [[0.30, 0.30], [0.55, 0.50]], "general", "规划设计条件 第3条",
     "建筑退让道路红线距离不足，请按规划设计条件核对。"),
    ("总图", "fire", "cloud", [[0.55, 0.35], [0.75, 0.55]], "mandatory", "GB 50016-2014 5.2.2",
     "两栋高层住宅之间防火间距不足 13 m，请调整总图布置。"),
    ("建施", "fire", "cloud", [[0.35, 0.40], [0.60, 0.60]], "mandatory", "GB 50016-2014 5.5.17",
     "疏散距离超过规范限值，请增设安全出口或调整房间布置。"),
    ("人防", "civil_defence", "pin", [[0.45, 0.45]], "mandatory", "GB 50038-2005 3.3.1",
     "防护单元应设不少于两个出入口，其中至少一个为室外出入口。"),
    ("防雷", "lightning", "arrow", [[0.30, 0.30], [0.45, 0.42]], "general", "GB 50057-2010 4.3.1",
     "屋面接闪网格尺寸请按二类防雷建筑核对（不大于 10 m × 10 m）。"),
]
REPLIES = [("designer", "已调整两栋楼间距至 13.5 m，见修改版总图。"), ("fire", "请同时复核消防车道转弯半径。")]


class DemoError(RuntimeError):
    pass


def _data(r) -> dict | list:
    body = r.json()
    if not body.get("ok"):
        raise DemoError(f"{r.request.method} {r.request.url.path}: {body.get('error')}")
    return body["data"]


def populate(settings: Settings, demo: dict, timeout_s: float = 600) -> dict:
    import warnings

    with warnings.catch_warnings():
        # the in-process client's transport notice (httpx vs httpx2; Starlette ≥ 1.x warns with
        # its own UserWarning subclass) is not the newcomer's business: ``make demo`` prints it
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message=r".*starlette\.testclient.*")
        from starlette.testclient import TestClient

    from ..app import create_app
    from .drawings import generate_demo_set

    tokens = {a["username"]: a["token"] for a in demo["accounts"]}

    def h(user: str) -> dict:
        return {"Authorization": f"Bearer {tokens[user]}"}

    pid = demo["project_id"]
    with TestClient(create_app(settings.with_(jobs_inline=True)), base_url=settings.base_url) as c:
        # every step is resumable: an interrupted demo run continues where it stopped
        subs = _data(c.get(f"/api/projects/{pid}/submissions", headers=h("designer")))
        sub = subs[-1] if subs else _data(c.post(f"/api/projects/{pid}/submissions", json={}, headers=h("designer")))
        state = _data(c.get(f"/api/submissions/{sub['id']}", headers=h("designer")))
        if state["state"] == "draft":
            if not state["files"]:
                with tempfile.TemporaryDirectory() as tmp:
                    for path in generate_demo_set(Path(tmp)):
                        files = {"file": (path.name, path.read_bytes(), "application/dxf")}
                        _data(c.post(f"/api/submissions/{sub['id']}/files", files=files, headers=h("designer")))
            _wait_processed(c, sub["id"], h("designer"), timeout_s)
            _data(c.post(f"/api/submissions/{sub['id']}/submit", headers=h("designer")))
            state = _data(c.get(f"/api/submissions/{sub['id']}", headers=h("designer")))
        if state["state"] == "submitted":
            check = _data(c.get(f"/api/submissions/{sub['id']}/completeness", headers=h("window")))
            body = {"missing_items": check["missing"],
                    "deficiency_deadline": (date.today() + timedelta(days=10)).isoformat()} if check["missing"] else {}
            _data(c.post(f"/api/submissions/{sub['id']}/accept", json=body, headers=h("window")))
        sheets = _data(c.get(f"/api/submissions/{sub['id']}/sheets", headers=h("window")))
        created = []
        for n, (prefix, user, kind, frac, severity, clause, text) in enumerate(MARKUPS):
            sheet = next((s for s in sheets if (s.get("number") or "").startswith(prefix)), None)
            if sheet is None:
                continue
            points = [[round(x * sheet["width"], 1), round(y * sheet["height"], 1)] for x, y in frac]
            ann = _data(c.post(f"/api/sheets/{sheet['id']}/annotations", headers=h(user), json={
                "client_id": f"demo-markup-{n}", "kind": kind, "geometry": {"points": points},
                "severity": severity, "clause": clause, "body": text}))
            created.append(ann["annotation"]["id"])
        if len(created) > 1:
            for n, (user, text) in enumerate(REPLIES):
                _data(c.post(f"/api/annotations/{created[1]}/comments", headers=h(user),
                             json={"client_id": f"demo-reply-{n}", "body": text}))
        return {"submission_id": sub["id"], "sheets": len(sheets), "annotations": len(created)}


def _wait_processed(c, submission_id: int, headers: dict, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        files = _data(c.get(f"/api/submissions/{submission_id}", headers=headers))["files"]
        if all(f["state"] in {"ready", "failed"} for f in files):
            return
        if time.monotonic() > deadline:
            raise DemoError("demo drawings were not processed in time")
        time.sleep(0.5)
