"""``check_sheet`` on a model space holding two site-plan frames side by side: each frame has a
different violation, and each sheet gets exactly its own frame's finding, in its own place.

The frames are told apart by a site-level value: PL-07 compares the declared 用地面积 with the
area of the sites drawn. Checked one frame at a time, each frame's site is 38 400 m² and only the
right frame's table (40 000 m²) is wrong; checked as one file, the drawn area would be both sites
(76 800 m²), so the left, correct table would be reported and the left sheet would get a PL-07 as well."""

from __future__ import annotations

import pytest
from sqlmodel import select

from drawreview.cad.dxf import load_dxf
from drawreview.cad.sheets import split_sheets
from drawreview.jobs.findings import check_file, check_sheet
from drawreview.models import RuleFinding, Sheet
from drawreview.rules import run_checks
from drawreview.samples import site as ST
from drawreview.samples.site import site_params, site_plan
from tests.drawing_inputs import side_by_side
from tests.web.matrix.annotations import create_review_world

OFFSET = 500_000.0  # mm: the right frame (420.5 m wide at 1:500) sits 500 m east of the left one
PT = 72 / 25.4 / 500  # sheet points per drawing mm at 1:500
SITE_M2 = (ST.SITE[2] - ST.SITE[0]) * (ST.SITE[3] - ST.SITE[1])


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """Left: a 5# building pushes the plot ratio over (PL-03); right: the table declares 40 000 m² (PL-07)."""
    root = tmp_path_factory.mktemp("two-sites")
    side_by_side(site_plan(root / "left.dxf", {"PL-03"}), site_plan(root / "right.dxf", {"PL-07"}), OFFSET,
                 root / "two-sites.dxf")
    return root / "two-sites.dxf"


@pytest.fixture(scope="module")
def world(stack, two_sites):
    """The review world's file holds the two-site drawing; one sheet per frame, as the renderer splits it."""
    import asyncio

    from drawreview.db import Database

    w = create_review_world(stack, dxf=two_sites)
    specs = [s for s in split_sheets(load_dxf(two_sites)) if s.space == "model"]
    assert len(specs) == 2

    async def add():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                ids = []
                for spec in sorted(specs, key=lambda sp: sp.bbox[0]):
                    x0, y0, x1, y1 = spec.bbox
                    sheet = (await s.exec(select(Sheet).where(Sheet.file_id == w["file_id"],  # the world's "model"
                                                              Sheet.key == spec.key))).first()
                    sheet = sheet or Sheet(file_id=w["file_id"], submission_id=w["submission_id"], key=spec.key)
                    sheet.number, sheet.width, sheet.height = spec.number, (x1 - x0) * PT, (y1 - y0) * PT
                    sheet.transform, sheet.units, sheet.unit_m = [PT, -x0 * PT, y1 * PT], "mm", 0.001
                    sheet.state = "ready"
                    s.add(sheet)
                    await s.flush()
                    ids.append((sheet.id, spec.bbox))
                await s.commit()
                return ids
        finally:
            await db.close()

    return {**w, "sheets": asyncio.run(add())}


def test_whole_file_checking_would_mix_the_frames(two_sites):
    """The premise: over the whole model space, PL-07 adds both sites, and the left (correct) table
    is reported against 76 800 m², a finding that would land on the left sheet."""
    mixed = [f for f in run_checks(two_sites, site_params()).findings if f.rule_id == "PL-07"]
    assert [(f.measured, f.required) for f in mixed] == [(SITE_M2, 2 * SITE_M2)]
    assert mixed[0].bbox[0] < OFFSET


@pytest.mark.parametrize("job", ["check_sheet", "check_file"])
async def test_each_sheet_gets_its_own_frames_finding(ctx, world, job):
    """The same findings whether each sheet is checked on its own or the file's sheets together
    (the pipeline's job: the file is read once for all of them)."""
    (left_id, _), (right_id, right_box) = world["sheets"]
    if job == "check_file":
        done = await check_file(ctx, world["file_id"])
        assert {r["sheet_id"] for r in done["sheets"]} >= {left_id, right_id}
    else:
        for sid in (left_id, right_id):
            await check_sheet(ctx, sid)
    async with ctx["db"].session() as s:
        rows = {sid: list((await s.exec(select(RuleFinding).where(RuleFinding.sheet_id == sid))).all())
                for sid in (left_id, right_id)}
    left = {r.rule_id: r.data for r in rows[left_id] if r.data.get("bbox")}
    right = {r.rule_id: r.data for r in rows[right_id]}
    # 5# also raises the left site's density (PL-04); a file-wide finding without a place (the
    # auditor's repairs of the merged file, DR-03B) goes to the file's first sheet only
    assert set(left) == {"PL-03", "PL-04"}, left.keys()
    assert {r.rule_id for r in rows[left_id] if not r.data.get("bbox")} <= {"DR-03", "DR-03B"}
    assert set(right) == {"PL-07"}, right.keys()
    # the left site's own ratio, boxed on the left site; the right table against the right site only
    assert left["PL-03"]["measured"] == 1.432
    assert [round(v / 1000, 2) for v in left["PL-03"]["bbox"]] == list(ST.SITE)
    assert right["PL-07"]["measured"] == 40000.0 and right["PL-07"]["required"] == SITE_M2
    x, y = right["PL-07"]["bbox"][:2]
    assert right_box[0] <= x <= right_box[2] and right_box[1] <= y <= right_box[3]
    assert round(x - OFFSET) / 1000 == ST.INDICATOR_XY[0]
