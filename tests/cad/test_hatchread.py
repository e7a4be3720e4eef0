"""cad/hatchread.py: hatch patterns read apart by the fast tag reader are ezdxf's patterns."""

from __future__ import annotations

import ezdxf
import pytest
from ezdxf.entities.pattern import Pattern
from ezdxf.lldxf.validator import is_binary_dxf_file

from drawreview.cad import dwg, dxfread
from tests.cad.conftest import DRAWINGS, REAL_FILES

ASCII_REAL = [p for p in REAL_FILES if p.suffix == ".dxf" and not is_binary_dxf_file(str(p))]
DWGS = sorted(p for p in (DRAWINGS / "dwg").glob("*.dwg") if "geoloc" not in p.name)


def _hatches(doc) -> list:
    """(handle, pattern lines or None, boundary path count, seeds, attributes) of every HATCH,
    in the order of the drawing's layouts and blocks."""
    out = []
    for block in doc.blocks:
        for e in block:
            if e.dxftype() == "HATCH":
                lines = None if e.pattern is None else [line.as_list() for line in e.pattern.lines]
                out.append((e.dxf.handle, lines, len(e.paths), e.seeds, e.dxf.all_existing_dxf_attribs()))
    return out


def _same_hatches(path) -> int:
    ref, ours = _hatches(ezdxf.readfile(path)), _hatches(dxfread.readfile(path))
    assert ours == ref
    return sum(1 for h in ref if h[1])


@pytest.mark.parametrize("path", ASCII_REAL, ids=[p.name for p in ASCII_REAL])
def test_real_files_hatch_as_ezdxf_hatches_them(path):
    try:
        ezdxf.readfile(path)
    except ezdxf.DXFError:  # damaged: not the fast reader's
        return
    _same_hatches(path)


@pytest.mark.parametrize("source", DWGS, ids=[p.name for p in DWGS])
def test_converted_dwgs_hatch_as_ezdxf_hatches_them(tmp_path, source):
    path = tmp_path / "converted.dxf"
    path.write_bytes(dwg.convert(source)[0])  # CR LF, as pycadkit writes it
    _same_hatches(path)


def test_the_pattern_lines_are_not_read_by_ezdxf(monkeypatch):
    """What the reader saves: ezdxf's loader never walks a converted hatch's pattern lines."""
    def refused(cls, tags):
        raise AssertionError("pattern read by ezdxf")

    path = next(p for p in ASCII_REAL if p.name == "sky__floorplan.dxf")
    with_patterns = [h for h in _hatches(ezdxf.readfile(path)) if h[1]]
    monkeypatch.setattr(Pattern, "load_tags", classmethod(refused))
    ours = _hatches(dxfread.readfile(path))
    assert with_patterns and [h for h in ours if h[1]] == with_patterns


def _drawing(tmp_path, runs: list[str], handles: list[str] | None = None):
    """A DXF of one hatch per pattern *run* (the tags after its count 78, as DXF text)."""
    doc = ezdxf.new("R2018")
    msp = doc.modelspace()
    for _ in runs:
        hatch = msp.add_hatch(color=1)
        hatch.set_pattern_fill("ANSI31", scale=2)
        hatch.paths.add_polyline_path([(0, 0), (10, 0), (10, 10)], is_closed=True)
    path = tmp_path / "hatches.dxf"
    doc.saveas(path)
    text = path.read_text()
    for hatch, run in zip(msp.query("HATCH"), runs):
        at = text.index(f"\n  5\n{hatch.dxf.handle}\n")
        start = text.index("\n 78\n", at) + 1
        stop = text.index("\n 98\n", start) + 1
        text = text[:start] + run + text[stop:]
    for old, new in zip([h.dxf.handle for h in msp.query("HATCH")], handles or []):
        text = text.replace(f"\n  5\n{old}\n", f"\n  5\n{new}\n", 1)
    path.write_text(text)
    return path


ODD_RUNS = {
    "two lines": " 78\n2\n 53\n45.0\n 43\n0.0\n 44\n0.0\n 45\n-2.1\n 46\n2.1\n 79\n0\n"
                 " 53\n90.0\n 43\n1\n 44\n2\n 45\n0\n 46\n3\n 79\n2\n 49\n1.5\n 49\n-0.5\n",
    "no lines": " 78\n0\n",
    "count written as a float": " 78\n1\n 53\n0.0\n 43\n0\n 44\n0\n 45\n0\n 46\n1\n 79\n2.0\n 49\n1\n 49\n-1\n",
    "more dashes than counted": " 78\n1\n 53\n0\n 43\n0\n 44\n0\n 45\n0\n 46\n1\n 79\n1\n 49\n1\n 49\n-1\n",
    "fewer dashes than counted": " 78\n1\n 53\n0\n 43\n0\n 44\n0\n 45\n0\n 46\n1\n 79\n3\n 49\n1\n",
    "numbers out of order": " 78\n1\n 53\n30\n 46\n1\n 45\n0.5\n 43\n2\n 44\n0\n 79\n0\n",
    "numbers before the first angle": " 78\n1\n 43\n5\n 53\n30\n 43\n1\n 44\n0\n 45\n0\n 46\n1\n 79\n0\n",
    "a repeated number": " 78\n1\n 53\n30\n 43\n1\n 43\n7\n 44\n0\n 45\n0\n 46\n1\n 79\n0\n",
}


@pytest.mark.parametrize("name", list(ODD_RUNS))
def test_any_layout_of_the_lines_reads_as_ezdxf_reads_it(tmp_path, name):
    path = _drawing(tmp_path, [ODD_RUNS[name]])
    _same_hatches(path)


@pytest.mark.parametrize("block", [64, 200, 333])
def test_a_run_across_blocks_of_the_file_reads_the_same(tmp_path, monkeypatch, block):
    monkeypatch.setattr(dxfread, "BLOCK", block)
    path = _drawing(tmp_path, [ODD_RUNS["two lines"]] * 3)
    assert _same_hatches(path) == 3


def test_hatches_sharing_a_handle_read_as_ezdxf_reads_them(tmp_path):
    """ezdxf keeps the last of two entities with one handle: the pattern goes with its hatch
    all the same (the file is read again without reading patterns apart)."""
    no_pattern = ""  # a hatch without a pattern count
    path = _drawing(tmp_path, [ODD_RUNS["two lines"], no_pattern], handles=["ABC", "ABC"])
    ref = ezdxf.readfile(path)
    ours = dxfread.readfile(path)
    assert [h[1] for h in _hatches(ours)] == [h[1] for h in _hatches(ref)]


def test_a_value_that_is_no_number_goes_back_to_ezdxf(tmp_path):
    path = _drawing(tmp_path, [" 78\n1\n 53\n4x5\n 43\n0\n 44\n0\n 45\n0\n 46\n1\n 79\n0\n"])
    with pytest.raises(dxfread.NotPlain):
        dxfread._text_sections(path.read_bytes(), False, None, [])
