"""The swappable parts with their real second implementations: Redis pub/sub and arq."""

import asyncio

import pytest
import redis

from drawreview.broadcast import MemoryBroadcast, RedisBroadcast
from drawreview.queue import InProcessQueue
from tests.conftest import REDIS_URL


async def _roundtrip(pub, sub_side):
    async with sub_side.subscribe("project:7") as sub:
        await asyncio.sleep(0.05)
        await pub.publish("project:7", {"type": "annotation.created", "seq": 1, "text": "消防车道宽度不足"})
        await pub.publish("project:8", {"type": "other"})
        got = await asyncio.wait_for(sub.__anext__(), 5)
    return got


async def test_memory_broadcast_delivers_to_its_channel_only():
    b = MemoryBroadcast()
    got = await _roundtrip(b, b)
    assert got["seq"] == 1 and got["text"] == "消防车道宽度不足"


async def test_redis_broadcast_crosses_instances():
    a, b = RedisBroadcast(REDIS_URL, "ns1"), RedisBroadcast(REDIS_URL, "ns1")
    other = RedisBroadcast(REDIS_URL, "ns2")  # another deployment on the same Redis
    for x in (a, b, other):
        await x.connect()
    try:
        async with other.subscribe("project:7") as foreign:
            got = await _roundtrip(a, b)  # published by one "process", received by another
            assert got == {"type": "annotation.created", "seq": 1, "text": "消防车道宽度不足"}
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(foreign.__anext__(), 0.3)
    finally:
        for x in (a, b, other):
            await x.disconnect()


async def test_redis_broadcast_delivers_its_own_messages_locally_once():
    """A process's own message reaches its subscribers at once (not via Redis) and only once;
    another process still gets it through Redis."""
    a, b = RedisBroadcast(REDIS_URL, "ns1"), RedisBroadcast(REDIS_URL, "ns1")
    for x in (a, b):
        await x.connect()
    try:
        async with a.subscribe("project:7") as mine, b.subscribe("project:7") as theirs:
            await asyncio.sleep(0.05)
            for n in (1, 2):
                await a.publish("project:7", {"type": "annotation.created", "seq": n})
                assert mine.queue.get_nowait()["seq"] == n  # already queued when publish returned
            assert [(await asyncio.wait_for(theirs.__anext__(), 5))["seq"] for _ in range(2)] == [1, 2]
            await b.publish("project:7", {"type": "presence", "seq": None})
            assert (await asyncio.wait_for(mine.__anext__(), 5))["type"] == "presence"
            await asyncio.sleep(0.3)  # time for a's own two messages to come back from Redis, were they not skipped
            assert mine.queue.empty() and theirs.queue.qsize() == 1
    finally:
        for x in (a, b):
            await x.disconnect()


async def test_redis_broadcast_sends_in_publish_order_and_before_disconnecting():
    """Publishing does not wait for Redis: a burst leaves in order (pipelined), and what was
    published before a disconnect still reaches the other processes."""
    a, b = RedisBroadcast(REDIS_URL, "ns1"), RedisBroadcast(REDIS_URL, "ns1")
    for x in (a, b):
        await x.connect()
    try:
        async with b.subscribe("project:9") as theirs:
            await asyncio.sleep(0.05)
            for n in range(500):
                await a.publish("project:9", {"type": "annotation.created", "seq": n})
            await a.disconnect()
            got = [(await asyncio.wait_for(theirs.__anext__(), 5))["seq"] for _ in range(500)]
            assert got == list(range(500))
    finally:
        await b.disconnect()


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
    from drawreview.queue import ArqQueue, queue_name
    from drawreview.settings import load_settings
    from drawreview.worker import make_worker

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
