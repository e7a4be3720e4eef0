"""Facts read from the texts that sit inside a polygon, and from block names.

``H=54.0`` → height 54 m; ``18F`` / ``18层`` → 18 storeys; ``一级`` → fire-resistance
rating 1; ``住宅`` / ``公建`` / ``医院`` ... → use; ``800人`` → persons; ``第二类防雷`` →
lightning class 2; ``地下`` → underground; ``设备用房`` → equipment rooms. Door block names
``M1021`` / ``FM甲1221`` give the width in decimetres (10 → 1.0 m).
"""

from __future__ import annotations

import re
import unicodedata

from .areas import declared_areas  # noqa: F401 - read with the other labels' facts
from .basements import BASEMENT_TITLE as RE_BASEMENT_TITLE  # 地下一层 / 地下贰层 / B1~B2层 … 平面图
from .doorcodes import bare_block, door_code, door_width_m  # noqa: F401 - door names are labels too
from .english import english_facts, lightning_class_of
from .struck import cancelled

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4,
             "i": 1, "ii": 2, "iii": 3, "iv": 4}
CN_NUM = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def number(word: str) -> int:
    """``18`` → 18, ``十八`` → 18, ``二十一`` → 21, ``一百`` → 100."""
    if word.isdigit():
        return int(word)
    total, cur = 0, 0
    for ch in word:
        if ch in CN_NUM:
            cur = CN_NUM[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur

# the unit in brackets after the word, before the value (a table header's habit): 建筑高度(m): 53.85, H(m)=53.85
UNIT_M = r"(?:\s*[(（\[]\s*(?:m|米)\s*[)）\]])?"
RE_HEIGHT = re.compile(
    r"(?:(?:建筑|檐口|屋面|房屋|总)?高度|檐高|height|(?<![a-z])h)" + UNIT_M + r"\s*(?:[=＝:：]|为|是)?\s*(\d+(?:\.\d+)?)\s*(m|米)?(?![\d.]*\s*(?:m2|㎡|平方))",
    re.I)
RE_STOREYS_ABOVE = re.compile(r"地上\s*(\d{1,3}|[一二三四五六七八九十百]+)\s*层")
RE_STOREYS_BELOW = re.compile(r"地下\s*(?:\d{1,3}|[一二三四五六七八九十百]+)(?:\s*[+＋]\s*\d{1,2})?\s*层")
# "18/2F", "18F/-2F": storeys above ground / below ground, the first number being the building's
RE_STOREYS_SPLIT = re.compile(r"(?<![\d.])(\d{1,3})\s*f?\s*[/／]\s*-?\s*\d{1,2}\s*f\b", re.I)
# "24/-2", "24/B2", "24F/-2": the same without the F, the minus or B marking the number after the slash
# as below ground (not a fraction 24/2, a date 2024/-2 or a level -3.6/-2.5)
RE_STOREYS_SIGNED = re.compile(r"(?<![\d.\-/])(\d{1,3})\s*f?\s*[/／]\s*(?:-|b)\s*\d{1,2}(?![\d.])(?!\s*[/／])", re.I)
# "18+1F", "地上18+1层": storeys plus a roof / duplex floor, all above ground
RE_STOREYS_PLUS = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:f|层)?\s*[+＋]\s*(\d{1,2})\s*(?:f\b|层)", re.I)
RE_STOREYS = re.compile(
    r"(?:层数\s*[=＝:：]?\s*(\d{1,3}|[一二三四五六七八九十百]+)(?!\s*[层f]))"
    r"|(?:(?:^|(?<=[^\d.a-z]))(\d{1,3}|[一二三四五六七八九十百]+)\s*(?:f\b|层(?![高平面顶]|\s*平面)|storeys?\b|stories\b|floors?\b))"
    r"|(?:(?:storeys|floors)\s*[=:]\s*(\d{1,3}))",
    re.I)
RE_HEIGHT_ONLY = re.compile(r"^\s*(?:建筑高度|高度|height|h)" + UNIT_M + r"\s*[=＝:：]\s*(\d+(?:\.\d+)?)\s*(?:m|米)?\s*$", re.I)
RE_RATING = re.compile(r"(?:耐火等级\s*[=＝:：为]?\s*)?([一二三四])级|耐火等级\s*[=＝:：为]\s*([1-4一二三四])(?!\d)"
                       r"|耐火等级\s*([1-4])\s*级"  # 耐火等级2级
                       r"|耐火等级\s*[=＝:：为]?\s*(iv|i{1,3})\s*级", re.I)  # Ⅱ级: NFKC makes it II
NAME_TAGS = ("名称", "楼号", "楼名", "编号", "建筑名称", "name", "bldg", "building")
RE_RATING_EN = re.compile(r"(?:fire[\s-]*)?(?:resistance\s*)?rating\s*[=:：]?\s*([1-4]|iv|i{1,3})\b", re.I)
RE_PERSONS = re.compile(r"(\d+)\s*人")
RE_LP_CLASS = re.compile(  # 第二类防雷, 防雷类别：二类; Roman 第Ⅱ类 (NFKC makes it II)
    r"第?\s*([一二三123]|i{1,3})\s*类防雷|防雷(?:类别|分类|等级)\s*[=＝:：为是]?\s*(?:按)?\s*第?\s*([一二三123]|i{1,3})\s*类",
    re.I)
RE_SPRINKLER = re.compile(r"自动喷水|喷水灭火|喷淋|洒水喷头|自动灭火系统")  # 5.3.1's own words: 设置自动灭火系统
# ... not a gas, powder or local system (one room's, GB 50016 8.3.9): those double no compartment
RE_LOCAL_SYSTEM = re.compile(r"气体|七氟丙烷|ig\s*-?\s*541|二氧化碳|干粉|泡沫|局部|厨房", re.I)
RE_HIGH_RISE = re.compile(r"(?<![非标])高层")
RE_NEGATION = re.compile(r"无|不设|未设|不需|不考虑|没有|取消")
RE_AFFIRM = re.compile(r"设|有|采用|配置|安装|按")
# the provision said after the system's name, closing its clause: a legend row 喷淋头（自动喷水灭火系统，全楼设置）,
# 自动喷水灭火系统全楼设置; 不设置 / 未设置 there says no (not 喷淋头设置间距…, whose 设置 does not close the
# clause, nor 喷淋头的设置, a heading)
RE_AFTER = re.compile(r"(?<!的)(不|未|无需|免)?(?:全楼|全部|均|全面|整体|按规范)?(?:设置|配置|覆盖)(?=\s*[)）]?\s*(?:[，,。;；)）]|$))")
# an English office's title: BASEMENT FLOOR PLAN, BASEMENT 1 PLAN, B1 FLOOR PLAN, LEVEL B2 PLAN; a storey numbered
# below ground: LEVEL -1 PLAN, L-1 PLAN, FLOOR -2 PLAN, -1 FLOOR PLAN (not LEVEL 1, LEVEL -1.500, a section 1-1);
# LOWER GROUND FLOOR PLAN, SUB-BASEMENT PLAN (half sunk or below the basement: GB 50016 5.3.1's 半地下 too)
RE_BASEMENT_TITLE_EN = re.compile(
    r"(?:\b(?:basement(?:\s*(?:level\s*)?[1-5])?|(?:level\s*)?b[1-5]|(?:level|floor|storey|l)\s*-\s*0?[1-5]"
    r"|lower\s*ground|sub-?\s*basement)|(?<![\w.\-])-\s*0?[1-5])(?![\d.])\s*(?:floor\s*|level\s*)?plan\b", re.I)
RE_CLEAR = re.compile(r"净高\s*[=＝:：]?\s*(\d+(?:\.\d+)?)")
RE_SCALE = re.compile(r"1\s*[:：]\s*(\d+(?:\.\d+)?)")

# use keyword → (category, is_residential); order matters (first hit wins)
USES = [
    ("托儿所", "nursery"), ("幼儿园", "nursery"), ("老年人", "elderly"), ("养老", "elderly"),
    ("歌舞", "entertainment"), ("娱乐", "entertainment"), ("病房", "ward"), ("医院", "medical"),
    ("门诊", "medical"), ("学校", "school"), ("教学", "school"), ("旅馆", "hotel"),
    ("酒店", "hotel"), ("展览", "exhibition"), ("厂房", "factory"), ("仓库", "warehouse"),
    ("住宅", "residential"), ("宿舍", "residential"), ("公寓", "residential"), ("办公", "office"),
    ("商业", "commercial"), ("商场", "commercial"), ("公建", "public"), ("公共建筑", "public"), ("车库", "garage"),
]


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def storeys_of(t: str) -> int | None:
    """Storeys above ground: ``地上18层/地下2层`` → 18, ``18/2F`` / ``18F/-2F`` → 18, ``18+1F`` → 19, ``18F`` / ``18层`` /
    ``十八层`` / ``层数=18``."""
    if m := RE_STOREYS_ABOVE.search(t):
        return number(m.group(1))
    t = RE_STOREYS_BELOW.sub(" ", t)
    if m := RE_STOREYS_PLUS.search(t):
        n = int(m.group(1)) + int(m.group(2))
        return n if 0 < n < 200 else None
    if m := RE_STOREYS_SPLIT.search(t) or RE_STOREYS_SIGNED.search(t):
        n = int(m.group(1))
        return n if 0 < n < 200 else None
    if m := RE_STOREYS.search(t):
        n = number(next(g for g in m.groups() if g))
        return n if 0 < n < 200 else None
    return None


def height_of(t: str) -> float | None:
    m = RE_HEIGHT.search(t)
    if not m or "净高" in t or "层高" in t[: m.start() + 1]:
        return None
    return float(m.group(1))


def _is_name(word: str) -> bool:
    """A building / room name (``1#住宅楼``), not a fact on its own (``H=54.0``, ``18F``, ``二级``)."""
    return not (any(c in word for c in "=:：") or height_of(word) is not None or storeys_of(word) is not None
                or RE_RATING.fullmatch(word) or RE_LP_CLASS.search(word))


def parse(texts: list[str]) -> dict:
    """Facts found in a polygon's texts (first occurrence of each wins)."""
    facts: dict = {}
    sources: dict = {}
    for raw in texts:
        t = norm(raw)
        if "height" not in facts and (h := height_of(t)) is not None:
            facts["height"], sources["height"] = h, raw
        if "storeys" not in facts and (n := storeys_of(t)) is not None:
            facts["storeys"], sources["storeys"] = n, raw
        if "rating" not in facts and "防雷" not in t:
            m = RE_RATING.search(t) or RE_RATING_EN.search(t)
            if m:
                facts["rating"], sources["rating"] = CN_DIGITS[next(g for g in m.groups() if g).casefold()], raw
        if "persons" not in facts and (m := RE_PERSONS.search(t)):
            facts["persons"] = int(m.group(1))
        if "lightning_class" not in facts and (m := RE_LP_CLASS.search(t)):
            facts["lightning_class"], sources["lightning_class"] = CN_DIGITS[(m.group(1) or m.group(2)).casefold()], raw
        if "lightning_class" not in facts and (k := lightning_class_of(t)):  # LIGHTNING PROTECTION CLASS: II
            facts["lightning_class"], sources["lightning_class"] = k, raw
        if "clear_height" not in facts and (m := RE_CLEAR.search(t)):
            facts["clear_height"] = float(m.group(1))
        if "use" not in facts:
            for word, use in USES:
                if word in t:
                    facts["use"], sources["use"] = use, raw
                    break
        if "地下" in t and not RE_STOREYS_ABOVE.search(t):
            facts["underground"] = True
        if "设备用房" in t or "设备间" in t:
            facts["equipment"] = True
        if "name" not in facts and "=" in t:  # an ATTRIB: 名称=1#楼
            tag, _, value = t.partition("=")
            if tag.strip().casefold() in NAME_TAGS and value.strip():
                facts["name"] = value.strip()
        if "name" not in facts and t.strip() and _is_name(t.split()[0]):
            facts["name"] = t.split()[0]
    if sources:
        facts["sources"] = sources
    return facts


def _sprinkler(t: str):
    """The first mention of a sprinkler system (or, in 5.3.1's words, an automatic fire-extinguishing
    system that is not a gas, powder or local one) in *t*, else None."""
    for m in RE_SPRINKLER.finditer(t):
        if m.group(0) != "自动灭火系统" or not RE_LOCAL_SYSTEM.search(re.split(r"[，,。;；]", t[: m.start()])[-1]):
            return m
    return None


def project_facts(texts: list[str]) -> tuple[dict, dict]:
    """Project facts written on a sheet (design notes, legends): sprinklers, high-rise, use,
    lightning class, building height, fire-resistance rating. (facts, {fact: the text})."""
    facts: dict = {}
    src: dict = {}

    def put(key, value, raw):
        if key not in facts:
            facts[key], src[key] = value, raw

    for raw in texts:
        if not raw:
            continue
        if raw.isascii():  # every fact below is written in Chinese (cheap skip: dimensions, codes, numbers) …
            if "plan" in raw.casefold() and RE_BASEMENT_TITLE_EN.search(raw):  # … but an English sheet title
                put("underground", True, raw)
            for key, value in english_facts(raw).items():  # … and an English office's general notes
                put(key, value, raw)
            continue
        t = norm(raw)
        if cancelled(t):  # 本层设自动喷水灭火系统（取消）: a withdrawn note states nothing (struck.py)
            continue
        if ("喷" in t or "洒水" in t or "灭火系统" in t) and (m := _sprinkler(t)):
            # 「设自动喷水灭火系统」, 「采用湿式自动喷水灭火系统」 → yes; 「无 / 不设 / 未设 …」 just before → no;
            # 「自动喷水灭火系统：无 / 有」 → its value after the colon
            clause = re.split(r"[，,。;；、\n]", t[: m.start()])[-1]
            after = re.split(r"[:：]", t[m.end():], maxsplit=1)
            value = after[1].strip()[:4] if len(after) > 1 else ""
            if value and (value[0] in "无否×✗—－-/" or value.startswith(("不设", "未设", "没有", "no", "n"))):
                put("sprinklers", False, raw)
            elif value and (value[0] in "有是设√✓✔" or value.startswith(("采用", "yes", "y"))):
                put("sprinklers", True, raw)
            elif RE_NEGATION.search(clause[-8:]):
                put("sprinklers", False, raw)
            elif RE_AFFIRM.search(clause[-8:]):  # a bare 「自动喷水灭火系统」 (a table's key cell) says nothing
                put("sprinklers", True, raw)
            elif m2 := RE_AFTER.search(re.split(r"[。;；\n]", t[m.end():])[0]):
                put("sprinklers", not m2.group(1), raw)
        if "高层" in t and RE_HIGH_RISE.search(t):  # not 非高层, nor a level's floor: 4.800m标高层平面图
            put("high_rise", True, raw)
        elif "多层" in t or "单层" in t or "非高层" in t:
            put("high_rise", False, raw)
        if "结构" in t:  # 结构形式：框架剪力墙结构 / 砖混结构 (GB 50038 3.3.3 collapse zone)
            if any(w in t for w in ("砖混", "砌体", "砖砌", "砖木")):
                put("structure", "masonry", raw)
            elif any(w in t for w in ("框架", "剪力墙", "框剪", "钢筋混凝土", "框筒", "钢结构", "筒体")):
                put("structure", "frame", raw)
        if "图" in t and RE_BASEMENT_TITLE.search(t):
            put("underground", True, raw)
        if "防雷" in t and (m := RE_LP_CLASS.search(t)):
            put("lightning_class", CN_DIGITS[(m.group(1) or m.group(2)).casefold()], raw)
        if "lightning_class" not in facts and (k := lightning_class_of(t)):  # 防雷 Lightning protection class Ⅱ
            put("lightning_class", k, raw)
        if "耐火等级" in t and (m := RE_RATING.search(t)):
            put("default_fire_rating", CN_DIGITS[next(g for g in m.groups() if g).casefold()], raw)
        if ("建筑高度" in t or "檐口高度" in t) and (h := height_of(t)) is not None:
            put("building_height_m", h, raw)
        if any(w in t for w in ("本工程", "本楼", "本建筑", "本项目", "建筑类别", "使用性质", "高层", "多层")):
            for word, use in USES:
                if word in t:
                    put("use", use, raw)
                    break
    return facts, src


def scale_denominator(text: str) -> float | None:
    m = RE_SCALE.search(norm(text))
    return float(m.group(1)) if m else None
