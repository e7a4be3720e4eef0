"""The ``drawreview`` command: serve, worker, migrate, demo, audit verify, render, check; the account
commands (createuser, user, token) are in ``cli_accounts``."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import warnings

from .cli_accounts import cmd_createuser, cmd_token, cmd_user
from .settings import Settings, load_settings


def _migrate(settings: Settings) -> None:
    from .db import migrate

    migrate(settings)


def cmd_serve(args, settings: Settings) -> int:
    import uvicorn

    from .app import create_app
    from .web.httpproto import protocol_class as http_protocol_class
    from .web.sync_messages import MAX_FRAME_BYTES
    from .web.wsdeflate import protocol_class

    if settings.is_sqlite or args.migrate:
        _migrate(settings)
    uvicorn.run(
        create_app(settings),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=args.log_level,
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies,  # behind docker-compose's proxy: its network
        http=http_protocol_class(settings.http_head_timeout_s),  # bounded request heads (size, time), refusals in the app's envelope (web/httpproto.py)
        ws=protocol_class(settings.sync_send_stall_s),  # small messages uncompressed, stalled peers dropped (web/wsdeflate.py)
        ws_max_size=MAX_FRAME_BYTES,  # larger messages are still read, and refused by client_id
    )
    return 0


def cmd_worker(args, settings: Settings) -> int:
    if not settings.redis_url:
        print(
            "drawreview worker 需要 Redis：请设置 REDIS_URL（嵌入模式下任务在服务进程内运行，无需 worker）。\n"
            "drawreview worker needs Redis: set REDIS_URL (in the embedded mode jobs run inside "
            "`drawreview serve` and no worker is needed).",
            file=sys.stderr,
        )
        return 2
    from .jobs.worker import make_worker

    worker = make_worker(settings, burst=args.burst)
    worker.run()
    return 0


def cmd_migrate(args, settings: Settings) -> int:
    _migrate(settings)
    print(f"database at head: {settings.database_url.split('@')[-1]}")
    return 0


async def _demo(settings: Settings) -> dict:
    from .db import Database
    from .demo.accounts import ensure_demo

    db = Database(settings)
    try:
        async with db.session() as session:
            return await ensure_demo(session, settings.data_dir, settings.token_ttl_days)
    finally:
        await db.close()


def cmd_demo(args, settings: Settings) -> int:
    from .demo.review import DemoError, populate

    _migrate(settings)
    result = asyncio.run(_demo(settings))
    if not args.no_drawings:
        try:
            result["review"] = populate(settings, result)
        except DemoError as exc:  # e.g. a demo account deactivated since the last run
            print(f"演示审查数据未能生成 / the demo review could not be made: {exc}", file=sys.stderr)
            return 1
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("演示数据已就绪 / demo data ready:")
        for acc in result["accounts"]:
            state = "" if acc["active"] else "  已停用 / deactivated"
            print(f"  {acc['username']:<14} {acc['password']:<20} {acc['role']:<13} {acc['discipline'] or ''}{state}")
        print(f"  project id: {result['project_id']}")
    return 0


def _anchor_file(settings: Settings, given: str | None):
    from pathlib import Path

    from .services.anchors import export_path

    return Path(given) if given else export_path(settings)


async def _audit(settings: Settings, args):
    from pathlib import Path

    from .db import Database
    from .services import anchors
    from .services.audit import verify

    db = Database(settings)
    try:
        async with db.session() as session:
            if args.action == "anchor":
                heads = await anchors.current_heads(session)
                anchors.append_export(_anchor_file(settings, args.anchors), heads)
                return heads
            found = []
            export = _anchor_file(settings, args.anchors)
            if export.exists():
                found += anchors.read_export(export)
            elif args.anchors:
                raise SystemExit(f"没有该锚点文件 / no such anchor file: {export}")
            for doc in args.document or []:
                in_doc = anchors.anchors_in_pdf(Path(doc))
                if not in_doc:
                    raise SystemExit(f"文件中没有审计锚点 / no audit anchor in {doc}")
                found += in_doc
            return await verify(session, anchors=found)
    finally:
        await db.close()


def cmd_audit(args, settings: Settings) -> int:
    result = asyncio.run(_audit(settings, args))
    if args.action == "anchor":
        print(f"已记录 {len(result)} 条审计链锚点 / anchored {len(result)} chains -> {_anchor_file(settings, args.anchors)}")
        return 0
    if result.ok:
        print(f"审计日志完整 / audit chain intact: {result.checked} entries, {result.anchors_checked} anchors")
        return 0
    print(
        f"审计日志被篡改：第一条异常记录 id={result.bad_id}（{result.reason}）\n"
        f"audit chain broken: first bad entry id={result.bad_id} ({result.reason})",
        file=sys.stderr,
    )
    return 1


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="drawreview", description="互联网+联合图审 / joint drawing review")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the web service")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--migrate", action="store_true", help="migrate the database first (always on SQLite)")
    s.add_argument("--log-level", default="info")
    w = sub.add_parser("worker", help="run an arq worker (needs REDIS_URL)")
    w.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    sub.add_parser("migrate", help="bring the database schema up to date")
    d = sub.add_parser("demo", help="create demo accounts, organisations and a project (idempotent)")
    d.add_argument("--json", action="store_true")
    d.add_argument("--no-drawings", action="store_true", help="accounts and project only (no drawing set)")
    c = sub.add_parser("createuser", help="create a user")
    c.add_argument("username")
    c.add_argument("--role", required=True, choices=["window", "reviewer", "designer", "construction", "admin"])
    c.add_argument("--discipline", choices=["planning", "fire", "civil_defence", "lightning", "meteorology"])
    c.add_argument("--display-name")
    c.add_argument("--org")
    c.add_argument("--org-kind", choices=["design_institute", "construction_unit", "review_authority"])
    c.add_argument("--password", help="prompted for when omitted")
    u = sub.add_parser("user", help="user accounts")
    u.add_argument("action", choices=["deactivate", "reactivate"])
    u.add_argument("username")
    t = sub.add_parser("token", help="API tokens")
    t.add_argument("action", choices=["revoke"])
    t.add_argument("id", nargs="?", type=int, help="the token's id (GET /api/tokens)")
    t.add_argument("--user", help="revoke every token of this user")
    a = sub.add_parser("audit", help="audit log tools")
    a.add_argument("action", choices=["verify", "anchor"],
                   help="verify: the chain and its anchors; anchor: append every chain's head to the export")
    a.add_argument("--anchors", help="the append-only anchor export (default <data dir>/audit-anchors.jsonl)")
    a.add_argument("--document", action="append", help="a signed receipt/report PDF whose anchor to check")
    sub.add_parser("render", help="render every sheet of a drawing file", add_help=False)
    sub.add_parser("check", help="run the rule checks on a drawing file", add_help=False)
    return p


COMMANDS = {
    "serve": cmd_serve,
    "worker": cmd_worker,
    "migrate": cmd_migrate,
    "demo": cmd_demo,
    "createuser": cmd_createuser,
    "audit": cmd_audit,
    "user": cmd_user,
    "token": cmd_token,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # pyHanko imports DSA support, which cryptography marks deprecated at import: a notice about
    # a library's internals on every command's first line, not something an operator can act on
    warnings.filterwarnings("ignore", message="DSA is deprecated", module=r"pyhanko\.")
    if argv and argv[0] == "render":
        from .cad.cli import render_main

        return render_main(argv[1:])
    if argv and argv[0] == "check":
        from .rules.cli import check_main

        return check_main(argv[1:])
    args = parser().parse_args(argv)
    return COMMANDS[args.command](args, load_settings())


if __name__ == "__main__":
    sys.exit(main())
