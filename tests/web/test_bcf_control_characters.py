"""A control character pasted into a markup or a reply (a bell, an escape, a backspace: the API
takes them, JSON carries them) leaves the BCF export readable (decision 134): every XML file of
the zip parses and the markups validate against the buildingSMART BCF 3.0 schemas, the
character shown as U+FFFD and the rest of the text kept; the JSON export keeps the text as
written. Before, ElementTree wrote the character as it was and the topic's markup.bcf did not
parse, so a BCF reader refused the export. Both modes, through the HTTP API."""

from __future__ import annotations

import io
import uuid
import zipfile
from xml.etree import ElementTree as ET

import pytest
import xmlschema

from tests.thirdparty import SHARED
from tests.web.matrix.reports import create_report_world

BODY = "消防车道\x07宽度\x1b[31m不足\x08，请修改\x0c。"
REPLY = "已修改\x01\x02"


@pytest.fixture(scope="module")
def markup_schema():
    return xmlschema.XMLSchema(str(SHARED / "specs" / "bcf-3.0" / "markup.xsd"))


def test_control_characters_leave_the_bcf_export_readable(stack, client, markup_schema):
    world = create_report_world(stack, state="in_review", verdict=None)  # sheets with their PDFs
    r = client.post(f"/api/sheets/{world['sheet_ids'][0]}/annotations", headers=stack.token_headers("fire"),
                    json={"client_id": uuid.uuid4().hex, "kind": "pin", "geometry": {"points": [[120.5, 80.25]]},
                          "severity": "mandatory", "body": BODY, "clause": "GB 50016\x07"})
    assert r.status_code == 200, r.text
    markup = r.json()["data"]["annotation"]
    r = client.post(f"/api/annotations/{markup['id']}/comments", headers=stack.token_headers("designer"),
                    json={"client_id": uuid.uuid4().hex, "body": REPLY})
    assert r.status_code == 200, r.text
    r = client.get(f"/api/submissions/{world['submission_id']}/bcf", headers=stack.token_headers("window"))
    assert r.status_code == 200, r.text[:300]
    found = False
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        for name in zf.namelist():
            if not name.endswith((".bcf", ".bcfv", ".bcfp", ".xml", ".version")):
                continue
            root = ET.fromstring(zf.read(name))  # every file parses
            if name.endswith("markup.bcf"):
                markup_schema.validate(io.BytesIO(zf.read(name)))
                topic = root.find("Topic")
                if topic.get("ServerAssignedId") == str(markup["id"]):
                    texts = [e.findtext("Comment") for e in topic.findall("Comments/Comment")]
                    assert texts[0] == "消防车道\ufffd宽度\ufffd[31m不足\ufffd，请修改\ufffd。", texts
                    assert "已修改\ufffd\ufffd" in texts[1:], texts
                    found = True
    assert found
    exported = client.get(f"/api/submissions/{world['submission_id']}/export.json", headers=stack.token_headers("window"))
    assert exported.status_code == 200
    assert BODY in set(strings(exported.json())) and REPLY in set(strings(exported.json()))


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
