"""The public progress query: an API for scripts and a page for the QR code on the receipt."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
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
                               params.get("code", ""), utcnow(), ctx.lang)


async def page(request: Request):
    """GET /progress?case=…: the form (prefilled from the receipt's QR code). The form posts the
    case number and code to POST /progress, so the code never stands in an address (browser
    history, bookmarks, proxies); GET with &code=… still answers, for links made before."""
    if request.method == "POST":
        form = await request.form()
        case, code = str(form.get("case", "")), str(form.get("code", ""))
    else:
        case, code = request.query_params.get("case", ""), request.query_params.get("code", "")
    result, error, status = None, None, 200
    if code or request.method == "POST":  # a form sent with a field empty is told which one
        async with request.app.state.db.session() as session:
            try:
                result = await service.query(session, request.app.state.limiter, client_ip(request), case, code, utcnow(),
                                             lang_of(request))
            except DrawReviewError as exc:
                error, status = exc.message(lang_of(request)), exc.status
    return render(request, "progress.html", {"case": case, "code": code if result else "", "result": result,
                                             "error": error}, status=status)


async def report_download(request: Request):
    """POST /progress/report (case, code, report_id in the form body, never in the URL): the PDF."""
    form = await request.form()
    async with request.app.state.db.session() as session:
        try:
            report, pdf = await service.report_pdf(session, request.app.state.storage, request.app.state.limiter,
                                                   client_ip(request), str(form.get("case", "")),
                                                   str(form.get("code", "")), form.get("report_id"), utcnow())
        except DrawReviewError as exc:
            return render(request, "progress.html", {"case": form.get("case", ""), "result": None,
                                                     "error": exc.message(lang_of(request))}, status=exc.status)
    name = f"report-{report.case_number}-r{report.round_no}.pdf"
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})


ROUTES = [
    Route("/api/progress", query, methods=["GET"]),
    Route("/progress", page, methods=["GET", "POST"]),  # POST: a public query that changes nothing (no CSRF)
    Route("/progress/report", report_download, methods=["POST"]),
]
