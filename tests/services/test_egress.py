"""Webhook SSRF (services/egress.py): registration refuses URLs whose host resolves to loopback,
link-local/metadata, private, shared or mapped addresses; delivery re-checks at send time (a
host that turned private after registration — DNS rebinding — gets nothing) and connects to the
address it checked; the administrator's allow-list admits an intranet receiver."""

from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from drawreview.errors import ValidationFailed
from drawreview.models import Webhook, WebhookDelivery
from drawreview.services import deliveries, egress, notifications

BAD = ["http://127.0.0.1/hook", "http://localhost:8000/", "http://[::1]/", "http://169.254.169.254/latest/meta-data",
       "http://10.0.0.5/", "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/", "http://0.0.0.0/",
       "http://[::ffff:127.0.0.1]/", "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://2130706433/",
       "http://0x7f000001/", "http://127.1/", "ftp://example.com/", "http://224.0.0.1/"]


@pytest.mark.parametrize("url", BAD)
def test_internal_targets_are_refused(url):
    with pytest.raises(ValidationFailed) as info:
        egress.resolve_checked(url)
    assert info.value.code == "webhook_address_refused"


def test_public_and_allowed_targets_pass():
    assert egress.resolve_checked("http://1.1.1.1/hook") == [ipaddress.ip_address("1.1.1.1")]
    allow = egress.parse_allow("10.20.0.0/16, 127.0.0.1/32")
    assert egress.resolve_checked("http://10.20.3.4:8080/x", allow)
    assert egress.resolve_checked("http://127.0.0.1/x", allow)
    with pytest.raises(ValidationFailed):
        egress.resolve_checked("http://10.21.0.1/", allow)


def test_registration_refuses_internal_urls(stack, client):
    h = stack.token_headers("designer")
    for url in ("http://127.0.0.1:9/x", "http://169.254.169.254/", "http://localhost/"):
        r = client.post("/api/webhooks", headers=h, json={"url": url, "events": ["report.issued"]})
        assert r.status_code == 422 and r.json()["error"]["code"] == "webhook_address_refused", r.text
        assert r.json()["error"]["messages"]["zh-CN"]
    ok = client.post("/api/webhooks", headers=h, json={"url": "http://1.1.1.1:9/x", "events": ["report.issued"]})
    assert ok.status_code == 200


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.server.hits += 1
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(302)  # a redirect is an answer, not an instruction
        self.send_header("Location", "http://169.254.169.254/")
        self.end_headers()

    def log_message(self, *args):
        pass


async def test_delivery_rechecks_the_address(stack):
    from drawreview.db import Database
    from tests.services.reviews_world import new_project, principal

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.hits = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    db = Database(stack.settings)
    try:
        async with db.session() as session:
            window = await principal(session, "window")
            # registered when the name pointed elsewhere; by delivery time it resolves to loopback
            hook = Webhook(url=f"http://localhost:{server.server_port}/hook", secret="x" * 20,
                           events=["report.issued"], created_by=window.user_id)
            session.add(hook)
            project = await new_project(session, stack, name="重绑定测试项目")
            await session.flush()
            await notifications.notify(session, project, "report.issued", {})
            await session.commit()
            hook_id = hook.id
        out = await deliveries.deliver_webhooks(db, timeout=2)
        assert out["delivered"] == 0 and server.hits == 0
        async with db.session() as session:
            row = (await session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id))).one()
            assert "webhook_address_refused" in row.last_error
        # the administrator allows the receiver's network: delivered, and the redirect not followed
        from datetime import timedelta
        later = notifications.utcnow() + timedelta(days=1)
        await deliveries.deliver_webhooks(db, now=later, timeout=2, allow="127.0.0.0/8,::1/128")
        assert server.hits == 1
        async with db.session() as session:
            row = (await session.exec(select(WebhookDelivery).where(WebhookDelivery.webhook_id == hook_id))).one()
            assert row.last_status == 302 and row.state == "pending"  # a redirect is not a success
    finally:
        server.shutdown()
        server.server_close()
        await db.close()
