"""Real processes: `drawreview serve` (embedded), and 2 app processes + an arq worker behind
one PostgreSQL and Redis (the docker-compose topology)."""

import httpx


def test_servers_are_healthy_and_share_state(stack, servers):
    for url in servers:
        body = httpx.get(url + "/healthz", timeout=5).json()
        assert body["ok"] and body["mode"] == stack.mode
    # a token created through one process works on every other process
    headers = stack.token_headers("window")
    token = httpx.post(servers[0] + "/api/tokens", json={"name": "topology"}, headers=headers).json()["data"]["token"]
    for url in servers:
        me = httpx.get(url + "/api/me", headers={"Authorization": f"Bearer {token}"}).json()["data"]
        assert me["username"] == "window"


def test_login_page_works_on_every_process(stack, servers):
    import re

    for url in servers:
        with httpx.Client(base_url=url) as c:
            page = c.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
            r = c.post("/login", data={"username": "designer", "password": stack.account("designer")["password"],
                                       "csrf_token": token})
            assert r.status_code == 303
            assert c.get("/api/me").json()["data"]["role"] == "designer"
