"""A comment keeps its BCF topic from round to round. Read back from outside (decision 143): the
same comment (planning's #48, carried into revision 2 as #55 and revision 3 as #63) was topic
590d3c3c… in round 1's export, 661cb7b4… in round 2's and b33e16c7… in round 3's, because the
GUID came from the revision's copy. A BIM tool that imports each round's BCF (the design
institute's) made three issues of one comment. The topic GUID now comes from the comment's first
number (``first_id``, the "原编号" of the report), so later exports update the same topic and its
earlier BCF comments keep their GUIDs; the viewpoint is the revision's own (the sheet changed)."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from datetime import timedelta
from xml.etree import ElementTree as ET

from drawreview.report.bcf import export_bcf
from drawreview.report.model import Reply


def _topics(bcf: bytes) -> dict[str, ET.Element]:
    z = zipfile.ZipFile(io.BytesIO(bcf))
    return {n.split("/")[0]: ET.fromstring(z.read(n)).find("Topic") for n in z.namelist() if n.endswith("/markup.bcf")}


def _round(sample_data, d, c, round_no: int):
    return replace(sample_data, project=replace(sample_data.project, round_no=round_no),
                   disciplines=(replace(d, comments=(c,)),))


def test_a_carried_comment_keeps_its_topic_and_its_comment_guids(sample_data):
    d = sample_data.disciplines[0]
    first = replace(d.comments[0], thread=())
    answer = Reply(author="设计人 赵磊", org="示范设计院", at=first.created_at + timedelta(days=2), text="已修改")
    copy = replace(first, id="63", first_id=first.id, raised_round=1, status="answered", thread=(answer,))
    one, two = _topics(export_bcf(_round(sample_data, d, first, 1))), _topics(export_bcf(_round(sample_data, d, copy, 2)))
    assert len(one) == len(two) == 1 and one.keys() == two.keys()  # one topic, the same GUID
    (t1,), (t2,) = one.values(), two.values()
    assert t1.get("TopicStatus") == "Open" and t2.get("TopicStatus") == "Answered, to verify"
    c1, c2 = t1.findall("Comments/Comment"), t2.findall("Comments/Comment")
    assert len(c1) == 1 and len(c2) == 2
    assert c1[0].get("Guid") == c2[0].get("Guid")  # the opening remark is the same BCF comment
    assert t2.find("Viewpoints/ViewPoint").get("Guid") != t1.find("Viewpoints/ViewPoint").get("Guid")
    # a comment raised in round 2 on its own is a topic of its own
    other = replace(first, id="64", first_id="64", raised_round=2)
    assert _topics(export_bcf(_round(sample_data, d, other, 2))).keys() != one.keys()


def test_an_issued_round_s_bcf_made_from_its_kept_json_keeps_the_topic(sample_data, tmp_path):
    """An issued round's BCF is drawn from the JSON kept at issue (round_doc): the comments there
    had no first number, so the round's BCF still made a new topic of a carried comment. The
    JSON names it now (schema 1.4); a document kept before names it in its history only."""
    import json

    from drawreview.report.export_json import export_json
    from drawreview.report.model import HistoryEntry
    from drawreview.report.round_doc import from_dict

    d = sample_data.disciplines[0]
    first = replace(d.comments[0], thread=())
    copy = replace(first, id="63", first_id=first.id, raised_round=1, status="answered")
    one = _topics(export_bcf(_round(sample_data, d, first, 1))).keys()
    entry = HistoryEntry(first_id=first.id, ids=(first.id, "63"), discipline=d.name_zh, sheet=first.sheet_number,
                         severity=first.severity, text=first.text, raised_round=1, closed_round=None,
                         status="answered", course=((1, "raised"), (2, "answered")))
    doc = json.loads(export_json(replace(_round(sample_data, d, copy, 2), history=(entry,))))
    assert doc["comments"][0]["first_id"] == first.id and doc["comments"][0]["raised_round"] == 1
    pdfs = {c.sheet_pdf_path.name: c.sheet_pdf_path for c in d.comments}
    assert _topics(export_bcf(from_dict(doc, pdfs.__getitem__))).keys() == one
    for c in doc["comments"]:  # as kept before schema 1.4
        del c["first_id"], c["raised_round"]
    assert _topics(export_bcf(from_dict(doc, pdfs.__getitem__))).keys() == one
