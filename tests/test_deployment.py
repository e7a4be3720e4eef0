"""docker-compose.yml, the Dockerfile and .env.example describe the scaled topology correctly.

Docker cannot run here (tests/test_topology.py runs the same topology as real processes), so
this reads the files: one data volume shared by the migrate job, every app replica and every
worker (blobs, the authority's signing key, workflow.json); the database and Redis URLs; the
app waits for the migration to complete; the image creates /data owned by its runtime user and
points the non-editable install at its copied rulesets."""

from __future__ import annotations

import re

import yaml

from tests.conftest import ROOT


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _env_file(service: dict) -> dict[str, str]:
    files = service.get("env_file") or []
    env: dict[str, str] = {}
    for name in [files] if isinstance(files, str) else files:
        for line in (ROOT / name).read_text().splitlines():
            if line.strip() and not line.lstrip().startswith("#"):
                key, _, value = line.partition("=")
                env[key.strip()] = value.strip()
    env.update(service.get("environment") or {})
    return env


def _mounts(service: dict) -> dict[str, str]:
    """container path -> named volume"""
    out = {}
    for v in service.get("volumes") or []:
        source, target = (v.split(":")[:2]) if isinstance(v, str) else (v["source"], v["target"])
        out[target] = source
    return out


def test_compose_shares_one_data_volume_and_orders_startup():
    c = _compose()
    services = c["services"]
    assert {"app", "worker", "migrate", "postgres", "redis"} <= set(services)
    app_env = _env_file(services["app"])
    assert app_env["DATABASE_URL"].startswith("postgresql://") and "@postgres:" in app_env["DATABASE_URL"]
    assert app_env["REDIS_URL"].startswith("redis://redis:")
    data_dir = app_env["DRAWREVIEW_DATA_DIR"]
    volume = _mounts(services["app"]).get(data_dir)
    assert volume and volume in c["volumes"], "the app's data dir must be a named volume"
    for name in ("worker", "migrate"):
        assert _mounts(services[name]).get(data_dir) == volume, name
        assert _env_file(services[name])["DRAWREVIEW_DATA_DIR"] == data_dir
    # what every replica must share lives on that volume
    for key in ("DRAWREVIEW_BLOB_DIR", "DRAWREVIEW_AUTHORITY_DIR"):
        assert app_env[key].startswith(data_dir.rstrip("/") + "/"), key
    assert app_env.get("DRAWREVIEW_SECRET_KEY"), "replicas must share one secret key"
    # migrate runs `drawreview migrate`; app and worker start after it completed
    cmd = services["migrate"]["command"]
    assert (cmd if isinstance(cmd, list) else cmd.split())[:2] == ["drawreview", "migrate"]
    for name in ("app", "worker"):
        deps = services[name]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully", name
        assert deps["redis"]["condition"] == "service_healthy", name
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["worker"]["command"][:2] == ["drawreview", "worker"]


def test_dockerfile_creates_the_data_dir_for_the_runtime_user():
    text = (ROOT / "Dockerfile").read_text()
    final = text[text.rindex("\nFROM "):]  # the runtime stage
    joined = re.sub(r"\\\n\s*", " ", final)
    user = re.search(r"^USER (\S+)", joined, re.M).group(1)
    assert re.search(rf"useradd\b[^\n]*\b{user}\b", joined)
    assert re.search(r"mkdir -p [^\n]*/data/blobs", joined)
    assert re.search(rf"chown -R {user}(:{user})? /data\b", joined)
    assert joined.index("chown -R") < joined.index(f"USER {user}")
    assert 'VOLUME ["/data"]' in joined
    env = dict(re.findall(r"(DRAWREVIEW_\w+)=(\S+)", " ".join(re.findall(r"^ENV (.*)$", joined, re.M))))
    assert env["DRAWREVIEW_DATA_DIR"] == "/data"
    # the non-editable install reads the rulesets the image copies
    copied = re.search(r"^COPY rulesets/ (\S+)", joined, re.M).group(1)
    workdir = re.search(r"^WORKDIR (\S+)", joined, re.M).group(1)
    assert env["DRAWREVIEW_RULESET_DIR"] == f"{workdir.rstrip('/')}/{copied.rstrip('/')}"


def test_compose_users_reach_one_proxy_that_the_app_trusts():
    """One published address (the proxy, running deploy/nginx.conf — tests/test_proxy.py runs that
    file with the real nginx); the replicas publish nothing and believe X-Forwarded-For only
    from the proxy's fixed address, inside the network's fixed subnet."""
    import ipaddress

    c = _compose()
    services = c["services"]
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"proxy"}
    proxy = services["proxy"]
    assert any(str(v).startswith("./deploy/nginx.conf:/etc/nginx/conf.d/") for v in proxy["volumes"])
    assert (ROOT / "deploy" / "nginx.conf").is_file()
    address = ipaddress.ip_address(proxy["networks"]["default"]["ipv4_address"])
    subnet = ipaddress.ip_network(c["networks"]["default"]["ipam"]["config"][0]["subnet"])
    assert address in subnet
    assert _env_file(services["app"])["DRAWREVIEW_TRUSTED_PROXIES"] == str(address)
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
