"""Shared fixtures for the report tests: real vector sheet PDFs with Chinese text, a
ReportData over them, the rendered report, and a demo authority key."""

from __future__ import annotations

import pytest

from drawreview.report.pdf import render_report
from drawreview.report.sample import sample_report
from drawreview.report.signing import ensure_authority_key

VERIFY_URL = "https://review.example.cn/verify/SC-2025-0312/r2"


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory):
    return sample_report(tmp_path_factory.mktemp("sheets"), comments=18, sheets_per_discipline=2, lines=400)


@pytest.fixture(scope="session")
def rendered(sample_data):
    """(pdf bytes, ReportInfo) of the sample report with a verification QR code."""
    return render_report(sample_data, verify_url=VERIFY_URL)


@pytest.fixture(scope="session")
def authority(tmp_path_factory):
    """(key_path, cert_path) of a demo authority."""
    return ensure_authority_key(tmp_path_factory.mktemp("authority"))
