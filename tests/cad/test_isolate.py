"""Drawing child processes: warm before their first job; zip expansion runs there too."""

from __future__ import annotations

import asyncio

from drawreview.cad import isolate, pipeline


def test_a_new_child_has_drawn_once_before_its_first_job():
    pool = isolate.Pool(size=1)
    try:
        pool.warm()  # as the app and the worker do at start
        assert asyncio.run(pool.run(pipeline.is_warm, ())) is True
        # the flag is the warm-up's: a process that has not run it says so
        assert pipeline.is_warm() is False
    finally:
        pool.close()


def test_a_zip_is_expanded_in_a_child_with_its_errors_intact(tmp_path):
    from drawreview.cad import errors as E
    from drawreview.cad import intake
    from tests import drawing_inputs as di

    good = tmp_path / "set.zip"
    good.write_bytes(di.zip_of({"建施/一层.dxf": di.simple_dxf(), "../evil.dxf": di.simple_dxf(), "x.jpg": di.JPEG}))
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(di.zip_bomb())
    pool = isolate.Pool(size=1)
    try:
        got = asyncio.run(pool.run(pipeline.expand_archive, (str(good), str(tmp_path / "x"), "set.zip",
                                                             intake.ZipLimits())))
        assert [m.name for m in got.members] == ["建施/一层.dxf"] and got.members[0].path.is_file()
        assert sorted((e.name, e.error.code) for e in got.errors) == [("../evil.dxf", "unsafe_path"),
                                                                      ("x.jpg", "not_a_drawing")]
        try:
            asyncio.run(pool.run(pipeline.expand_archive, (str(bomb), str(tmp_path / "y"), "bomb.zip",
                                                           intake.ZipLimits())))
        except E.ZipBomb as exc:  # the archive-wide error crosses with its code and both languages
            assert exc.code == "zip_bomb" and "bomb.zip" in exc.message_zh and "bomb.zip" in exc.message_en
        else:
            raise AssertionError("the zip bomb was expanded")
        assert not (tmp_path / "y").exists() or not any((tmp_path / "y").rglob("*.dxf"))
    finally:
        pool.close()


def test_a_call_waiting_for_a_busy_child_starts_only_when_it_gets_one():
    """``on_start`` marks the moment a drawing process takes the call: the file page shows
    "排队中" until then, not "处理中"."""
    pool = isolate.Pool(size=1)
    events: list[str] = []

    async def one(name: str):
        async def started():
            events.append(f"{name} start")
        await pool.run(pipeline.is_warm, (), on_start=started)
        events.append(f"{name} done")

    async def both():
        await asyncio.gather(one("a"), one("b"))

    try:
        asyncio.run(both())
    finally:
        pool.close()
    assert events == ["a start", "a done", "b start", "b done"]


# -- messages under the server's event loop; a child that dies says why ----------------------

def emit_long(n_bytes: int, *, emit) -> bytes:
    """In the child: one item and a result each far longer than a socket buffer."""
    emit(("item", b"x" * n_bytes))
    return b"y" * n_bytes


def die_saying(words: str, code: int, *, emit) -> None:
    import os
    import sys

    sys.stderr.write("a warning first\n")
    sys.stderr.write(words + "\n")
    sys.stderr.flush()
    os._exit(code)


def test_long_messages_arrive_whole_under_uvloop():
    """uvicorn runs on uvloop, whose add_reader leaves the pipe non-blocking: a message longer
    than the socket buffer was read half, the parent hung up and the child died of BrokenPipe
    (the 200-page PDFs that failed with 'exit code 1')."""
    import uvloop

    pool = isolate.Pool(size=1)
    got = []

    async def on_item(item):
        got.append(len(item[1]))

    try:
        result = uvloop.run(pool.run(emit_long, (8 * 1024 * 1024,), on_item=on_item))
        assert got == [8 * 1024 * 1024] and len(result) == 8 * 1024 * 1024
        assert pool.largest_message > 8 * 1024 * 1024
        assert pool.pids()["idle"]  # the child answered and went back, alive
    finally:
        pool.close()


def test_a_child_that_dies_names_its_cause():
    pool = isolate.Pool(size=1)
    try:
        try:
            asyncio.run(pool.run(die_saying, ("MemoryError: cannot allocate 3 GB for page 2001", 7)))
        except isolate.ChildDied as exc:
            assert exc.returncode == 7
            assert exc.cause == "MemoryError: cannot allocate 3 GB for page 2001"
            assert "exited with code 7" in str(exc) and "page 2001" in str(exc)
        else:
            raise AssertionError("the child's death went unnoticed")
        # the next call starts with a clean slate (what the dead child said is not repeated)
        assert asyncio.run(pool.run(emit_long, (10,))) == b"y" * 10
    finally:
        pool.close()
