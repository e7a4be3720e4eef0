"""Layer map: DXF layer names → semantic classes (building, fire_lane, ...).

Names are NFKC-normalised, case-folded and stripped of any xref prefix before matching;
matchers are globs, or regular expressions when prefixed ``re:``; the first entry that
matches wins. Results are cached per (layer, entity type, block name, hatch pattern). A name no
matcher takes is read again with its pinyin-initial parts written in their words (``[pinyin]``:
``ZT-XFCD`` → ``zt-消防车道``).
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .hanzi import simplified
from .wording import unescaped

SHAPES = ("polygon", "line", "point", "ignore")


BOUND_MARK = re.compile(r"\$\d+\$")  # a bound xref's marker: XREF$0$A-WALL, SITE$12$A-WALL (and 防火分区$0$)
SEPARATORS = re.compile(r"[\s\-_.·—–]+")


def normalise(name: str) -> str:
    """NFKC, case-fold, strip an xref prefix (``XREF|A-WALL``, ``XREF$3$A-WALL`` → ``a-wall``); a name an
    old or converted file writes in ``\\M+5B7C0`` / ``\\U+9632`` escapes is read as its characters, and
    traditional characters as simplified ones (``防火分區`` → ``防火分区``)."""
    name = unescaped(name or "") if "\\" in (name or "") else name
    name = simplified(unicodedata.normalize("NFKC", name or "").casefold().strip())
    if "|" in name:
        name = name.rsplit("|", 1)[1]
    if "$" in name:  # the layer's own name is what follows the marker; a name the marker closes (防火分区$0$) is before it
        name = next((part for part in reversed(BOUND_MARK.split(name)) if part.strip()), name)
    return name.strip()


def compact(name: str) -> str:
    """The normalised name without separators (``人防-出入口`` → ``人防出入口``): a matcher written
    without separators also matches names that carry them."""
    return SEPARATORS.sub("", name)


PARTS = re.compile(r"([\s\-_.·—–]+)")


def in_words(name: str, initials: dict[str, str]) -> str:
    """The normalised name with each part that is a known set of pinyin initials written in its words
    (``zt-xfcd`` → ``zt-消防车道``, ``rf_fhdy`` → ``rf_防护单元``); parts are what separators divide."""
    if not initials:
        return name
    return "".join(initials.get(part, part) for part in PARTS.split(name))


def _compile(pattern: str) -> re.Pattern[str]:
    pattern = unicodedata.normalize("NFKC", pattern).casefold()
    if pattern.startswith("re:"):
        return re.compile(pattern[3:])
    return re.compile(fnmatch.translate(pattern))


@dataclass
class Matcher:
    cls: str
    names: list[re.Pattern[str]]
    types: frozenset[str] = frozenset()
    blocks: list[re.Pattern[str]] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)

    def matches(self, layer: str, dxftype: str, block: str, pattern: str) -> bool:
        if self.types and dxftype not in self.types:
            return False
        if self.blocks and not any(b.match(block) for b in self.blocks):
            return False
        if self.patterns and not any(p.match(pattern) for p in self.patterns):
            return False
        if any(n.match(layer) for n in self.names):
            return True
        bare = compact(layer)
        return bare != layer and any(n.match(bare) for n in self.names)


class LayerMap:
    """Ordered matchers plus the shape (polygon/line/point/ignore) of each class."""

    def __init__(self, matchers: list[Matcher], shapes: dict[str, str], pinyin: dict[str, str] | None = None) -> None:
        self.matchers = matchers
        self.shapes = shapes
        self.pinyin = {normalise(k): v for k, v in (pinyin or {}).items()}
        self._cache: dict[tuple[str, str, str, str], str | None] = {}

    @classmethod
    def from_dict(cls, data: dict) -> "LayerMap":
        shapes = dict(data.get("shapes", {}))
        bad = {k: v for k, v in shapes.items() if v not in SHAPES}
        if bad:
            raise ValueError(f"unknown shapes in layer map: {bad}")
        matchers = []
        for entry in data.get("layer", []):
            if entry["class"] not in shapes:
                raise ValueError(f"layer entry names undeclared class {entry['class']!r}")
            matchers.append(Matcher(
                cls=entry["class"],
                names=[_compile(m) for m in entry["match"]],
                types=frozenset(t.upper() for t in entry.get("types", [])),
                blocks=[_compile(b) for b in entry.get("blocks", [])],
                patterns=[_compile(p) for p in entry.get("patterns", [])],
            ))
        return cls(matchers, shapes, data.get("pinyin"))

    @classmethod
    def from_file(cls, path: Path) -> "LayerMap":
        with open(path, "rb") as fh:
            return cls.from_dict(tomllib.load(fh))

    def classify(self, layer: str, dxftype: str = "", block: str = "", pattern: str = "") -> str | None:
        key = (layer, dxftype, block, pattern)
        try:
            return self._cache[key]
        except KeyError:
            pass
        name = normalise(layer)
        blk = normalise(block)
        pat = (pattern or "").casefold()
        found = self._first(name, dxftype, blk, pat)
        if found is None and (spelled := in_words(name, self.pinyin)) != name:
            found = self._first(spelled, dxftype, blk, pat)
        self._cache[key] = found
        return found

    def _first(self, name: str, dxftype: str, blk: str, pat: str) -> str | None:
        for m in self.matchers:
            if m.matches(name, dxftype, blk, pat):
                return m.cls
        return None

    def shape(self, cls: str | None) -> str | None:
        return self.shapes.get(cls) if cls else None
