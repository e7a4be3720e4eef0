"""Raster overlay compare of any two sheet PDFs (PDF uploads, or rendered layouts): both pages
rasterised at one scale on the new page's size; ink only in the old page is red, only in the new
green (a 1-pixel tolerance absorbs anti-aliasing), the rest grey; one image page. Changed pixels
are grouped by grid cells into regions (points, y down). The entity-level compare of two DXF
revisions is ``cad.diff``; both give a :class:`cad.diff.SheetDiff`."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pymupdf

from drawreview.cad.diff import GREEN, GREY, RED, SheetDiff


def _ink(page, s: float, rect) -> np.ndarray:
    m = pymupdf.Matrix(s * rect.width / page.rect.width, s * rect.height / page.rect.height)
    pix = page.get_pixmap(matrix=m, colorspace=pymupdf.csGRAY, alpha=False)
    return np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)[:, :pix.width] < 230


def _grow(mask: np.ndarray, r: int) -> np.ndarray:
    h, w = mask.shape
    pad = np.pad(mask, r)
    out = np.zeros_like(mask)
    for dy in range(2 * r + 1):
        for dx in range(2 * r + 1):
            out |= pad[dy:dy + h, dx:dx + w]
    return out


def diff_sheet_pdfs(old_pdf, new_pdf, out_pdf: str | Path, *, old_page: int = 0, new_page: int = 0,
                    px: int = 2400, cell: int = 24) -> SheetDiff:
    """Raster overlay of two sheet PDFs on the new page's size (the old page is stretched to it)."""
    t0 = time.perf_counter()
    with pymupdf.open(old_pdf) as od, pymupdf.open(new_pdf) as nd:
        rect = nd[new_page].rect
        s = px / max(rect.width, rect.height)
        a, b = _ink(od[old_page], s, rect), _ink(nd[new_page], s, rect)
        notes = []
        if abs(od[old_page].rect.width / rect.width - od[old_page].rect.height / rect.height) > 0.01:
            notes.append("两版图幅比例不同，旧版已拉伸对齐 / the page sizes differ; the old page was stretched")
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w], b[:h, :w]
    removed = a & ~_grow(b, 1)
    added = b & ~_grow(a, 1)
    rgb = np.full((h, w, 3), 255, np.uint8)
    rgb[a | b] = [round(c * 255) for c in GREY]
    rgb[removed] = [round(c * 255) for c in RED]
    rgb[added] = [round(c * 255) for c in GREEN]
    out = pymupdf.open()
    page = out.new_page(width=rect.width, height=rect.height)
    page.insert_image(page.rect, pixmap=pymupdf.Pixmap(pymupdf.csRGB, w, h, rgb.tobytes(), False))
    out.set_metadata({"title": "revision overlay", "creator": "drawreview"})
    out.save(str(out_pdf), deflate=True)
    out.close()
    regions, counts = _raster_regions(removed, added, cell, rect.width / w)
    return SheetDiff(str(out_pdf), round(rect.width, 3), round(rect.height, 3), None, "raster", counts, regions,
                     notes, round(time.perf_counter() - t0, 4))


def _raster_regions(removed: np.ndarray, added: np.ndarray, cell: int, pt_per_px: float):
    """Group changed pixels by grid cells into connected regions; each region is added,
    removed or changed (both)."""
    h, w = removed.shape
    gh, gw = -(-h // cell), -(-w // cell)

    def cells(mask):
        pad = np.zeros((gh * cell, gw * cell), bool)
        pad[:h, :w] = mask
        return pad.reshape(gh, cell, gw, cell).sum(axis=(1, 3)) >= 3  # a few pixels: not noise

    r, g = cells(removed), cells(added)
    hit = r | g
    seen = np.zeros_like(hit)
    regions, counts = [], {"added": 0, "removed": 0, "changed": 0, "unchanged": 0}
    for i, j in zip(*np.nonzero(hit)):
        if seen[i, j]:
            continue
        stack, members = [(i, j)], []
        seen[i, j] = True
        while stack:
            y, x = stack.pop()
            members.append((y, x))
            for yy in range(y - 1, y + 2):
                for xx in range(x - 1, x + 2):
                    if 0 <= yy < gh and 0 <= xx < gw and hit[yy, xx] and not seen[yy, xx]:
                        seen[yy, xx] = True
                        stack.append((yy, xx))
        ys, xs = [int(m[0]) for m in members], [int(m[1]) for m in members]
        has_r, has_g = any(r[m] for m in members), any(g[m] for m in members)
        kind = "changed" if has_r and has_g else "removed" if has_r else "added"
        counts[kind] += 1
        box = [min(xs) * cell, min(ys) * cell, min(w, (max(xs) + 1) * cell), min(h, (max(ys) + 1) * cell)]
        regions.append({"kind": kind, "bbox": [round(float(v) * pt_per_px, 2) for v in box]})
    return regions, counts
