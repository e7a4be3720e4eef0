"""The broadcast with its real second implementation: Redis pub/sub across instances."""

import asyncio

import pytest

from drawreview.broadcast import MemoryBroadcast, RedisBroadcast
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
