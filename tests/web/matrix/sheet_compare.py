"""Permission rows for the revision overlay compare: read like the sheet (anyone who may view
the project). ``prepare`` (after the drawings area made the shared demo sheet ``sheet_id``)
gives that sheet a rendered previous revision and waits for the overlay, so its tiles exist."""

import asyncio

from . import REVIEWERS, expect

DEMO_VISIBLE = expect(200, other_designer=404, **{r: 404 for r in REVIEWERS})

ROWS = {
    ("GET", "/api/sheets/{sheet_id}/compare"): (lambda s, w: {}, DEMO_VISIBLE),
    ("GET", "/api/sheets/{sheet_id}/compare/tiles/{z}/{x}/{y}.png"): (lambda s, w: {}, DEMO_VISIBLE),
}


def prepare(stack, client, world):
    from tests.web.test_compare import _link, make_revisions, wait_compare

    assert "sheet_id" in world, "the drawings area prepares the demo sheet first"
    revs = make_revisions(stack, client)
    asyncio.run(_link(stack, world["sheet_id"], revs["old"]["id"]))
    wait_compare(stack, client, world["sheet_id"])
