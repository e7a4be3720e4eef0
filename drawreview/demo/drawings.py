"""The demo drawing set: 总图-01 (site), 建施-01..n (floors), 防雷-01 (roof), 人防-01 (basement).

Some sheets carry seeded violations so that the demo shows findings.
"""

from __future__ import annotations

from pathlib import Path

from ..samples.basement import basement_plan
from ..samples.floor import floor_plan
from ..samples.roof import roof_plan
from ..samples.site import site_plan

DEMO_PARAMS = {"project_type": "building", "plot_ratio_max": 1.4, "density_max": 0.13, "green_ratio_min": 0.30,
               "use": "office", "building_height_m": 40.0, "sprinklers": True, "lightning_class": 2}


def generate_demo_set(out_dir: Path, floors: int = 2) -> list[Path]:
    """Write the demo DXF set into ``out_dir`` and return the paths (sheet order)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [site_plan(out / "总图-01 总平面图.dxf", {"FR-01", "FR-02", "PL-05"})]
    for i in range(1, floors + 1):
        violate = {"FR-13", "FR-12"} if i == 1 else {"FR-08B"}
        paths.append(floor_plan(out / f"建施-{i:02d} {i}层平面图.dxf", violate, sheet_no=f"建施-{i:02d}",
                                title=f"{i}层平面图"))
    paths.append(roof_plan(out / "防雷-01 屋顶防雷平面图.dxf", {"LP-04"}))
    paths.append(basement_plan(out / "人防-01 地下室人防平面图.dxf", {"AD-03"}))
    return paths
