"""Statistics (window), service ratings, and the window's worklist page."""

from __future__ import annotations

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..auth import principal_from_request
from ..errors import ValidationFailed
from ..policy import require_project, require_role
from ..services import ratings, stats, worklist
from ..services.notifications import utcnow
from .common import Ctx, api, lang_of, text
from .i18n import MESSAGES, stage_label, t
from .pages import render


async def _stats(ctx_or_request, session, lang: str = "zh-CN") -> dict:
    params = ctx_or_request.query_params
    lo, hi = stats.parse_range(params.get("from"), params.get("to"))
    return await stats.compute(session, lo, hi, utcnow(), lang)


@api("统计（窗口）/ Statistics (?from=YYYY-MM-DD&to=YYYY-MM-DD)")
async def get_stats(ctx: Ctx):
    require_role(ctx.principal, "stats.view")
    return await _stats(ctx.request, ctx.session, ctx.lang)


@api("统计导出 CSV / Statistics as CSV")
async def stats_csv(ctx: Ctx):
    require_role(ctx.principal, "stats.view")
    body = stats.to_csv(await _stats(ctx.request, ctx.session))
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="drawreview-stats.csv"'})


@api("服务评价（建设单位、设计单位）/ Rate the review service (1-5 + text)",
     body={"type": "object", "required": ["score"], "properties": {"score": {"type": "integer", "minimum": 1, "maximum": 5},
                                                                  "text": text(ratings.MAX_TEXT)}})
async def rate(ctx: Ctx):
    project = await require_project(ctx.session, ctx.principal, ctx.path_int("project_id"))
    ratings.may_rate(ctx.user, project)  # before the body: a caller who may not rate learns nothing of it
    rating = await ratings.rate(ctx.session, ctx.user, project, await ctx.json(), ctx.emit)
    await ctx.commit()
    return ratings.rating_dict(rating)


def bar_svg(items: list[tuple[str, float]], unit: str = "", width: int = 420) -> Markup:
    """A horizontal bar chart as inline SVG (no scripts, no CDN)."""
    top = max([v for _, v in items if v is not None] + [1e-9])
    # the label column as wide as the longest label ("Lightning protection" ran under its bar at a
    # fixed 110 px): a CJK character is about the font size wide, a Latin one at most 0.6 of it
    longest = max((sum(12 if ord(c) > 0x2E80 else 7.2 for c in label) for label, _ in items), default=0)
    row, label_w = 26, max(110, int(longest) + 8)
    parts = [f'<svg class="chart" role="img" width="{width}" height="{row * len(items) + 6}" '
             f'viewBox="0 0 {width} {row * len(items) + 6}" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        w = (width - label_w - 60) * (value or 0) / top
        shown = "—" if value is None else f"{value:g}{unit}"  # None: nothing to measure yet, not 0
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{escape(label)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="18" fill="#1f6feb"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 14}" font-size="12">{escape(shown)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


async def _page_principal(request: Request, action: str):
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
    if principal is None:
        return None
    require_role(principal, action)
    return principal


async def stats_page(request: Request):
    principal = await _page_principal(request, "stats.view")
    if principal is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    lang, date_error = lang_of(request), None
    async with request.app.state.db.session() as session:
        try:
            data = await _stats(request, session)
        except ValidationFailed as exc:  # a day typed wrong: said beside the form, the figures shown without it
            date_error = exc.message(lang)
            data = await stats.compute(session, None, None, utcnow())

    def name(d: dict) -> str:  # the reader's language, whatever the service's default label
        key = f"discipline.{d['discipline']}"
        return t(key, lang) if key in MESSAGES else d["name"]

    charts = {
        "on_time": bar_svg([(name(d), None if d["on_time_rate"] is None else round(d["on_time_rate"] * 100, 1))
                            for d in data["disciplines"]], "%"),
        "comments": bar_svg([(name(d), d["comments"]) for d in data["disciplines"]]),
        "stages": bar_svg([(stage_label(st, lang), n) for st, n in sorted(data["projects"]["by_stage"].items())]),
        "rounds": bar_svg([(t("stats.round_n", lang).replace("{n}", str(n)), c)
                           for n, c in data["rounds"]["distribution"].items()]),
    }
    return render(request, "stats.html", {"s": data, "charts": charts, "q": request.query_params,
                                          "stage_label": lambda st: stage_label(st, lang_of(request)),
                                          "date_error": date_error},
                  principal=principal, status=422 if date_error else 200)


async def window_page(request: Request):
    """The window's worklist: submissions waiting for acceptance, then open tasks by urgency."""
    principal = await _page_principal(request, "submission.accept")
    if principal is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    async with request.app.state.db.session() as session:
        work = await worklist.worklist(session, principal, utcnow())
    return render(request, "window.html", {"waiting": work["submissions"], "tasks": work["tasks"]}, principal=principal)


ROUTES = [
    Route("/api/stats", get_stats, methods=["GET"]),
    Route("/api/stats.csv", stats_csv, methods=["GET"]),
    Route("/api/projects/{project_id:int}/ratings", rate, methods=["POST"]),
    Route("/stats", stats_page, methods=["GET"]),
    Route("/window", window_page, methods=["GET"]),
]
