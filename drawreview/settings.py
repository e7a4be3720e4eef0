"""Every setting drawreview reads, typed, in one place.

Nothing else in the package reads ``os.environ``. Each variable is read with the
``DRAWREVIEW_`` prefix; ``DATABASE_URL`` and ``REDIS_URL`` are also accepted without it (the
names docker-compose and most platforms use). The defaults make the embedded mode work
with no setup: a SQLite file and a blob folder under ``./var``, in-process jobs and
in-memory live events.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

PREFIX = "DRAWREVIEW_"
REPO_RULESETS = Path(__file__).resolve().parents[1] / "rulesets"  # present in a checkout / editable install


def ruleset_dir(env: Mapping[str, str] | None = None) -> Path:
    """``DRAWREVIEW_RULESET_DIR``, else the checkout's ``rulesets/`` (a non-editable install,
    e.g. the Docker image, sets the variable to where it copied the rulesets)."""
    env = os.environ if env is None else env
    return Path(_get(env, "RULESET_DIR", str(REPO_RULESETS))).resolve()


def calendar_file(env: Mapping[str, str] | None = None) -> Path | None:
    """``DRAWREVIEW_CALENDAR_FILE`` (the holidays and adjusted working days the State Council
    published after the installed chinesecalendar), else ``<ruleset dir>/calendar/holidays.toml``
    when it exists. An explicit path must exist (checked when the calendar is loaded)."""
    env = os.environ if env is None else env
    explicit = _get(env, "CALENDAR_FILE")
    if explicit:
        return Path(explicit).resolve()
    default = ruleset_dir(env) / "calendar" / "holidays.toml"
    return default if default.exists() else None


def _get(env: Mapping[str, str], name: str, default: str | None = None, *, bare: bool = False) -> str | None:
    value = env.get(PREFIX + name)
    if value is None and bare:
        value = env.get(name)
    if value is None or value == "":
        return default
    return value


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    blob_dir: Path
    secret_key: str
    base_url: str = "http://127.0.0.1:8000"
    host: str = "127.0.0.1"
    port: int = 8000
    # addresses (or networks) of the reverse proxies whose X-Forwarded-For / -Proto the server
    # believes: the client address that throttling and the audit trail record (decision 136)
    trusted_proxies: str = "127.0.0.1"
    https: bool = False
    max_submission_bytes: int = 2 * 1024**3
    max_file_bytes: int = 1024**3
    zip_max_entries: int = 20000  # entries of one zip (projects with thousands of sheets)
    zip_max_member_bytes: int = 2 * 1024**3  # one expanded entry; default: the submission limit
    job_timeout_s: int = 600
    # PostgreSQL statement_timeout of the app's connections (a runaway query or a lock wait ends
    # with a 503 instead of holding a connection forever) and of the worker's (jobs: the job's
    # own timeout by default); 0 = none. Migrations and the CLI run without one.
    db_statement_timeout_s: float = 30.0
    worker_statement_timeout_s: float | None = None  # None: job_timeout_s
    dwg_max_objects: int = 5_000_000  # objects one DWG may hold (the reader stops beyond: dwg_too_complex)
    dwg_max_memory_bytes: int = 0  # memory a DWG conversion may add in its child; 0: max(1 GiB, 64 × file size)
    jobs_inline: bool = False
    sync_max_replay: int = 5000  # more missed events than this: the client reloads over REST (resync)
    sync_recheck_s: float = 2.0  # how long a live connection trusts its user's active flag / project access
    presence_beat_s: float = 15.0  # each connection re-announces itself this often; viewers drop it after 3 missed beats
    sync_inbox: int = 16  # messages one websocket connection may have waiting; more: "slow_down"
    sync_max_wait_s: float = 1.0  # a write that waited longer than this is not run: "slow_down"
    http_head_timeout_s: float = 20.0  # a request head not complete this long after it began: 408, closed
    sync_max_sockets_per_user: int = 20  # project websockets one user may hold open in one app process
    sync_send_stall_s: float = 30.0  # a websocket peer that takes none of what is sent to it this long is dropped
    token_ttl_days: int = 365
    webhook_allow: str = ""  # networks webhooks may reach although private (intranet receivers)
    session_max_age_s: int = 12 * 3600
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "drawreview@localhost"
    city: str | None = None
    ruleset_dir: Path = REPO_RULESETS
    authority_dir: Path | None = None  # the signing key and certificate; None: <data dir>/authority
    calendar_file: Path | None = None  # holidays/调休 beyond chinese_calendar; None: chinese_calendar alone
    # issued documents (report/): the public address printed in QR codes (None: the issuing request's),
    # the RFC 3161 time-stamping service (None: PAdES B-B), a document timestamp (B-LTA), the seal image
    public_base_url: str | None = None
    tsa_url: str | None = None
    pades_lta: bool = False
    seal_image: Path | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def namespace(self) -> str:
        """Separates deployments (and test runs) sharing one Redis: channel prefix, queue name,
        rate-limit keys. Redis pub/sub ignores the database number, so this is needed."""
        explicit = self.extra.get("namespace")
        if explicit:
            return explicit
        return hashlib.sha256(self.database_url.encode()).hexdigest()[:12]

    @property
    def mode(self) -> str:
        return "scaled" if self.redis_url else "embedded"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def _secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    explicit = _get(env, "SECRET_KEY")
    if explicit:
        return explicit
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return path.read_text().strip()


def normalise_db_url(url: str) -> str:
    """Pick the async driver for a plain database URL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///"):]
    return url


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    data_dir = Path(_get(env, "DATA_DIR", "./var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    db = _get(env, "DATABASE_URL", bare=True) or f"sqlite:///{data_dir / 'drawreview.sqlite3'}"
    blob_dir = Path(_get(env, "BLOB_DIR", str(data_dir / "blobs"))).resolve()
    return Settings(
        data_dir=data_dir,
        database_url=normalise_db_url(db),
        redis_url=_get(env, "REDIS_URL", bare=True),
        blob_dir=blob_dir,
        secret_key=_secret_key(env, data_dir),
        base_url=_get(env, "BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        host=_get(env, "HOST", "127.0.0.1"),
        port=int(_get(env, "PORT", "8000")),
        trusted_proxies=_get(env, "TRUSTED_PROXIES", "127.0.0.1"),
        https=_bool(_get(env, "HTTPS"), False),
        max_submission_bytes=int(_get(env, "MAX_SUBMISSION_BYTES", str(2 * 1024**3))),
        max_file_bytes=int(_get(env, "MAX_FILE_BYTES", str(1024**3))),
        zip_max_entries=int(_get(env, "ZIP_MAX_ENTRIES", "20000")),
        zip_max_member_bytes=int(_get(env, "ZIP_MAX_MEMBER_BYTES", None)
                                 or _get(env, "MAX_SUBMISSION_BYTES", str(2 * 1024**3))),
        job_timeout_s=int(_get(env, "JOB_TIMEOUT_S", "600")),
        db_statement_timeout_s=float(_get(env, "DB_STATEMENT_TIMEOUT_S", "30")),
        worker_statement_timeout_s=float(_get(env, "WORKER_STATEMENT_TIMEOUT_S"))
        if _get(env, "WORKER_STATEMENT_TIMEOUT_S") else None,
        dwg_max_objects=int(_get(env, "DWG_MAX_OBJECTS", "5000000")),
        dwg_max_memory_bytes=int(_get(env, "DWG_MAX_MEMORY_BYTES", "0")),
        jobs_inline=_bool(_get(env, "JOBS_INLINE"), False),
        sync_max_replay=int(_get(env, "SYNC_MAX_REPLAY", "5000")),
        sync_recheck_s=float(_get(env, "SYNC_RECHECK_S", "2.0")),
        presence_beat_s=float(_get(env, "PRESENCE_BEAT_S", "15.0")),
        sync_inbox=int(_get(env, "SYNC_INBOX", "16")),
        sync_max_wait_s=float(_get(env, "SYNC_MAX_WAIT_S", "1.0")),
        sync_send_stall_s=float(_get(env, "SYNC_SEND_STALL_S", "30.0")),
        sync_max_sockets_per_user=int(_get(env, "SYNC_MAX_SOCKETS_PER_USER", "20")),
        http_head_timeout_s=float(_get(env, "HTTP_HEAD_TIMEOUT_S", "20.0")),
        token_ttl_days=int(_get(env, "TOKEN_TTL_DAYS", "365")),
        webhook_allow=_get(env, "WEBHOOK_ALLOW", ""),
        session_max_age_s=int(_get(env, "SESSION_MAX_AGE_S", str(12 * 3600))),
        smtp_host=_get(env, "SMTP_HOST"),
        smtp_port=int(_get(env, "SMTP_PORT", "25")),
        smtp_from=_get(env, "SMTP_FROM", "drawreview@localhost"),
        city=_get(env, "CITY"),
        ruleset_dir=ruleset_dir(env),
        authority_dir=Path(_get(env, "AUTHORITY_DIR")).resolve() if _get(env, "AUTHORITY_DIR") else None,
        calendar_file=calendar_file(env),
        public_base_url=(_get(env, "BASE_URL") or "").rstrip("/") or None,
        tsa_url=_get(env, "TSA_URL"),
        pades_lta=_bool(_get(env, "PADES_LTA"), False),
        seal_image=Path(_get(env, "SEAL_IMAGE")).resolve() if _get(env, "SEAL_IMAGE") else None,
        extra={k: v for k, v in {"namespace": _get(env, "NAMESPACE")}.items() if v},
    )
