"""What a DWG conversion could not carry, per object type, in words a designer can act on.

pycadkit maps every object it cannot translate to an ``Unknown`` entity and says so in
``doc.warnings`` ("2 MULTILEADER entities mapped to Unknown"); some of those it still writes
to the DXF (XLINE, RAY, ATTDEF...), the rest are dropped. ``inventory`` counts the unknowns
(the warnings for the layouts, a scan of the block definitions, which the warnings leave
out), ``dropped`` keeps the types the converted DXF does not hold as many of, ``remaining``
takes off what a second reader gave back (``dwgrecover``: MLINE, TOLERANCE), and ``notes``
turns the rest into one zh-CN / English note per type with advice that fits the source
program; ``recovered`` says once what was read back, with counts.
"""

from __future__ import annotations

import re
from collections import Counter

_UNKNOWN = re.compile(r"^(\d+) (\S+) entities mapped to Unknown")

# (type prefix or name, zh label, en label, zh advice, en advice); first match wins
_TCH_ZH = "天正自定义对象：请在天正中“图形导出”为天正 3 格式（另存为 T3），或分解为 AutoCAD 基本图元后重新上传"
_TCH_EN = ("TArch (天正) custom objects: in TArch export the drawing in TArch 3 format (另存为 T3 / 导出天正 3 格式) "
           "or explode it to plain AutoCAD entities, and upload again")
_EXPLODE_ZH = "请在 CAD 中分解（EXPLODE）后重新保存上传"
_EXPLODE_EN = "explode them (EXPLODE) in your CAD program, save and upload again"
_FAMILIES: list[tuple[str, str, str, str, str]] = [
    ("TCH_", "天正对象", "TArch object", _TCH_ZH, _TCH_EN),
    ("AEC_", "AutoCAD Architecture 对象", "AutoCAD Architecture object",
     "请在 AutoCAD Architecture 中用“导出为 AutoCAD 图形”（-AECEXPORTTOAUTOCAD）转为基本图元后重新上传",
     "use Export to AutoCAD (-AECEXPORTTOAUTOCAD) in AutoCAD Architecture to turn them into plain entities, "
     "and upload again"),
    ("AECC_", "Civil 3D 对象", "Civil 3D object",
     "请在 Civil 3D 中导出为 AutoCAD 图形（EXPORTTOAUTOCAD）后重新上传",
     "export to AutoCAD (EXPORTTOAUTOCAD) in Civil 3D and upload again"),
    ("ACAD_TABLE", "表格", "table", _EXPLODE_ZH, _EXPLODE_EN),
    ("MULTILEADER", "多重引线", "multileader", _EXPLODE_ZH, _EXPLODE_EN),
    ("MLINE", "多线", "multiline", _EXPLODE_ZH, _EXPLODE_EN),
    ("TOLERANCE", "形位公差", "geometric tolerance", _EXPLODE_ZH, _EXPLODE_EN),
    ("SHAPE", "形（SHX 形）", "shape", _EXPLODE_ZH, _EXPLODE_EN),
    ("ARC_DIMENSION", "弧长标注", "arc-length dimension", _EXPLODE_ZH, _EXPLODE_EN),
    ("WIPEOUT", "遮罩", "wipeout",
     "遮罩未保留，其下方被遮住的图元会显示出来；如需遮挡请改用实体填充",
     "the mask is not kept, so what it covered shows; use a solid hatch if the cover matters"),
    ("3DSOLID", "三维实体", "3D solid", "平面审查不显示三维对象；如需审查请用 FLATSHOT 生成二维投影",
     "3D objects are not drawn in plan review; make a 2D projection (FLATSHOT) if they matter"),
    ("REGION", "面域", "region", _EXPLODE_ZH, _EXPLODE_EN),
    ("BODY", "三维体", "3D body", "平面审查不显示三维对象；如需审查请用 FLATSHOT 生成二维投影",
     "3D objects are not drawn in plan review; make a 2D projection (FLATSHOT) if they matter"),
    ("SURFACE", "曲面", "surface", "平面审查不显示三维对象；如需审查请用 FLATSHOT 生成二维投影",
     "3D objects are not drawn in plan review; make a 2D projection (FLATSHOT) if they matter"),
    ("MESH", "网格", "mesh", "平面审查不显示三维网格；如需审查请用 FLATSHOT 生成二维投影",
     "meshes are not drawn in plan review; make a 2D projection (FLATSHOT) if they matter"),
    ("PDFUNDERLAY", "PDF 参考底图", "PDF underlay", "参考底图不随 DWG 上传，请把底图 PDF 作为单独文件上传",
     "underlays do not travel inside a DWG; upload the underlay PDF as a file of its own"),
    ("DWFUNDERLAY", "DWF 参考底图", "DWF underlay", "参考底图不随 DWG 上传，请另行导出为 PDF 上传",
     "underlays do not travel inside a DWG; export it to PDF and upload that"),
    ("DGNUNDERLAY", "DGN 参考底图", "DGN underlay", "参考底图不随 DWG 上传，请另行导出为 PDF 上传",
     "underlays do not travel inside a DWG; export it to PDF and upload that"),
    ("OLE2FRAME", "OLE 嵌入对象", "OLE object", "嵌入的 OLE 对象（如 Excel 表）不显示，请改为 CAD 表格并分解，或单独上传 PDF",
     "embedded OLE objects (an Excel sheet...) are not drawn; redraw them as exploded CAD tables or upload a PDF"),
    ("ACAD_PROXY_ENTITY", "代理对象", "proxy entity", _EXPLODE_ZH, _EXPLODE_EN),
]
_DATA_FAMILIES = ("TCH_", "AEC_", "AECC_")  # objects whose data (not only their picture) matters
_OTHER = ("自定义对象", "custom object",
          "请在原软件中导出为 AutoCAD 基本图元（或分解）后重新上传",
          "export or explode them to plain AutoCAD entities in the program that made them, and upload again")


def family(kind: str) -> tuple[str, str, str, str]:
    """(zh label, en label, zh advice, en advice) for an object type name."""
    for prefix, zh, en, adv_zh, adv_en in _FAMILIES:
        if kind == prefix or (prefix.endswith("_") and kind.startswith(prefix)):
            return zh, en, adv_zh, adv_en
    return _OTHER


def inventory(warnings: list[dict], blocks: list[dict]) -> tuple[Counter, list[tuple[str, int, str]]]:
    """(unknown objects by type, other warnings as (code, count, first message)) of a cadkit
    document, from its ``warnings`` and its block definitions (``to_dict()["blocks"]``)."""
    unknown: Counter = Counter()
    other: dict[str, list] = {}
    for w in warnings:
        m = _UNKNOWN.match(w.get("message") or "")
        if w.get("code") == "dwg.unsupported_entity" and m:
            unknown[m.group(2)] += int(m.group(1))
            continue
        entry = other.setdefault(w.get("code") or "dwg.warning", [0, w.get("message") or ""])
        entry[0] += 1
    in_blocks: Counter = Counter()
    for block in blocks:
        for e in block.get("entities", ()):
            kind = e.get("kind", {})
            if kind.get("type") == "unknown":
                in_blocks[str(kind.get("type_name", "?")).removeprefix("dwg.")] += 1
    unknown.update(in_blocks)
    return unknown, [(code, n, msg) for code, (n, msg) in sorted(other.items())]


def dropped(unknown: Counter, ezdoc) -> dict[str, int]:
    """The unknown types the converted document does not hold (as many of): {type: count}."""
    if not unknown:
        return {}
    carried: Counter = Counter()
    for block in ezdoc.blocks:  # model and paper space are block records too
        for e in block:
            if e.dxftype() in unknown:
                carried[e.dxftype()] += 1
    out = {kind: n - carried[kind] for kind, n in unknown.items() if n > carried[kind]}
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))


def remaining(lost: dict[str, int], recovered: dict[str, int]) -> dict[str, int]:
    """*lost* less what a second reader gave back (``dwgrecover``), in the same order."""
    return {kind: n - recovered.get(kind, 0) for kind, n in lost.items() if n > recovered.get(kind, 0)}


def recovered(counts: dict[str, int]) -> list[str]:
    """One note (zh-CN / English) naming what a second reader read back, with counts."""
    if not counts:
        return []
    zh = "、".join(f"{n} 个 {k}（{family(k)[0]}）" for k, n in counts.items())
    en = ", ".join(f"{n} {k} ({family(k)[1]})" for k, n in counts.items())
    return [f"DWG 转换器未能转换的 {zh}已由第二个读取器（ezdwg）从 DWG 读回 / "
            f"read back from the DWG by a second reader (ezdwg), which the DWG converter had dropped: {en}"]


def imaged(counts: dict[str, int]) -> list[str]:
    """One note (zh-CN / English) per family of types drawn from their proxy graphics
    (``dwgproxy``): the picture stands, the object data does not; the advice of the families
    whose objects carry data a reviewer may need (天正, AutoCAD Architecture, Civil 3D, other
    applications' objects)."""
    by_family: dict[tuple, list[str]] = {}
    for kind, n in counts.items():
        by_family.setdefault(family(kind), []).append(kind)
    out = []
    for (zh, en, adv_zh, adv_en), kinds in by_family.items():
        zh_list = "、".join(f"{counts[k]} 个 {k}" for k in kinds)
        en_list = ", ".join(f"{counts[k]} {k}" for k in kinds)
        data = any(k.startswith(_DATA_FAMILIES) for k in kinds) or (zh, en) == _OTHER[:2]
        out.append(f"DWG 转换器不支持的 {zh_list}（{zh}）已按随文件保存的代理图形绘制（即未安装其软件的 AutoCAD 所显示的图形），"
                   f"对象本身的数据未保留{'；如需对象数据，' + adv_zh if data else ''} / {en_list} ({en}), which the DWG "
                   f"converter does not support, are drawn from the proxy graphics saved with them (what AutoCAD shows "
                   f"without the program that made them); the objects' own data is not kept"
                   f"{'; if the data matters, ' + adv_en if data else ''}")
    return out


def notes(lost: dict[str, int], other: list[tuple[str, int, str]]) -> list[str]:
    """One note per dropped type (zh-CN / English), then the reader's other warnings."""
    out = []
    for kind, n in lost.items():
        zh, en, adv_zh, adv_en = family(kind)
        out.append(f"DWG 转换未保留 {n} 个 {kind}（{zh}），图中不显示；{adv_zh} / "
                   f"DWG conversion dropped {n} {kind} ({en}), not drawn; {adv_en}")
    for code, n, msg in other:
        out.append(f"DWG 读取提示 {code} × {n}（{msg}） / DWG reader warning {code} × {n} ({msg})")
    return out


def summary(lost: dict[str, int]) -> tuple[str, str]:
    """Short zh / en lists of the dropped types, with the advice of the first family."""
    zh = "、".join(f"{n} 个 {k}（{family(k)[0]}）" for k, n in lost.items())
    en = ", ".join(f"{n} {k} ({family(k)[1]})" for k, n in lost.items())
    first = family(next(iter(lost)))
    return f"{zh}；{first[2]}", f"{en}; {first[3]}"
