"""Fixed-window attempt counters against guessing (logins, progress-query codes).

In memory for the embedded mode; in Redis when ``REDIS_URL`` is set, so every app process
shares one count.
"""

from __future__ import annotations

import ipaddress
import time

# An IPv6 client is given a whole /64 by its provider (SLAAC, privacy addresses) and can change
# its address within it at will, so a count per IPv6 address stops nobody: IPv6 addresses are
# counted per /64 network, IPv4 addresses (and IPv4-mapped IPv6 ones) per address.
IPV6_PREFIX = 64


def address_key(address: str | None) -> str:
    """The part of a client address that attempt counters count by (see ``IPV6_PREFIX``)."""
    try:
        ip = ipaddress.ip_address((address or "").strip().split("%", 1)[0])
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_PREFIX}", strict=False))
    return str(ip)


class MemoryLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, tuple[int, float]] = {}

    async def hit(self, key: str, window_s: int) -> int:
        now = time.monotonic()
        count, start = self._hits.get(key, (0, now))
        if now - start >= window_s:
            count, start = 0, now
        count += 1
        self._hits[key] = (count, start)
        if len(self._hits) > 100_000:  # forget the oldest windows
            for k in sorted(self._hits, key=lambda k: self._hits[k][1])[:50_000]:
                del self._hits[k]
        return count

    async def count(self, key: str, window_s: int) -> int:
        """The hits in the key's current window, without adding one."""
        count, start = self._hits.get(key, (0, 0.0))
        return 0 if time.monotonic() - start >= window_s else count

    async def reset(self, key: str) -> None:
        self._hits.pop(key, None)

    async def forget(self, key: str) -> None:
        """Take one hit back (an attempt that turned out fine)."""
        count, start = self._hits.get(key, (0, 0.0))
        if count > 0:
            self._hits[key] = (count - 1, start)

    async def close(self) -> None:
        return None


class RedisLimiter:
    def __init__(self, url: str, namespace: str = "default") -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(url)
        self._prefix = f"drawreview:{namespace}:rl:"

    async def hit(self, key: str, window_s: int) -> int:
        k = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(k)
            pipe.expire(k, window_s, nx=True)
            count, _ = await pipe.execute()
        return int(count)

    async def count(self, key: str, window_s: int) -> int:
        """The hits in the key's current window (it expires with the window), without adding one."""
        value = await self._redis.get(self._prefix + key)
        return int(value) if value else 0

    async def reset(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def forget(self, key: str) -> None:
        """Take one hit back (an attempt that turned out fine); never below zero."""
        k = self._prefix + key
        if int(await self._redis.decr(k)) < 0:
            await self._redis.set(k, 0, keepttl=True)

    async def close(self) -> None:
        await self._redis.aclose()


def make_limiter(settings):
    return RedisLimiter(settings.redis_url, settings.namespace) if settings.redis_url else MemoryLimiter()
