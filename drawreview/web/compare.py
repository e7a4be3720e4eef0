"""Revision overlay compare of a sheet: its description (queues the build) and its tiles.

Whoever may read the sheet may read its overlay.
"""

from __future__ import annotations

import hashlib

from starlette.responses import Response
from starlette.routing import Route

from ..services import compare as service
from .common import Ctx, api
from .sheets import CACHE, _not_modified, _tile_address


@api("与上一版图纸的叠加对比（新增/删除/修改）/ Overlay compare with the previous revision of the sheet")
async def get_compare(ctx: Ctx):
    return await service.describe(ctx.session, ctx.state.queue, ctx.state.settings.namespace, ctx.principal,
                                  ctx.path_int("sheet_id"))


@api("对比图瓦片（PNG，256 像素）/ A 256 px PNG tile of the revision overlay")
async def compare_tile(ctx: Ctx):
    overlay = await service.require_overlay(ctx.session, ctx.principal, ctx.path_int("sheet_id"))
    z, x, y = _tile_address(ctx)
    sha = overlay["pdf_sha256"]
    etag = '"%s"' % hashlib.sha256(f"compare/{sha}/{z}/{x}/{y}".encode()).hexdigest()[:40]
    if (hit := _not_modified(ctx, etag)) is not None:
        return hit
    png = await ctx.state.tiles.render(str(ctx.state.storage.path(sha)), z, x, y)
    return Response(png, media_type="image/png", headers={"ETag": etag, "Cache-Control": CACHE})


ROUTES = [
    Route("/api/sheets/{sheet_id:int}/compare", get_compare, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/compare/tiles/{z:int}/{x:int}/{y:int}.png", compare_tile, methods=["GET"]),
]
