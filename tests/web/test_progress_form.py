"""The public progress page sends the verification code in the request body, never in the
address, through a real server process in both modes.

Found from outside: the page's form was ``method="get"``, so submitting it put the case number
and its code into the address bar, the browser history and any proxy's log (the code is the
only credential for the case's progress and its issued reports)."""

from __future__ import annotations

import re

import httpx

from tests.web.test_progress import _accepted


def test_the_progress_form_posts_the_code(stack, client, servers):
    case, code = _accepted(stack, client)
    with httpx.Client(base_url=servers[0], timeout=60, follow_redirects=False) as anon:
        form = anon.get("/progress", params={"case": case})  # as the receipt's QR code opens it
        assert form.status_code == 200
        tag = re.search(r'<form[^>]*id="progress-form"[^>]*>', form.text).group(0)
        assert 'method="post"' in tag and 'action="/progress"' in tag, tag
        answer = anon.post("/progress", data={"case": case, "code": code})
        assert answer.status_code == 200, answer.text[:300]
        assert "进度查询测试项目" in answer.text and 'id="progress-result"' in answer.text
        assert code not in str(answer.url)
        wrong = anon.post("/progress", data={"case": case, "code": "000000" if code != "000000" else "111111"})
        assert wrong.status_code == 404 and 'id="progress-result"' not in wrong.text
        assert 'id="progress-error"' in wrong.text
        # links made before still answer
        assert anon.get("/progress", params={"case": case, "code": code}).status_code == 200
