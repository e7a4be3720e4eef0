"""A drawing child process is warm before its first job (cad/isolate.py + pipeline.warm_up)."""

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
