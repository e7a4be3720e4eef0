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


PAUSE = """
import gc, json, weakref
from drawreview.gcpause import gc_paused

class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the collector frees it

enabled = gc.isenabled()
with gc_paused():
    inside = gc.isenabled()
    with gc_paused():  # nested: the outer pause decides
        kept = [[i] for i in range(50_000)]
    still = gc.isenabled()
    lost = weakref.ref(Node())
young = gc.get_count()[0]
waiting = lost() is not None
gc.collect()
print(json.dumps({"enabled": enabled, "inside": inside, "still": still, "after": gc.isenabled(), "young": young,
                  "waiting": waiting, "freed": lost() is None, "frozen": gc.get_freeze_count(), "kept": len(kept)}))
"""


def test_a_pause_leaves_nothing_for_the_young_generation_and_its_cycles_are_still_collected():
    # in a fresh process: a test process that started an app has frozen its heap (settle), and
    # gc_paused then leaves the freeze alone
    out = subprocess.run([sys.executable, "-c", PAUSE], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["enabled"] and not got["inside"] and not got["still"] and got["after"]
    assert got["young"] < 100  # the 50,000 lists went to the oldest generation: no young pass over them
    assert got["waiting"] and got["freed"]  # a cycle made inside waits for a full collection, which frees it
    assert got["frozen"] == 0 and got["kept"] == 50_000
