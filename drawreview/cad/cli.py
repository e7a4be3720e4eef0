"""``drawreview render FILE --out DIR``: the whole CAD pipeline on one upload, no database.

``render_file`` identifies the upload by content (DXF, DWG, PDF, or a zip of them), loads and
splits it into sheets, writes one sheet PDF and one PNG per sheet, and returns one record per
sheet; ``render_main`` prints one line per sheet.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from drawreview.cad import intake, tiles
from drawreview.cad.loader import load_drawing
from drawreview.cad.pdf import load_pdf, pdf_sheets, render_page
from drawreview.cad.render import render_drawing
from drawreview.cad.sheets import split_sheets
from drawreview.errors import DrawReviewError


def render_drawing_file(path: Path, out_dir: Path, kind: str, name: str) -> list[dict]:
    """Render one DXF, DWG or PDF (already identified) into *out_dir*."""
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    if kind == intake.PDF:
        src = load_pdf(path, name)
        try:
            specs = pdf_sheets(src)
            results = [render_page(src, spec, out_dir / f"{i + 1}.pdf") for i, spec in enumerate(specs)]
        finally:
            src.doc.close()
        load_s = 0.0
    else:
        drawing = load_drawing(path, name)  # a DWG is converted to an ezdxf document here
        load_s = time.perf_counter() - t0
        specs = split_sheets(drawing)
        results = render_drawing(drawing, specs, out_dir)
        for res in results:
            res.notes = drawing.notes + res.notes
    records = []
    for spec, res in zip(specs, results):
        png = Path(res.pdf).with_suffix(".png")
        png.write_bytes(tiles.thumbnail(res.pdf, 1024))
        tiles.forget(res.pdf)
        records.append({
            "file": name, "key": spec.key, "number": spec.number, "title": spec.title,
            "discipline": spec.discipline, "scale": spec.scale, "detected": spec.detected,
            "width": res.width, "height": res.height, "map": res.map, "units": res.units,
            "unit_m": res.unit_m, "pdf": res.pdf, "png": str(png), "layers": len(res.layers),
            "texts": len(res.texts), "notes": res.notes, "seconds": round(res.seconds + load_s / len(results), 3),
        })
    return records


def render_file(path: str | Path, out_dir: str | Path) -> list[dict]:
    """Render every sheet of an upload; zip members go to sub-folders of *out_dir*.

    Per-entry zip problems become records with an ``error`` envelope instead of sheets.
    """
    path, out_dir = Path(path), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    got = intake.ingest(path, out_dir / "_members")
    records: list[dict] = []
    for err in got.errors:
        records.append({"file": f"{path.name}/{err.name}", "error": err.as_dict()})
    multi = len(got.members) > 1 or got.members and got.members[0].path != path
    for i, member in enumerate(got.members):
        target = out_dir / f"m{i + 1}" if multi else out_dir
        try:
            records += render_drawing_file(member.path, target, member.kind, member.name)
        except DrawReviewError as exc:
            if not multi:
                raise
            records.append({"file": member.name, "error": exc.envelope()["error"]})
    return records


def render_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="drawreview render", description="把图纸渲染为分图 PDF / render a drawing")
    parser.add_argument("file")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    try:
        records = render_file(args.file, args.out)
    except DrawReviewError as exc:
        print(f"错误 / error [{exc.code}]: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 1
    for r in records:
        if "error" in r:
            print(f"{r['file']}\tERROR {r['error']['code']}: {r['error']['messages']['en']}")
            continue
        print(f"{r['file']}\t{r['key']}\t{r['number'] or '-'}\t{r['title'] or '-'}\t"
              f"{r['width']:.0f}x{r['height']:.0f}pt\t{r['seconds']:.3f}s\t{r['pdf']}")
    return 0 if any("error" not in r for r in records) else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(render_main(sys.argv[1:]))
