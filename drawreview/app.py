"""create_app(settings): the routes table, middleware, error handlers and lifespan."""

from __future__ import annotations

import contextlib
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .broadcast import make_broadcast
from .cad.tileserver import TileRenderer
from .report import printer as report_printer
from .db import Database
from . import gcpause
from .loopwatch import LoopWatch
from .jobs import drawings as drawing_jobs
from .jobs import workflow as workflow_jobs
from .jobs.queue import InProcessQueue, make_queue
from .ratelimit import make_limiter
from .services import calendar_years, workdays
from .services import notifications as notification_service
from .settings import Settings, load_settings
from .storage import make_storage
from .web import accounts, annotations, health, openapi, pages, projects, sync
from .web import sheets, submissions
from .web import notifications, progress, reviews, stats, viewer
from .web import reports
from .web import compare
from .web import audit as audit_web
from .web import calendar as calendar_web
from .web import accesslog
from .web.headers import SecurityHeadersMiddleware
from .web.limits import BodyLimitMiddleware, upload_routes
from .web.errors import HANDLERS
from .web.session import SchemeAwareSessionMiddleware

STATIC = Path(__file__).parent / "web" / "static"


# Each area's web module lists its own routes in ``ROUTES``; this table is read top to bottom.
AREAS = (accounts, projects, submissions, sheets, compare, annotations, sync, reviews, notifications, progress, stats, viewer,
         reports, audit_web, calendar_web)


def routes() -> list:
    table = [
        Route("/", pages.home),
        Route("/lang/{lang}", pages.set_lang),
        Route("/healthz", health.healthz),
        Route("/api/openapi.json", openapi.openapi),
    ]
    for area in AREAS:
        table.extend(area.ROUTES)
    table.append(Mount("/static", app=StaticFiles(directory=str(STATIC), check_dir=False), name="static"))
    return table


def build_context(settings: Settings, role: str = "app") -> dict:
    """The shared clients, the same for the app and for in-process jobs (``role="worker"``: the
    arq worker's, whose statements may run as long as a job)."""
    # the review clock's calendar: checked strictly here, so a bad file stops the start
    workdays.use_calendar_files(settings.calendar_file, calendar_years.entered_path(settings))
    timeout_s = settings.db_statement_timeout_s if role == "app" else \
        (settings.worker_statement_timeout_s if settings.worker_statement_timeout_s is not None else settings.job_timeout_s)
    return {
        "settings": settings,
        "db": Database(settings, statement_timeout_s=timeout_s),
        "storage": make_storage(settings),
        "queue": make_queue(settings),
        "broadcast": make_broadcast(settings),
        "limiter": make_limiter(settings),
        "tiles": TileRenderer(),  # its child starts at the first tile drawn
    }


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    accesslog.install()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        ctx = build_context(settings)
        for key, value in ctx.items():
            setattr(app.state, key, value)
        await ctx["broadcast"].connect()
        await ctx["queue"].start(ctx)
        # embedded mode: deadline watch and notification delivery run here (arq cron otherwise)
        periodic = workflow_jobs.start_periodic(ctx) if isinstance(ctx["queue"], InProcessQueue) else None
        if isinstance(ctx["queue"], InProcessQueue):  # resume files a killed server left (worker: scaled)
            await drawing_jobs.requeue_unfinished(ctx)
        gcpause.settle()  # the started app's heap leaves the collector's full passes
        app.state.loopwatch = LoopWatch("app")  # stalls of this loop, in /healthz (docs/decisions/119)
        app.state.loopwatch.start()
        try:
            yield
        finally:
            await app.state.loopwatch.stop()
            await workflow_jobs.stop_periodic(periodic)
            await ctx["queue"].stop()
            await ctx["broadcast"].disconnect()
            await ctx["limiter"].close()
            await notification_service.drain(ctx["db"].engine)  # notices queued after the last writes
            await ctx["db"].close()
            ctx["tiles"].close()
            report_printer.close()  # its child, if a report was drawn (docs/decisions/128)

    table = routes()
    middleware = [
        Middleware(SecurityHeadersMiddleware, https=settings.https),  # outermost: error pages get them too
        Middleware(BodyLimitMiddleware, uploads=upload_routes(table)),  # only uploads take large multipart bodies
        Middleware(
            SchemeAwareSessionMiddleware,  # Secure over https, or always when settings.https
            secret_key=settings.secret_key,
            session_cookie="drawreview_session",
            max_age=settings.session_max_age_s,
            same_site="lax",
            https_only=settings.https,
        )
    ]
    return Starlette(routes=table, middleware=middleware, exception_handlers=HANDLERS, lifespan=lifespan)
