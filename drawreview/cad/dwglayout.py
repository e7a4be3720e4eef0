"""The paper of each layout of a converted DWG: pycadkit keeps a layout's name, block and
viewports but writes placeholder plot settings (limits 0,0–420,297 whatever the units, paper
size 0, no margins), so a sheet split from it would be the wrong paper. ezdwg reads the
LAYOUT objects themselves (paper size and name, margins, rotation, limits, extents;
``read_layouts``: those objects alone, model tab and active sheet from the header's space block
records);
``restore`` copies them onto the ezdxf document, matching layouts by name (R2000+) or, for
names pycadkit made up from block names (R14: ``*PAPER_SPACE0``), by order, and gives such a
layout its real name. When that reader fails, the placeholder limits are removed so the
splitter measures the layout's content instead of inventing an A3 sheet.

R14 keeps a viewport's view (target, direction, twist, height, centre) in the viewport's
``ACAD`` extended data (``MVIEW``), which pycadkit reads but its DXF writer leaves out (the
viewports then show nothing): ``r14_views`` collects them from the reader's model,
``apply_views`` writes them onto the DXF viewports with the same place and size.
"""

from __future__ import annotations

import logging
import re
import struct
from pathlib import Path

log = logging.getLogger("drawreview.dwg")

PLACEHOLDER_LIMITS = ((0.0, 0.0), (420.0, 297.0))
_MADE_UP = re.compile(r"^\*PAPER_SPACE\d*$", re.I)


def read_layouts(path: str | Path, spaces: dict | None = None, release: bool = True,
                 codepage: str | None = None, pages=None) -> dict[str, dict]:
    """The DWG's LAYOUT objects by name, as ``ezdwg.Document.layouts()`` gives them (``model``,
    ``active``, paper, margins, rotation, limits, extents, plot scale).

    With *spaces* (the block record handles of ``*Model_Space`` and ``*Paper_Space`` from the
    DWG header, which pycadkit has read already) only the layout objects are decoded: the model
    tab is the layout of the model-space block record, the active sheet the layout of the
    paper-space one. ``layouts()`` finds both by decoding every block header and every entity's
    placement as well, which costs 2–6 times as much (AecObjects.dwg: 16 ms of layouts, 20 ms of
    block headers and placements). When *spaces* also names the layouts dictionary
    (``layouts``) and *release* is true (no ezdwg read of the same file follows), the LAYOUT
    records of an R2004-family file are read page by page and decoded here (``dwgsheet``:
    AecObjects.dwg 10.8 → 1.1 ms, the R2004+ samples about as fast as ezdwg); R2007 files,
    R14/R2000 files (uncompressed: ezdwg's scan is quicker than parsing their object map here,
    5.5 against 9–11 ms on the 2.6 MB generated plan) and records that do not decode go to
    ezdwg, whose decompression of the whole file the recovery (*release* false) reuses. Rows
    of an unexpected shape fall back to ``layouts()``. ezdwg keeps what it decoded in caches
    keyed by path, released here (a drawing child reads many files) unless *release* is false:
    the caller reads the same file with ezdwg next (``dwgrecover``) and releases them itself.
    *pages*: a ``dwgobjects.Pages`` of the file that the recovery reads its records with next:
    the layout read opens the file's object map and pages through it, and the recovery reuses them."""
    model, paper = (spaces or {}).get("model"), (spaces or {}).get("paper")
    dictionary = (spaces or {}).get("layouts")
    if release and isinstance(model, int) and isinstance(paper, int) and isinstance(dictionary, int):
        from drawreview.cad import dwgpages, dwgsheet
        from drawreview.cad.dwgbits import codec

        try:
            with open(path, "rb") as fh:  # R14/R2000 are not compressed: ezdwg's scan of them is quicker
                head = fh.read(6)
                family = head.decode("latin-1") in dwgpages.FAMILY
                data = None if not family else pages.objects() if pages is not None else head + fh.read()
            if data is not None:
                return _layouts_from_rows(dwgsheet.rows(data, dictionary, codec(codepage)), model, paper)
        except (ValueError, TypeError, KeyError, IndexError, UnicodeError, struct.error) as exc:
            log.info("DWG layouts not read from their records (%s): reading them with ezdwg", exc)
    import ezdwg

    try:
        if isinstance(model, int) and isinstance(paper, int):
            try:
                return _layouts_from_rows(ezdwg.raw.decode_layout_objects(str(path)), model, paper)
            except (AttributeError, TypeError, ValueError, IndexError) as exc:
                log.info("ezdwg layout rows unexpected (%r): reading its layout table", exc)
        return ezdwg.read(str(path)).layouts()
    finally:
        if release:
            ezdwg.clear_decode_caches()


def _layouts_from_rows(rows, model: int, paper: int) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for (handle, name, tab_order, flags, block, (width, height, margins, size, units, rotation), limits, extents,
         viewports, last_viewport, plot) in sorted(rows, key=lambda r: (int(r[2]), int(r[0]))):
        table.setdefault(str(name) or f"LAYOUT_{int(handle):X}", {
            "handle": int(handle), "tab_order": int(tab_order), "flags": int(flags), "model": int(block) == model,
            "active": int(block) == paper, "block_record_handle": int(block), "paper_width": float(width),
            "paper_height": float(height), "margins": tuple(float(v) for v in margins), "paper_size": str(size),
            "paper_units": int(units), "plot_rotation": int(rotation), "limmin": tuple(limits[0]),
            "limmax": tuple(limits[1]), "extmin": tuple(extents[0]), "extmax": tuple(extents[1]),
            "viewport_handles": [int(v) for v in viewports], "last_active_viewport_handle": int(last_viewport),
            "plot_layout_flags": int(plot[0]), "plot_type": int(plot[2]),
            "plot_scale": (float(plot[5]), float(plot[6]))})
    return table


def restore(doc, path: str | Path, spaces: dict | None = None, release: bool = True,
            codepage: str | None = None, pages=None) -> list[str]:
    """Copy the DWG's layout plot settings onto *doc*; notes for what could not be restored.
    *spaces*, *release*, *codepage*, *pages*: as for ``read_layouts``."""
    papers = [la for la in doc.layouts if not la.is_modelspace]
    if not papers:
        return []
    try:
        source = read_layouts(path, spaces, release, codepage, pages)
    except Exception as exc:  # noqa: BLE001 - a second reader's failure costs the paper sizes only
        log.warning("DWG layout settings unreadable: %r", exc)
        for layout in papers:
            _drop_placeholder(layout)
        return ["DWG 布局的图纸尺寸无法读取，按布局内容确定图幅 / the DWG's layout paper sizes could not be "
                "read; each layout sheet is sized by its content"]
    theirs = [(name, s) for name, s in source.items() if not s.get("model")]
    by_name = {name.casefold(): (name, s) for name, s in theirs}
    pairs, rest = [], []
    for layout in papers:
        hit = by_name.pop(layout.name.casefold(), None)
        (pairs.append((layout, hit)) if hit else rest.append(layout))
    left = sorted(by_name.values(), key=lambda ns: (ns[1].get("tab_order", 0), ns[1].get("handle", 0)))
    rest.sort(key=lambda la: _block_number(la.block_record_name))
    if len(left) == len(rest):
        pairs += list(zip(rest, left))
    else:
        for layout in rest:
            _drop_placeholder(layout)
    active = None
    for layout, (name, settings) in pairs:
        _apply(layout, settings)
        if layout.name != name and _MADE_UP.match(layout.name) and name not in doc.layouts:
            doc.layouts.rename(layout.name, name)
        if settings.get("active"):
            active = layout.name
    if active is not None and doc.layouts.active_layout().name != active:
        doc.layouts.set_active_layout(active)  # the layout current when the DWG was saved, as in its DXF
    return []


def _block_number(name: str) -> int:
    m = re.search(r"(\d+)$", name)
    return int(m.group(1)) + 1 if m else 0


def _apply(layout, s: dict) -> None:
    d = layout.dxf_layout.dxf
    if s.get("paper_width") and s.get("paper_height"):
        d.paper_width, d.paper_height = float(s["paper_width"]), float(s["paper_height"])
    margins = s.get("margins")
    if margins and len(margins) == 4:
        d.left_margin, d.bottom_margin, d.right_margin, d.top_margin = (float(v) for v in margins)
    if s.get("paper_size"):
        d.paper_size = str(s["paper_size"])[:255]
    for key in ("plot_rotation", "plot_type", "plot_layout_flags"):
        if isinstance(s.get(key), int):
            setattr(d, key, s[key])
    if isinstance(s.get("paper_units"), int):
        d.plot_paper_units = s["paper_units"]
    scale = s.get("plot_scale")
    if scale and len(scale) == 2 and all(v and v > 0 for v in scale):
        d.scale_numerator, d.scale_denominator = float(scale[0]), float(scale[1])
    lo, hi = s.get("limmin"), s.get("limmax")
    if lo and hi and hi[0] > lo[0] and hi[1] > lo[1]:
        d.limmin, d.limmax = (lo[0], lo[1], 0.0), (hi[0], hi[1], 0.0)
    else:
        _drop_placeholder(layout)
    lo, hi = s.get("extmin"), s.get("extmax")
    if lo and hi and hi[0] >= lo[0] and hi[1] >= lo[1]:
        d.extmin, d.extmax = tuple(lo[:3]), tuple(hi[:3])


def _drop_placeholder(layout) -> None:
    d = layout.dxf_layout.dxf
    lo, hi = d.get("limmin"), d.get("limmax")
    if lo is not None and hi is not None and ((lo.x, lo.y), (hi.x, hi.y)) == PLACEHOLDER_LIMITS:
        d.discard("limmin")
        d.discard("limmax")


def r14_views(models: list[dict]) -> list[dict]:
    """The MVIEW view of every R14 paper-space viewport (from the reader's ``models``): place
    and size, then the view."""
    out = []
    for model in models:
        if model.get("kind") == "model":
            continue
        for e in model.get("entities", ()):
            kind = e.get("kind", {})
            eed = (e.get("props") or {}).get("dwg.eed.ACAD")
            if kind.get("type") != "viewport" or not eed or eed[0] != "MVIEW" or len(eed) < 9:
                continue
            try:
                target, direction = [float(v) for v in eed[3]], [float(v) for v in eed[4]]
                twist, height, cx, cy = (float(v) for v in eed[5:9])
                c = kind["center"]
                out.append({"center": (float(c["x"]), float(c["y"])), "size": (float(kind["width"]), float(kind["height"])),
                            "target": target, "direction": direction, "twist": twist, "height": height,
                            "view_center": (cx, cy)})
            except (TypeError, ValueError, KeyError, IndexError):
                continue
    return out


def apply_views(doc, views: list[dict]) -> list[str]:
    """Give the DXF viewports that have no view (height 0) the R14 view of the same place and
    size; a note counts those still without one."""
    if not views:
        return []
    left = list(views)
    blank = 0
    for layout in doc.layouts:
        if layout.is_modelspace:
            continue
        for vp in layout.query("VIEWPORT"):
            if vp.dxf.get("view_height", 0) > 0:
                continue
            key = (round(vp.dxf.center.x, 6), round(vp.dxf.center.y, 6), round(vp.dxf.width, 6), round(vp.dxf.height, 6))
            hit = next((v for v in left if (round(v["center"][0], 6), round(v["center"][1], 6),
                                             round(v["size"][0], 6), round(v["size"][1], 6)) == key), None)
            if hit is None or hit["height"] <= 0:
                blank += 1
                continue
            left.remove(hit)
            vp.dxf.view_target_point = tuple(hit["target"][:3])
            vp.dxf.view_direction_vector = tuple(hit["direction"][:3]) if any(hit["direction"]) else (0, 0, 1)
            vp.dxf.view_twist_angle = hit["twist"]
            vp.dxf.view_height = hit["height"]
            vp.dxf.view_center_point = (*hit["view_center"], 0.0)
    if not blank:
        return []
    return [f"{blank} 个 R14 视口的视图参数未能读取，这些视口不显示模型空间内容；请另存为 R2000 或更新版本 / "
            f"{blank} R14 viewports' view settings could not be read, so they show no model space; "
            "save the drawing as R2000 or newer"]
