"""Permission rows for a project's audit trail: the window (and admins) only; the demo project."""

from . import REVIEWERS, expect

WINDOW_ONLY_DEMO = expect(403, window=200, other_designer=404, **{r: 404 for r in REVIEWERS})

ROWS = {
    ("GET", "/api/projects/{project_id}/audit"): (lambda s, w: {}, WINDOW_ONLY_DEMO),
    ("GET", "/api/projects/{project_id}/audit.csv"): (lambda s, w: {}, WINDOW_ONLY_DEMO),
}
