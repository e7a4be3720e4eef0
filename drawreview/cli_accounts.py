"""The account commands of ``drawreview``: ``createuser``, ``user deactivate|reactivate`` and
``token revoke`` (each audited by the service it calls, with the actor ``cli``)."""

from __future__ import annotations

import asyncio
import getpass
import json
import sys

from .settings import Settings


async def _createuser(settings: Settings, args, password: str) -> dict:
    from .db import Database
    from .services import accounts

    db = Database(settings)
    try:
        async with db.session() as session:
            org = None
            if args.org:
                kind = args.org_kind or accounts.ROLE_ORG_KIND.get(args.role, "review_authority")
                org = await accounts.get_or_create_org(session, args.org, str(kind), actor="cli")
            user = await accounts.create_user(
                session, args.username, password, args.role, args.display_name, args.discipline, org,
                actor="cli",
            )
            await session.commit()
            return accounts.user_dict(user)
    finally:
        await db.close()


def cmd_createuser(args, settings: Settings) -> int:
    from .errors import DrawReviewError

    password = args.password or getpass.getpass("password: ")
    try:
        user = asyncio.run(_createuser(settings, args, password))
    except DrawReviewError as exc:
        print(f"{exc.message_zh} / {exc.message_en}: {json.dumps(exc.details, ensure_ascii=False)}", file=sys.stderr)
        return 2
    print(json.dumps(user, ensure_ascii=False))
    return 0


async def _credential_action(settings: Settings, args) -> dict:
    from sqlmodel import select

    from .db import Database
    from .models import ApiToken, User
    from .services import credentials

    db = Database(settings)
    try:
        async with db.session() as session:
            if args.command == "user":
                user = (await session.exec(select(User).where(User.username == args.username))).first()
                if user is None:
                    raise SystemExit(f"没有该用户 / no such user: {args.username}")
                change = credentials.deactivate if args.action == "deactivate" else credentials.reactivate
                out = {"user": user.username, "active": (await change(session, "cli", user.id)).active}
            else:
                ids = [args.id] if args.id else []
                if args.user:
                    user = (await session.exec(select(User).where(User.username == args.user))).first()
                    if user is None:
                        raise SystemExit(f"没有该用户 / no such user: {args.user}")
                    ids += [t.id for t in (await session.exec(select(ApiToken).where(
                        ApiToken.user_id == user.id, ApiToken.revoked == False))).all()]  # noqa: E712
                out = {"revoked": [(await credentials.revoke_token(session, "cli", i, settings.token_ttl_days))["id"]
                                   for i in ids]}
            await session.commit()
            return out
    finally:
        await db.close()


def cmd_user(args, settings: Settings) -> int:
    from .errors import DrawReviewError

    try:
        out = asyncio.run(_credential_action(settings, args))
    except DrawReviewError as exc:  # e.g. reactivating an account that is active
        print(f"{exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 1
    if out["active"]:
        print(f"已恢复 {out['user']}，可用原密码登录（令牌需重新创建）/ reactivated {out['user']}: "
              "signs in with the same password (tokens must be made anew)")
    else:
        print(f"已停用 {out['user']}，其全部会话和令牌已结束 / deactivated {out['user']}: every session and token ended")
    return 0


def cmd_token(args, settings: Settings) -> int:
    if not args.id and not args.user:
        print("给出令牌 id 或 --user / give a token id or --user", file=sys.stderr)
        return 2
    out = asyncio.run(_credential_action(settings, args))
    print(f"已撤销令牌 / revoked tokens: {out['revoked']}")
    return 0
