"""The public progress query: an API for scripts and a page for the QR code on the receipt."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from ..errors import DrawReviewError
from ..services import progress as service
from ..services.notifications import utcnow
from .common import Ctx, api, lang_of
from .pages import render


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@api("进度查询（公开，凭受理编号和验证码）/ Public progress query by case number + code", login=False)
async def query(ctx: Ctx):
    params = ctx.request.query_params
    return await service.query(ctx.session, ctx.state.limiter, client_ip(ctx.request), params.get("case", ""),
                               params.get("code", ""), utcnow())


async def page(request: Request):
    """GET /progress?case=…: the form (prefilled from the receipt's QR code); with &code=… the result."""
    case, code = request.query_params.get("case", ""), request.query_params.get("code", "")
    result, error, status = None, None, 200
    if code:
        async with request.app.state.db.session() as session:
            try:
                result = await service.query(session, request.app.state.limiter, client_ip(request), case, code, utcnow())
            except DrawReviewError as exc:
                error, status = exc.message(lang_of(request)), exc.status
    return render(request, "progress.html", {"case": case, "result": result, "error": error}, status=status)


ROUTES = [
    Route("/api/progress", query, methods=["GET"]),
    Route("/progress", page, methods=["GET"]),
]
