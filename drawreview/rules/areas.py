"""Areas an indicator table declares (RULES.md PL-07): ``用地面积：30000㎡``, ``总建筑面积 3600.00 ㎡``.

A unit is required (``㎡``, ``m2``, ``m^2``, ``平方米``, ``平米``, ``公顷``, ``hm²``, ``ha``, ``亩``, or ``万㎡``):
a bare number in a table may be anything. Thousands may be grouped by commas or by spaces
(``18 000.00 ㎡``), and an English table's keys are read as the Chinese ones (``Site Area: 1.95 ha``).

The site area a sheet declares is the one its red line bounds: when the table gives both the gross
site (总用地, which takes in the road and green land the project gives up, 代征) and the net one
(净用地 / 建设用地), the red line encloses the net one; the land given up (代征道路用地面积,
其中绿地用地面积 …) is a part, never the site."""

from __future__ import annotations

import re
import unicodedata

# 用地面积：30000㎡ / 用地面积(㎡)：30000 / 30,000.00㎡ / 3.00公顷 / 45.00亩 (NFKC makes ㎡ and m² "m2"); a unit
# is required; m^2 as plain ASCII writes it, 平米 as offices say it
AREA_UNIT = r"(m\^?2|㎡|m²|平方米|平米|公顷|hm2|ha|亩)"
KEYS = r"(用地面积|总建筑面积|建筑面积|地上建筑面积)"
# the same keys as an English table writes them (a foreign or joint-venture office): Site Area: 1.95 ha
ENGLISH = {"site area": "用地面积", "net site area": "净用地面积", "land area": "用地面积",
           "total floor area": "总建筑面积", "gross floor area": "总建筑面积"}
# thousands grouped by commas (30,000.00) or by spaces as ISO 80000 writes them (30 000.00, a thin space too)
NUMBER = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u2009\u202f]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
RE_AREA = re.compile(KEYS + r"\s*(?:[(（\[]\s*" + AREA_UNIT + r"\s*[)）\]])?\s*[:：=]?"
                     r"\s*(?:s\s*=\s*)?" + NUMBER + r"\s*" + AREA_UNIT + "?", re.I)
# … or in 万㎡ (tens of thousands of m²): 总用地面积: 1.26万㎡
RE_AREA_WAN = re.compile(KEYS + r"\s*[:：=]?\s*(?:s\s*=\s*)?(\d+(?:\.\d+)?)\s*万\s*" + AREA_UNIT, re.I)
HECTARE = ("公顷", "hm2", "ha")
UNIT_M2 = {**{u: 10000.0 for u in HECTARE}, "亩": 2000.0 / 3.0}  # 1 亩 = 666.67 m² (15 亩 = 1 公顷)
SITE = "用地面积"
# the words just before 用地面积 that make it the net site, or only a part of the land
NET = re.compile(r"(?:净|建设|可建设|实际)$")
PART = re.compile(r"代征|道路|绿地|绿化|公共|市政|防护|水域|其他")


def _kind(text: str, start: int) -> str:
    """``net``, ``part`` or ``gross`` for the 用地面积 at *start* of *text*, by the words before it
    on its line (``其中：代征道路用地面积`` is a part; ``净用地面积`` / ``建设用地面积`` the net site)."""
    before = re.split(r"[\n,，;；:：|]", text[:start])[-1].strip()[-8:]
    if NET.search(before):
        return "net"
    return "part" if PART.search(before) else "gross"


def english_keys(text: str) -> str:
    """An English table's keys written as the Chinese ones (``Site Area: 1.95 ha`` → ``用地面积: 1.95 ha``)."""
    if "area" not in text.casefold():
        return text
    return re.sub(r"(?:net\s+)?site\s+area|land\s+area|(?:total|gross)\s+floor\s+area",
                  lambda m: ENGLISH[re.sub(r"\s+", " ", m.group(0).casefold())], text, flags=re.I)


def declared_areas(texts: list[str]) -> dict[str, tuple[float, str]]:
    """Indicator-table areas in m²: ``用地面积: 30000.0㎡``, ``用地面积(㎡)：30,000``, ``用地面积：3.0公顷``,
    ``用地面积：45亩``, ``总用地面积：31500平米`` → {"用地面积": (30000.0, text)}. A number without a unit is
    not read. The site is the net one when the table gives it (see the module's note)."""
    out: dict[str, tuple[float, str]] = {}
    net: tuple[float, str] | None = None
    for raw in texts:
        if "面积" not in raw and "area" not in raw.casefold():  # cheap filter: tables are a few texts among many
            continue
        t = english_keys(unicodedata.normalize("NFKC", raw))
        found = [(m, float(m.group(2)) * 10000.0 * UNIT_M2.get(m.group(3).casefold(), 1.0))
                 for m in RE_AREA_WAN.finditer(t)]  # 1.26万㎡: read before RE_AREA reads 1.26 without a unit
        for m in RE_AREA.finditer(t):
            unit = (m.group(2) or m.group(4) or "").casefold()
            if unit:
                found.append((m, float(re.sub(r"[,\s\u2009\u202f]", "", m.group(3))) * UNIT_M2.get(unit, 1.0)))
        for m, value in found:
            kind = _kind(t, m.start()) if m.group(1) == SITE else "gross"
            if kind == "net" and net is None:
                net = (value, raw)
            elif kind == "gross":
                out.setdefault(m.group(1), (value, raw))
    if net is not None:
        out[SITE] = net
    return out
