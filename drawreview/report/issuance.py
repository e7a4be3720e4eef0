"""Issuing a report: build it (QR code to the verification URL on the cover, the seal on the
盖章 line), sign it (PAdES, with a visible signature on the last page) and hash the final
signed bytes. The recorded SHA-256 therefore refers to exactly the file handed out, and
:func:`drawreview.report.integrity.verify` accepts it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from drawreview.report.font import DEFAULT_FONT, font_chain
from drawreview.report.integrity import sha256_hex
from drawreview.report.model import ReportData, aware
from drawreview.report.pdf import ReportInfo, render_report
from drawreview.report.sections import signature_appearance
from drawreview.report.signing import Appearance, SigningConfig, sign_pdf


@dataclass(frozen=True)
class IssuedReport:
    pdf: bytes  # the final, signed file
    sha256: str  # of ``pdf``
    info: ReportInfo
    render_s: float = 0.0  # seconds spent building the unsigned document
    sign_s: float = 0.0  # and signing it


def appearance_lines(signer: str, level: str, at: datetime | None) -> list[str]:
    when = f"{aware(at):%Y-%m-%d %H:%M %z}" if at else ""
    return ["电子签章 Digitally signed", signer, f"签署时间 {when}".strip(), f"PAdES {level}"]


def visible_signature(info: ReportInfo, lines: list[str], font) -> Appearance:
    """The signature field where the report left room for it, in PDF user space."""
    x0, y0, x1, y1 = info.signature_rect
    h = info.page_height
    return Appearance(page=info.signature_page, box=(x0, h - y1, x1, h - y0),
                      pdf=signature_appearance(lines, font_chain(font), width=x1 - x0, height=y1 - y0))


def issue_report(
    data: ReportData,
    *,
    key_path: str | Path | None = None,
    cert_path: str | Path | None = None,
    signing: SigningConfig | None = None,
    verify_url: str,
    out_path: str | Path | None = None,
    font: str | Path = DEFAULT_FONT,
    seal: bytes | None = None,
) -> IssuedReport:
    """Build, sign and hash the report; also write it to ``out_path`` when given."""
    cfg = signing or SigningConfig(key=Path(key_path), cert=Path(cert_path))
    t0 = time.perf_counter()
    unsigned, info = render_report(data, font=font, verify_url=verify_url, seal=seal)
    t1 = time.perf_counter()
    lines = appearance_lines(data.project.authority, cfg.level, data.project.issued_at)
    signed = sign_pdf(unsigned, cfg, reason=f"施工图审查意见书 {data.project.case_number}",
                      appearance=visible_signature(info, lines, font))
    t2 = time.perf_counter()
    if out_path is not None:
        Path(out_path).write_bytes(signed)
    return IssuedReport(pdf=signed, sha256=sha256_hex(signed), info=info, render_s=t1 - t0, sign_s=t2 - t1)
