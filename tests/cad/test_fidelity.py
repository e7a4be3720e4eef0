"""Sheets judged against ezdxf's own renderer (benchmarks/bench_fidelity.py's measures): the
generated cases and real files at the goals — linework IoU ≥ 0.90 with text masked, lettering
0.95–1.05 of ezdxf's cap heights, every visible entity on a page."""

from __future__ import annotations

import importlib.util
import logging

import pytest

from drawreview.cad import casebook
from tests.thirdparty import ROOT

from .conftest import DRAWINGS

_spec = importlib.util.spec_from_file_location("bench_fidelity", ROOT / "benchmarks" / "bench_fidelity.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)
PX = 1200


def _check(rows):
    assert rows
    for r in rows:
        assert bench.verdict(r).startswith("ok"), r
        assert r["coverage"] is None or r["coverage"] == 1.0, r


@pytest.mark.parametrize("case", ["content", "xclip", "stacks", "layouts", "frames"])
def test_generated_cases_match_ezdxf(case, tmp_path):
    logging.disable(logging.WARNING)
    path = casebook.CASES[case](tmp_path / f"{case}.dxf")
    rows = bench.measure_file(path, PX, tmp_path / "out")
    _check(rows)
    if case in ("content", "stacks"):  # lettering at the CAD height: within 5 % of ezdxf's
        least = {"content": 2, "stacks": 3}[case]  # level texts only: content's turned ones are not measured
        assert all(r["lettering"] is not None and r["n_text"] >= least for r in rows)
    if case == "layouts":  # the status-0 viewport: ezdxf leaves it out, AutoCAD (and we) draw it
        row = next(r for r in rows if r["sheet"] == "layout:建施-03")
        assert "status-0" in row["ezdxf"] and row["ezdxf_wrong"]
    if case == "xclip":
        assert rows[0]["iou"] >= 0.95


@pytest.mark.parametrize("name", ["ezdxf__xclip.dxf", "sky__floorplan.dxf", "ezdxf__wipeout_door.dxf"])
def test_real_files_match_ezdxf(name, tmp_path):
    logging.disable(logging.WARNING)
    rows = bench.measure_file(DRAWINGS / name, PX, tmp_path)
    _check(rows)
    if name == "sky__floorplan.dxf":
        model = next(r for r in rows if r["sheet"] == "model")
        assert model["iou"] >= 0.95 and model["n_text"] >= 20 and 0.95 <= model["lettering"] <= 1.05
