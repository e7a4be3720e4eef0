"""The README's start command brings the service up with demo data (acceptance 1)."""

import json
import os
import re
import signal
import subprocess
import time

import httpx

from tests.conftest import ROOT, free_port, wait_healthy


def test_make_demo_serves_demo_data(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update({"DRAWREVIEW_DATA_DIR": str(tmp_path), "PORT": str(port)})
    proc = subprocess.Popen(["make", "demo", f"PORT={port}"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert wait_healthy(url, proc, timeout=300)["ok"]
        creds = json.loads((tmp_path / "demo_accounts.json").read_text())
        assert len(creds) == 8
        for username, cred in creds.items():
            with httpx.Client(base_url=url) as c:
                token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
                r = c.post("/login", data={"username": username, "password": cred["password"], "csrf_token": token})
                assert r.status_code == 303, (username, r.text[:200])
                assert c.get("/api/me").json()["data"]["username"] == username
            me = httpx.get(url + "/api/me", headers={"Authorization": f"Bearer {cred['token']}"}).json()["data"]
            assert me["username"] == username
        projects = httpx.get(url + "/api/projects", headers={"Authorization": f"Bearer {creds['window']['token']}"})
        assert len(projects.json()["data"]) >= 1
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
