"""The started app's heap leaves the garbage collector's full passes (gcpause.settle)."""

import json
import subprocess
import sys

from tests.conftest import ROOT

PROGRAM = """
import gc, json, sys
from starlette.testclient import TestClient
from drawreview.app import create_app
from drawreview.db import migrate
from drawreview.settings import load_settings

settings = load_settings({"DRAWREVIEW_DATA_DIR": sys.argv[1]})
migrate(settings)
before = gc.get_freeze_count()
with TestClient(create_app(settings)) as client:
    assert client.get("/healthz").status_code == 200
    first, first_young = gc.get_freeze_count(), len(gc.get_objects())
print(json.dumps({"before": before, "first": first, "first_young": first_young}))
"""


def test_the_started_apps_heap_is_frozen(tmp_path):
    out = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path / "data")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    counts = json.loads(out.stdout.strip().splitlines()[-1])
    assert counts["before"] == 0
    assert counts["first"] > 100_000  # the libraries, mappers and settings: no longer walked by full passes
    assert counts["first_young"] < 20_000  # what the collector still walks right after the freeze
