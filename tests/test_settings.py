"""Settings: embedded-mode defaults under the data dir, the secret key kept on first run,
DATABASE_URL / REDIS_URL bare and prefixed, the size limit, the ruleset and authority dirs."""

from __future__ import annotations

import stat

from drawreview.settings import REPO_RULESETS, load_settings
from tests.conftest import ROOT


def test_defaults_give_the_embedded_mode_and_keep_the_secret_key(tmp_path):
    data = tmp_path / "var"
    first = load_settings({"DRAWREVIEW_DATA_DIR": str(data)})
    assert first.mode == "embedded" and first.redis_url is None
    assert first.is_sqlite and first.database_url == f"sqlite+aiosqlite:///{data.resolve() / 'drawreview.sqlite3'}"
    assert first.blob_dir == data.resolve() / "blobs"
    assert first.max_submission_bytes == 2 * 1024**3
    key_file = data / "secret_key"
    assert key_file.read_text().strip() == first.secret_key and len(first.secret_key) >= 40
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    second = load_settings({"DRAWREVIEW_DATA_DIR": str(data)})
    assert second.secret_key == first.secret_key  # kept, not regenerated
    other = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "elsewhere")})
    assert other.secret_key != first.secret_key
    explicit = load_settings({"DRAWREVIEW_DATA_DIR": str(data), "DRAWREVIEW_SECRET_KEY": "from-env"})
    assert explicit.secret_key == "from-env"


def test_default_data_dir_is_var_in_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the process's cwd, not an injected value
    s = load_settings({})
    assert s.data_dir == (tmp_path / "var").resolve() and (tmp_path / "var" / "secret_key").exists()


def test_database_and_redis_urls_bare_and_prefixed(tmp_path):
    base = {"DRAWREVIEW_DATA_DIR": str(tmp_path)}
    bare = load_settings({**base, "DATABASE_URL": "postgresql://u:p@db:5432/x", "REDIS_URL": "redis://r:6379/0"})
    assert bare.database_url == "postgresql+asyncpg://u:p@db:5432/x" and bare.redis_url == "redis://r:6379/0"
    assert bare.mode == "scaled" and not bare.is_sqlite
    prefixed = load_settings({**base, "DRAWREVIEW_DATABASE_URL": "postgres://u@db/y",
                              "DRAWREVIEW_REDIS_URL": "redis://q:6379/1"})
    assert prefixed.database_url == "postgresql+asyncpg://u@db/y" and prefixed.redis_url == "redis://q:6379/1"
    both = load_settings({**base, "DATABASE_URL": "postgresql://bare/a", "DRAWREVIEW_DATABASE_URL": "postgresql://pre/b"})
    assert both.database_url.endswith("//pre/b")  # the prefixed name wins
    limit = load_settings({**base, "DRAWREVIEW_MAX_SUBMISSION_BYTES": "1000"})
    assert limit.max_submission_bytes == 1000


def test_ruleset_dir_defaults_to_the_checkout_and_is_configurable(tmp_path):
    s = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path)})
    assert s.ruleset_dir == REPO_RULESETS == ROOT / "rulesets" and (s.ruleset_dir / "layers.toml").exists()
    moved = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path), "DRAWREVIEW_RULESET_DIR": str(tmp_path / "rs")})
    assert moved.ruleset_dir == (tmp_path / "rs").resolve()


def test_a_non_editable_install_finds_the_rulesets_through_the_setting(tmp_path):
    """The Docker image installs the package with ``pip install .`` (no rulesets beside it) and
    sets DRAWREVIEW_RULESET_DIR: the loader must read the rules from there."""
    import os
    import shutil
    import subprocess
    import sys

    site = tmp_path / "site"
    shutil.copytree(ROOT / "drawreview", site / "drawreview", ignore=shutil.ignore_patterns("__pycache__", "static"))
    rules = tmp_path / "app-rulesets"
    shutil.copytree(ROOT / "rulesets", rules)
    code = ("import drawreview.rules.loader as l; print(l.__file__); print(l.DEFAULT_DIR); "
            "print(l.DEFAULT_DIR.is_dir(), len(l.load_rules()))")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRAWREVIEW_")}
    missing = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**env, "PYTHONPATH": str(site)},
                             capture_output=True, text=True)
    assert missing.stdout.startswith(str(site))  # the copied package, not the checkout's
    assert "False 0" in missing.stdout  # without the setting the copied package has no rulesets
    found = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                           env={**env, "PYTHONPATH": str(site), "DRAWREVIEW_RULESET_DIR": str(rules)})
    assert found.returncode == 0, found.stderr
    file, where, counts = found.stdout.splitlines()
    assert file.startswith(str(site)) and where == str(rules.resolve())
    assert counts.split()[0] == "True" and int(counts.split()[1]) > 20


def test_authority_dir_setting_holds_the_signing_key(tmp_path):
    from drawreview.services.reports import authority_dir, authority_key

    default = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "d")})
    assert default.authority_dir is None and authority_dir(default) == default.data_dir / "authority"
    shared = tmp_path / "shared-authority"
    s = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "d"), "DRAWREVIEW_AUTHORITY_DIR": str(shared)})
    assert s.authority_dir == shared.resolve() and authority_dir(s) == shared.resolve()
    key, cert = authority_key(s)
    assert key.parent == shared.resolve() and key.is_file() and cert.is_file()
    assert not (s.data_dir / "authority").exists()
    # a second process (another replica) with the same setting uses the same pair
    other = load_settings({"DRAWREVIEW_DATA_DIR": str(tmp_path / "d2"), "DRAWREVIEW_AUTHORITY_DIR": str(shared)})
    assert authority_key(other) == (key, cert) and key.read_bytes() == authority_key(other)[0].read_bytes()
