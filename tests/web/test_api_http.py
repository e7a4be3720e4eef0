"""HTTP as an outside client reads it (decision 157): an API answer that says nothing of caching
is not kept by a shared cache, and the audit CSV's times state their zone. Over HTTP only."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta


def test_api_answers_are_not_stored_by_shared_caches(stack, client):
    """``/api/projects/1`` carried neither Cache-Control nor ``Vary: Cookie``: a shared cache
    between a design institute and the server could keep one caller's project and hand it to
    the next. Downloads and tiles keep their own policy."""
    h = stack.token_headers("designer")
    for url in ("/api/projects/1", "/api/projects/1/sheets", "/api/me", "/api/notifications", "/api/openapi.json"):
        r = client.get(url, headers=h)
        assert r.status_code == 200 and r.headers.get("cache-control") == "no-store", (url, r.headers.get("cache-control"))
    error = client.get("/api/projects/1")  # anonymous: 401
    assert error.status_code == 401 and error.headers.get("cache-control") == "no-store"
    from tests.web.matrix.reports import create_report_world

    h = stack.token_headers("window")
    sheet = create_report_world(stack, state="in_review", verdict=None)["sheet_ids"][0]  # a sheet with its PDF
    pdf = client.get(f"/api/sheets/{sheet}/pdf", headers=h)
    assert pdf.status_code == 200 and pdf.headers["cache-control"].startswith("private")
    again = client.get(f"/api/sheets/{sheet}/pdf", headers={**h, "If-None-Match": pdf.headers["etag"]})
    assert again.status_code == 304 and again.headers["cache-control"].startswith("private")


def test_the_audit_csv_states_the_time_zone_of_its_times(stack, client):
    """The CSV's ``at`` was "2026-12-08 03:58:33": Beijing time, which the file did not say (the
    JSON's ``at`` is UTC with its offset). It now carries +08:00, the same moment as the JSON's."""
    h = stack.token_headers("window")
    entries = client.get("/api/projects/1/audit", headers=h).json()["data"]["entries"]
    rows = list(csv.DictReader(io.StringIO(client.get("/api/projects/1/audit.csv", headers=h).content.decode("utf-8-sig"))))
    assert rows and len(rows) == len(entries)
    for row, entry in zip(rows, entries):
        at = datetime.fromisoformat(row["at"])
        assert at.utcoffset() == timedelta(hours=8), row["at"]
        assert abs(at - datetime.fromisoformat(entry["at"])) < timedelta(seconds=1), (row["at"], entry["at"])


def test_a_download_is_audited_once_not_per_head_or_part(stack, client):
    """A HEAD wrote a ``drawing.download`` entry into the hash-chained trail though nothing was
    taken, and a PDF reader fetching a sheet in byte ranges wrote one entry per range. Now a HEAD
    writes none and of the ranges only the one from the first byte is recorded; a ranged request
    to a download that does not serve ranges gets the whole file and is recorded."""
    from tests.web.matrix.reports import create_report_world

    world = create_report_world(stack, state="in_review", verdict=None)
    h, sheet, pid = stack.token_headers("window"), world["sheet_ids"][0], world["project_id"]

    def count() -> int:
        r = client.get(f"/api/projects/{pid}/audit", headers=h, params={"action": "drawing.download"})
        return len(r.json()["data"]["entries"])

    before = count()
    assert client.head(f"/api/sheets/{sheet}/pdf", headers=h).status_code == 200
    assert count() == before
    whole = client.get(f"/api/sheets/{sheet}/pdf", headers=h)
    assert whole.status_code == 200 and count() == before + 1
    size = len(whole.content)
    parts = [client.get(f"/api/sheets/{sheet}/pdf", headers={**h, "Range": f"bytes={lo}-{min(lo + 999, size - 1)}"})
             for lo in range(0, size, 1000)]
    assert all(p.status_code == 206 for p in parts) and b"".join(p.content for p in parts) == whole.content
    assert count() == before + 2  # the range from byte 0 only
    # the marked-up sheet is built per request and sent whole: a Range does not hide it
    r = client.get(f"/api/sheets/{sheet}/marked-up.pdf", headers={**h, "Range": "bytes=100-"})
    assert r.status_code == 200 and count() == before + 3


def test_conditional_gets_of_a_sheet_by_date_and_by_a_weakened_tag(stack, client):
    """The sheet PDF sends ETag and Last-Modified, but only an exact ``If-None-Match`` was read: a
    cache revalidating by date (``If-Modified-Since``) or holding the tag as a compressing proxy
    marks it (``W/"…"``) was sent the whole file again."""
    from tests.web.matrix.reports import create_report_world

    h = stack.token_headers("window")
    sheet = create_report_world(stack, state="in_review", verdict=None)["sheet_ids"][0]
    for url in (f"/api/sheets/{sheet}/pdf",):  # the thumbnail is read the same way
        first = client.get(url, headers=h)
        assert first.status_code == 200, first.text[:200]
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        for cond in ({"If-Modified-Since": modified}, {"If-None-Match": "W/" + etag}, {"If-None-Match": "*"},
                     {"If-None-Match": f'"other", {etag}'}):
            r = client.get(url, headers={**h, **cond})
            assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag, (url, cond, r.status_code)
        for cond in ({"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT"}, {"If-Modified-Since": "yesterday"},
                     {"If-None-Match": '"other"', "If-Modified-Since": modified}):  # If-None-Match decides
            r = client.get(url, headers={**h, **cond})
            assert r.status_code == 200 and r.content == first.content, (url, cond, r.status_code)
