"""A basement storey as a sheet title names it (GB 50016 5.3.1: an underground or half-sunk storey's
compartment is limited to 500 m²).

The title names the storey in one of several ways, read after NFKC (``～`` is ``~``, ``－`` is ``-``) and
with traditional characters simplified (``地下貳層`` is ``地下贰层``):

- ``地下一层`` / ``地下室`` / ``半地下室`` / ``地下车库`` / ``负一层`` / ``-1F`` / ``-1层`` / ``B1`` / ``B1F`` / ``B1层``;
- the storey's number in financial (大写) numerals, as a contract or an older institute writes it:
  ``地下贰层``, ``负叁层``, ``地下两层`` (壹 贰 叁 肆 伍, 两; 貳 參 兩 once simplified);
- a range or a list of basement storeys, one sheet for several: ``B1~B2层``, ``B1-B2``, ``B1F～B3F``,
  ``地下一至二层``, ``地下一层~地下二层``, ``地下二、三层``, ``负一~负二层``, ``-1~-2层``, ``-1F~-2F``. Every storey
  of such a range is underground; a range that reaches above ground (``B1~3F``, ``-1~2层``) names no basement.

``DIXIA`` / ``FU`` / ``MINUS`` / ``B`` name the storey, ``BASEMENT_TITLE`` a title built on it (``labels.project_facts``), ``FLOOR_NAME``
the name written alone in a title split over two texts (``notes.title_rows``).
"""

from __future__ import annotations

import re

N = "[一二三四五壹贰貳叁参肆伍两1-5]"  # a basement storey's number: digits, Chinese or financial numerals
SEP = r"\s*(?:~|-|—|–|至|到|、|,|，)\s*"  # between the storeys of a range or a list

DIXIA = rf"半?地下(?:{N}(?:层?{SEP}(?:地下)?{N})*层|室|车库)"  # 地下一层, 地下贰层, 地下一至二层, 地下二、三层
FU = rf"负\s*{N}(?:\s*层?{SEP}负?\s*{N})*\s*层"  # 负一层, 负一~负二层
MINUS = rf"-\s*[1-5](?:\s*(?:层|f)?{SEP}-\s*[1-5])*\s*(?:层|f)"  # -1F, -1~-2层, -1F~-2F
B = rf"b[1-5](?:\s*f?{SEP}b[1-5])*"  # B1, B1~B2, B1F~B3F (then 层, F or 平面)

# a title: the storey (or 地下层, or a level at least 2 m below ground: -4.800m标高层平面图), then 平面图,
# 平面布置图, 防火分区示意图 … (not a cross-reference: 详见 / 参见 … 图)
BASEMENT_TITLE = re.compile(
    rf"(?:^|=|\s)(?:{DIXIA}|{FU}|{MINUS}|{B}(?:层|f|(?=平面))|半?地下层|-\s*(?:[2-9]|\d{{2}})\.\d{{1,3}}\s*m?\s*标高)"
    r"[^，,。;；见详参]{0,16}?(?:平面|示意|布置|分区)[^，,。;；见详参]{0,8}?图", re.I)

# the storey's name alone (地下一层 / 负一层 / B1 / -1F / B1~B2), with 平面图 in the next text of its row
FLOOR_NAME = re.compile(rf"^\s*(?:{DIXIA}|{FU}|{MINUS}|{B}(?:层|f)?)\s*$", re.I)
