"""Sheet endpoints: list, detail with layers, corrections, tiles, thumbnail, texts and the PDF.

Anyone who may view the project may read its sheets. Tiles are rendered from the sheet PDF
by ``cad.tiles`` in the app's tile child (``cad.tileserver``: MuPDF keeps the GIL while it
draws, so a worker thread would hold the event loop) and carry an
ETag made of the PDF's hash, the tile address and the hidden layers, so browsers and
proxies revalidate instead of downloading again.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import quote, unquote_plus

from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from ..cad import tiles
from ..errors import NotFound, ValidationFailed
from ..policy import require_project
from ..services import sheet_list
from ..services import sheets as service
from ..services import submissions as submission_service
from .common import Ctx, api, text

CACHE = "private, max-age=86400"
MAX_HIDDEN = 200


LIST_QUERY = {
    "limit": {"type": "integer", "minimum": 1, "maximum": sheet_list.MAX_LIMIT, "default": sheet_list.DEFAULT_LIMIT},
    "cursor": {"type": "string", "description": "page.next of the previous page"},
    "discipline": {"type": "string"}, "number": {"type": "string", "description": "number prefix"},
    "state": {"type": "string", "enum": list(sheet_list.STATES)},
    "q": {"type": "string", "description": "text in the number, title or file name"},
}


def _page_response(got: dict, limit: int) -> JSONResponse:
    """The usual envelope (``data`` is the page's sheets) plus ``page``: the next page's cursor
    (null on the last page) and how many sheets match."""
    items = [{**service.sheet_dict(s, file_name), "revision": rev} for s, rev, file_name in got["items"]]
    return JSONResponse({"ok": True, "data": items,
                         "page": {"next": got["next"], "total": got["total"], "limit": limit}})


@api("报审版本的图纸列表（分页、筛选）/ Sheets of a submission, paged and filtered", query=LIST_QUERY)
async def list_sheets(ctx: Ctx):
    sub, _ = await submission_service.require_submission(ctx.session, ctx.principal, ctx.path_int("submission_id"))
    q = ctx.request.query_params
    limit = sheet_list.parse_limit(q.get("limit"))
    got = await sheet_list.page(ctx.session, submission_id=sub.id, filters=sheet_list.Filters.from_query(q),
                                limit=limit, cursor=q.get("cursor"))
    return _page_response(got, limit)


@api("项目全部版本的图纸（分页、筛选）/ Sheets of every submission of a project, paged and filtered",
     query=LIST_QUERY)
async def list_project_sheets(ctx: Ctx):
    project = await require_project(ctx.session, ctx.principal, ctx.path_int("project_id"))
    q = ctx.request.query_params
    limit = sheet_list.parse_limit(q.get("limit"))
    got = await sheet_list.page(ctx.session, project_id=project.id, filters=sheet_list.Filters.from_query(q),
                                limit=limit, cursor=q.get("cursor"))
    return _page_response(got, limit)


@api("图纸详情（含图层）/ One sheet with its layers")
async def get_sheet(ctx: Ctx):
    sheet, sub, _ = await service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"))
    ctx.state.tiles.warm()  # its tiles come next (cad/tileserver.py)
    meta = await asyncio.to_thread(service.load_meta, ctx.state.storage, sheet.meta_sha256)
    data = service.sheet_dict(sheet)
    data.update(revision=sub.revision, project_id=sub.project_id, layers=meta.get("layers", []),
                notes=meta.get("notes", []), scale=meta.get("scale"), text_count=len(meta.get("texts", [])),
                tiles=tiles.tile_pyramid_info(sheet.width, sheet.height) if sheet.state == "ready" else None)
    return data


@api("更正图号、图名、专业 / Correct a sheet's number, title or discipline",
     body={"type": "object", "minProperties": 1,
           "properties": {**{name: text(most) for name, most in service.EDITABLE_FIELDS.items()},
                          "reason": text(service.MAX_REASON, required=True,
                                         description="required once the submission is submitted")},
           "anyOf": [{"required": [name]} for name in service.EDITABLE_FIELDS]})
async def patch_sheet(ctx: Ctx):
    sheet, sub, _ = await service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"), "sheet.edit")
    sheet, event = await service.update_sheet(ctx.session, ctx.user, sheet, sub, await ctx.json())
    if event is not None:
        ctx.emit(event)
    await ctx.commit()
    return service.sheet_dict(sheet)


def _not_modified(ctx: Ctx, etag: str, path: Path | None = None) -> Response | None:
    """304 for a conditional GET the cached copy still answers (RFC 9110 13.1): ``If-None-Match``
    by weak comparison (a proxy that compresses marks the tag ``W/``; ``*`` is any), and without
    it ``If-Modified-Since`` against ``path``'s time, which the FileResponse sends as
    Last-Modified (a cache that revalidates by date alone was sent the whole file again)."""
    headers = ctx.request.headers
    given = headers.get("if-none-match")
    if given is not None:
        tags = [tag.strip().removeprefix("W/") for tag in given.split(",")]
        fresh = "*" in tags or etag in tags
    elif path is not None and headers.get("if-modified-since"):
        try:
            since = parsedate_to_datetime(headers["if-modified-since"])
        except (TypeError, ValueError, IndexError):
            return None  # not a date: ignored, as the RFC says
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        fresh = int(path.stat().st_mtime) <= since.timestamp()
    else:
        return None
    return Response(status_code=304, headers={"ETag": etag, "Cache-Control": CACHE}) if fresh else None


def _layer_names(ctx: Ctx, param: str) -> tuple[str, ...]:
    """The layer names of ``?hidden=`` or ``?shown=``: comma-separated, each percent-encoded (the
    viewer's ``encodeURIComponent``). The commas are read before decoding: a DXF layer name may
    hold a comma (``A,B`` comes as ``A%2CB``), and splitting the decoded value hid layers A and B."""
    raw = ""
    for part in ctx.request.url.query.split("&"):
        key, _, value = part.partition("=")
        if unquote_plus(key) == param:
            raw = value  # the last one, as query_params.get gives it
    names = tuple(sorted({unquote_plus(n) for n in raw.split(",") if n}))
    if len(names) > MAX_HIDDEN:
        raise ValidationFailed(details={param: f"at most {MAX_HIDDEN} layers"})
    return names


def _layers(ctx: Ctx) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(hidden, shown): layers drawn hidden, and layers off by default in the sheet PDF (off or
    not plotted in the drawing) drawn shown; a layer in both is hidden."""
    hidden = _layer_names(ctx, "hidden")
    return hidden, tuple(n for n in _layer_names(ctx, "shown") if n not in hidden)


def _tile_address(ctx: Ctx) -> tuple[int, int, int]:
    z, x, y = (int(ctx.request.path_params[k]) for k in ("z", "x", "y"))
    if z > tiles.MAX_ZOOM or x >= 2**z or y >= 2**z:
        raise NotFound(f"瓦片 {z}/{x}/{y} 超出范围", f"tile {z}/{x}/{y} is out of range")
    return z, x, y


@api("图纸瓦片（PNG，256 像素）/ A 256 px PNG tile of a sheet")
async def tile(ctx: Ctx):
    sheet, _, _ = await service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"))
    sha = service.require_ready(sheet)
    z, x, y = _tile_address(ctx)
    hidden, shown = _layers(ctx)
    # shown layers after a separator no name holds (NUL): the old ETags of hidden-only tiles stay valid
    state = chr(0).join(hidden) + (chr(0) * 2 + chr(0).join(shown) if shown else "")
    etag = '"%s"' % hashlib.sha256(f"{sha}/{z}/{x}/{y}/{state}".encode()).hexdigest()[:40]
    if (hit := _not_modified(ctx, etag)) is not None:
        return hit
    storage = ctx.state.storage
    first = (z, hidden, shown) == (0, (), ())
    made = storage.derived(sha, tiles.TILE0) if first else None
    if made is not None and made.is_file():  # the first tile a viewer asks for: made with the sheet
        png = await asyncio.to_thread(made.read_bytes)
        return Response(png, media_type="image/png", headers={"ETag": etag, "Cache-Control": CACHE})
    png = await ctx.state.tiles.render(str(storage.path(sha)), z, x, y, hidden, shown)  # in a child: MuPDF keeps the GIL
    if first:  # a sheet processed before zoom-0 tiles were kept: keep it now
        await asyncio.to_thread(storage.put_derived, sha, tiles.TILE0, png)
    return Response(png, media_type="image/png", headers={"ETag": etag, "Cache-Control": CACHE})


@api("图纸缩略图 / Sheet thumbnail (PNG)")
async def thumbnail(ctx: Ctx):
    sheet, _, _ = await service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"))
    sha = service.require_ready(sheet, "thumb_sha256")
    etag = f'"{sha[:40]}"'
    if (hit := _not_modified(ctx, etag, ctx.state.storage.path(sha))) is not None:
        return hit
    return FileResponse(ctx.state.storage.path(sha), media_type="image/png",
                        headers={"ETag": etag, "Cache-Control": CACHE})


@api("图纸文字检索 / Search the texts of a sheet (?q=)")
async def texts(ctx: Ctx):
    sheet, _, _ = await service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"))
    q = ctx.request.query_params.get("q", "")
    if len(q) > 200:
        raise ValidationFailed(details={"q": "at most 200 characters"})
    meta = await asyncio.to_thread(service.load_meta, ctx.state.storage, sheet.meta_sha256)
    found = service.search_texts(meta, q)
    return {"q": q, "count": len(found), "texts": found}


NUMBER = r"\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]{1,2})?\s*"  # what float() reads, finite
VERTEX_QUERY = {
    "bbox": {"type": "string", "required": True, "pattern": f"^{NUMBER},{NUMBER},{NUMBER},{NUMBER}$",
             "description": "x0,y0,x1,y1 in sheet points (y down)"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 5000, "default": 2000},
    "hidden": {"type": "string", "description": "layer names hidden in the viewer, as the tiles take them"},
    "shown": {"type": "string", "description": "layers off by default shown in the viewer, as the tiles take them"},
}


@api("图纸端点（测量吸附）/ The drawing's vertices inside a box, for snapping measurements", query=VERTEX_QUERY)
async def vertices(ctx: Ctx):
    import math

    sheet, _, _ = await service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"))
    sha = service.require_ready(sheet)
    q = ctx.request.query_params
    try:
        box = tuple(float(v) for v in q.get("bbox", "").split(","))
        limit = int(q.get("limit") or "2000")  # ?limit= : the default, as every other query
    except ValueError:
        box, limit = (), 0
    if len(box) != 4 or not all(math.isfinite(v) for v in box) or not 1 <= limit <= 5000:
        raise ValidationFailed("请给出范围 bbox=x0,y0,x1,y1 和 1–5000 的 limit", "Give bbox=x0,y0,x1,y1 and a limit of 1-5000",
                               details={"bbox": "x0,y0,x1,y1", "limit": "1-5000"})
    hidden, shown = _layers(ctx)  # the layers drawn on the reviewer's tiles: snap only to what is seen
    # read in the tile child: MuPDF keeps the GIL while it lists the drawings (docs/decisions/128)
    points, more, sampled = await ctx.state.tiles.vertices(str(ctx.state.storage.path(sha)), sha, hidden, shown,
                                                           box, limit)
    return {"points": points, "more": more, "sampled": sampled}


@api("下载分图 PDF / Download the sheet PDF")
async def pdf(ctx: Ctx):
    sheet, sub, _ = await service.require_sheet(ctx.session, ctx.principal, ctx.path_int("sheet_id"))
    sha = service.require_ready(sheet)
    name = f"{sheet.number or sheet.key or sheet.id}.pdf".replace("/", "_").replace(":", "_")
    etag = f'"{sha[:40]}"'
    if (hit := _not_modified(ctx, etag, ctx.state.storage.path(sha))) is not None:
        return hit
    await ctx.record_download("drawing", "sheet", sheet.id, sub.project_id, name, ranged=True)
    return FileResponse(ctx.state.storage.path(sha), media_type="application/pdf", headers={
        "ETag": etag, "Cache-Control": CACHE,
        "Content-Disposition": f"attachment; filename=\"sheet-{sheet.id}.pdf\"; filename*=UTF-8''{quote(name)}"})


ROUTES = [
    Route("/api/submissions/{submission_id:int}/sheets", list_sheets, methods=["GET"]),
    Route("/api/projects/{project_id:int}/sheets", list_project_sheets, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}", get_sheet, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}", patch_sheet, methods=["PATCH"]),
    Route("/api/sheets/{sheet_id:int}/tiles/{z:int}/{x:int}/{y:int}.png", tile, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/thumbnail.png", thumbnail, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/texts", texts, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/vertices", vertices, methods=["GET"]),
    Route("/api/sheets/{sheet_id:int}/pdf", pdf, methods=["GET"]),
]
