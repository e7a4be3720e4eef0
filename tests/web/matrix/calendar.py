"""Permission rows for the holiday calendar: the window (and admins) only; nobody's project."""

from . import expect

WINDOW_ONLY = expect(403, window=200)
WINDOW_REFUSED_BY_INPUT = expect(403, window=422)  # an arrangement without holidays is refused


def prepare(stack, client, world):
    world["year"] = 2199


ROWS = {
    ("GET", "/api/calendar"): (lambda s, w: {}, WINDOW_ONLY),
    ("PUT", "/api/calendar/years/{year}"): (lambda s, w: {"json": {"holidays": ""}}, WINDOW_REFUSED_BY_INPUT),
}
