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
