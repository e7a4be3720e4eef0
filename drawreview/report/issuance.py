"""Issuing a report: build it (QR code to the verification URL on the cover), sign it
(PAdES), and hash the final signed bytes. The recorded SHA-256 therefore refers to exactly
the file handed out, and :func:`drawreview.report.integrity.verify` accepts it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drawreview.report.font import DEFAULT_FONT
from drawreview.report.integrity import sha256_hex
from drawreview.report.model import ReportData
from drawreview.report.pdf import ReportInfo, render_report
from drawreview.report.signing import sign_pdf


@dataclass(frozen=True)
class IssuedReport:
    pdf: bytes  # the final, signed file
    sha256: str  # of ``pdf``
    info: ReportInfo


def issue_report(
    data: ReportData,
    *,
    key_path: str | Path,
    cert_path: str | Path,
    verify_url: str,
    out_path: str | Path | None = None,
    font: str | Path = DEFAULT_FONT,
) -> IssuedReport:
    """Build, sign and hash the report; also write it to ``out_path`` when given."""
    unsigned, info = render_report(data, font=font, verify_url=verify_url)
    signed = sign_pdf(unsigned, key_path, cert_path, reason=f"施工图审查意见书 {data.project.case_number}")
    if out_path is not None:
        Path(out_path).write_bytes(signed)
    return IssuedReport(pdf=signed, sha256=sha256_hex(signed), info=info)
