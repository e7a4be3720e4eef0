"""Tiles drawn in a child process of their own, so the serving loop stays free
(docs/decisions/119).

MuPDF keeps the GIL while it draws: a tile drawn in a worker thread of the app held the event
loop for as long as it took — measured on a 6,000-hatch sheet, 0.25 s for its display list and
0.1–0.3 s per tile; 0.8 s of loop held for eight tiles of a 60,000-stroke PDF. The tile
endpoints therefore hand each tile to a warm child (``cad.isolate``; not niced: a viewer waits
for it), where ``cad.tiles`` keeps its open documents and display lists between calls as it
did in the app. One child by default: MuPDF use was already serialised by one lock, and each
child would hold its own caches. Calls queue on a semaphore (first come, first served); a
child that crashes on a sheet (MuPDF) or overruns ``TIMEOUT_S`` is replaced, and that tile is a
readable error while the server goes on.
"""

from __future__ import annotations

import asyncio
import time

from ..errors import DrawReviewError, ServiceUnavailable
from . import isolate, tiles

TIMEOUT_S = 30.0


class TileFailed(DrawReviewError):
    status = 500
    code = "tile_failed"


def find_vertices(path: str, key: str, hidden: tuple[str, ...], shown: tuple[str, ...],
                  box: tuple[float, float, float, float], limit: int, *, emit) -> tuple[list, bool, bool]:
    """In the child: (the vertices inside *box*, more than *limit* there, the sheet sampled) of
    the linework drawn with these layers (``services.sheet_vertices``, its cache kept between
    calls; docs/decisions/128: reading the linework held the app's loop up to 0.24 s)."""
    from ..services import sheet_vertices

    arr, sampled = sheet_vertices.vertices(path, key, hidden, shown)
    points, more = sheet_vertices.in_box(arr, box, limit)
    return points, more, sampled


def draw_tile(path: str, z: int, x: int, y: int, hidden: tuple[str, ...], shown: tuple[str, ...] = (), *,
              emit) -> bytes:
    """In the child: PNG bytes of one tile (``cad.tiles``, its caches kept between calls)."""
    return tiles.render_tile(path, z, x, y, hidden, "png", shown)


class TileRenderer:
    """The app's tile children (one per app, started when a viewer is near, closed at stop)."""

    def __init__(self, size: int = 1, timeout_s: float = TIMEOUT_S) -> None:
        self.pool = isolate.Pool(size, preload=("drawreview.cad.tileserver",), nice=0)
        self.timeout_s = timeout_s
        self._slots: asyncio.Semaphore | None = None

    async def _run(self, fn, args: tuple, doing_zh: str, doing_en: str, timeout_code: str, details: dict,
                   pdf_zh: str = "绘制", pdf_en: str = "drawn"):
        """``fn(*args)`` in a tile child, at most one call per child at a time; a timeout is a
        503 *timeout_code*, a child that died a ``TileFailed`` (both name what was being done)."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.pool.size)
        async with self._slots:
            try:
                return await self.pool.run(fn, args, deadline=time.monotonic() + self.timeout_s)
            except isolate.Timeout:
                raise ServiceUnavailable(
                    f"{doing_zh}超时（超过 {self.timeout_s:.0f} 秒），请稍后重试",
                    f"{doing_en} took too long (over {self.timeout_s:.0f} s); try again later",
                    code=timeout_code, details={**details, "timeout_s": self.timeout_s}) from None
            except isolate.ChildDied as exc:
                raise TileFailed(f"{doing_zh}失败（图纸 PDF 无法{pdf_zh}）",
                                 f"{doing_en} failed (the sheet PDF could not be {pdf_en})",
                                 details={**details, "reason": str(exc)[:200]}) from None

    async def render(self, path: str, z: int, x: int, y: int, hidden: tuple[str, ...] = (),
                     shown: tuple[str, ...] = ()) -> bytes:
        return await self._run(draw_tile, (path, z, x, y, tuple(hidden), tuple(shown)),
                               f"瓦片 {z}/{x}/{y} 生成", f"Drawing tile {z}/{x}/{y}", "tile_timeout",
                               {"tile": [z, x, y]})

    async def vertices(self, path: str, key: str, hidden: tuple[str, ...], shown: tuple[str, ...],
                       box: tuple[float, float, float, float], limit: int) -> tuple[list, bool, bool]:
        """Snapping's vertices, read in the tile child (MuPDF keeps the GIL while it lists drawings)."""
        return await self._run(find_vertices, (path, key, tuple(hidden), tuple(shown), tuple(box), limit),
                               "读取图纸端点", "Reading the sheet's vertices", "vertices_timeout", {}, "读取", "read")

    def warm(self) -> None:
        """Start the child now if none is waiting (the viewer page and a sheet's details call
        this: the tiles they lead to find MuPDF imported). Not at the app's start: most app
        instances (tests, the worker) never draw a tile."""
        self.pool.warm()

    def close(self) -> None:
        self.pool.close()
