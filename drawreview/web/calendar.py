"""The holiday calendar (节假日与调休) in the web UI: what the review clock knows, and the form
where the window enters a year's State Council arrangement (audited; services/calendar_years.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..auth import check_csrf, principal_from_request
from ..errors import DrawReviewError
from ..policy import require_role
from ..services import calendar_years
from .common import Ctx, api, lang_of, text
from .pages import render

YEAR_BODY = {"type": "object", "required": ["holidays"], "properties": {
    "source": text(calendar_years.MAX_SOURCE, nullable=True),
    "holidays": text(required=True, description="lines: 名称 YYYY-MM-DD[ ~ YYYY-MM-DD], days of that year"),
    "workdays": text(nullable=True, description="lines: 名称 YYYY-MM-DD (adjusted working weekend days)")}}


@api("节假日日历：已知年份与已录入安排 / The holiday calendar: known years and entered arrangements")
async def get_calendar(ctx: Ctx):
    require_role(ctx.principal, "calendar.edit")
    return calendar_years.known_years(ctx.state.settings)


@api("录入某年节假日与调休安排（窗口）/ Enter a year's holiday arrangement", body=YEAR_BODY)
async def put_year(ctx: Ctx):
    require_role(ctx.principal, "calendar.edit")
    data = await ctx.json()
    saved = await calendar_years.set_year(ctx.session, ctx.user, ctx.state.settings, ctx.path_int("year"),
                                          data.get("source", ""), data.get("holidays", ""), data.get("workdays", ""))
    await ctx.commit()
    return {**saved, "calendar": calendar_years.known_years(ctx.state.settings)}


async def calendar_page(request: Request) -> Response:
    async with request.app.state.db.session() as session:
        principal = await principal_from_request(request, session)
        if principal is None:
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        require_role(principal, "calendar.edit")
        error, saved, form = None, None, {}
        if request.method == "POST":
            form = await request.form()
            check_csrf(request, principal, form.get("csrf_token"))
            try:
                saved = await calendar_years.set_year(session, principal, request.app.state.settings, form.get("year", ""),
                                                      form.get("source", ""), form.get("holidays", ""),
                                                      form.get("workdays", ""))
                await session.commit()
            except DrawReviewError as exc:
                error = exc.message_en if lang_of(request).startswith("en") else exc.message_zh
    return render(request, "calendar.html", {"cal": calendar_years.known_years(request.app.state.settings),
                                             "error": error, "saved": saved, "form": form},
                  status=422 if error else 200, principal=principal)


ROUTES = [
    Route("/api/calendar", get_calendar, methods=["GET"]),
    Route("/api/calendar/years/{year:int}", put_year, methods=["PUT"]),
    Route("/calendar", calendar_page, methods=["GET", "POST"]),
]
