"""Rule checks on drafting habits the main corpus does not draw (tests/rules/corpus/habits.py:
exploded and bulged doors, plans as blocks, dynamic blocks, flipped OCS, multileader labels,
pinyin layers, a millimetre header on a metre drawing, titles in paper space, Roman ratings …).

Usage: python benchmarks/bench_rules_habits.py [--keep DIR] [--corpus habits|outside|outside3|outside4|outside5|outside6|outside7|outside8|outside9|outside10|outside11|outside12]

``--corpus outside`` scores the second outside probe (tests/rules/corpus/outside.py: dividing
lines across a floor outline, basement titles, R12 and 天正 T3 exports, ``\\U+`` escapes …);
``--corpus outside3`` the third (tests/rules/corpus/outside3.py, decision 121: R12 without handles,
GBK R2000, ``|`` xref layers, REGION outlines, touching hatch paths, fire-wall bands, split
titles, parapet roofs, labels on LEADERs, door codes in ATTRIBs …); ``--corpus outside4`` the fourth
(tests/rules/corpus/outside4.py, decision 126: bulged, spline and hatch outlines, MINSERT, turned and
metre blocks, 天正 wall pairs, a whole T20 floor, FP- layers, English and ATTRIB titles, leaders in
blocks or drawn as lines, stacked MTEXT, lane junctions, wide polylines, 亩 …); ``--corpus outside5``
the fifth (tests/rules/corpus/outside5.py, written without reading the engine: far labels on leaders,
circled numbers, split and duplicate outlines, 2D POLYLINEs, inches, side-by-side floors, level-only
basement titles, negated and English sprinkler notes, lanes and red lines as hatches, 万㎡, 二类 …); ``--corpus outside6``
the sixth (tests/rules/corpus/outside6.py, also written without reading the engine: ``%%u``, letter-spaced
and MTEXT-coded basement titles, ELLIPSE, elevated and edge-path-hatch compartments, key plans, area
tables and frozen layers that must raise nothing, stair doors as exits, ``FMJ`` / ``甲FM`` codes, 天正
door-library blocks, heights in 米 or 十八层, 楼号 ATTRIBs, MLINE lanes, 平米, 避雷带, donut
down-conductors, HFM entrances, gradient hatches, DIMLFAC …); ``--corpus outside7`` the seventh
(tests/rules/corpus/outside7.py, written without reading the engine: polyface, 3DFACE, SOLID and MPOLYGON
outlines, layer-0 blocks three deep, Revit and GB/T 18112 layers, traditional-character titles, sprinklers
in a 消防设计说明 table or a paper-space note, a 楼层表, 防火墙 lines and 防火卷帘, bracketed and full-width
door codes, Revit door families, OCS -Z doors, legend swatches and paper overlays, 3D red lines, squeezed
lane blocks, towers in podiums, green islands, 公顷 and hm², mesh pieces, MINSERT meshes, POINT
down-conductors, ``R`` / ``%%c`` / ``%%d`` overrides, ``$INSUNITS`` 0 …); ``--corpus outside8`` the eighth
(tests/rules/corpus/outside8.py, written without reading the engine: doubly closed and LINE-built
compartments, plans turned 30°, centimetres, bulged 2D POLYLINEs, paper-space frames over a viewport,
formatted sprinkler and height MTEXT, ``负一层`` / ``BASEMENT`` titles, ``乙级防火门1000`` and ``FM乙-1000X2100``
doors, survey coordinates, red lines as LINEs and ARCs, ``24/-2`` storeys, multi-loop green hatches,
basement outlines across the red line, lanes as edge lines or curved bands, ``第Ⅱ类`` and English lightning
classes, serpentine meshes, attributed down-conductors, inline ``\\H`` heights, missing ``$INSUNITS`` …);
``--corpus outside9`` the ninth (tests/rules/corpus/outside9.py, written without reading the engine: compartment
layers with a space and version mark, a ``$0$`` suffix, mixed English-Chinese or a one-character prefix; a
basement named only by its layout tab, ``b1f`` and ALIGNED titles, the height in a title-block ATTRIB,
sprinklers in a 图例; lowercase and doubly anonymous doors; demolished dashed buildings (traps), ``12f``
storeys, anonymous-block footprints, a GRASS hatch on ``L-PLNT-绿化``, a closed-spline red line, lanes on
``C-ROAD-FIRE``; units on ``人防 防护单元``; an ANSI37 hatch mesh, the class in a table, ``YX-n`` conductors;
FIT and ``%%p`` texts, a full-width dimension override …); ``--corpus outside10`` the tenth
(tests/rules/corpus/outside10.py, written without reading the engine: layers with a trailing space, full-width
brackets or a bound xref's ``$0$`` prefix, bound xref blocks, nested non-uniform and mirrored inserts, MINSERT
compartments, doors and buildings, doubled vertices, arcs as short segments, 3D POLYLINEs at elevation,
extrusion -Z outlines, hatches and circles, hatch islands, keyhole outlines, metre drawings, two paper layouts,
traditional-character sprinkler, storey, rating and class notes, ``负1层``, a note in paper space …);
``--corpus outside11`` the eleventh (tests/rules/corpus/outside11.py, written without reading the engine: whole
drawings in one GUID-named block, content at CGCS2000 survey coordinates, a GUID block inserted at the survey
point, outlines as LINE loops with sub-millimetre gaps, a 1:200 sheet beside a 1:100 sheet, ``地下贰层`` /
``B1~B2层`` / ``-1F`` titles, ``檐口高度…米`` and ``▽+49.950`` heights, full-width storeys, ``\\U+00B2`` areas,
lines-and-texts tables, ``\\A1;`` overrides …); ``--corpus outside12`` the twelfth
(tests/rules/corpus/outside12.py, written without reading the engine: English-only titles and notes,
``LEVEL -1``, ``地上18层/地下2层``, ``建筑高度(m): 53.85``, font-coded MTEXT titles, CASS ``JZX`` / ``JZD`` site
boundaries with ``X=`` ``Y=`` survey texts, ``DLSS`` roads, two-cell tables, ha, an English lane layer, door
codes as texts and in a 门窗表, ``防雷等级：第三类`` / ``二类防雷``, drum roofs, 口部 passages, ``%%c`` texts,
``6000mm`` / ``6.00m`` overrides …).

Each habit is a clean / violating pair generated into a temporary folder (or DIR) and checked
as ``drawreview check`` checks it (``rules.sheetcheck.check_file``). A prediction is an
error-severity finding of a family the drawing is labelled for; per habit: violations found,
missed, false alarms (a family predicted that was not seeded) and clean drawings passed. A drawing
labelled ``any_severity`` (a family whose rule is a warning, PL-07) counts findings of any severity.
Goal: nothing missed, no false alarm.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from drawreview.rules.sheetcheck import check_file  # noqa: E402


CORPORA = ("habits", "outside", "outside3", "outside4", "outside5", "outside6", "outside7", "outside8", "outside9",
           "outside10", "outside11", "outside12")


def load_generator(corpus: str = "habits"):
    spec = importlib.util.spec_from_file_location(corpus, ROOT / "tests" / "rules" / "corpus" / f"{corpus}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score(out: Path, corpus: str = "habits") -> tuple[dict, list]:
    """({habit: {found, missed, false, clean}}, [(file, what went wrong)])."""
    labels = load_generator(corpus).generate(out)
    table: dict = defaultdict(lambda: {"found": 0, "missed": 0, "false": 0, "clean": 0})
    wrong = []
    for lab in labels:
        got = set()
        for _, result in check_file(out / lab["file"], lab["params"]):
            for f in result.findings:
                fam = re.match(r"[A-Z]+-\d+", f.rule_id).group(0)
                if (f.severity == "error" or lab.get("any_severity")) and fam in lab["families"]:
                    got.add(fam)
        seeded = {lab["violation"]} if lab["violation"] else set()
        row = table[lab["habit"]]
        row["found"] += len(seeded & got)
        row["missed"] += len(seeded - got)
        row["false"] += len(got - seeded)
        row["clean"] += not seeded and not got
        if seeded ^ got:
            wrong.append((lab["file"], f"missed {sorted(seeded - got)}, false {sorted(got - seeded)}"))
    return dict(table), wrong


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--keep", type=Path, default=None, help="write the drawings here and keep them")
    ap.add_argument("--corpus", choices=CORPORA, default="habits", help="which labelled corpus")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        table, wrong = score(args.keep or Path(tmp), args.corpus)
    print(f"{'habit':38} found missed false clean")
    for habit, r in table.items():
        print(f"{habit:38} {r['found']:5} {r['missed']:6} {r['false']:5} {r['clean']:5}")
    tot = {k: sum(r[k] for r in table.values()) for k in ("found", "missed", "false", "clean")}
    print(f"{'total':38} {tot['found']:5} {tot['missed']:6} {tot['false']:5} {tot['clean']:5}")
    for name, why in wrong:
        print(f"  {name}: {why}")
    print("goal met" if not wrong else "goal not met")
    return 0 if not wrong else 1


if __name__ == "__main__":
    sys.exit(main())
