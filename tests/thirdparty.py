"""Where the tests find the third-party files they test against (real drawings, BCF schemas).

``../shared`` beside the clone is used as it is when it holds ``drawings/``. Otherwise every
file listed in ``tests/shared.lock.toml`` (public origin URL + SHA-256) is fetched into a cache
(``DRAWREVIEW_TEST_CACHE``, default ``~/.cache/drawreview/shared``) and its hash checked; a
file already cached with the right hash is not fetched again. When neither works the error
says which files are missing and the two ways to fix it.
"""

from __future__ import annotations

import hashlib
import os
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = Path(__file__).resolve().parent / "shared.lock.toml"


class SharedFilesMissing(RuntimeError):
    pass


def locked() -> list[dict]:
    return tomllib.loads(LOCK.read_text(encoding="utf-8"))["file"]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(cache: Path, entries: list[dict] | None = None, timeout: float = 60.0) -> Path:
    """Every locked file (or *entries*) in *cache* with its hash checked; raises
    :class:`SharedFilesMissing` naming the files that could not be had."""
    entries = locked() if entries is None else entries
    failed = []
    for entry in entries:
        target = cache / entry["path"]
        if target.is_file() and sha256(target) == entry["sha256"]:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(target.name + ".part")
        try:
            with urllib.request.urlopen(entry["url"], timeout=timeout) as resp, part.open("wb") as out:
                while chunk := resp.read(1 << 20):
                    out.write(chunk)
        except Exception as exc:  # noqa: BLE001 - no network, 404, refused: named below
            part.unlink(missing_ok=True)
            failed.append(f"{entry['path']} ({entry['url']}): {type(exc).__name__}: {exc}")
            continue
        got = sha256(part)
        if got != entry["sha256"]:
            part.unlink(missing_ok=True)
            failed.append(f"{entry['path']}: SHA-256 {got} is not the locked {entry['sha256']}")
            continue
        part.replace(target)
    if failed:
        raise SharedFilesMissing(
            f"The tests need third-party drawings and schemas: neither {ROOT.parent / 'shared'} (with drawings/) "
            f"exists, nor could {len(failed)} of {len(entries)} locked files be fetched into {cache}:\n  "
            + "\n  ".join(failed[:10]) + ("\n  ..." if len(failed) > 10 else "")
            + "\nFix: put the shared folder (drawings/, specs/) beside the clone, or run the tests once with "
              f"network access to the URLs in {LOCK.name}.")
    return cache


def shared_dir() -> Path:
    """``../shared`` when it is there, else the filled and checked cache."""
    beside = ROOT.parent / "shared"
    if (beside / "drawings").is_dir():
        return beside
    cache = Path(os.environ.get("DRAWREVIEW_TEST_CACHE") or Path.home() / ".cache" / "drawreview" / "shared")
    return fetch(cache)


SHARED = shared_dir()
