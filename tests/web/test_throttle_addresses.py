"""Attempt counters count an IPv6 client by its /64 network, through a real server process.

A provider hands each IPv6 client a whole /64 and the client may take any address in it, so a
count per IPv6 address let one attacker make unlimited login and progress-code guesses by
changing the last 64 bits. The server runs behind a local proxy here: uvicorn trusts
``X-Forwarded-For`` from 127.0.0.1, which is how the addresses below reach the application.
"""

from __future__ import annotations

import re

import httpx

NET = "2001:db8:7:1"  # the attacker's /64 (documentation prefix)


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def _login(client: httpx.Client, username: str, address: str) -> int:
    page = client.get("/login", headers=_from(address))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = client.post("/login", headers=_from(address),
                         data={"username": username, "password": "wrong-password-xx", "csrf_token": token, "next": "/"})
    return answer.status_code


def test_failed_logins_from_one_ipv6_network_are_counted_together(servers):
    with httpx.Client(base_url=servers[0], timeout=60, follow_redirects=False) as client:
        # 30 wrong passwords for 30 accounts, each from another address of one /64
        statuses = [_login(client, f"v6guess{i}", f"{NET}::{i + 1:x}") for i in range(30)]
        assert statuses == [400] * 30
        # a fresh address of the same /64 is stopped
        assert _login(client, "v6guess-next", f"{NET}:abcd:ef01:2345:6789") == 429
        # another /64 (another client) is not
        assert _login(client, "v6guess-other", "2001:db8:7:2::1") == 400


def test_progress_guesses_from_one_ipv6_network_are_counted_together(servers):
    with httpx.Client(base_url=servers[-1], timeout=60) as client:
        # one wrong code for each of 30 case numbers, each from another address of one /64
        statuses = [client.get("/api/progress", headers=_from(f"{NET}::{0x100 + i:x}"),
                               params={"case": f"ZZ-2026-{900000 + i}", "code": "123456"}).status_code
                    for i in range(30)]
        assert statuses == [404] * 30
        refused = client.get("/api/progress", headers=_from(f"{NET}:1:2:3:4"),
                             params={"case": "ZZ-2026-999999", "code": "123456"})
        assert refused.status_code == 429
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.json()["error"]["details"]["scope"] == "ip"
        other = client.get("/api/progress", headers=_from("2001:db8:7:3::1"),
                           params={"case": "ZZ-2026-999999", "code": "123456"})
        assert other.status_code == 404


def test_ipv4_clients_are_still_counted_one_by_one(servers):
    with httpx.Client(base_url=servers[0], timeout=60) as client:
        for i in range(30):
            assert client.get("/api/progress", headers=_from("198.51.100.20"),
                              params={"case": f"ZZ-2026-{800000 + i}", "code": "123456"}).status_code == 404
        assert client.get("/api/progress", headers=_from("198.51.100.20"),
                          params={"case": "ZZ-2026-1", "code": "123456"}).status_code == 429
        # the neighbouring IPv4 address is another client
        assert client.get("/api/progress", headers=_from("198.51.100.21"),
                          params={"case": "ZZ-2026-1", "code": "123456"}).status_code == 404
