"""Notifications end to end: the email outbox survives an SMTP outage (a real SMTP server on a
local port, down then up) and webhooks are HMAC-signed and retried with backoff against a
real local HTTP receiver. In-app rows and the unread count are covered too."""

from __future__ import annotations

import asyncio
import json
import socket
import socketserver
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from drawreview.db import Database
from drawreview.models import OutboxEmail, User, Webhook, WebhookDelivery
from drawreview.services import deliveries, notifications, webhooks
from tests.conftest import free_port
from tests.services.reviews_world import new_project, principal


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self) -> None:
        self.reply("220 test-smtp ready")
        mail: dict = {"rcpt": []}
        while True:
            line = self.rfile.readline().decode(errors="replace").rstrip("\r\n")
            if not line:
                return
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test-smtp")
            elif verb == "MAIL":
                mail = {"from": line[10:], "rcpt": []}
                self.reply("250 OK")
            elif verb == "RCPT":
                mail["rcpt"].append(line[8:])
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 end with .")
                data = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data.append(chunk)
                mail["data"] = b"".join(data)
                self.server.messages.append(mail)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 OK")


class SMTPServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int):
        self.messages: list[dict] = []
        super().__init__(("127.0.0.1", port), SMTPHandler)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((body, self.headers.get(webhooks.SIGNATURE_HEADER)))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
async def db(stack):
    database = Database(stack.settings)
    yield database
    await database.close()


def _port_closed(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


async def test_in_app_notifications_and_unread_count(stack, db):
    async with db.session() as session:
        project = await new_project(session, stack)
        designer = await principal(session, "designer")
        before = await notifications.unread_count(session, designer.user_id)
        await notifications.notify(session, project, "comment.added", {"discipline": "fire"})
        await session.commit()
        assert await notifications.unread_count(session, designer.user_id) == before + 1
        latest = (await notifications.list_for(session, designer.user_id, unread_only=True))[0]
        assert latest.type == "comment.added" and "消防" in latest.title_zh and "fire" in latest.title_en
        await notifications.mark_read(session, designer.user_id, [latest.id])
        await session.commit()
        assert await notifications.unread_count(session, designer.user_id) == before


async def test_email_outbox_survives_an_smtp_outage(stack, db):
    port = free_port()
    settings = stack.settings.with_(smtp_host="127.0.0.1", smtp_port=port)
    async with db.session() as session:
        builder = (await session.exec(select(User).where(User.username == "builder"))).one()
        builder.email = "builder@example.test"
        session.add(builder)
        project = await new_project(session, stack, name="外网断开测试项目")
        await notifications.notify(session, project, "report.issued", {"verdict": "approved", "verdict_zh": "通过"})
        await session.commit()
    now = notifications.utcnow()
    assert _port_closed(port)
    result = await deliveries.deliver_emails(db, settings, now=now, timeout=2)  # SMTP is down
    assert result["retry"] == 1 and result["sent"] == 0
    async with db.session() as session:
        email = (await session.exec(select(OutboxEmail).where(OutboxEmail.to_addr == "builder@example.test"))).one()
        assert email.state == "pending" and email.attempts == 1 and email.last_error
        assert notifications.aware(email.next_attempt_at) > now
    assert (await deliveries.deliver_emails(db, settings, now=now, timeout=2))["sent"] == 0  # not due yet
    server = SMTPServer(port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = await deliveries.deliver_emails(db, settings, now=now + timedelta(hours=1), timeout=5)
    finally:
        server.shutdown()
        server.server_close()
    assert result["sent"] == 1
    assert len(server.messages) == 1
    msg = server.messages[0]
    assert "builder@example.test" in msg["rcpt"][0]
    assert "外网断开测试项目".encode() in msg["data"] or b"=?utf-8?" in msg["data"]
    async with db.session() as session:
        email = await session.get(OutboxEmail, email.id)
        assert email.state == "sent" and email.attempts == 2
    # sent once only
    assert (await deliveries.deliver_emails(db, settings, now=now + timedelta(days=1), timeout=2))["sent"] == 0


async def test_webhooks_are_signed_and_retried_with_backoff(stack, db):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.received, server.statuses = [], [503]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = "s3cret-webhook-key-0123456789"
    try:
        async with db.session() as session:
            window = await principal(session, "window")
            hook = Webhook(url=f"http://127.0.0.1:{server.server_port}/hook", secret=secret,
                           events=["submission.accepted"], created_by=window.user_id)
            session.add(hook)
            project = await new_project(session, stack, name="Webhook 测试项目")
            await session.flush()
            await notifications.notify(session, project, "submission.accepted", {"submission_id": 1})
            await notifications.notify(session, project, "comment.added", {"discipline": "fire"})  # not subscribed
            await session.commit()
            hook_id = hook.id
        now = notifications.utcnow()
        first = await deliveries.deliver_webhooks(db, now=now, timeout=5, allow="127.0.0.1/32")
        assert first == {"delivered": 0, "retry": 1, "failed": 0}
        async with db.session() as session:
            row = (await session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id))).one()
            assert row.last_status == 503 and row.attempts == 1
            delay = (notifications.aware(row.next_attempt_at) - now).total_seconds()
            assert 30 * 0.8 - 1 <= delay <= 30 + 1  # first backoff step
        assert (await deliveries.deliver_webhooks(db, now=now, timeout=5, allow="127.0.0.1/32"))["delivered"] == 0  # not due yet
        second = await deliveries.deliver_webhooks(db, now=now + timedelta(minutes=5), timeout=5, allow="127.0.0.1/32")
        assert second["delivered"] == 1
    finally:
        server.shutdown()
        server.server_close()
    assert len(server.received) == 2
    body, header = server.received[-1]
    assert webhooks.verify(body, header, secret, tolerance=0)
    assert not webhooks.is_valid(body, header, "another-secret-xxxxxxxx", tolerance=0)
    payload = json.loads(body)
    assert payload["type"] == "submission.accepted" and payload["project"]["name"] == "Webhook 测试项目"


async def test_webhook_gives_up_after_max_attempts(stack, db):
    port = free_port()  # nothing listens here
    async with db.session() as session:
        window = await principal(session, "window")
        hook = Webhook(url=f"http://127.0.0.1:{port}/", secret="x" * 20, events=["report.issued"], created_by=window.user_id)
        session.add(hook)
        project = await new_project(session, stack)
        await session.flush()
        await notifications.notify(session, project, "report.issued", {})
        await session.commit()
        hook_id = hook.id
    now = notifications.utcnow()
    for k in range(deliveries.MAX_ATTEMPTS):
        await deliveries.deliver_webhooks(db, now=now + timedelta(days=k), timeout=2, allow="127.0.0.1/32")
    async with db.session() as session:
        row = (await session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id))).one()
        assert row.state == "failed" and row.attempts == deliveries.MAX_ATTEMPTS


async def test_workflow_jobs_are_registered_and_run_in_process(stack):
    from drawreview.app import build_context
    from drawreview.jobs import JOBS
    from drawreview.jobs.workflow import cron_jobs, start_periodic, stop_periodic

    assert {"watch_deadlines", "deliver_notifications", "anchor_audit"} <= set(JOBS)
    assert {c.name for c in cron_jobs()} == {"cron:watch_deadlines", "cron:deliver_notifications", "cron:anchor_audit"}
    ctx = build_context(stack.settings)
    await ctx["broadcast"].connect()
    try:
        counts = await JOBS["watch_deadlines"](ctx)
        assert set(counts) == {"yellow", "red", "deficiency_overdue"}
        out = await JOBS["deliver_notifications"](ctx)
        assert set(out) == {"emails", "webhooks"}
        handle = start_periodic(ctx, period_s=0.01)
        import asyncio
        await asyncio.sleep(0.1)
        await stop_periodic(handle)
    finally:
        await ctx["broadcast"].disconnect()
        await ctx["limiter"].close()
        await ctx["db"].close()


async def test_later_writes_at_most_one_batch_a_second_under_a_steady_stream(stack, db, monkeypatch):
    """A markup every millisecond or so for 1.7 s, faster than a batch is written: the designer
    is told once per LATER_S (0.5 s here), merged, not after every few markups (210–302 notices
    before the fix); what came while a batch was written waits for the next period, and
    ``drain`` writes the rest at once."""
    monkeypatch.setattr(notifications, "LATER_S", 0.5)
    async with db.session() as session:
        project = await new_project(session, stack)
        designer = await principal(session, "designer")
        await session.commit()
        before = await notifications.unread_count(session, designer.user_id)
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < 1.7:
        notifications.later(db.engine, project.id, "comment.added", {"discipline": "fire"}, link="/x")
        await asyncio.sleep(0.001)
    await notifications.drain(db.engine)
    async with db.session() as session:
        written = await notifications.unread_count(session, designer.user_id) - before
    # batches at ~0.5, ~1.0, ~1.5 s and the drain's
    assert 3 <= written <= 5


def test_the_english_text_names_the_discipline_in_words():
    """English notifications read "new civil_defence review comment": the code, not a name."""
    from drawreview.models import Project
    from drawreview.services.notifications import _texts

    project = Project(name="示范项目", project_type="building", construction_unit_id=1, design_institute_id=2)
    zh, en = _texts("comment.added", project, {"discipline": "civil_defence"})
    assert zh == "示范项目：人防新增审查意见"
    assert en == "示范项目: new civil air defence review comment"
    zh, en = _texts("task.yellow", project, {"discipline": "fire", "due": "2026-12-14"})
    assert "fire protection review is due soon" in en and "消防审查临期" in zh  # the light's word (light.yellow)


# --- every template: punctuation of its language, and the pages' words -------------------------

SAMPLE = {"reasons": ["缺少人防图纸", "图签不全"], "discipline": "fire", "reason": "补充疏散宽度", "due": "2026-12-14",
          "round": 2, "revision": 3, "verdict": "revision_required", "verdict_zh": "修改后复审", "items": ["节能计算书"],
          "deadline": "2026-12-20", "complexity": "complex", "previous_complexity": "normal", "name": "规划审查 李明"}
CJK_PUNCTUATION = "：；，。、（）“”"


def _sample_texts(type_):
    from drawreview.models import Project
    from drawreview.services.notifications import _texts

    project = Project(name="示范项目", case_number="JS-2026-000001", project_type="building",
                      construction_unit_id=1, design_institute_id=2)
    return _texts(type_, project, SAMPLE)


@pytest.mark.parametrize("type_", list(notifications.MESSAGES))
def test_each_notice_is_punctuated_in_its_own_language(type_):
    """The Chinese "returned" notice read "示范项目 报审材料被退回：…" (no "：" after the name);
    English notices joined the reasons with "、". Each template: "{project}：" / "{project}: ",
    Chinese punctuation only in Chinese, none of it in English (the users' own words aside)."""
    _, zh_t, en_t = notifications.MESSAGES[type_]
    assert zh_t.startswith("{project}：") and en_t.startswith("{project}: ")
    assert not any(c in zh_t for c in ":;()"), zh_t
    assert not any(c in en_t for c in CJK_PUNCTUATION), en_t
    zh, en = _sample_texts(type_)
    assert zh.startswith("示范项目：") and en.startswith("示范项目: ")
    assert "—" not in zh and "—" not in en  # every placeholder filled
    words = [w for w in SAMPLE.values() if isinstance(w, str) and any("\u4e00" <= c <= "\u9fff" for c in w)]
    en_own = en
    for w in words + SAMPLE["reasons"] + SAMPLE["items"] + ["示范项目"]:
        en_own = en_own.replace(w, "")
    assert not any(c in en_own for c in CJK_PUNCTUATION + "\u4e00"), en


def test_the_notices_use_the_pages_words():
    """One vocabulary: a notice names states, lights, verdicts and periods as the pages do."""
    from drawreview.web.i18n import MESSAGES as UI

    expected = {
        "submission.accepted": ["project.case_number"],
        "submission.returned": ["review.return_reasons"],
        "task.yellow": ["light.yellow"],
        "task.red": ["light.red"],
        "revision.required": ["verdict.revision_required"],
        "report.issued": ["verdict.revision_required"],
        "deficiency.overdue": ["review.deficiencies"],
        "review_period.changed": ["complexity.normal", "complexity.complex"],
    }
    for type_, keys in expected.items():
        zh, en = _sample_texts(type_)
        for key in keys:
            zh_word, en_word = UI[key]
            en_word = en_word.split(" (")[0] if key == "review.deficiencies" else en_word
            assert zh_word in zh, (type_, key, zh)
            assert en_word.lower() in en.lower(), (type_, key, en)
