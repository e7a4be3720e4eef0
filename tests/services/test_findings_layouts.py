"""Rule findings and paper-space layouts: a finding's box is in model-space units, while a
layout sheet's map takes paper units (docs/decisions/117). A site plan drawn near the origin,
shown through a layout viewport, got its model-space findings a second time on the layout sheet,
boxed where the model coordinates fall when read as paper millimetres (PL-03's site box ran
from the sheet's corner to 450,000 points off the page). The finding belongs on the model sheet only."""

from __future__ import annotations

import asyncio

import ezdxf
import pytest
from ezdxf import bbox as ezbbox
from sqlmodel import select

from drawreview.cad.dxf import load_dxf
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from drawreview.jobs.findings import check_file
from drawreview.models import RuleFinding, Sheet
from drawreview.samples.site import site_plan
from tests.web.matrix.annotations import create_review_world


@pytest.fixture(scope="module")
def site_with_layout(tmp_path_factory):
    root = tmp_path_factory.mktemp("site-layout")
    doc = ezdxf.readfile(site_plan(root / "site.dxf", {"PL-03"}))
    ext = ezbbox.extents(doc.modelspace())
    layout = doc.layouts.new("总图-01")
    layout.page_setup(size=(841, 594), margins=(0, 0, 0, 0), units="mm")
    layout.add_viewport(center=(420, 297), size=(800, 560), view_center_point=(ext.center.x, ext.center.y),
                        view_height=ext.size.y * 1.05)
    doc.saveas(root / "site-layout.dxf")
    return root / "site-layout.dxf", root


@pytest.fixture(scope="module")
def world(stack, site_with_layout):
    """The review world's file holds the drawing; its sheets are the pipeline's (split and render)."""
    from drawreview.db import Database

    path, root = site_with_layout
    w = create_review_world(stack, dxf=path)
    drawing = load_dxf(path)
    rendered = render_drawing(drawing, split_sheets(drawing), root / "sheets")
    assert sorted(r.key for r in rendered) == ["layout:总图-01", "model"]

    async def add():
        db = Database(stack.settings)
        try:
            async with db.session() as s:
                ids = {}
                for res in rendered:
                    sheet = (await s.exec(select(Sheet).where(Sheet.file_id == w["file_id"],
                                                              Sheet.key == res.key))).first()
                    sheet = sheet or Sheet(file_id=w["file_id"], submission_id=w["submission_id"], key=res.key)
                    sheet.width, sheet.height, sheet.transform = res.width, res.height, list(res.map)
                    sheet.units, sheet.unit_m, sheet.state = res.units, res.unit_m, "ready"
                    s.add(sheet)
                    await s.flush()
                    ids[res.key] = sheet.id
                await s.commit()
                return ids
        finally:
            await db.close()

    return {**w, "sheets": asyncio.run(add())}


async def test_model_space_findings_stay_off_the_layout_sheet(ctx, world):
    await check_file(ctx, world["file_id"])
    model_id, layout_id = world["sheets"]["model"], world["sheets"]["layout:总图-01"]
    async with ctx["db"].session() as s:
        rows = {sid: list((await s.exec(select(RuleFinding).where(RuleFinding.sheet_id == sid))).all())
                for sid in (model_id, layout_id)}
    assert "PL-03" in {r.rule_id for r in rows[model_id] if r.data.get("bbox")}
    assert [r.rule_id for r in rows[layout_id] if r.data.get("bbox")] == []
