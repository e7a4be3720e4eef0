"""Facts read from the texts that sit inside a polygon, and from block names.

``H=54.0`` → height 54 m; ``18F`` / ``18层`` → 18 storeys; ``一级`` → fire-resistance
rating 1; ``住宅`` / ``公建`` / ``医院`` ... → use; ``800人`` → persons; ``第二类防雷`` →
lightning class 2; ``地下`` → underground; ``设备用房`` → equipment rooms. Door block names
``M1021`` / ``FM甲1221`` give the width in decimetres (10 → 1.0 m).
"""

from __future__ import annotations

import re
import unicodedata

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}

RE_HEIGHT = re.compile(r"(?:^|[^a-z])h\s*[=＝:：]\s*(\d+(?:\.\d+)?)\s*(m|米)?", re.I)
RE_STOREYS = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:f\b|层)", re.I)
RE_RATING = re.compile(r"(?:耐火等级\s*[:：]?\s*)?([一二三四])级")
RE_PERSONS = re.compile(r"(\d+)\s*人")
RE_LP_CLASS = re.compile(r"第?\s*([一二三123])\s*类防雷")
RE_AREA = re.compile(r"(用地面积|总建筑面积|建筑面积|地上建筑面积)\s*[:：=]?\s*(\d+(?:\.\d+)?)\s*(?:㎡|m2|m²|平方米)")
RE_CLEAR = re.compile(r"净高\s*[=＝:：]?\s*(\d+(?:\.\d+)?)")
RE_DOOR = re.compile(r"^(?:[a-z]*?)(fm|m)\s*[甲乙丙]?\s*(\d{2})(\d{2})", re.I)
RE_SCALE = re.compile(r"1\s*[:：]\s*(\d+(?:\.\d+)?)")

# use keyword → (category, is_residential); order matters (first hit wins)
USES = [
    ("托儿所", "nursery"), ("幼儿园", "nursery"), ("老年人", "elderly"), ("养老", "elderly"),
    ("歌舞", "entertainment"), ("娱乐", "entertainment"), ("病房", "ward"), ("医院", "medical"),
    ("门诊", "medical"), ("学校", "school"), ("教学", "school"), ("旅馆", "hotel"),
    ("酒店", "hotel"), ("展览", "exhibition"), ("厂房", "factory"), ("仓库", "warehouse"),
    ("住宅", "residential"), ("宿舍", "residential"), ("公寓", "residential"), ("办公", "office"),
    ("商业", "commercial"), ("商场", "commercial"), ("公建", "public"), ("车库", "garage"),
]


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def parse(texts: list[str]) -> dict:
    """Facts found in a polygon's texts (first occurrence of each wins)."""
    facts: dict = {}
    for raw in texts:
        t = norm(raw)
        if "height" not in facts and (m := RE_HEIGHT.search(t)):
            facts["height"] = float(m.group(1))
        if "storeys" not in facts and (m := RE_STOREYS.search(t)) and "地下" not in t:
            facts["storeys"] = int(m.group(1))
        if "rating" not in facts and (m := RE_RATING.search(t)) and "防雷" not in t:
            facts["rating"] = CN_DIGITS[m.group(1)]
        if "persons" not in facts and (m := RE_PERSONS.search(t)):
            facts["persons"] = int(m.group(1))
        if "lightning_class" not in facts and (m := RE_LP_CLASS.search(t)):
            facts["lightning_class"] = CN_DIGITS[m.group(1)]
        if "clear_height" not in facts and (m := RE_CLEAR.search(t)):
            facts["clear_height"] = float(m.group(1))
        if "use" not in facts:
            for word, use in USES:
                if word in t:
                    facts["use"] = use
                    break
        if "地下" in t:
            facts["underground"] = True
        if "设备用房" in t or "设备间" in t:
            facts["equipment"] = True
        if "name" not in facts and t.strip():
            facts["name"] = t.split()[0]
    return facts


def declared_areas(texts: list[str]) -> dict[str, tuple[float, str]]:
    """Indicator-table areas: ``用地面积: 30000.0㎡`` → {"用地面积": (30000.0, text)}."""
    out: dict[str, tuple[float, str]] = {}
    for raw in texts:
        if "面积" not in raw:  # cheap filter: indicator tables are a few texts among many
            continue
        for m in RE_AREA.finditer(norm(raw)):
            out.setdefault(m.group(1), (float(m.group(2)), raw))
    return out


def door_width_m(block_name: str) -> float | None:
    """``M1021`` → 1.0; ``FM甲1221`` → 1.2 (the first two digits are the width in dm)."""
    m = RE_DOOR.search(norm(block_name).strip())
    return int(m.group(2)) / 10.0 if m else None


def scale_denominator(text: str) -> float | None:
    m = RE_SCALE.search(norm(text))
    return float(m.group(1)) if m else None
