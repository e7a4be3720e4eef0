"""The README's start command brings the service up with demo data, from a clean clone (acceptance 1).

The test clones the checkout's HEAD (what CI checks out) into ``<tmp>/main`` with
``<tmp>/shared`` a symlink to the real ``../shared``, exactly the layout tests/conftest.py
expects, and runs ``make demo PORT=<free port>`` there. Nothing is reused from this checkout:
the clone's Makefile creates its own virtualenv and ``pip install -e '.[test]'`` (from pip's
local cache), runs ``npm ci`` and the viewer build, loads the demo and serves. Measured on this
machine the whole setup takes about 35 s (pip ~25 s, npm ci + vite build ~10 s), so the test
does it for real instead of sharing the checkout's .venv, which would repoint its editable
install at the clone. Uncommitted work is not in the clone, as on CI.
"""

import json
import os
import re
import signal
import subprocess

from pathlib import Path

import httpx

from tests.conftest import ROOT, SHARED, free_port, wait_healthy


def clean_clone(tmp_path: Path) -> Path:
    clone = tmp_path / "main"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True, timeout=120)
    (tmp_path / "shared").symlink_to(SHARED, target_is_directory=True)
    assert not (clone / ".venv").exists() and not (clone / "viewer" / "node_modules").exists()
    assert not (clone / "drawreview" / "web" / "static" / "viewer" / "viewer.js").exists()  # not committed
    return clone


def test_make_demo_serves_demo_data(tmp_path):
    clone = clean_clone(tmp_path)
    data = tmp_path / "data"
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "REDIS_URL", "VIRTUAL_ENV", "PYTHONPATH"} and not k.startswith("DRAWREVIEW_")}
    env.update({"DRAWREVIEW_DATA_DIR": str(data), "PORT": str(port)})
    log = open(tmp_path / "make-demo.log", "wb")
    proc = subprocess.Popen(["make", "demo", f"PORT={port}"], cwd=clone, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            assert wait_healthy(url, proc, timeout=420)["ok"]
        except RuntimeError as exc:
            raise AssertionError(f"{exc}\n{(tmp_path / 'make-demo.log').read_text(errors='replace')[-3000:]}") from None
        # the service runs from the clone's own virtualenv and viewer build
        assert (clone / ".venv" / "bin" / "drawreview").exists()
        assert (clone / "drawreview" / "web" / "static" / "viewer" / "viewer.js").exists()
        creds = json.loads((data / "demo_accounts.json").read_text())
        assert len(creds) == 8
        for username, cred in creds.items():
            with httpx.Client(base_url=url) as c:
                token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
                r = c.post("/login", data={"username": username, "password": cred["password"], "csrf_token": token})
                assert r.status_code == 303, (username, r.text[:200])
                assert c.get("/api/me").json()["data"]["username"] == username
            me = httpx.get(url + "/api/me", headers={"Authorization": f"Bearer {cred['token']}"}).json()["data"]
            assert me["username"] == username
        window = {"Authorization": f"Bearer {creds['window']['token']}"}
        projects = httpx.get(url + "/api/projects", headers=window).json()["data"]
        assert len(projects) == 1 and projects[0]["case_number"]
        # the demo opens on real drawings under review, with markups of several disciplines
        pid = projects[0]["id"]
        subs = httpx.get(f"{url}/api/projects/{pid}/submissions", headers=window).json()["data"]
        sheets = httpx.get(f"{url}/api/submissions/{subs[0]['id']}/sheets", headers=window).json()["data"]
        numbers = {s["number"] for s in sheets}
        assert {"总图-01", "建施-01", "人防-01", "防雷-01"} <= numbers
        tile = httpx.get(f"{url}/api/sheets/{sheets[0]['id']}/tiles/0/0/0.png", headers=window)
        assert tile.status_code == 200 and tile.content[:4] == b"\x89PNG"
        anns = httpx.get(f"{url}/api/projects/{pid}/annotations", headers=window).json()["data"]
        assert len({a["discipline"] for a in anns}) >= 3
        assert any(len(a.get("comments", [])) >= 2 for a in anns)
        # every reviewer sees the project (a task in his discipline)
        fire = {"Authorization": f"Bearer {creds['fire']['token']}"}
        assert [p["id"] for p in httpx.get(url + "/api/projects", headers=fire).json()["data"]] == [pid]
        page = httpx.get(f"{url}/sheets/{sheets[0]['id']}", headers=fire)
        assert page.status_code == 200 and "/static/viewer/viewer.js" in page.text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
