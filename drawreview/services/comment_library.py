"""Standard review comments (常用审查意见) per discipline, zh-CN + English, and the palette.

The viewer offers these in a picker; ``template`` in an annotation create names one and
fills in the body, severity and clause the reviewer did not type.
"""

from __future__ import annotations

from .. import palette

# one colour per discipline (markups are drawn in their discipline's colour)
PALETTE = palette.PALETTE  # the one discipline palette (drawreview/palette.py)

# discipline -> [(id, severity, clause, zh, en)]
_LIBRARY: dict[str, list[tuple[str, str, str, str, str]]] = {
    "planning": [
        ("PL-C01", "mandatory", "规划设计条件", "建筑退让道路红线距离不满足规划设计条件，请调整。",
         "The setback from the road red line does not meet the planning conditions; please revise."),
        ("PL-C02", "mandatory", "规划设计条件", "容积率超过规划设计条件上限，请核实并调整经济技术指标。",
         "The plot ratio exceeds the planning limit; check and revise the technical indicators."),
        ("PL-C03", "general", "GB 50180-2018", "绿地率计算口径有误，请按规范重新统计。",
         "The green ratio is computed the wrong way; recount it as the standard requires."),
        ("PL-C04", "suggestion", "", "建议在总平面图中补充经济技术指标表。",
         "Consider adding the technical indicator table to the site plan."),
    ],
    "fire": [
        ("FR-C01", "mandatory", "GB 50016-2014 5.2.2", "建筑之间的防火间距不满足要求，请调整或采取防火分隔措施。",
         "The fire separation distance between buildings is insufficient; revise or add fire separation."),
        ("FR-C02", "mandatory", "GB 50016-2014 7.1.8", "消防车道宽度不应小于 4.0 m，请修改。",
         "The fire lane must be at least 4.0 m wide; please revise."),
        ("FR-C03", "mandatory", "GB 50016-2014 7.2.2", "消防车登高操作场地尺寸不满足要求。",
         "The fire-appliance hardstanding is too small."),
        ("FR-C04", "general", "GB 50016-2014 5.5.17", "疏散距离标注不全，请补充。",
         "Evacuation distances are not fully dimensioned; please add them."),
    ],
    "civil_defence": [
        ("CD-C01", "mandatory", "GB 50038-2005 3.3.1", "人防工程口部设置不满足要求，请补充防护密闭门设置。",
         "The shelter entrances are not compliant; add the blast-proof airtight doors."),
        ("CD-C02", "general", "GB 50038-2005", "请补充人防面积计算书。",
         "Please provide the civil-defence area calculation."),
    ],
    "lightning": [
        ("LT-C01", "mandatory", "GB 50057-2010 4.3.1", "接闪带网格尺寸超过要求，请加密。",
         "The air-termination mesh is too coarse; make it finer."),
        ("LT-C02", "general", "GB 50057-2010", "引下线间距标注不全，请补充。",
         "Down-conductor spacing is not fully dimensioned; please add it."),
    ],
    "meteorology": [
        ("MT-C01", "general", "QX/T 系列", "请补充气象灾害防御措施说明。",
         "Please add the description of the meteorological-hazard protection measures."),
        ("MT-C02", "suggestion", "", "建议核实项目是否位于雷暴高发区。",
         "Consider checking whether the site lies in a thunderstorm-prone area."),
    ],
}


def library(discipline: str | None = None) -> dict[str, list[dict]]:
    out = {}
    for disc, rows in _LIBRARY.items():
        if discipline and disc != discipline:
            continue
        out[disc] = [{"id": i, "severity": sev, "clause": clause, "text": {"zh-CN": zh, "en": en}}
                     for i, sev, clause, zh, en in rows]
    return out


def template_ids() -> list[str]:
    """Every template id, for the OpenAPI document's enumeration."""
    return [row[0] for rows in _LIBRARY.values() for row in rows]


def template(template_id: str) -> dict | None:
    for disc, rows in _LIBRARY.items():
        for i, sev, clause, zh, en in rows:
            if i == template_id:
                return {"id": i, "discipline": disc, "severity": sev, "clause": clause, "zh-CN": zh, "en": en}
    return None
