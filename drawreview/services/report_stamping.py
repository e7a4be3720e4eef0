"""Stamping and signing an approved round's sheets (审查合格) in the drawing children
(``cad/isolate``'s pool), a hundred sheets a call, as many calls at once as the pool has
children: 5,000 sheets are minutes of pyHanko CPU, which in a thread of the serving process
took one core and the interpreter lock from every other request. The children are niced,
already warm, and each call stamps with one :class:`Stamper` and signs with one
:class:`BatchSigner`. Only blob hashes cross the pipe; the files go through the blob store.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime

from ..cad import isolate
from ..errors import ServiceUnavailable
from ..report.signing import BatchSigner, SigningConfig
from ..report.stamps import Stamper

CHUNK = 100  # sheets per call
SECONDS_PER_SHEET = 2.0  # deadline allowance (a sheet takes ~0.05 s of CPU), beyond a fixed minute


class StampingFailed(ServiceUnavailable):
    code = "stamping_failed"

    def __init__(self, cause: str) -> None:
        super().__init__("盖章图纸生成失败，请稍后重试", "Stamping the sheets failed; try again later",
                         details={"cause": cause[:300]})


def stamp_and_sign(storage, cfg: SigningConfig, case: str, when: datetime, authority: str,
                   items: list[tuple[str, str]], emit=None) -> list[tuple[str, int]]:
    """In a child: each (sheet PDF hash, signature reason) stamped, signed and stored;
    [(stored hash, size)] in the same order."""
    stamper, signer = Stamper(case, when, authority), BatchSigner(cfg)
    out = []
    try:
        for sha256, reason in items:
            with storage.open(sha256) as fh:
                stamped = stamper.stamp(fh.read())
            blob = storage.put_bytes(signer.sign(stamped, reason=reason))
            out.append((blob.sha256, blob.size))
    finally:
        stamper.close()
    return out


async def stamp_all(storage, cfg: SigningConfig, case: str, when: datetime, authority: str,
                    items: list[tuple[str, str]]) -> list[tuple[str, int]]:
    """:func:`stamp_and_sign` over every item, spread over the pool's children."""
    pool = isolate.pool()
    deadline = time.monotonic() + 60 + SECONDS_PER_SHEET * len(items)
    chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
    try:
        done = await asyncio.gather(*(pool.run(stamp_and_sign, (storage, cfg, case, when, authority, chunk),
                                               deadline=deadline) for chunk in chunks))
    except (isolate.Timeout, isolate.ChildDied) as exc:
        raise StampingFailed(str(exc)) from exc
    return [entry for chunk in done for entry in chunk]
