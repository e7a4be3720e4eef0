"""The permission matrix, one module per area; each module defines ``ROWS`` and may define
``prepare(stack, client, world)`` to create the objects its routes need (ids go into ``world``).

A row: ``(METHOD, "/api/path/{param}") -> (build(stack, world) -> request kwargs, expected)``,
where ``expected`` maps every role in ``ROLES`` to a status. Path parameters are filled from
``world`` by name (``{project_id}`` -> ``world["project_id"]``).
"""

from importlib import import_module
from pkgutil import iter_modules

ROLES = ["anonymous", "window", "planning", "fire", "civil_defence", "lightning", "meteorology", "designer",
         "builder", "other_designer", "other_builder"]
REVIEWERS = ["planning", "fire", "civil_defence", "lightning", "meteorology"]


def expect(default: int, **overrides) -> dict:
    table = {r: default for r in ROLES}
    table["anonymous"] = 401
    table.update(overrides)
    # the construction unit of another organisation stands where the other institute's designer
    # stands: neither sees the demo project or the report world
    table["other_builder"] = overrides.get("other_builder", table["other_designer"])
    return table


def modules():
    return [import_module(f"{__name__}.{m.name}") for m in iter_modules(__path__)]


def all_rows() -> dict:
    rows = {}
    for mod in modules():
        overlap = set(rows) & set(mod.ROWS)
        assert not overlap, f"rows declared twice: {overlap}"
        rows.update(mod.ROWS)
    return rows
