"""An independent client holds the OpenAPI document to what the server does: schemathesis runs
its deterministic coverage phase (boundary values of every declared constraint, both sides:
maxLength and one more, NUL, blank text, each enum member and a value outside it, a missing
required field, an unknown property ...) against a real server, with the checks that a
schema-valid request is accepted, a schema-violating one refused, and nothing is a 5xx.

An independent, well-kept fuzzer reads the document as any client would, so it finds what our
own checks (test_openapi_contract.py) would not think to ask. Its random phases are left out:
the coverage phase generates the same requests on every run, so the test cannot be flaky.

Each operation runs as one caller the permission matrix lets through (a window, a reviewer, a
designer, a construction unit; an administrator for what only he may do: opening, listing and
reactivating accounts), so the request reaches validation rather than a 403. What no
schema can express is listed in SEMANTIC by name, with the reason.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time

import httpx
import pytest

from tests.web.matrix import all_rows

MATRIX = all_rows()

import schemathesis  # noqa: E402,F401 - the test extra installs it: missing, the run fails (never a skip)

# a construction unit, a designer, a reviewer, the window: an operation runs as the first that may call it
CALLERS = ("builder", "designer", "fire", "window")
SKIPPED = ("/api/tokens", "/api/me/password", "/deactivate")  # would log the caller out mid-run
CHECKS = "not_a_server_error,positive_data_acceptance,negative_data_rejection"

# (operation, error code, a key of the error's details) -> why a schema-valid request is still refused
SEMANTIC = {
    ("GET /api/verify", "validation_failed", "file"):
        "sha256 or code must be given: OpenAPI 3.0 parameters cannot say one of two is required",
    ("POST /api/projects", "validation_failed", "construction_unit_id"):
        "the ids must name a construction unit and a design institute (a lookup, not a shape)",
    ("PATCH /api/sheets/{sheet_id}", "validation_failed", "reason"):
        "a reason is required only once the submission has been submitted (depends on its state)",
    ("POST /api/submissions/{submission_id}/deficiencies", "validation_failed", "unknown"):
        "the items must be among those listed when the submission was accepted",
    ("POST /api/submissions/{submission_id}/deficiencies/extend", "validation_failed", "deadline"):
        "the new deadline must be after the old one and after now",
    ("POST /api/submissions/{submission_id}/accept", "validation_failed", "deficiency_deadline"):
        "a deadline is required when a missing item is listed (one field's presence depends on another's content)",
    ("POST /api/submissions/{submission_id}/report", "validation_failed", "discipline"):
        "a checker must be an active member of the authority, not the discipline's reviewer, for a task of the round",
    ("POST /api/users", "validation_failed", "organisation"):
        "an organisation is named for every role but the administrator's, who has none (depends on the role)",
    ("POST /api/users", "validation_failed", "discipline"):
        "a reviewer has exactly one discipline, the other roles none (depends on the role)",
    ("POST /api/tasks/{task_id}/assign", "validation_failed", "reviewer_id"):
        "the reviewer must be an active reviewer of the task's discipline",
    ("POST /api/webhooks", "webhook_address_refused", "reason"):
        "the host must resolve to a public address (or one the admin allowed)",
    ("PUT /api/calendar/years/{year}", "validation_failed", "line"):
        "each line is 名称 YYYY-MM-DD[ ~ YYYY-MM-DD] (a grammar of lines, not a pattern worth keeping in step)",
    ("PUT /api/calendar/years/{year}", "validation_failed", "entry"):
        "the days must lie in that year and agree with each other, as the calendar file is checked",
    ("PATCH /api/annotations/{annotation_id}", "validation_failed", "geometry.points"):
        "how many points a markup has depends on its kind (pin 1, rect 2, cloud 2..2000 ...)",
    ("POST /api/sheets/{sheet_id}/annotations", "validation_failed", "geometry.points"):
        "how many points a markup has depends on its kind (pin 1, rect 2, cloud 2..2000 ...)",
    ("POST /api/sheets/{sheet_id}/annotations", "validation_failed", "geometry.text"):
        "a text markup needs its text; the other kinds do not",
}
for _op in ("GET /api/stats", "GET /api/stats.csv", "GET /api/projects/{project_id}/audit",
            "GET /api/projects/{project_id}/audit.csv"):
    SEMANTIC[(_op, "validation_failed", "from")] = "from must not be after to (two parameters compared)"
for _op in ("GET /api/projects/{project_id}/sheets", "GET /api/submissions/{submission_id}/sheets"):
    SEMANTIC[(_op, "invalid_cursor", "cursor")] = "a cursor is only what page.next of an earlier page said"


def caller_of(method: str, path: str) -> str:
    """The first of CALLERS the matrix lets through; nobody of them: the administrator (the
    matrix holds no admin column: an admin may do everything)."""
    expected = MATRIX[(method, path)][1]
    return next((role for role in CALLERS if 200 <= expected[role] < 300), "admin")


def admin_token(stack) -> str:
    """An administrator's API token (the demo has no administrator)."""
    import asyncio

    from drawreview.auth import new_api_token
    from drawreview.db import Database
    from drawreview.services import accounts

    async def make():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                user = await accounts.create_user(s, "fuzz_admin", "a-long-password-1", "admin")
                token = await new_api_token(s, user, "fuzz")
                await s.commit()
                return token
        finally:
            await db.close()

    return asyncio.run(make())


def refusal(interaction: dict) -> tuple[str | None, set[str]]:
    """The error code and the details' keys of an answer (none for a non-JSON one)."""
    try:
        body = json.loads(base64.b64decode(interaction["response"]["content"]["$base64"]))
        error = body["error"]
    except (KeyError, TypeError, ValueError):
        return None, set()
    details = error.get("details")
    return error.get("code"), set(details) if isinstance(details, dict) else set()


def failures(report: str) -> list[str]:
    """Every failed check of the run that SEMANTIC does not explain, one line each."""
    out = []
    for line in report.splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        recorder = finished["recorder"]
        for case_id, checks in recorder["checks"].items():
            for check in checks:
                if check["status"] == "success":
                    continue
                failure = check["failure_info"]["failure"]
                interaction = recorder["interactions"].get(case_id) or {}
                code, keys = refusal(interaction)
                if any((failure["operation"], code, key) in SEMANTIC for key in keys):
                    continue
                request = interaction.get("request", {})
                out.append(f"{failure['code']} {failure['operation']}: {failure['title']} -> {code} {sorted(keys)} "
                           f"({request.get('uri')} {recorder['cases'][case_id]['value'].get('body')!r:.200})")
    return sorted(set(out))


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)  # the document is the same on both stacks
def test_schemathesis_coverage_phase_finds_no_contract_failure(stack, servers, tmp_path):
    url = servers[0]
    doc = httpx.get(f"{url}/api/openapi.json").json()
    by_caller: dict[str, list[str]] = {}
    for path, ops in doc["paths"].items():
        for method in ops:
            if any(part in path for part in SKIPPED):
                continue
            by_caller.setdefault(caller_of(method.upper(), path), []).append(f"{method.upper()} {path}")
    assert set(by_caller) == {*CALLERS, "admin"} and sum(map(len, by_caller.values())) >= 60, by_caller
    assert {"GET /api/users", "POST /api/users"} <= set(by_caller["admin"]), by_caller["admin"]
    tokens = {role: stack.account(role)["token"] for role in CALLERS} | {"admin": admin_token(stack)}
    config = tmp_path / "schemathesis.toml"
    config.write_text("[phases.coverage]\nunexpected-methods = []\n")  # 405s say nothing of the document
    found, started = [], time.monotonic()
    for role in (*CALLERS, "admin"):  # one after another, in a fixed order: the same requests in the same state each run
        report = tmp_path / f"{role}.ndjson"
        args = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
                f"{url}/api/openapi.json", "--phases", "coverage", "--checks", CHECKS, "--workers", "1",
                "--seed", "1", "-H", f"Authorization: Bearer {tokens[role]}",
                "--report", "ndjson", "--report-ndjson-path", str(report)]
        for name in by_caller[role]:
            args += ["--include-name", name]
        run = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its cache stays there
        assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
        found += [f"[{role}] {line}" for line in failures(report.read_text())]
    assert not found, "the document and the server disagree:\n" + "\n".join(found)
    assert time.monotonic() - started < 300
