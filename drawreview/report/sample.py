"""Demo data for the report part: vector sheet PDFs with Chinese text, and a ReportData.

Used by the tests, the benchmark and the demo; deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import pymupdf

from drawreview.report.font import load_font
from drawreview.report.model import (
    GEOMETRY_KINDS,
    SEVERITIES,
    STATUSES,
    Comment,
    DisciplineSection,
    Finding,
    Geometry,
    Project,
    Reply,
    ReportData,
)

A2_LANDSCAPE = pymupdf.Rect(0, 0, 1684, 1191)
DISCIPLINES = [
    ("planning", "规划", "Planning", "总图"),
    ("fire", "消防", "Fire protection", "建施"),
    ("civil_defence", "人防", "Civil defence", "人防"),
    ("lightning", "防雷", "Lightning protection", "防雷"),
]
REMARKS = [
    "消防车道净宽度不应小于4.0m，图中仅3.5m，请修改。",
    "疏散楼梯间应能天然采光和自然通风，并宜靠外墙设置。",
    "建筑退让用地红线距离不足，请补充总平面尺寸标注。",
    "人防出入口的防护密闭门设置不符合规范要求。",
    "接闪带的敷设及引下线间距请在说明中予以明确。",
    "请核实防火分区面积，并补充防火分区示意图。",
]
ANSWERS = ["已按意见修改，详见修改后图纸。", "已补充相关说明及标注。", "经复核，原设计满足规范要求，理由见说明。"]


def make_sheet_pdf(path: Path, number: str, title: str, *, seed: int = 0, lines: int = 1500) -> Path:
    """A one-page A2 vector sheet: a grid of walls, random detail lines, Chinese room
    labels and a title block with ``number`` and ``title``."""
    rnd = random.Random(seed)
    doc = pymupdf.open()
    page = doc.new_page(width=A2_LANDSCAPE.width, height=A2_LANDSCAPE.height)
    sh = page.new_shape()
    sh.draw_rect(A2_LANDSCAPE + (20, 20, -20, -20))
    sh.finish(color=(0, 0, 0), width=1.5)
    for x in range(100, 1500, 140):
        sh.draw_line((x, 80), (x, 1000))
    for y in range(80, 1001, 115):
        sh.draw_line((100, y), (1500, y))
    sh.finish(color=(0, 0, 0), width=0.9)
    for _ in range(lines):
        x, y = rnd.uniform(100, 1500), rnd.uniform(80, 1000)
        sh.draw_line((x, y), (x + rnd.uniform(-40, 40), y + rnd.uniform(-40, 40)))
    sh.finish(color=(0.2, 0.2, 0.2), width=0.3)
    tb = pymupdf.Rect(1364, 1051, 1664, 1171)
    sh.draw_rect(tb)
    sh.finish(color=(0, 0, 0), width=1)
    sh.commit()
    font = load_font()
    tw = pymupdf.TextWriter(page.rect)
    rooms = ["办公室", "会议室", "楼梯间", "前室", "消防控制室", "设备间", "走道", "卫生间"]
    for i, x in enumerate(range(130, 1450, 140)):
        for j, y in enumerate(range(120, 1000, 115)):
            tw.append((x, y), rooms[(i + j) % len(rooms)], font=font, fontsize=11)
    tw.append((tb.x0 + 10, tb.y0 + 30), f"图号 {number}", font=font, fontsize=14)
    tw.append((tb.x0 + 10, tb.y0 + 60), f"图名 {title}", font=font, fontsize=14)
    tw.append((tb.x0 + 10, tb.y0 + 90), "比例 1:100", font=font, fontsize=12)
    tw.write_text(page)
    doc.subset_fonts()
    doc.save(path, garbage=3, deflate=True)
    doc.close()
    return path


def _geometry(rnd: random.Random, kind: str) -> Geometry:
    x, y = rnd.uniform(150, 1400), rnd.uniform(120, 950)
    w, h = rnd.uniform(40, 220), rnd.uniform(30, 150)
    if kind == "pin":
        return Geometry(kind="pin", points=[(x, y)])
    if kind == "rect":
        return Geometry(kind="rect", points=[(x, y), (x + w, y + h)])
    if kind == "cloud":
        return Geometry(kind="cloud", points=[(x, y), (x + w, y), (x + w, y + h), (x + w * 0.4, y + h * 1.2), (x, y + h)])
    if kind == "arrow":
        return Geometry(kind="arrow", points=[(x, y), (x + w, y + h)])
    if kind == "polyline":
        return Geometry(kind="polyline", points=[(x, y), (x + w / 2, y + h), (x + w, y)])
    return Geometry(kind="text", points=[(x, y), (x + 150, y + 24)], text="此处净宽不足")


def sample_report(
    folder: Path, *, comments: int = 24, sheets_per_discipline: int = 2, seed: int = 7, lines: int = 1500
) -> ReportData:
    """A ReportData with ``comments`` comments spread over the demo disciplines; the sheet
    PDFs are written into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rnd = random.Random(seed)
    t0 = datetime(2025, 3, 3, 9, 30)
    sections = []
    per = [comments // len(DISCIPLINES) + (1 if i < comments % len(DISCIPLINES) else 0) for i in range(len(DISCIPLINES))]
    k = 0
    for di, (code, zh, en, prefix) in enumerate(DISCIPLINES):
        sheets = []
        for s in range(sheets_per_discipline):
            number, title = f"{prefix}-{s + 1:02d}", f"{['一', '二', '三', '四'][s % 4]}层平面图"
            path = make_sheet_pdf(folder / f"{code}-{s + 1:02d}.pdf", number, title, seed=seed + di * 10 + s, lines=lines)
            sheets.append((number, title, path))
        reviewer = ["王建国", "李明", "张伟", "刘洋"][di]
        items = []
        for n in range(per[di]):
            number, title, path = sheets[n % len(sheets)]
            kind = GEOMETRY_KINDS[k % len(GEOMETRY_KINDS)]
            at = t0 + timedelta(hours=k)
            status = STATUSES[k % len(STATUSES)]
            thread = []
            if status != "open":
                thread.append(Reply(author="陈工", org="某建筑设计研究院", at=at + timedelta(days=2), text=ANSWERS[k % 3]))
            if status == "closed":
                thread.append(Reply(author=reviewer, org=zh, at=at + timedelta(days=3), text="复核通过，意见关闭。"))
            items.append(
                Comment(
                    id=str(1000 + k), sheet_number=number, sheet_title=title, sheet_pdf_path=path,
                    geometry=_geometry(rnd, kind), severity=SEVERITIES[k % 3],
                    clause=f"GB 50016-2014 第{7 + k % 3}.1.{k % 9 + 1}条", status=status,
                    text=REMARKS[k % len(REMARKS)], author=reviewer, created_at=at, thread=thread,
                )
            )  # fmt: skip
            k += 1
        findings = [
            Finding(
                rule_id=f"{code}.road_width", clause="GB 50016-2014 第7.1.8条", message="消防车道净宽度不足",
                measured=3.5, required=4.0, unit="m", sheet_number=sheets[0][0], bbox=(300, 300, 420, 360),
                facts="1#楼 高度、层数 ← 图面文字 text on sheet:「1#楼 H=54.0 18F」",
            )
        ]  # fmt: skip
        sections.append(
            DisciplineSection(
                code=code, name_zh=zh, name_en=en, reviewer=reviewer,
                conclusion="passed" if di % 2 == 0 else "revise", concluded_at=t0 + timedelta(days=5),
                comments=items, findings=findings,
            )
        )  # fmt: skip
    project = Project(
        name="滨江新城综合体项目（一期）", case_number="SC-2025-0312", address="某市滨江区江南大道 88 号",
        construction_unit="某置业有限公司", design_institute="某建筑设计研究院有限公司",
        authority="某市施工图审查中心", round_no=2, submitted_at=t0 - timedelta(days=3),
        accepted_at=t0 - timedelta(days=2), issued_at=t0 + timedelta(days=6), verdict="revise",
    )  # fmt: skip
    return ReportData(project=project, disciplines=sections)
