import zipfile

from drawreview.cad.cli import render_file, render_main

from .conftest import DRAWINGS


def test_render_zip_of_dxf_and_pdf(tmp_path, specimens, capsys):
    z = tmp_path / "upload.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(specimens["attrib3"], "建筑/plans.dxf")
        zf.write(DRAWINGS / "ezdxf__dimtad-dimjust_bricscad.pdf", "dims.pdf")
        zf.writestr("../escape.dxf", b"x")
    records = render_file(z, tmp_path / "out")
    sheets = [r for r in records if "error" not in r]
    assert [r["number"] for r in sheets if r["file"] == "建筑/plans.dxf"] == ["建施-01", "结施-03", "总图-01"]
    assert any(r["file"] == "dims.pdf" for r in sheets)
    assert [r["error"]["code"] for r in records if "error" in r] == ["unsafe_path"]
    for r in sheets:
        assert open(r["png"], "rb").read(4) == b"\x89PNG" and r["seconds"] >= 0
    assert render_main([str(specimens["text2"]), "--out", str(tmp_path / "cli")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "人防-02" in out[0] and "防雷-01" in out[1]


def test_render_main_reports_errors(tmp_path, capsys):
    bad = tmp_path / "plan.dxf"
    bad.write_bytes(b"AC1027" + b"\x00" * 100)
    assert render_main([str(bad), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err  # a DWG header and 100 zero bytes: cut off right after the header
    assert "truncated_drawing" in err and "R2013/AC1027" in err
