"""The `drawreview` command: demo (idempotent, --json), createuser, worker without Redis, audit verify."""

import json
import os
import sqlite3
import subprocess

from tests.conftest import DRAWREVIEW, ROOT


def run(args, env, **kw):
    full = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    full.update(env)
    return subprocess.run(DRAWREVIEW + args, env=full, cwd=ROOT, capture_output=True, text=True, timeout=180, **kw)


def test_demo_json_is_idempotent_and_complete(tmp_path):
    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    first = run(["demo", "--json"], env)
    assert first.returncode == 0, first.stderr
    second = run(["demo", "--json"], env)
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a == b
    roles = {(x["role"], x["discipline"]) for x in a["accounts"]}
    assert roles == {("window", None), ("designer", None), ("construction", None)} | {
        ("reviewer", d) for d in ["planning", "fire", "civil_defence", "lightning", "meteorology"]}
    assert all(x["password"] and x["token"].startswith("drt_") for x in a["accounts"])
    db = sqlite3.connect(tmp_path / "drawreview.sqlite3")
    assert db.execute("select count(*) from project").fetchone()[0] == 1
    assert db.execute("select count(*) from user_account").fetchone()[0] == 8


def test_demo_again_after_its_token_was_revoked_and_a_password_changed(tmp_path):
    """An administrator revoked the demo window's token and the fire reviewer changed their
    password: the next ``drawreview demo`` issues the window a new token (the review it drives
    used the revoked one and stopped with a traceback), keeps it for later runs, and does not
    print a password that no longer logs in."""
    from argon2 import PasswordHasher

    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    first = run(["demo", "--json", "--no-drawings"], env)
    assert first.returncode == 0, first.stderr
    revoked = run(["token", "revoke", "--user", "window"], env)
    assert revoked.returncode == 0, revoked.stderr
    db = sqlite3.connect(tmp_path / "drawreview.sqlite3")
    db.execute("update user_account set password_hash = ? where username = 'fire'", (PasswordHasher().hash("a-new-one-12"),))
    db.commit()
    second = run(["demo", "--json"], env)
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr and "Warning" not in second.stderr  # nothing for a newcomer to puzzle over
    a, b = ({x["username"]: x for x in json.loads(r.stdout)["accounts"]} for r in (first, second))
    assert b["window"]["token"] != a["window"]["token"]
    assert b["planning"]["token"] == a["planning"]["token"]  # untouched ones stay
    usable = db.execute("select count(*) from api_token t join user_account u on u.id = t.user_id "
                        "where u.username = 'window' and not t.revoked").fetchone()[0]
    assert usable == 1
    assert json.loads(second.stdout)["review"]  # the demo review ran with the new token
    assert b["fire"]["password"] != a["fire"]["password"] and "changed" in b["fire"]["password"]
    assert b["planning"]["password"] == a["planning"]["password"]
    third = run(["demo", "--json", "--no-drawings"], env)  # the new token was kept
    assert {x["username"]: x["token"] for x in json.loads(third.stdout)["accounts"]}["window"] == b["window"]["token"]


def test_worker_without_redis_exits_2_with_a_clear_message(tmp_path):
    out = run(["worker"], {"DRAWREVIEW_DATA_DIR": str(tmp_path)})
    assert out.returncode == 2
    assert "REDIS_URL" in out.stderr and "需要 Redis" in out.stderr


def test_createuser_validates(tmp_path):
    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    assert run(["migrate"], env).returncode == 0
    ok = run(["createuser", "fire2", "--role", "reviewer", "--discipline", "fire", "--org", "审图中心",
              "--password", "long-enough-pw"], env)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["discipline"] == "fire"
    bad = run(["createuser", "nodisc", "--role", "reviewer", "--org", "审图中心", "--password", "long-enough-pw"], env)
    assert bad.returncode == 2 and "discipline" in bad.stderr


def test_audit_verify_names_the_tampered_row(tmp_path):
    env = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    assert run(["demo"], env).returncode == 0
    good = run(["audit", "verify"], env)
    assert good.returncode == 0 and "intact" in good.stdout
    db = sqlite3.connect(tmp_path / "drawreview.sqlite3")
    rows = db.execute("select id, coalesce(project_id, 0) from audit_entry order by id").fetchall()
    chain_of = dict(rows)
    # a victim with a later entry in the same chain, so deleting it leaves a gap inside the chain
    victim = next(i for i, c in rows[len(rows) // 2:] + rows if any(j > i and d == c for j, d in rows))
    original = db.execute("select detail from audit_entry where id = ?", (victim,)).fetchone()[0]
    db.execute("update audit_entry set detail = ? where id = ?", (json.dumps({"name": "篡改"}), victim))
    db.commit()
    bad = run(["audit", "verify"], env)
    assert bad.returncode == 1
    assert f"id={victim}" in bad.stderr
    db.execute("update audit_entry set detail = ? where id = ?", (original, victim))
    db.commit()
    assert run(["audit", "verify"], env).returncode == 0  # restored: intact again
    # deleting a row inside a chain: the next entry of that chain no longer links, and is named
    after = min(j for j, c in rows if j > victim and c == chain_of[victim])
    db.execute("delete from audit_entry where id = ?", (victim,))
    db.commit()
    gap = run(["audit", "verify"], env)
    assert gap.returncode == 1
    assert f"id={after}" in gap.stderr and "prev_hash" in gap.stderr
    # deleting the tail of the log: each cut chain's head names its missing last entry
    db.execute("delete from audit_entry where id >= ?", (victim,))
    db.commit()
    tail = run(["audit", "verify"], env)
    assert tail.returncode == 1 and "rows removed" in tail.stderr
    cut = [h for (h,) in db.execute("select last_id from audit_head where last_id >= ?", (victim,))]
    assert cut and any(f"id={h}" in tail.stderr for h in cut), (cut, tail.stderr)


def test_render_and_check_are_wired_into_the_command(tmp_path):
    from drawreview.samples import site_plan

    dxf = tmp_path / "site.dxf"
    site_plan(dxf, violate={"FR-01"})
    out = run(["render", str(dxf), "--out", str(tmp_path / "out")], {"DRAWREVIEW_DATA_DIR": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert list((tmp_path / "out").glob("*.pdf")) and list((tmp_path / "out").glob("*.png"))
    checked = run(["check", str(dxf), "--format", "json"], {"DRAWREVIEW_DATA_DIR": str(tmp_path)})
    assert checked.returncode == 1, checked.stderr
    assert "FR-01" in checked.stdout
    bad = tmp_path / "bad.dxf"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not a drawing")
    assert run(["check", str(bad)], {"DRAWREVIEW_DATA_DIR": str(tmp_path)}).returncode == 2
