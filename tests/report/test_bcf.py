"""BCF 3.0 export, validated against the buildingSMART XSDs."""

from __future__ import annotations

import io
import time
import zipfile
from xml.etree import ElementTree as ET

import pymupdf
import pytest
import xmlschema

from drawreview.report.bcf import export_bcf
from drawreview.report.model import SEVERITY_LABELS, STATUS_LABELS

from tests.thirdparty import SHARED  # noqa: E402

XSD = SHARED / "specs" / "bcf-3.0"
SCHEMA_OF = {
    "bcf.version": "version.xsd",
    "extensions.xml": "extensions.xsd",
    "project.bcfp": "project.xsd",
    "markup.bcf": "markup.xsd",
    "viewpoint.bcfv": "visinfo.xsd",
}


@pytest.fixture(scope="module")
def schemas():
    assert XSD.is_dir(), f"BCF 3.0 schemas not found at {XSD}"
    return {name: xmlschema.XMLSchema(str(XSD / xsd)) for name, xsd in SCHEMA_OF.items()}


@pytest.fixture(scope="module")
def bcfzip(sample_data):
    return export_bcf(sample_data)


def test_every_xml_file_validates_against_the_bcf_3_schemas(bcfzip, schemas):
    with zipfile.ZipFile(io.BytesIO(bcfzip)) as zf:
        names = zf.namelist()
        assert {"bcf.version", "extensions.xml"} <= set(names)
        checked = 0
        for name in names:
            base = name.rsplit("/", 1)[-1]
            if base in schemas:
                schemas[base].validate(io.BytesIO(zf.read(name)))
                checked += 1
        assert checked == len([n for n in names if not n.endswith(".png")])
        assert ET.fromstring(zf.read("bcf.version")).get("VersionId") == "3.0"


def test_the_english_export_validates_and_keeps_the_guids(bcfzip, sample_data, schemas):
    """An English caller's BCF (decision 157): its own words in English, the same topics."""
    english = export_bcf(sample_data, lang="en")
    with zipfile.ZipFile(io.BytesIO(english)) as en, zipfile.ZipFile(io.BytesIO(bcfzip)) as zh:
        assert en.namelist() == zh.namelist()
        for name in en.namelist():
            base = name.rsplit("/", 1)[-1]
            if base in schemas:
                schemas[base].validate(io.BytesIO(en.read(name)))
        ext = en.read("extensions.xml").decode()
        assert "第" not in ext and "<Stage>Round " in ext, ext


def test_one_topic_folder_per_comment_with_snapshot(bcfzip, sample_data):
    comments = sample_data.all_comments()
    with zipfile.ZipFile(io.BytesIO(bcfzip)) as zf:
        folders = {n.split("/")[0] for n in zf.namelist() if "/" in n}
        assert len(folders) == len(comments)
        by_id = {}
        for folder in folders:
            assert {f"{folder}/markup.bcf", f"{folder}/viewpoint.bcfv", f"{folder}/snapshot.png"} <= set(zf.namelist())
            topic = ET.fromstring(zf.read(f"{folder}/markup.bcf")).find("Topic")
            assert topic.get("Guid") == folder
            vp = topic.find("Viewpoints/ViewPoint")
            assert vp.findtext("Snapshot") == "snapshot.png" and vp.findtext("Viewpoint") == "viewpoint.bcfv"
            assert ET.fromstring(zf.read(f"{folder}/viewpoint.bcfv")).get("Guid") == vp.get("Guid")
            png = pymupdf.Pixmap(zf.read(f"{folder}/snapshot.png"))
            assert png.width >= 400
            by_id[topic.get("ServerAssignedId")] = topic
    for d, c in comments:
        t = by_id[c.id]
        assert t.get("TopicStatus") == STATUS_LABELS[c.status][1]
        assert t.findtext("Priority") == SEVERITY_LABELS[c.severity][1]
        assert [lb.text for lb in t.findall("Labels/Label")] == [d.name_zh]
        assert t.findtext("CreationAuthor") == c.author
        assert t.findtext("CreationDate") == c.created_at.isoformat(timespec="seconds") + "+08:00"  # with its offset
        assert c.sheet_number in t.findtext("Title")
        entries = t.findall("Comments/Comment")
        assert len(entries) == 1 + len(c.thread)
        assert entries[0].findtext("Comment") == c.text
        assert [e.findtext("Comment") for e in entries[1:]] == [r.text for r in c.thread]


def test_extensions_list_what_the_topics_use(bcfzip):
    with zipfile.ZipFile(io.BytesIO(bcfzip)) as zf:
        ext = ET.fromstring(zf.read("extensions.xml"))
        allowed = {
            "TopicStatus": {e.text for e in ext.iter("TopicStatus")},
            "Priority": {e.text for e in ext.iter("Priority")},
            "Label": {e.text for e in ext.iter("TopicLabel")},
        }
        for name in zf.namelist():
            if name.endswith("markup.bcf"):
                t = ET.fromstring(zf.read(name)).find("Topic")
                assert t.get("TopicStatus") in allowed["TopicStatus"]
                assert t.findtext("Priority") in allowed["Priority"]
                assert {lb.text for lb in t.findall("Labels/Label")} <= allowed["Label"]


def test_guids_are_stable_across_exports(bcfzip, sample_data):
    again = export_bcf(sample_data)
    names = lambda data: sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())  # noqa: E731
    assert names(again) == names(bcfzip)


def test_the_same_round_exports_the_same_bytes(bcfzip, sample_data):
    """Entries are dated the round's issue, not the clock: an export made seconds later (the
    bcfzip fixture was made earlier in the session) is the same file."""
    time.sleep(1.1)
    assert export_bcf(sample_data) == bcfzip
    issued = sample_data.project.issued_at
    dates = {i.date_time for i in zipfile.ZipFile(io.BytesIO(bcfzip)).infolist()}
    assert dates == {(issued.year, issued.month, issued.day, issued.hour, issued.minute, issued.second)}


def test_invalid_document_would_be_caught(schemas):
    """The validation is real: a topic without its required Title is rejected."""
    bad = b'<Markup><Topic Guid="00000000-0000-0000-0000-000000000000" TopicType="Issue" TopicStatus="Open"/></Markup>'
    with pytest.raises(xmlschema.XMLSchemaValidationError):
        schemas["markup.bcf"].validate(io.BytesIO(bad))


def test_every_character_survives_in_bcf(sample_data, schemas):
    from tests.report.test_export_json import RARE, _with_rare

    data = _with_rare(sample_data)
    c = data.disciplines[0].comments[0]
    with zipfile.ZipFile(io.BytesIO(export_bcf(data))) as zf:
        markups = [n for n in zf.namelist() if n.endswith("markup.bcf")]
        found = False
        for name in markups:
            xml = zf.read(name)
            schemas["markup.bcf"].validate(io.BytesIO(xml))
            topic = ET.fromstring(xml).find("Topic")
            if topic.get("ServerAssignedId") == c.id:
                texts = [e.findtext("Comment") for e in topic.findall("Comments/Comment")]
                assert texts[0] == RARE and RARE in texts[1:]
                found = True
    assert found
