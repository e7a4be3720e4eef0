"""The job queue with its real second implementation: in-process, and arq with a real worker."""

import asyncio

import redis

from drawreview.jobs.queue import InProcessQueue
from tests.conftest import REDIS_URL


async def test_in_process_queue_runs_jobs_and_dedupes():
    q = InProcessQueue(timeout_s=5)
    ctx = {}
    await q.start(ctx)
    await q.enqueue("ping", "a", job_id="same")
    await q.enqueue("ping", "a", job_id="same")
    await q.enqueue("ping", "b")
    await q.drain()
    assert sorted(ctx["pings"]) == ["a", "b"]


async def test_stopping_the_in_process_queue_lets_short_jobs_finish(monkeypatch):
    """A job in flight gets the grace period to finish (a job cut off mid-write can leave its
    SQLite write lock to the garbage collector); one still running after it is cancelled."""
    from drawreview import jobs

    async def nap(ctx, name, seconds):
        try:
            await asyncio.sleep(seconds)
            ctx.setdefault("done", []).append(name)
        except asyncio.CancelledError:
            ctx.setdefault("cancelled", []).append(name)
            raise

    monkeypatch.setitem(jobs.JOBS, "nap", nap)
    q = InProcessQueue(timeout_s=60)
    ctx = {}
    await q.start(ctx)
    await q.enqueue("nap", "short", 0.2)
    await q.enqueue("nap", "long", 30)
    await q.stop(grace_s=1.0)
    assert ctx == {"done": ["short"], "cancelled": ["long"]}


def test_arq_worker_runs_enqueued_job(tmp_path):
    """A real arq worker in burst mode picks up a job enqueued through ArqQueue."""
    from drawreview.jobs.queue import ArqQueue, queue_name
    from drawreview.settings import load_settings
    from drawreview.jobs.worker import make_worker

    settings = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path), "REDIS_URL": REDIS_URL})

    async def run():
        q = ArqQueue(REDIS_URL, queue_name(settings))
        await q.start({})
        await q.enqueue("ping", "via-arq", job_id="ping-1")
        await q.stop()
        worker = make_worker(settings, burst=True)
        await worker.main()
        await worker.close()
        return worker.jobs_complete

    assert asyncio.run(run()) == 1
    assert redis.Redis.from_url(REDIS_URL).get("drawreview:ping:via-arq") == b"pong"
